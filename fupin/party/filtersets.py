"""Filters of the party organisations and members, shared by the list pages and the API.

Every filter checks what it is given (fupin/lib/filters.py, fupin/regions/filters.py): a region
code that is not one, a value outside its list, a date that is no date or an end before the
start makes the filter form invalid, which the API answers with a 400 naming the field (and
the page shows on the form).
"""

import datetime

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fupin.lib.filters import DateRangeForm, IdFilter, YesNoFilter, since_filter, until_filter
from fupin.party.choices import (
    Channel,
    MembershipStatus,
    OrgKind,
    OrgLevel,
    ServiceKind,
    Stage,
    TagKind,
)
from fupin.party.models import (
    MEMBER_STAGES,
    Coverage,
    DevelopmentStep,
    Member,
    MemberTag,
    Organisation,
    Reorganisation,
    ReorganisationRegion,
    ServiceLog,
)
from fupin.regions.choices import Level
from fupin.regions.filters import CoveredRegionFilter, RegionFilter

# Members proper (probationary and full) or people in the development pipeline before them.
MEMBERS, PIPELINE = "members", "pipeline"
CATEGORIES = [
    (MEMBERS, _("Party members (probationary and full)")),
    (PIPELINE, _("In development (applicants, activists, targets)")),
]
# Where a member is attached: a village (农村党员) or an organ of a township, county or above.
VILLAGE, ORGAN = "village", "organ"
PLACES = [(VILLAGE, _("In a village")), (ORGAN, _("In an organ (township, county or above)"))]


def holds_today() -> Q:
    """Tags that hold today: no end date, or one not yet passed."""
    return Q(until__isnull=True) | Q(until__gte=datetime.date.today())


def current_tags(kind: str) -> QuerySet[MemberTag]:
    return MemberTag.objects.filter(holds_today(), kind=kind)


class OrganisationFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Name contains"))
    region = CoveredRegionFilter(model=Coverage, link="organisation")
    level = django_filters.ChoiceFilter(choices=OrgLevel.choices, label=_("Level"))
    kind = django_filters.ChoiceFilter(choices=OrgKind.choices, label=_("Kind"))
    open = YesNoFilter(q=Q(closed_on__isnull=True), label=_("Open (not closed)"))
    parent = IdFilter(field_name="parent_id", label=_("Parent organisation"))

    class Meta:
        model = Organisation
        fields = ["name", "region", "level", "kind", "open", "parent"]


class MemberFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Name contains"))
    organisation = IdFilter(field_name="organisation_id", label=_("Organisation"))
    region = RegionFilter(field_name="region__code")
    tag = django_filters.ChoiceFilter(
        method="with_tag", choices=TagKind.choices, label=_("Current tag")
    )
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stage"))
    category = django_filters.ChoiceFilter(
        method="in_category", choices=CATEGORIES, label=_("Category")
    )
    where = django_filters.ChoiceFilter(method="attached", choices=PLACES, label=_("Attached to"))
    status = django_filters.ChoiceFilter(
        choices=MembershipStatus.choices, label=_("Membership status")
    )
    migrant = YesNoFilter(q=~Q(migrant_to=""), label=_("Migrant"))
    lost_contact = YesNoFilter(q=Q(lost_contact_on__isnull=False), label=_("Lost contact"))

    class Meta:
        model = Member
        fields = [
            "name",
            "organisation",
            "region",
            "tag",
            "stage",
            "category",
            "where",
            "status",
            "migrant",
            "lost_contact",
        ]

    def with_tag(self, queryset: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        # A subquery, not a join: a member tagged twice with one kind stays one row.
        return queryset.filter(pk__in=current_tags(value).values("member_id"))

    def attached(self, queryset: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        village = Q(region__level=Level.VILLAGE)
        return queryset.filter(village if value == VILLAGE else ~village)

    def in_category(self, queryset: QuerySet[Member], name: str, value: str) -> QuerySet[Member]:
        members = Q(stage__in=MEMBER_STAGES)
        return queryset.filter(members if value == MEMBERS else ~members)


class MemberTagFilterSet(django_filters.FilterSet):
    member = IdFilter(field_name="member_id", label=_("Party member"))
    region = RegionFilter(field_name="region_code")
    kind = django_filters.ChoiceFilter(choices=TagKind.choices, label=_("Tag"))
    current = YesNoFilter(q=holds_today, label=_("Current"))

    class Meta:
        model = MemberTag
        fields = ["member", "region", "kind", "current"]


class DevelopmentStepFilterSet(django_filters.FilterSet):
    member = IdFilter(field_name="member_id", label=_("Party member"))
    region = RegionFilter(field_name="region_code")
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stage"))
    since = since_filter()
    until = until_filter()

    class Meta:
        model = DevelopmentStep
        fields = ["member", "region", "stage", "since", "until"]
        form = DateRangeForm


class ServiceLogFilterSet(django_filters.FilterSet):
    member = IdFilter(field_name="member_id", label=_("Party member"))
    region = RegionFilter(field_name="village__code")
    kind = django_filters.ChoiceFilter(choices=ServiceKind.choices, label=_("Kind"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    since = since_filter()
    until = until_filter()

    class Meta:
        model = ServiceLog
        fields = ["member", "region", "kind", "channel", "since", "until"]
        form = DateRangeForm


class ReorganisationFilterSet(django_filters.FilterSet):
    region = CoveredRegionFilter(model=ReorganisationRegion, link="reorganisation")
    since = since_filter()
    until = until_filter()

    class Meta:
        model = Reorganisation
        fields = ["region", "since", "until"]
        form = DateRangeForm
