"""Tables of the pairing pages (and so of their exports).

Phones go through the one rule for personal data (`fupin.lib.tables.personal`, decided per
record by the scoping module): the auditor sees them masked, on the page and in the export alike.
"""

from typing import Any

import django_tables2 as tables
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fupin.accounts.roles import Action
from fupin.accounts.scoping import can
from fupin.lib.tables import (
    PersonalColumn,
    UserTable,
    YesNoColumn,
    ordered,
    region_code_column,
    region_name_column,
)
from fupin.pairing.choices import PairingKind
from fupin.pairing.models import CapRule, Helper, HouseholdPlan, Pairing, Proposal, Visit
from fupin.pairing.rules import cap_of, cap_rules
from fupin.registry.choices import Relation
from fupin.registry.models import Person


def head_name(household: str = "household") -> Subquery:
    """The name of the household's head, as a subquery run for the rows of one page."""
    head = Person.objects.filter(household=OuterRef(household), relation=Relation.HEAD)
    return Subquery(head.order_by("id").values("name")[:1])


def helper_rows(helpers: QuerySet[Helper]) -> QuerySet[Helper]:
    """Helpers with their member and region by join, their current loads by count."""
    current = Q(pairings__ended_on__isnull=True)
    return helpers.select_related("member", "region").annotate(
        primary_load=Count("pairings", filter=current & Q(pairings__kind=PairingKind.PRIMARY)),
        secondary_load=Count("pairings", filter=current & Q(pairings__kind=PairingKind.SECONDARY)),
    )


def pairing_rows(pairings: QuerySet[Pairing]) -> QuerySet[Pairing]:
    return pairings.select_related("helper__member", "household", "member", "region").annotate(
        head_name=head_name()
    )


def plan_rows(plans: QuerySet[HouseholdPlan]) -> QuerySet[HouseholdPlan]:
    return plans.select_related("household", "region").annotate(
        head_name=head_name(), measure_count=Count("measures")
    )


def visit_rows(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    return visits.select_related("helper__member", "household", "member", "region").annotate(
        head_name=head_name()
    )


class BeneficiaryColumn(tables.Column):
    """The household (number and head) or the poor party member, linked to the pairing's or
    visit's own page."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(accessor="pk", orderable=False)
        super().__init__(**kwargs)

    def text(self, record: Any) -> str:
        if record.member_id is not None:
            return str(record.member.name)
        head = getattr(record, "head_name", None) or ""
        return f"{record.household.number} {head}".strip()

    def render(self, record: Any) -> str:
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), self.text(record))

    def value(self, record: Any, **kwargs: Any) -> str:
        return self.text(record)


class CapColumn(tables.Column):
    """The helper's primary cap, by the nearest cap rule (read once per table)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(accessor="pk", orderable=False)
        super().__init__(**kwargs)

    def render(self, record: Helper, table: Any) -> int:
        if getattr(table, "rules", None) is None:
            table.rules = cap_rules()
        return cap_of(record, rules=table.rules)

    def value(self, record: Helper, table: Any, **kwargs: Any) -> int:
        return self.render(record, table)


class HelperTable(UserTable):
    name = tables.Column(
        accessor="member__name",
        linkify=lambda record: record.get_absolute_url(),
        verbose_name=_("Full name"),
        order_by=ordered("member__name"),
    )
    region_code = region_code_column(_("Region code"))
    region_name = region_name_column(_("Region of work"))
    expertise = tables.Column(
        accessor="pk", verbose_name=_("Expertise"), orderable=False, empty_values=()
    )
    is_leader = YesNoColumn(verbose_name=_("Leader"), order_by=ordered("is_leader"))
    active = YesNoColumn(verbose_name=_("Active"), order_by=ordered("active"))
    primary_load = tables.Column(
        verbose_name=_("Primary beneficiaries"), order_by=ordered("primary_load")
    )
    cap = CapColumn(verbose_name=_("Cap"))
    secondary_load = tables.Column(
        verbose_name=_("Secondary beneficiaries"), order_by=ordered("secondary_load")
    )
    phone = PersonalColumn(
        accessor="member__phone", kind="phone", village="region_id", verbose_name=_("Phone")
    )

    class Meta:
        model = Helper
        fields = (
            "name",
            "region_code",
            "region_name",
            "expertise",
            "is_leader",
            "active",
            "primary_load",
            "cap",
            "secondary_load",
            "phone",
        )
        order_by = ("region_code",)
        attrs = {"class": "table"}

    def render_expertise(self, record: Helper) -> str:
        return record.get_skills_display()

    def value_expertise(self, record: Helper) -> str:
        return record.get_skills_display()


class PairingTable(UserTable):
    beneficiary = BeneficiaryColumn(verbose_name=_("Beneficiary"))
    helper = tables.Column(
        accessor="helper__member__name",
        verbose_name=_("Helper"),
        linkify=lambda record: record.helper.get_absolute_url(),
        order_by=ordered("helper__member__name"),
    )
    region_code = region_code_column(_("Village code"))
    region_name = region_name_column(_("Village"))
    kind = tables.Column(verbose_name=_("Kind"), order_by=ordered("kind"))
    started_on = tables.DateColumn(
        verbose_name=_("Start date"), format="Y-m-d", order_by=ordered("started_on")
    )
    ended_on = tables.DateColumn(
        verbose_name=_("End date"), format="Y-m-d", order_by=ordered("ended_on")
    )
    source = tables.Column(verbose_name=_("Made"), order_by=ordered("source"))
    phone = PersonalColumn(
        accessor="household__phone", kind="phone", village="region_id", verbose_name=_("Phone")
    )

    class Meta:
        model = Pairing
        fields = (
            "beneficiary",
            "helper",
            "region_code",
            "region_name",
            "kind",
            "started_on",
            "ended_on",
            "source",
            "phone",
        )
        order_by = ("region_code",)
        attrs = {"class": "table"}


class HouseholdPlanTable(UserTable):
    household = tables.Column(
        accessor="household__number",
        verbose_name=_("Household number"),
        linkify=lambda record: record.get_absolute_url(),
        order_by=ordered("household__number"),
    )
    head_name = tables.Column(verbose_name=_("Head of household"), orderable=False, default="")
    region_code = region_code_column(_("Village code"))
    region_name = region_name_column(_("Village"))
    year = tables.Column(verbose_name=_("Year"), order_by=ordered("year"))
    main_need = tables.Column(verbose_name=_("Main need"), order_by=ordered("main_need"))
    measure_count = tables.Column(verbose_name=_("Measures"), order_by=ordered("measure_count"))
    exit_target = tables.Column(verbose_name=_("Exit target"), orderable=False)
    exit_deadline = tables.DateColumn(
        verbose_name=_("Exit deadline"), format="Y-m-d", order_by=ordered("exit_deadline")
    )

    class Meta:
        model = HouseholdPlan
        fields = (
            "household",
            "head_name",
            "region_code",
            "region_name",
            "year",
            "main_need",
            "measure_count",
            "exit_target",
            "exit_deadline",
        )
        order_by = ("region_code",)
        attrs = {"class": "table"}


class VisitTable(UserTable):
    visited_on = tables.DateColumn(
        verbose_name=_("Date of visit"),
        format="Y-m-d",
        linkify=lambda record: record.get_absolute_url(),
        order_by=ordered("visited_on"),
    )
    helper = tables.Column(
        accessor="helper__member__name",
        verbose_name=_("Helper"),
        order_by=ordered("helper__member__name"),
    )
    beneficiary = BeneficiaryColumn(verbose_name=_("Beneficiary"))
    region_code = region_code_column(_("Village code"))
    region_name = region_name_column(_("Village"))
    done = tables.Column(verbose_name=_("What was done"), orderable=False)
    follow_ups = tables.Column(verbose_name=_("Follow-ups"), orderable=False)

    class Meta:
        model = Visit
        fields = (
            "visited_on",
            "helper",
            "beneficiary",
            "region_code",
            "region_name",
            "done",
            "follow_ups",
        )
        order_by = ("-visited_on",)
        attrs = {"class": "table"}


class CapRuleTable(UserTable):
    region_code = region_code_column(_("Region code"))
    region_name = region_name_column(_("Region"))
    primary_cap = tables.Column(verbose_name=_("Primary cap"), order_by=ordered("primary_cap"))
    leader_cap = tables.Column(
        verbose_name=_("Primary cap of a leader"), order_by=ordered("leader_cap")
    )
    secondary_cap = tables.Column(
        verbose_name=_("Secondary cap"), order_by=ordered("secondary_cap")
    )

    class Meta:
        model = CapRule
        fields = ("region_code", "region_name", "primary_cap", "leader_cap", "secondary_cap")
        order_by = ("region_code",)
        attrs = {"class": "table"}

    def render_region_code(self, record: CapRule) -> str:
        """The code, linked to the rule's form for who may change it."""
        if can(self.user, Action.CHANGE, record.region_id):
            url = reverse("pairing:caprule-edit", args=[record.pk])
            return format_html('<a href="{}">{}</a>', url, record.region_id)
        return record.region_id

    def value_region_code(self, record: CapRule) -> str:
        return record.region_id


class SummaryColumn(tables.Column):
    """One figure of the proposal's summary."""

    def __init__(self, key: str, **kwargs: Any) -> None:
        kwargs.update(accessor="pk", orderable=False)
        super().__init__(**kwargs)
        self.key = key

    def render(self, record: Proposal) -> Any:
        return record.summary.get(self.key, "")

    def value(self, record: Proposal, **kwargs: Any) -> Any:
        return self.render(record)


class ProposalTable(UserTable):
    created_at = tables.DateTimeColumn(
        verbose_name=_("Proposed at"),
        format="Y-m-d H:i",
        linkify=lambda record: record.get_absolute_url(),
        order_by=ordered("created_at"),
    )
    region_code = region_code_column(_("Region code"))
    region_name = region_name_column(_("Region"))
    rebalance = YesNoColumn(verbose_name=_("Rebalance"), orderable=False)
    status = tables.Column(verbose_name=_("Status"), order_by=ordered("status"))
    beneficiaries = SummaryColumn("beneficiaries", verbose_name=_("Beneficiaries"))
    assigned = SummaryColumn("assigned", verbose_name=_("Assigned"))
    unassigned = SummaryColumn("unassigned", verbose_name=_("Unassignable"))
    cost_before = SummaryColumn("cost_before", verbose_name=_("Cost before"))
    cost_after = SummaryColumn("cost_after", verbose_name=_("Cost after"))
    created_by = tables.Column(verbose_name=_("Proposed by"), orderable=False)

    class Meta:
        model = Proposal
        fields = (
            "created_at",
            "region_code",
            "region_name",
            "rebalance",
            "status",
            "beneficiaries",
            "assigned",
            "unassigned",
            "cost_before",
            "cost_after",
            "created_by",
        )
        order_by = ("-created_at",)
        attrs = {"class": "table"}
