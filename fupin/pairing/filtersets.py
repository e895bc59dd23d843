"""Filters of the pairing pages: helpers, pairings, household plans, visits, cap rules and
proposals. Each checks what it is given (a region code that is not one, a value outside its
list, an end date before the start), so a bad filter shows its error on the page.

Searches match names and household numbers, never ID numbers: an auditor sees IDs masked,
and a search over hidden digits would reveal them.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fupin.lib.filters import (
    DateRangeForm,
    IdFilter,
    YesNoFilter,
    since_filter,
    until_filter,
    year_filter,
)
from fupin.pairing.choices import PairingKind, ProposalChange, ProposalStatus, Skill, Source
from fupin.pairing.models import (
    CapRule,
    Helper,
    HouseholdPlan,
    Pairing,
    Proposal,
    ProposalItem,
    Visit,
)
from fupin.regions.filters import RegionFilter
from fupin.registry.models import Person


def head_named(value: str, household: str = "household") -> Q:
    """Rows whose household's head (or any member) is named like `value`."""
    people = Person.objects.filter(household=OuterRef(household), name__icontains=value)
    return Q(Exists(people))


def helper_or_beneficiary(value: str) -> Q:
    """Pairings or visits whose helper or beneficiary is named like `value`, or whose
    household has this number."""
    return (
        Q(helper__member__name__icontains=value)
        | Q(member__name__icontains=value)
        | Q(household__number=value)
        | head_named(value)
    )


class HelperFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name contains"))
    region = RegionFilter(field_name="region__code")
    skill = django_filters.ChoiceFilter(
        method="with_skill", choices=Skill.choices, label=_("Expertise")
    )
    leader = YesNoFilter(q=Q(is_leader=True), label=_("Wealth or project leader"))
    active = YesNoFilter(q=Q(active=True), label=_("Active"))

    class Meta:
        model = Helper
        fields = ["q", "region", "skill", "leader", "active"]

    def search(self, queryset: QuerySet[Helper], name: str, value: str) -> QuerySet[Helper]:
        return queryset.filter(member__name__icontains=value.strip())

    def with_skill(self, queryset: QuerySet[Helper], name: str, value: str) -> QuerySet[Helper]:
        # Skill codes are stored comma-separated; the commas around make "jobs" miss "x_jobs".
        return queryset.filter(
            Q(expertise=value)
            | Q(expertise__startswith=f"{value},")
            | Q(expertise__endswith=f",{value}")
            | Q(expertise__contains=f",{value},")
        )


class PairingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("Helper, beneficiary or household number")
    )
    region = RegionFilter(field_name="region__code")
    kind = django_filters.ChoiceFilter(choices=PairingKind.choices, label=_("Kind"))
    current = YesNoFilter(q=Q(ended_on__isnull=True), label=_("Current (not ended)"))
    helper = IdFilter(field_name="helper_id", label=_("Helper"))
    source = django_filters.ChoiceFilter(choices=Source.choices, label=_("Made"))

    class Meta:
        model = Pairing
        fields = ["q", "region", "kind", "current", "helper", "source"]

    def search(self, queryset: QuerySet[Pairing], name: str, value: str) -> QuerySet[Pairing]:
        return queryset.filter(helper_or_beneficiary(value.strip()))


class HouseholdPlanFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Household number or name"))
    region = RegionFilter(field_name="region__code")
    year = year_filter(_("Year"))
    main_need = django_filters.ChoiceFilter(choices=Skill.choices, label=_("Main need"))

    class Meta:
        model = HouseholdPlan
        fields = ["q", "region", "year", "main_need"]

    def search(
        self, queryset: QuerySet[HouseholdPlan], name: str, value: str
    ) -> QuerySet[HouseholdPlan]:
        value = value.strip()
        return queryset.filter(Q(household__number=value) | head_named(value))


class VisitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("Helper, beneficiary or household number")
    )
    region = RegionFilter(field_name="region__code")
    helper = IdFilter(field_name="helper_id", label=_("Helper"))
    since = since_filter("visited_on")
    until = until_filter("visited_on")

    class Meta:
        model = Visit
        fields = ["q", "region", "helper", "since", "until"]
        form = DateRangeForm

    def search(self, queryset: QuerySet[Visit], name: str, value: str) -> QuerySet[Visit]:
        return queryset.filter(helper_or_beneficiary(value.strip()))


class CapRuleFilterSet(django_filters.FilterSet):
    region = RegionFilter(field_name="region__code")

    class Meta:
        model = CapRule
        fields = ["region"]


class ProposalFilterSet(django_filters.FilterSet):
    region = RegionFilter(field_name="region__code")
    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices, label=_("Status"))

    class Meta:
        model = Proposal
        fields = ["region", "status"]


class ProposalItemFilterSet(django_filters.FilterSet):
    """A proposal's items by their change: new, changed, unassignable (the page's sections)."""

    change = django_filters.ChoiceFilter(choices=ProposalChange.choices, label=_("Change"))

    class Meta:
        model = ProposalItem
        fields = ["change"]
