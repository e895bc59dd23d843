"""What the coverage page and the warnings show: who is unpaired, which helpers are over
their cap, which paired beneficiaries have not been visited for six months."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from fupin.pairing.choices import PairingKind
from fupin.pairing.models import Helper, Pairing, Visit
from fupin.pairing.rules import VISIT_WARNING_DAYS, cap_of, cap_rules, has_poor_tag
from fupin.party.models import Member
from fupin.regions.codes import subtree_q
from fupin.registry.choices import NOT_EXITED
from fupin.registry.models import Household


def _primary(**beneficiary: Any) -> Exists:
    return Exists(
        Pairing.objects.filter(kind=PairingKind.PRIMARY, ended_on__isnull=True, **beneficiary)
    )


def needing_households(region_code: str) -> QuerySet[Household]:
    """Households of the subtree that must have a primary helper (not yet exited)."""
    return Household.objects.filter(subtree_q("village__code", region_code), status__in=NOT_EXITED)


def needing_members(region_code: str, today: datetime.date) -> QuerySet[Member]:
    """Poor party members of the subtree's villages (they must have a primary helper)."""
    return Member.objects.filter(subtree_q("region__code", region_code), region__level=5).filter(
        has_poor_tag(today)
    )


@dataclass
class OverCap:
    helper: Helper
    load: int
    cap: int


@dataclass
class Coverage:
    households: int
    members: int
    unpaired_households: QuerySet[Household]
    unpaired_members: QuerySet[Member]
    over_cap: list[OverCap]

    @property
    def unpaired(self) -> int:
        return self.unpaired_households.count() + self.unpaired_members.count()

    @property
    def percent(self) -> float:
        total = self.households + self.members
        return 100.0 if not total else 100.0 * (total - self.unpaired) / total


def coverage(region_code: str, today: datetime.date | None = None) -> Coverage:
    today = today or datetime.date.today()
    households = needing_households(region_code)
    members = needing_members(region_code, today)
    loads = (
        Helper.objects.filter(subtree_q("region__code", region_code))
        .annotate(
            load=Count(
                "pairings",
                filter=Q(pairings__ended_on__isnull=True, pairings__kind=PairingKind.PRIMARY),
            )
        )
        .filter(load__gt=min_cap())
        .select_related("member", "region")
    )
    rules = cap_rules()
    over = [OverCap(h, h.load, cap_of(h, rules=rules)) for h in loads]
    return Coverage(
        households=households.count(),
        members=members.count(),
        unpaired_households=households.exclude(_primary(household=OuterRef("pk"))),
        unpaired_members=members.exclude(_primary(member=OuterRef("pk"))),
        over_cap=[o for o in over if o.load > o.cap],
    )


def min_cap() -> int:
    """No helper with this many or fewer is over any cap (caps are at least 1)."""
    rules = cap_rules()
    return min([r.primary_cap for r in rules.values()] + [5]) if rules else 5


def unvisited(pairings: QuerySet[Pairing], today: datetime.date | None = None) -> QuerySet[Pairing]:
    """Current pairings (begun over six months ago) whose helper has not visited the
    beneficiary for six months."""
    since = (today or datetime.date.today()) - datetime.timedelta(days=VISIT_WARNING_DAYS)
    recent = Visit.objects.filter(helper=OuterRef("helper"), visited_on__gte=since).filter(
        # A pairing has a household or a member; comparing the empty one would match nothing.
        Q(household__isnull=False, household=OuterRef("household"))
        | Q(member__isnull=False, member=OuterRef("member"))
    )
    return pairings.filter(ended_on__isnull=True, started_on__lte=since).exclude(Exists(recent))
