"""Filters of the registry, shared by the household list page and the API."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import personal_data_q
from fupin.lib.filters import IdFilter, IntegerFilter, year_filter
from fupin.lib.forms import MAX_YEAR, MIN_YEAR
from fupin.regions.codes import is_digits, subtree_q
from fupin.registry.choices import NOT_EXITED, Attribute, Cause, Relation, Status
from fupin.registry.models import Household, IncomeRecord, Person


def id_search(user: Any, value: str) -> Q:
    """People whose full ID number is `value`, only where `user` may see ID numbers.

    An auditor sees IDs masked (510821********1234); if a search matched hidden digits, trying
    numbers one by one would reveal them. So an ID matches only inside the subtrees where the
    user sees personal data (per record: a helper's own households only), and only in full (a
    partial match would leak digit by digit).
    """
    number = value.strip().upper()
    if len(number) != 18:
        return Q(pk__in=[])
    return Q(id_number=number) & personal_data_q(user, Person)


def user_of(filterset: django_filters.FilterSet) -> Any:
    request = getattr(filterset, "request", None)
    return getattr(request, "user", None)


# Besides each status, the households not yet exited as the statistics count them (poor or
# relapsed: registry.choices.NOT_EXITED), so that a figure's link lists what it counts.
NOT_EXITED_CHOICE = "not_exited"
STATUS_CHOICES = [
    (NOT_EXITED_CHOICE, _("Not yet exited, relapsed included")),
    *Status.choices,
]


class HouseholdFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("income_min"), data.get("income_max")
        if (low is not None or high is not None) and not data.get("income_year"):
            self.add_error("income_year", _("Give the year of the income."))
        if low is not None and high is not None and low > high:
            self.add_error("income_max", _("The upper bound is below the lower bound."))
        return data


class HouseholdFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name, ID number or household number"))
    region = django_filters.CharFilter(method="within", label=_("Within region (code)"))
    status = django_filters.ChoiceFilter(
        method="with_status", choices=STATUS_CHOICES, label=_("Status")
    )
    cause = django_filters.ChoiceFilter(
        method="with_cause", choices=Cause.choices, label=_("Poverty cause")
    )
    attribute = django_filters.ChoiceFilter(choices=Attribute.choices, label=_("Attribute"))
    registered_in = year_filter(_("Year of registration"))
    # The three income filters act together (see `filter_queryset`): the per-capita net income
    # of one year between two bounds.
    income_year = IntegerFilter(
        method="skip", min_value=MIN_YEAR, max_value=MAX_YEAR, label=_("Income year")
    )
    income_min = django_filters.NumberFilter(
        method="skip", max_digits=14, decimal_places=2, label=_("Per-capita income from")
    )
    income_max = django_filters.NumberFilter(
        method="skip", max_digits=14, decimal_places=2, label=_("Per-capita income to")
    )

    class Meta:
        model = Household
        fields = [
            "q",
            "region",
            "status",
            "cause",
            "attribute",
            "registered_in",
            "income_year",
            "income_min",
            "income_max",
        ]
        form = HouseholdFilterForm

    def search(self, queryset: QuerySet[Household], name: str, value: str) -> QuerySet[Household]:
        # Subqueries, not joins: a household with three matching members stays one row.
        members = Person.objects.filter(Q(name__icontains=value) | id_search(user_of(self), value))
        return queryset.filter(
            Q(number__icontains=value) | Q(pk__in=members.values("household_id"))
        )

    def within(self, queryset: QuerySet[Household], name: str, value: str) -> QuerySet[Household]:
        if not is_digits(value):
            return queryset.none()
        return queryset.filter(subtree_q("village__code", value))

    def with_status(
        self, queryset: QuerySet[Household], name: str, value: str
    ) -> QuerySet[Household]:
        if value == NOT_EXITED_CHOICE:
            return queryset.filter(status__in=NOT_EXITED)
        return queryset.filter(status=value)

    def with_cause(
        self, queryset: QuerySet[Household], name: str, value: str
    ) -> QuerySet[Household]:
        return queryset.filter(
            Q(main_cause=value) | Q(other_cause_1=value) | Q(other_cause_2=value)
        )

    def skip(self, queryset: QuerySet[Household], name: str, value: Any) -> QuerySet[Household]:
        return queryset

    def filter_queryset(self, queryset: QuerySet[Household]) -> QuerySet[Household]:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        year = data.get("income_year")
        if not year:
            return queryset
        incomes = IncomeRecord.objects.filter(year=year)
        if data.get("income_min") is not None:
            incomes = incomes.filter(per_capita__gte=data["income_min"])
        if data.get("income_max") is not None:
            incomes = incomes.filter(per_capita__lte=data["income_max"])
        return queryset.filter(pk__in=incomes.values("household_id"))


class PersonFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or ID number"))
    household = IdFilter(field_name="household_id", label=_("Household"))
    region = django_filters.CharFilter(method="within", label=_("Within region (code)"))
    relation = django_filters.ChoiceFilter(
        choices=Relation.choices, label=_("Relation to the head")
    )

    class Meta:
        model = Person
        fields = ["q", "household", "region", "relation"]

    def search(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        return queryset.filter(Q(name__icontains=value) | id_search(user_of(self), value))

    def within(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        if not is_digits(value):
            return queryset.none()
        return queryset.filter(subtree_q("village_code", value))
