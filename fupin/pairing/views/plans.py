"""Household plans (一户一策) and their measures, with the printable plan sheet."""

from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.audit.links import audit_url
from fupin.lib.forms import ConfirmForm
from fupin.lib.views import ObjectDetailView, ObjectListView, changes_somewhere
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
    PairingFormView,
    UserTableMixin,
    changeable,
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
            can_change=changeable(user, plan),
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


class HouseholdPlanCreateView(PairingFormView):
    queryset = HouseholdPlan.objects.all()
    form_class = PlanCreateForm
    title = gettext_lazy("New household plan")
    cancel = "pairing:plan-list"

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

    def perform(self, form: Any) -> HouseholdPlan:
        data = dict(form.cleaned_data)
        data.pop("village")
        data.pop("number")
        household = data.pop("household")
        return actions.create_plan(actor=self.request.user, household=household, **data)


class HouseholdPlanFormView(PairingFormView):
    queryset = HouseholdPlan.objects.select_related("household")
    object_view = True


class HouseholdPlanUpdateView(HouseholdPlanFormView):
    form_class = PlanForm
    title = gettext_lazy("Edit household plan")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form: Any) -> HouseholdPlan:
        return actions.update_plan(actor=self.request.user, plan=self.object, **form.cleaned_data)


class HouseholdPlanDeleteView(HouseholdPlanFormView):
    form_class = ConfirmForm
    title = gettext_lazy("Delete household plan")
    template_name = "generic/confirm_delete.html"

    def perform(self, form: Any) -> None:
        actions.delete_plan(actor=self.request.user, plan=self.object)

    def success_message(self) -> str:
        return _("The household plan was deleted.")

    def get_success_url(self, result: Any = None) -> str:
        return reverse("pairing:plan-list")


class MeasureCreateView(HouseholdPlanFormView):
    form_class = MeasureForm
    title = gettext_lazy("Add a measure")

    def perform(self, form: Any) -> None:
        actions.add_measure(actor=self.request.user, plan=self.object, **form.cleaned_data)


class MeasureFormView(PairingFormView):
    queryset = Measure.objects.select_related("plan__household")
    object_view = True

    def cancel_url(self) -> str:
        return str(self.object.plan.get_absolute_url())

    def get_success_url(self, result: Any = None) -> str:
        return str(self.object.plan.get_absolute_url())


class MeasureUpdateView(MeasureFormView):
    form_class = MeasureForm
    title = gettext_lazy("Edit measure")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form: Any) -> None:
        actions.update_measure(actor=self.request.user, measure=self.object, **form.cleaned_data)


class MeasureDeleteView(MeasureFormView):
    form_class = ConfirmForm
    title = gettext_lazy("Delete measure")
    template_name = "generic/confirm_delete.html"

    def perform(self, form: Any) -> None:
        actions.delete_measure(actor=self.request.user, measure=self.object)

    def success_message(self) -> str:
        return _("The measure was deleted.")


# Cap rules ----------------------------------------------------------------------------------
