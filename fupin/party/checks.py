"""The organisation rules that are advice, not refusals (shown as warnings on the pages).

From the Party's regulations on branches: a branch has at least 3 full members; one of more
than 50 members should become a general branch; 7 or more full members elect a branch
committee; a joint branch joins at most 5 units.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from fupin.party.choices import OrgKind, OrgLevel, Stage
from fupin.party.models import MEMBER_STAGES, Coverage, Member, Organisation

MIN_FULL_MEMBERS = 3
MAX_BRANCH_MEMBERS = 50
COMMITTEE_FROM = 7
MAX_JOINT_UNITS = 5


@dataclass(frozen=True)
class Counts:
    members: int  # probationary and full
    full: int
    units: int  # regions covered


def organisation_warnings(organisation: Organisation, counts: Counts) -> list[str]:
    if not organisation.is_open:
        return []
    warnings: list[str] = []
    if organisation.level == OrgLevel.BRANCH:
        if counts.full < MIN_FULL_MEMBERS:
            warnings.append(
                _("A branch needs at least %(n)d full members; it has %(full)d.")
                % {"n": MIN_FULL_MEMBERS, "full": counts.full}
            )
        if counts.members > MAX_BRANCH_MEMBERS:
            warnings.append(
                _("More than %(n)d members (%(members)d): consider a general branch.")
                % {"n": MAX_BRANCH_MEMBERS, "members": counts.members}
            )
        if counts.full >= COMMITTEE_FROM and not organisation.committee_members:
            warnings.append(
                _("%(n)d or more full members elect a branch committee; none is recorded.")
                % {"n": COMMITTEE_FROM}
            )
    if organisation.kind == OrgKind.JOINT and counts.units > MAX_JOINT_UNITS:
        warnings.append(
            _("A joint branch joins at most %(n)d units; this one covers %(units)d.")
            % {"n": MAX_JOINT_UNITS, "units": counts.units}
        )
    return warnings


def counts_for(organisations: Iterable[Organisation]) -> dict[int, Counts]:
    """Member and coverage counts of many organisations, in two queries."""
    ids = [o.pk for o in organisations]
    members = {
        row["organisation"]: row
        for row in Member.objects.filter(organisation__in=ids)
        .values("organisation")
        .annotate(
            members=Count("pk", filter=Q(stage__in=MEMBER_STAGES)),
            full=Count("pk", filter=Q(stage=Stage.FULL)),
        )
    }
    units = dict(
        Coverage.objects.filter(organisation__in=ids)
        .values("organisation")
        .annotate(n=Count("pk"))
        .values_list("organisation", "n")
    )
    return {
        pk: Counts(
            members=members.get(pk, {}).get("members", 0),
            full=members.get(pk, {}).get("full", 0),
            units=units.get(pk, 0),
        )
        for pk in ids
    }


def warnings_for(organisations: Iterable[Organisation]) -> dict[int, list[str]]:
    """Warnings of each organisation, by primary key (only those that have any)."""
    organisations = list(organisations)
    counts = counts_for(organisations)
    out = {o.pk: organisation_warnings(o, counts[o.pk]) for o in organisations}
    return {pk: w for pk, w in out.items() if w}
