"""Every write to the region tree. The CLI and the demo call these; each is atomic and audited.

A region load is one audit event (with its counts), not one per region: the file itself is
the record of what was loaded.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from fupin.audit.log import record
from fupin.regions.choices import Level
from fupin.regions.loader import PoorRow, PopulationRow, RegionRow
from fupin.regions.models import Region

BATCH = 2000


@dataclass
class LoadResult:
    per_level: Counter[int] = field(default_factory=Counter)
    created: int = 0
    updated: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@transaction.atomic
def load_regions(*, actor: Any, rows: list[RegionRow], source: str = "") -> LoadResult:
    """Create new regions and rename or re-parent changed ones; unchanged rows are skipped."""
    result = LoadResult(per_level=Counter(r.level for r in rows))
    existing = {
        code: (name, parent)
        for code, name, parent in Region.objects.filter(
            code__in=[r.code for r in rows]
        ).values_list("code", "name", "parent_id")
    }
    new: list[Region] = []
    changed: list[Region] = []
    for r in rows:
        region = Region(code=r.code, name=r.name, parent_id=r.parent_code or None, level=r.level)
        if r.code not in existing:
            new.append(region)
        elif existing[r.code] != (r.name, r.parent_code or None):
            changed.append(region)
    # Rows are sorted by level, so parents are created before their children.
    Region.objects.bulk_create(new, batch_size=BATCH)
    Region.objects.bulk_update(changed, ["name", "parent", "level"], batch_size=BATCH)
    result.created, result.updated = len(new), len(changed)
    if result.changed:
        record(
            actor=actor,
            action="regions.load_regions",
            object_type="regions.region",
            object_repr=source[:200],
            region_code=min((r.code for r in rows), key=len),
            after={
                "created": result.created,
                "updated": [r.code for r in changed][:1000],
                "per_level": {
                    Level(k).name.lower(): v for k, v in sorted(result.per_level.items())
                },
            },
        )
    return result


@transaction.atomic
def mark_poor(*, actor: Any, rows: list[PoorRow], replace: bool = False, source: str = "") -> int:
    """Designate counties and villages poor; with `replace`, every region not listed is cleared.

    Returns how many regions changed.
    """
    wanted = {r.code: r for r in rows}
    touched: list[Region] = []
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if replace:
        stale = Region.objects.filter(is_poor=True).exclude(code__in=list(wanted))
        for region in stale.only("code", "is_poor", "poor_since", "exited_in"):
            before[region.code] = [region.is_poor, region.poor_since, region.exited_in]
            region.is_poor, region.poor_since, region.exited_in = False, None, None
            after[region.code] = [False, None, None]
            touched.append(region)
    for region in Region.objects.filter(code__in=list(wanted)).only(
        "code", "is_poor", "poor_since", "exited_in"
    ):
        row = wanted[region.code]
        old = (region.is_poor, region.poor_since, region.exited_in)
        new = (True, row.poor_since, row.exited_in)
        if old != new:
            region.is_poor, region.poor_since, region.exited_in = new
            touched.append(region)
            before[region.code], after[region.code] = list(old), list(new)
    return _save_and_record(
        actor=actor,
        action="regions.mark_poor",
        touched=touched,
        fields=["is_poor", "poor_since", "exited_in"],
        source=source,
        before=before,
        after=after,
    )


@transaction.atomic
def set_population(*, actor: Any, rows: list[PopulationRow], source: str = "") -> int:
    """Set villages' registered rural populations (the poverty incidence's denominator).

    One audit event with every change (old and new figure by code). Returns how many villages
    changed.
    """
    wanted = {r.code: r.population for r in rows}
    touched: list[Region] = []
    before: dict[str, int | None] = {}
    after: dict[str, int] = {}
    for region in Region.objects.filter(code__in=list(wanted), level=Level.VILLAGE).only(
        "code", "population"
    ):
        new = wanted[region.code]
        if region.population != new:
            before[region.code], after[region.code] = region.population, new
            region.population = new
            touched.append(region)
    return _save_and_record(
        actor=actor,
        action="regions.set_population",
        touched=touched,
        fields=["population"],
        source=source,
        before=before,
        after=after,
    )


def _save_and_record(
    *,
    actor: Any,
    action: str,
    touched: list[Region],
    fields: list[str],
    source: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> int:
    """Save the changed regions' fields and record one event with every change (by code).

    Returns how many regions changed; no change records no event.
    """
    Region.objects.bulk_update(touched, fields, batch_size=BATCH)
    if touched:
        record(
            actor=actor,
            action=action,
            object_type="regions.region",
            object_repr=source[:200],
            region_code=_common_prefix([r.code for r in touched]),
            before=dict(before),
            after=dict(after),
        )
    return len(touched)


def _common_prefix(codes: list[str]) -> str:
    """The deepest region code every changed region lies under (the event's scope)."""
    first, last = min(codes), max(codes)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    for length in (12, 9, 6, 4, 2):
        if length <= n:
            return first[:length]
    return ""
