from typing import Any

from django.db.models import Case, IntegerField, Value, When
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from fupin.accounts.scoping import region_in_scope
from fupin.lib.fields import CENT
from fupin.lib.tables import personal
from fupin.lib.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedMixin,
    changes_somewhere,
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
from fupin.registry.tables import HouseholdTable, PersonTable, with_list_columns


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
        context["can_add"] = changes_somewhere(self.request.user, Household.objects)
        return context


class HouseholdDetailView(ObjectDetailView):
    queryset = Household.objects.select_related("village")
    template_name = "registry/household_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        household: Household = self.object
        user = self.request.user
        can_change = context["permitted"]["change"]
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
            phone=personal(user, household.village_id, "phone", household.phone, record=household),
            bank_account=personal(
                user,
                household.village_id,
                "bank_account",
                household.bank_account,
                record=household,
            ),
            members=PersonTable(members, user=user, exclude=() if can_change else ("edit",)),
            history=household.history.select_related("recorded_by").order_by("year", "id"),
            incomes=incomes,
        )
        return context


class HouseholdFormView(ObjectEditView):
    """A form about one household (or a new one), back to the household page when done."""

    queryset: Any = Household.objects.all()
    cancel = "registry:household-list"
    object_arg = "household"

    def household(self) -> Household:
        return self.object

    def get_success_url(self, result: Any = None) -> str:
        target = result if isinstance(result, Household) else self.household()
        return target.get_absolute_url()

    def cancel_url(self) -> str:
        return (
            self.household().get_absolute_url() if self.object is not None else super().cancel_url()
        )


class HouseholdCreateView(HouseholdFormView):
    form_class = HouseholdForm
    title = gettext_lazy("Register a household")
    action = actions.create_household
    renamed = {"village": "village_code"}

    def get_initial(self) -> dict[str, Any]:
        return {
            "village": self.request.GET.get("village", ""),
            "registered_in": timezone.localdate().year,
        }


class HouseholdUpdateView(HouseholdFormView):
    form_class = HouseholdEditForm
    title = gettext_lazy("Edit household")
    action = actions.update_household

    def get_initial(self) -> dict[str, Any]:
        initial = model_to_dict(self.object, fields=HouseholdEditForm.Meta.fields)
        if initial["arable_land"] is not None:  # None: not reported
            initial["arable_land"] = initial["arable_land"].quantize(CENT)  # 3.50, not 3.5
        return initial


class HouseholdDeleteView(ObjectDeleteView):
    queryset = Household.objects.all()
    title = gettext_lazy("Delete household")
    action = actions.delete_household
    object_arg = "household"
    message = gettext_lazy("The household was deleted.")
    success_url_name = "registry:household-list"


class PersonCreateView(HouseholdFormView):
    form_class = PersonForm
    title = gettext_lazy("Add a member")
    action = actions.add_person


class StatusChangeCreateView(HouseholdFormView):
    form_class = StatusForm
    title = gettext_lazy("Record a status change")
    action = actions.record_status

    def get_initial(self) -> dict[str, Any]:
        return {"year": timezone.localdate().year}


class IncomeRecordCreateView(HouseholdFormView):
    form_class = IncomeForm
    title = gettext_lazy("Record income")
    action = actions.record_income

    def get_initial(self) -> dict[str, Any]:
        return {"year": timezone.localdate().year - 1}


class PersonFormView(HouseholdFormView):
    """A form about one member, back to the member's household when done."""

    queryset = Person.objects.select_related("household__village")
    object_arg = "person"

    def household(self) -> Household:
        return self.object.household


class PersonUpdateView(PersonFormView):
    form_class = PersonForm
    title = gettext_lazy("Edit member")
    action = actions.update_person

    def get_initial(self) -> dict[str, Any]:
        initial = model_to_dict(self.object, fields=PersonForm.Meta.fields)
        # Sex and birth date come from the ID number unless typed: a corrected ID then brings
        # its own, instead of clashing with the old ones left in the form.
        initial.pop("sex", None)
        initial.pop("birth_date", None)
        return initial


class PersonDeleteView(ObjectDeleteView, PersonFormView):
    title = gettext_lazy("Remove member")
    action = actions.delete_person
    message = gettext_lazy("The member was removed.")


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
