"""Pairing rules that need no HTTP: a helper's cap, a plan's main need, who may be paired."""

import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q

from fupin.pairing.choices import NEED_OF_CATEGORY, PairingKind
from fupin.pairing.models import DEFAULT_CAP, DEFAULT_LEADER_CAP, CapRule, HouseholdPlan
from fupin.party.choices import TagKind
from fupin.party.models import MemberTag
from fupin.regions.codes import ancestors
from fupin.registry.choices import NOT_EXITED

# A paired beneficiary not visited by their helper for this long is warned about.
VISIT_WARNING_DAYS = 183


def cap_rules(codes: list[str] | None = None) -> dict[str, CapRule]:
    """Cap rules by region code (of `codes` only, when given): read once for many helpers."""
    qs = CapRule.objects.all() if codes is None else CapRule.objects.filter(region_id__in=codes)
    return {r.region_id: r for r in qs}


def cap_rule_for(region_code: str, rules: dict[str, CapRule] | None = None) -> CapRule | None:
    """The cap rule of the nearest region at or above `region_code`."""
    codes = ancestors(region_code)[::-1]  # nearest first
    rules = cap_rules(codes) if rules is None else rules
    return next((rules[c] for c in codes if c in rules), None)


def cap_of(
    helper: Any, kind: str = PairingKind.PRIMARY, rules: dict[str, CapRule] | None = None
) -> int:
    """How many beneficiaries of `kind` the helper may take (`rules` from `cap_rules()`)."""
    rule = cap_rule_for(helper.region_id, rules)
    if kind == PairingKind.SECONDARY:
        return rule.secondary_cap if rule else DEFAULT_CAP
    if helper.is_leader:
        return rule.leader_cap if rule else DEFAULT_LEADER_CAP
    return rule.primary_cap if rule else DEFAULT_CAP


def main_need(plan: HouseholdPlan) -> str:
    """The skill the plan's main measure needs: as the plan says, else by its category."""
    if plan.main_need:
        return plan.main_need
    main = plan.measures.order_by("-is_main", "id").first()
    return NEED_OF_CATEGORY.get(main.category, "") if main else ""


def has_poor_tag(today: datetime.date, member: str = "pk") -> Exists:
    """Filter: the member (`member` is the outer reference to it) has a current poor tag."""
    return Exists(
        MemberTag.objects.filter(member=OuterRef(member), kind=TagKind.POOR).filter(
            Q(until__isnull=True) | Q(until__gte=today)
        )
    )


def household_needs_helper(status: str) -> bool:
    """Every household not yet exited (poor, or relapsed) must have a primary helper."""
    return status in NOT_EXITED
