"""Household plans (一户一策) and their measures, with the printable plan sheet."""

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.audit.links import audit_url
from fupin.lib.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    changes_somewhere,
)
from fupin.pairing import actions, checks
from fupin.pairing.choices import PairingKind, Skill
from fupin.pairing.filtersets import (
    HouseholdPlanFilterSet,
)
from fupin.pairing.forms import (
    MeasureForm,
    PlanCreateForm,
    PlanForm,
)
from fupin.pairing.models import Helper, HouseholdPlan, Measure, Pairing
from fupin.pairing.pdf import plan_sheet
from fupin.pairing.rules import main_need
from fupin.pairing.tables import (
    HouseholdPlanTable,
    pairing_rows,
    plan_rows,
)

# Reasons the optimiser gives for a beneficiary it could not pair (optimise.propose items).
from fupin.pairing.views.common import (
    UserTableMixin,
    head_of,
    mine,
)
from fupin.registry.models import Household


class HouseholdPlanListView(UserTableMixin, ObjectListView):
    queryset = plan_rows(HouseholdPlan.objects.all())
    filterset_class = HouseholdPlanFilterSet
    table_class = HouseholdPlanTable
    title = gettext_lazy("Household plans")
    export_name = "plans"
    template_name = "pairing/plan_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = changes_somewhere(self.request.user, Helper.objects) or mine(
            self.request.user
        )
        return context


class HouseholdPlanDetailView(ObjectDetailView):
    queryset = HouseholdPlan.objects.select_related("household", "region")
    template_name = "pairing/plan_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        plan: HouseholdPlan = self.object
        user = self.request.user
        pairings = pairing_rows(
            Pairing.objects.for_user(user).filter(
                household=plan.household_id, ended_on__isnull=True
            )
        ).order_by("kind", "pk")
        context.update(
            title=_("Household plan %(household)s, %(year)s")
            % {"household": plan.household.number, "year": plan.year},
            head=head_of(plan.household),
            # As the plan says, else what its main measure's category needs (the optimiser's).
            need=dict(Skill.choices).get(main_need(plan), ""),
            measures=plan.measures.order_by("-is_main", "id"),
            pairings=pairings,
            unvisited=checks.unvisited(
                Pairing.objects.filter(household=plan.household_id, kind=PairingKind.PRIMARY)
            ).exists(),
            audit_url=audit_url(plan),
        )
        return context


class HouseholdPlanPdfView(ObjectDetailView):
    """The plan sheet to print and sign (PDF)."""

    queryset = HouseholdPlan.objects.select_related("household", "region")

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        plan: HouseholdPlan = self.object
        response = HttpResponse(plan_sheet(plan), content_type="application/pdf")
        name = f"plan-{plan.household.village_id}-{plan.household.number}-{plan.year}.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response


class HouseholdPlanCreateView(ObjectEditView):
    queryset = HouseholdPlan.objects.all()
    form_class = PlanCreateForm
    title = gettext_lazy("New household plan")
    cancel = "pairing:plan-list"
    action = actions.create_plan

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {"year": timezone.localdate().year}
        household = self.request.GET.get("household", "")
        if household.isascii() and household.isdigit():
            found = Household.objects.for_user(self.request.user).filter(pk=household).first()
            if found is not None:
                initial.update(village=found.village_id, number=found.number)
        return initial

    def action_kwargs(self, form: Any) -> dict[str, Any]:
        data = dict(form.cleaned_data)
        data.pop("village")
        data.pop("number")
        return data


class HouseholdPlanUpdateView(ObjectEditView):
    queryset = HouseholdPlan.objects.select_related("household")
    form_class = PlanForm
    title = gettext_lazy("Edit household plan")
    action = actions.update_plan
    object_arg = "plan"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.object}


class HouseholdPlanDeleteView(ObjectDeleteView):
    queryset = HouseholdPlan.objects.select_related("household")
    title = gettext_lazy("Delete household plan")
    action = actions.delete_plan
    object_arg = "plan"
    message = gettext_lazy("The household plan was deleted.")
    success_url_name = "pairing:plan-list"


class MeasureCreateView(ObjectEditView):
    queryset = HouseholdPlan.objects.select_related("household")
    form_class = MeasureForm
    title = gettext_lazy("Add a measure")
    action = actions.add_measure
    object_arg = "plan"


class MeasureUpdateView(ObjectEditView):
    queryset = Measure.objects.select_related("plan__household")
    form_class = MeasureForm
    title = gettext_lazy("Edit measure")
    action = actions.update_measure
    object_arg = "measure"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.object}

    def cancel_url(self) -> str:
        return str(self.object.plan.get_absolute_url())

    def get_success_url(self, result: Any = None) -> str:
        return str(self.object.plan.get_absolute_url())


class MeasureDeleteView(ObjectDeleteView):
    queryset = Measure.objects.select_related("plan__household")
    title = gettext_lazy("Delete measure")
    action = actions.delete_measure
    object_arg = "measure"
    message = gettext_lazy("The measure was deleted.")

    def cancel_url(self) -> str:
        return str(self.object.plan.get_absolute_url())

    def get_success_url(self, result: Any = None) -> str:
        return str(self.object.plan.get_absolute_url())


# Cap rules ----------------------------------------------------------------------------------
