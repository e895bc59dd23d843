"""Writing the summary rows: a rebuild from the records, a refresh of the subtrees an action
touched, and the check that recounts and compares (`fupin analytics rebuild|check`)."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Min

from fupin.analytics.counting import Own, count, year_range
from fupin.analytics.models import RegionFigures
from fupin.regions.choices import LEVEL_OF_LENGTH
from fupin.regions.codes import ancestors, is_region_code, outermost, subtree_q


def _totals(own: Own, prefix: str) -> dict[tuple[str, int], Counter[str]]:
    """Subtree totals of `prefix` and of every code under it."""
    totals: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    for (code, year), figures in own.items():
        for above in ancestors(code):
            if len(above) >= len(prefix):
                totals[above, year].update(figures)
    return totals


def _clean(figures: Counter[str]) -> dict[str, int]:
    return {k: v for k, v in sorted(figures.items()) if v}


def _stored_years() -> range | None:
    span = RegionFigures.objects.aggregate(first=Min("year"), last=Max("year"))
    if span["first"] is None:
        return None
    return range(span["first"], span["last"] + 1)


@transaction.atomic
def rebuild(prefix: str = "") -> int:
    """Recount every figure of `prefix`'s subtree (everything when empty) and write the rows;
    the regions above it take the difference. Returns the number of rows written."""
    stored = _stored_years()
    years = year_range(prefix) if prefix and stored is not None else year_range()
    if prefix and stored is not None:
        if years.start < stored.start or years.stop > stored.stop:
            # A year appeared: every region needs its rows for it.
            return rebuild("")
        years = stored
    own = count(prefix, years)
    totals = _totals(own, prefix)
    if prefix:
        RegionFigures.objects.filter(subtree_q("code", prefix)).delete()
    else:
        RegionFigures.objects.all().delete()
    rows = [
        RegionFigures(
            code=code,
            level=LEVEL_OF_LENGTH[len(code)],
            year=year,
            own=_clean(own.get((code, year), Counter())),
            total=_clean(total),
        )
        for (code, year), total in totals.items()
    ]
    RegionFigures.objects.bulk_create(rows, batch_size=2000)
    for above in reversed(ancestors(prefix)[:-1] if prefix else []):
        _sum_children(above)
    return len(rows)


def _sum_children(code: str) -> None:
    """Set the totals of `code` to its own figures plus its children's totals, every year."""
    level = LEVEL_OF_LENGTH[len(code)]
    # Every record below `code` gave a row to each level between (see _totals), so the
    # children's rows are one level down: no scan of the subtree.
    children = RegionFigures.objects.filter(subtree_q("code", code), level=level + 1)
    sums: dict[int, Counter[str]] = defaultdict(Counter)
    for year, total in children.values_list("year", "total"):
        sums[year].update(total)
    rows = {r.year: r for r in RegionFigures.objects.select_for_update().filter(code=code)}
    for year in set(sums) | set(rows):
        row = rows.get(year) or RegionFigures(code=code, level=level, year=year, own={})
        total = Counter(row.own)
        total.update(sums.get(year, Counter()))
        row.total = _clean(total)
        row.save()


@dataclass(frozen=True)
class Difference:
    code: str
    year: int
    key: str
    stored: int
    counted: int


def check(prefix: str = "") -> list[Difference]:
    """Recount `prefix`'s subtree from the records and list every figure that differs from
    the stored rows (own and subtree totals). There must be none."""
    years = year_range()
    stored_years = _stored_years()
    if stored_years is not None:
        years = range(min(years.start, stored_years.start), max(years.stop, stored_years.stop))
    own = count(prefix, years)
    totals = _totals(own, prefix)
    rows = RegionFigures.objects.all()
    if prefix:
        rows = rows.filter(subtree_q("code", prefix))
    stored = {(c, y): (o, t) for c, y, o, t in rows.values_list("code", "year", "own", "total")}
    differences: list[Difference] = []
    for key in sorted(set(stored) | set(totals)):
        code, year = key
        if year not in years:
            counted_own: dict[str, int] = {}
            counted_total: dict[str, int] = {}
        else:
            counted_own = _clean(own.get(key, Counter()))
            counted_total = _clean(totals.get(key, Counter()))
        stored_own, stored_total = stored.get(key, ({}, {}))
        differences += _differ(code, year, "total", stored_total, counted_total)
        differences += _differ(code, year, "own", stored_own, counted_own)
    return differences


def _differ(
    code: str, year: int, part: str, stored: dict[str, int], counted: dict[str, int]
) -> list[Difference]:
    """The figures of one part of a row (`own` or `total`) that the count and the row differ
    on, a figure missing on one side counting as zero."""
    return [
        Difference(code, year, f"{part}:{name}", stored.get(name, 0), counted.get(name, 0))
        for name in sorted(set(counted) | set(stored))
        if counted.get(name, 0) != stored.get(name, 0)
    ]


def refresh_codes(codes: set[str]) -> None:
    """Recount the subtrees of the regions an action touched (the outermost of them)."""
    for code in outermost(c for c in codes if is_region_code(c)):
        rebuild(code)
