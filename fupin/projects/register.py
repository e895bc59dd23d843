"""The share register (股权登记) of a project at a date: who holds how many shares, ordinary
and preferred, summed from the dated entries. Read-only; the actions write entries."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from fupin.projects.models import Participant, Project, ShareEntry

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class RegisterLine:
    participant_id: int
    name: str
    ordinary: Decimal
    preferred: Decimal
    preferred_value: Decimal  # yuan paid in for the preferred shares: the guarantee's base
    value: Decimal  # yuan paid in for all shares held

    @property
    def shares(self) -> Decimal:
        return self.ordinary + self.preferred


@dataclass(frozen=True)
class RegisterTotals:
    """The register's totals row: each class of shares summed on its own (a cooperative's
    ordinary and preferred shares are paid differently, so one sum of both would mislead)."""

    shareholders: int
    ordinary: Decimal
    preferred: Decimal
    value: Decimal


def holdings(
    project: Project, on: datetime.date | None = None, participant: Participant | None = None
) -> dict[tuple[int, bool], tuple[Decimal, Decimal]]:
    """(participant id, preferred) -> (shares, value) held on `on` (all entries when None),
    of every participant or of one (a contribution checks one holder, not the whole register).
    The sums run over integer columns, so they are exact on SQLite too."""
    entries = ShareEntry.objects.filter(project=project)
    if participant is not None:
        entries = entries.filter(participant=participant)
    if on is not None:
        entries = entries.filter(dated_on__lte=on)
    rows = (
        entries.order_by()
        .values_list("participant_id", "preferred")
        .annotate(shares=Sum("shares"), value=Sum("value"))
    )
    return {(pk, preferred): (shares, value) for pk, preferred, shares, value in rows}


def register(project: Project, on: datetime.date | None = None) -> list[RegisterLine]:
    """Every participant holding shares on `on` (today when None), by participant id."""
    held = holdings(project, on or datetime.date.today())
    lines: dict[int, dict[str, Decimal]] = defaultdict(
        lambda: {"ordinary": ZERO, "preferred": ZERO, "preferred_value": ZERO, "value": ZERO}
    )
    for (pk, preferred), (shares, value) in held.items():
        if not shares:
            continue
        line = lines[pk]
        line["preferred" if preferred else "ordinary"] += shares
        line["value"] += value
        if preferred:
            line["preferred_value"] += value
    names = dict(Participant.objects.filter(project=project).values_list("pk", "name"))
    return [
        RegisterLine(participant_id=pk, name=names.get(pk, ""), **lines[pk]) for pk in sorted(lines)
    ]


def totals(lines: list[RegisterLine]) -> RegisterTotals:
    """The totals row of `lines` (a whole register, not a page of it)."""
    return RegisterTotals(
        shareholders=len(lines),
        ordinary=sum((line.ordinary for line in lines), ZERO),
        preferred=sum((line.preferred for line in lines), ZERO),
        value=sum((line.value for line in lines), ZERO),
    )
