"""Filters of the project pages and API: projects, partners, participants, dividend runs and
purchase contracts. Defined once, used by both (a bad value is an error on the page and a 400
in the API)."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fupin.lib.filters import IdFilter, YesNoFilter, year_filter
from fupin.projects.choices import (
    ContractStatus,
    PartnerKind,
    ProjectType,
    RunStatus,
    SetupModel,
    Stage,
)
from fupin.projects.models import (
    DividendRun,
    Participant,
    Partner,
    Project,
    ProjectVillage,
    PurchaseContract,
)
from fupin.regions.filters import CoveredRegionFilter, RegionFilter


class ProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or product contains"))
    region = CoveredRegionFilter(model=ProjectVillage, link="project")
    type = django_filters.ChoiceFilter(choices=ProjectType.choices, label=_("Type"))
    setup = django_filters.ChoiceFilter(choices=SetupModel.choices, label=_("Set up as"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Approval stage"))
    leader = IdFilter(field_name="leaders", label=_("Leading party member"))
    partner = IdFilter(field_name="partners", label=_("Partner"))
    organisation = IdFilter(field_name="organisation_id", label=_("Party organisation"))

    class Meta:
        model = Project
        fields = ["q", "region", "type", "setup", "stage", "leader", "partner", "organisation"]

    def search(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(product__icontains=value))


class PartnerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or credit code"))
    region = RegionFilter(field_name="region__code")
    kind = django_filters.ChoiceFilter(choices=PartnerKind.choices, label=_("Kind"))
    project = IdFilter(field_name="projects", label=_("Project"))

    class Meta:
        model = Partner
        fields = ["q", "region", "kind", "project"]

    def search(self, queryset: QuerySet[Partner], name: str, value: str) -> QuerySet[Partner]:
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(credit_code=value.upper()))


class ParticipantFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))
    region = RegionFilter(field_name="region__code")
    project = IdFilter(field_name="project_id", label=_("Project"))
    poor = YesNoFilter(q=Q(is_poor=True), label=_("Registered poor"))
    shareholder = YesNoFilter(q=Q(is_shareholder=True), label=_("Shareholder"))
    worker = YesNoFilter(q=Q(is_worker=True), label=_("Worker"))
    trainee = YesNoFilter(q=Q(is_trainee=True), label=_("Trainee"))

    class Meta:
        model = Participant
        fields = ["q", "region", "project", "poor", "shareholder", "worker", "trainee"]


class DividendRunFilterSet(django_filters.FilterSet):
    region = CoveredRegionFilter(model=ProjectVillage, link="project__dividend_runs")
    project = IdFilter(field_name="project_id", label=_("Project"))
    status = django_filters.ChoiceFilter(choices=RunStatus.choices, label=_("Status"))
    year = year_filter(_("Year"), field="period_start__year")

    class Meta:
        model = DividendRun
        fields = ["region", "project", "status", "year"]


class PurchaseContractFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Buyer or product"))
    project = IdFilter(field_name="project_id", label=_("Project"))
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices, label=_("Status"))

    class Meta:
        model = PurchaseContract
        fields = ["q", "project", "status"]

    def search(
        self, queryset: QuerySet[PurchaseContract], name: str, value: str
    ) -> QuerySet[PurchaseContract]:
        value = value.strip()
        return queryset.filter(Q(buyer__icontains=value) | Q(product__icontains=value))
