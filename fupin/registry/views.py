from typing import Any

from django.db.models import Case, IntegerField, Value, When
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from fupin.accounts.forms import ConfirmForm
from fupin.accounts.roles import Action
from fupin.accounts.scoping import covers, prefixes, region_in_scope
from fupin.lib.fields import CENT
from fupin.lib.views import (
    ActionFormView,
    ObjectDetailView,
    ObjectListView,
    ScopedMixin,
    region_page,
)
from fupin.regions.models import Region
from fupin.registry import actions, quality
from fupin.registry.choices import Relation
from fupin.registry.filtersets import HouseholdFilterSet
from fupin.registry.forms import (
    HouseholdEditForm,
    HouseholdForm,
    IncomeForm,
    PersonForm,
    StatusForm,
)
from fupin.registry.models import Household, Person, PovertyLine
from fupin.registry.tables import HouseholdTable, PersonTable, personal, with_list_columns


def changes_somewhere(user: Any) -> bool:
    """Whether to offer "Register a household" (the action still checks the village)."""
    scope = prefixes(user, Action.CHANGE)
    return scope is None or bool(scope)


class HouseholdListView(ObjectListView):
    queryset = with_list_columns(Household.objects.all())
    filterset_class = HouseholdFilterSet
    table_class = HouseholdTable
    title = gettext_lazy("Registered households")
    export_name = "households"
    template_name = "registry/household_list.html"

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = changes_somewhere(self.request.user)
        return context


class HouseholdDetailView(ObjectDetailView):
    queryset = Household.objects.select_related("village")
    template_name = "registry/household_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        household: Household = self.object
        user = self.request.user
        can_change = covers(user, household.village_id, Action.CHANGE)
        members = household.members.order_by(
            Case(
                When(relation=Relation.HEAD, then=Value(0)), default=1, output_field=IntegerField()
            ),
            "id",
        )
        incomes = list(household.incomes.order_by("year"))
        # The line is a published figure of the province, read for the years shown.
        lines = dict(
            PovertyLine.objects.filter(
                province_id=household.village_id[:2], year__in=[i.year for i in incomes]
            ).values_list("year", "amount")
        )
        for income in incomes:
            income.line = lines.get(income.year)  # type: ignore[attr-defined]
            income.below = income.line is not None and income.per_capita < income.line  # type: ignore[attr-defined]
        context.update(
            title=f"{household.village.name} {household.number}",
            ancestors=household.village.ancestors(),
            can_change=can_change,
            phone=personal(user, household.village_id, "phone", household.phone),
            bank_account=personal(
                user, household.village_id, "bank_account", household.bank_account
            ),
            members=PersonTable(members, user=user, exclude=() if can_change else ("edit",)),
            history=household.history.select_related("recorded_by").order_by("year", "id"),
            incomes=incomes,
        )
        return context


class HouseholdFormView(ActionFormView):
    """A form about one household (or a new one), back to the household page when done."""

    queryset: Any = Household.objects.all()
    scope_action = Action.CHANGE

    def household(self) -> Household:
        return self.object

    def get_success_url(self, result: Any = None) -> str:
        target = result if isinstance(result, Household) else self.household()
        return target.get_absolute_url()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = (
            self.household().get_absolute_url()
            if self.object is not None
            else reverse("registry:household-list")
        )
        return context


class HouseholdCreateView(HouseholdFormView):
    form_class = HouseholdForm
    title = gettext_lazy("Register a household")

    def get_initial(self) -> dict[str, Any]:
        return {
            "village": self.request.GET.get("village", ""),
            "registered_in": timezone.localdate().year,
        }

    def perform(self, form: Any) -> Household:
        data = dict(form.cleaned_data)
        return actions.create_household(
            actor=self.request.user, village_code=data.pop("village"), **data
        )


class HouseholdUpdateView(HouseholdFormView):
    object_view = True
    form_class = HouseholdEditForm
    title = gettext_lazy("Edit household")

    def get_initial(self) -> dict[str, Any]:
        initial = model_to_dict(self.object, fields=HouseholdEditForm.Meta.fields)
        initial["arable_land"] = initial["arable_land"].quantize(CENT)  # 3.50, not 3.5
        return initial

    def perform(self, form: Any) -> Household:
        return actions.update_household(
            actor=self.request.user, household=self.object, **form.cleaned_data
        )


class HouseholdDeleteView(HouseholdFormView):
    object_view = True
    form_class = ConfirmForm
    title = gettext_lazy("Delete household")
    template_name = "generic/confirm_delete.html"

    def perform(self, form: Any) -> None:
        actions.delete_household(actor=self.request.user, household=self.object)

    def success_message(self) -> str:
        return _("The household was deleted.")

    def get_success_url(self, result: Any = None) -> str:
        return reverse("registry:household-list")


class PersonCreateView(HouseholdFormView):
    object_view = True
    form_class = PersonForm
    title = gettext_lazy("Add a member")

    def perform(self, form: Any) -> None:
        actions.add_person(actor=self.request.user, household=self.object, **form.cleaned_data)


class StatusChangeCreateView(HouseholdFormView):
    object_view = True
    form_class = StatusForm
    title = gettext_lazy("Record a status change")

    def get_initial(self) -> dict[str, Any]:
        return {"year": timezone.localdate().year}

    def perform(self, form: Any) -> None:
        actions.record_status(actor=self.request.user, household=self.object, **form.cleaned_data)


class IncomeRecordCreateView(HouseholdFormView):
    object_view = True
    form_class = IncomeForm
    title = gettext_lazy("Record income")

    def get_initial(self) -> dict[str, Any]:
        return {"year": timezone.localdate().year - 1}

    def perform(self, form: Any) -> None:
        data = dict(form.cleaned_data)
        actions.record_income(
            actor=self.request.user, household=self.object, year=data.pop("year"), **data
        )


class PersonFormView(HouseholdFormView):
    """A form about one member, back to the member's household when done."""

    queryset = Person.objects.select_related("household__village")
    object_view = True

    def household(self) -> Household:
        return self.object.household


class PersonUpdateView(PersonFormView):
    form_class = PersonForm
    title = gettext_lazy("Edit member")

    def get_initial(self) -> dict[str, Any]:
        initial = model_to_dict(self.object, fields=PersonForm.Meta.fields)
        # Sex and birth date come from the ID number unless typed: a corrected ID then brings
        # its own, instead of clashing with the old ones left in the form.
        initial.pop("sex", None)
        initial.pop("birth_date", None)
        return initial

    def perform(self, form: Any) -> None:
        actions.update_person(actor=self.request.user, person=self.object, **form.cleaned_data)


class PersonDeleteView(PersonFormView):
    form_class = ConfirmForm
    title = gettext_lazy("Remove member")
    template_name = "generic/confirm_delete.html"

    def perform(self, form: Any) -> None:
        actions.delete_person(actor=self.request.user, person=self.object)

    def success_message(self) -> str:
        return _("The member was removed.")


class QualityView(ScopedMixin, TemplateView):
    """The national data checks as warnings for a region the user may see (?region=CODE)."""

    queryset = Household.objects.all()
    template_name = "registry/quality.html"
    shown = 500

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        asked = self.request.GET.get("region", "").strip()
        code = region_page(region_in_scope(self.request.user, asked), asked)
        counts = quality.counts_for(code)
        context.update(
            title=_("Data quality"),
            region=Region.objects.get(code=code),
            counts=[(quality.CHECK_LABELS[k], n) for k, n in counts.items()],
            total=sum(counts.values()),
            warnings=[
                (w, quality.CHECK_LABELS[w.check])
                for w in quality.warnings_for(code, limit=self.shown)
            ],
            shown=self.shown,
        )
        return context
