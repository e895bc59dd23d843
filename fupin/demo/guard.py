"""What stops `fupin demo` from wiping records that are not the demo's.

A build replaces every project, pairing and party row and the households of its villages, with
plain DELETE statements. On a database with anybody else's records that destroys real data, so
the command first asks `refusal` and stops unless given --replace-everything.

How the demo knows its own records: every build ends with one audit event, `demo.build`, whose
`after` holds for each table it replaces the id range it wrote, (highest id before the build,
highest id after]. Ids only grow (AUTOINCREMENT on SQLite, sequences on PostgreSQL; the bulk
writers never take an id used before), so a row inside some build's range is the demo's (a
fixture village's households outlive the rebuilds that leave them alone), and a row outside
every range was there before a build and survived it (kept with --replace-everything) or was
added after it: somebody else's. Editing or deleting demo rows leaves them the demo's. Without
a `demo.build` event every row is somebody else's. The audit log is append-only, so the marker
cannot drift from the rows, and it needs no table of its own.

The demo's users are replaced by their names (`admin`, `county_a`, …) and are not counted: a
development database often has such a user already, and the production check covers the rest.
"""

import itertools
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from fupin.audit.log import record
from fupin.audit.models import AuditEvent
from fupin.demo import pairing, party, projects
from fupin.registry.models import Household, IncomeRecord, Person, StatusChange

ACTION = "demo.build"
FLAG = "--replace-everything"


def replaced_models() -> list[type[models.Model]]:
    """The tables a build replaces, parents first (as a person would list what they lost).

    The link tables of many-to-many fields are left out: a link belongs to the records it joins,
    and a demo project given one more leader by hand is still the demo's project.
    """
    out: list[type[models.Model]] = [Household, Person, StatusChange, IncomeRecord]
    for order in (projects.DELETE_ORDER, pairing.DELETE_ORDER, party.DELETE_ORDER):
        for model in reversed(order):
            if model not in out and not model._meta.auto_created:
                out.append(model)
    return out


def _highest(model: type[models.Model]) -> int:
    return int(model._base_manager.aggregate(m=Max("pk"))["m"] or 0)


def highest_ids() -> dict[str, int]:
    """Each replaced table's highest id now: the start of the range a build is about to write."""
    return {model._meta.label_lower: _highest(model) for model in replaced_models()}


def mark_built(before: dict[str, int]) -> None:
    """Record the ranges this build wrote (call at its end, inside its transaction)."""
    ranges = {
        model._meta.label_lower: [before[model._meta.label_lower], _highest(model)]
        for model in replaced_models()
    }
    record(actor=None, action=ACTION, object_type="demo", object_repr=_("demo build"), after=ranges)


@dataclass(frozen=True)
class Foreign:
    """Rows of one table that the demo did not make: how many, and the first as an example."""

    model: type[models.Model]
    count: int
    example: str


def demo_ranges() -> dict[str, list[tuple[int, int]]]:
    """Each table's ranges of ids the demo wrote, (start, end], in order, those that touch
    merged (a rebuild with nobody else's rows in between starts where the last one ended)."""
    out: dict[str, list[tuple[int, int]]] = {}
    for after in (
        AuditEvent.objects.filter(action=ACTION).order_by("id").values_list("after", flat=True)
    ):
        for table, (start, end) in (after or {}).items():
            if end <= start:
                continue
            ranges = out.setdefault(table, [])
            if ranges and start <= ranges[-1][1]:
                ranges[-1] = (ranges[-1][0], max(end, ranges[-1][1]))
            else:
                ranges.append((start, end))
    return out


def outside(ranges: list[tuple[int, int]]) -> Q:
    """Rows whose id is in none of `ranges`: the gaps before, between and after them (each an
    index range, unlike a NOT over the ranges)."""
    gaps = Q(pk__gt=ranges[-1][1]) if ranges else Q(pk__isnull=False)
    if ranges:
        gaps |= Q(pk__lte=ranges[0][0])
    for (_start, end), (next_start, _end) in itertools.pairwise(ranges):
        gaps |= Q(pk__gt=end, pk__lte=next_start)
    return gaps


def foreign_records() -> list[Foreign]:
    """Rows of the tables a build replaces that no build of the demo wrote, table by table."""
    ranges = demo_ranges()
    out = []
    for model in replaced_models():
        rows = model._base_manager.filter(outside(ranges.get(model._meta.label_lower, [])))
        count = rows.count()
        if count:
            out.append(Foreign(model, count, str(rows.order_by("pk").first())))
    return out


def refusal(*, replace_everything: bool) -> str | None:
    """Why `fupin demo` must not run here, or None when it may."""
    if replace_everything:
        return None
    if not settings.DEBUG:
        return _(
            "These are production settings (DEBUG is off): the demo would replace real records. "
            "Build the demo on a development database with DEBUG=1 (as make demo does), or give "
            "%(flag)s to replace everything anyway."
        ) % {"flag": FLAG}
    found = foreign_records()
    if not found:
        return None
    lines = [
        _(
            "This database holds records the demo did not make, and building the demo would "
            "delete or replace them:"
        ),
        *(
            "  "
            + _("%(kind)s: %(count)s, for example %(example)s")
            % {
                "kind": f.model._meta.verbose_name_plural,
                "count": f"{f.count:,}",
                "example": f.example,
            }
            for f in found
        ),
        _(
            "Nothing was changed. To replace them anyway, run it again with %(flag)s, for "
            "example: fupin demo --scale 0.1 --seed 1 %(flag)s"
        )
        % {"flag": FLAG},
    ]
    return "\n".join(lines)
