"""Reading the summary rows: what the dashboards, the statistics API and CLI and the bulletin
call. Each is one or two indexed queries on RegionFigures, never a scan of the records."""

from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.analytics.models import RegionFigures
from fupin.party.choices import TagKind
from fupin.projects.choices import ProjectType
from fupin.regions.choices import Level
from fupin.regions.codes import level_of, subtree_q
from fupin.regions.models import Region
from fupin.registry.choices import Attribute, Cause
from fupin.registry.rules import FIRST_YEAR, LAST_YEAR

Figures = dict[str, int]
# The years a request may ask for (the registry's bounds).
YEARS = range(FIRST_YEAR, LAST_YEAR + 1)

# The fixed figures (breakdowns add "cause.<code>", "attribute.<code>", "project_type.<code>",
# "tag.<code>"). Money is in fen. What adds up to what: counting.HEADLINES. A household "not
# yet exited" (未脱贫) is poor or relapsed; "never exited" is the status poor alone.
LABELS = {
    "households": gettext_lazy("Registered households"),
    "households_not_exited": gettext_lazy("Households not yet exited"),
    "households_poor": gettext_lazy("Households never exited"),
    "households_exited": gettext_lazy("Households exited"),
    "households_relapsed": gettext_lazy("Households relapsed"),
    "people": gettext_lazy("Registered people"),
    "people_not_exited": gettext_lazy("People not yet exited"),
    "people_poor": gettext_lazy("People never exited"),
    "people_exited": gettext_lazy("People exited"),
    "people_relapsed": gettext_lazy("People relapsed"),
    "exits": gettext_lazy("Households exiting in the year"),
    "exits_people": gettext_lazy("People exiting in the year"),
    "relapses": gettext_lazy("Households relapsing in the year"),
    "relapses_people": gettext_lazy("People relapsing in the year"),
    "beneficiaries": gettext_lazy("Beneficiaries (households and poor members)"),
    "paired": gettext_lazy("Beneficiaries with a primary helper"),
    "paired_people": gettext_lazy("Poor people paired"),
    "helpers": gettext_lazy("Helpers"),
    "helper_pairings": gettext_lazy("Helpers' current primary pairings"),
    "projects": gettext_lazy("Demonstration projects"),
    "participants": gettext_lazy("Project participants"),
    "poor_participants": gettext_lazy("Poor participants"),
    "shareholders": gettext_lazy("Shareholders"),
    "dividends_fen": gettext_lazy("Dividends paid (fen)"),
    "output_fen": gettext_lazy("Output value (fen)"),
    "enterprises": gettext_lazy("Leading enterprises"),
    "industry_households": gettext_lazy("Industry households"),
    "members": gettext_lazy("Party members"),
    "village_members": gettext_lazy("Party members in villages"),
    "organ_members": gettext_lazy("Party members in organs"),
    "poor_members": gettext_lazy("Poor party members"),
    "wealth_leaders_poor_villages": gettext_lazy("Wealth leaders in poor villages"),
    "organisations": gettext_lazy("Party organisations"),
    "poor_villages": gettext_lazy("Poor villages"),
    "villages": gettext_lazy("Villages"),
    "population": gettext_lazy("Registered rural population"),
    "villages_with_population": gettext_lazy("Villages with a population"),
}
KEYS = list(LABELS)
BREAKDOWNS = {
    "cause": Cause,
    "attribute": Attribute,
    "project_type": ProjectType,
    "tag": TagKind,
}
# Breakdowns that count people or households (suppressed below 5 for roles without personal
# data, so that a small village's figures do not single anyone out).
PERSONAL_BREAKDOWNS = ("cause", "attribute")


def label(key: str) -> str:
    """The Chinese (translated) name of a figure, breakdowns included."""
    if key in LABELS:
        return str(LABELS[key])
    group, _dot, code = key.partition(".")
    choices = BREAKDOWNS.get(group)
    if choices is not None:
        names = dict(choices.choices)
        if code in names:
            return str(names[code])
    return key


def breakdown(figures: Figures, group: str) -> dict[str, int]:
    """The breakdown `group` ("cause", …) of `figures`, by code, every code listed."""
    choices = BREAKDOWNS[group]
    return {code: figures.get(f"{group}.{code}", 0) for code in choices.values}


def incidence(values: Mapping[str, int | None]) -> Decimal | None:
    """Poverty incidence (贫困发生率) in percent: people not yet exited (poor or relapsed) over
    the registered rural population, cut to two decimals like the programme's shares. None
    unless every village of the region has its population: a partial denominator would
    overstate it."""
    population = values.get("population") or 0
    if not population or (values.get("villages_with_population") or 0) != (
        values.get("villages") or 0
    ):
        return None
    poor = values.get("people_not_exited") or 0
    return (Decimal(100 * poor) / population).quantize(Decimal("0.01"), ROUND_DOWN)


def latest_year(code: str) -> int | None:
    return (
        RegionFigures.objects.filter(code=code).order_by("-year").values_list("year", flat=True)
    ).first()


def figures(code: str, year: int | None = None) -> Figures:
    """The figures of `code`'s subtree at the end of `year` (the latest year when None)."""
    rows = RegionFigures.objects.filter(code=code)
    row = (rows.filter(year=year) if year is not None else rows.order_by("-year")).values_list(
        "total", flat=True
    )
    total = row.first() or {}
    return {**dict.fromkeys(KEYS, 0), **total}


def child_figures(code: str, year: int | None = None) -> list[tuple[Region, Figures]]:
    """Every child region of `code` with its figures (zeros when it has no records)."""
    year = year if year is not None else latest_year(code)
    children = list(Region.objects.filter(parent_id=code).order_by("code"))
    if not children or year is None:
        return [(c, dict.fromkeys(KEYS, 0)) for c in children]
    level = Level(children[0].level)
    rows = dict(
        RegionFigures.objects.filter(subtree_q("code", code), level=level, year=year).values_list(
            "code", "total"
        )
    )
    return [(c, {**dict.fromkeys(KEYS, 0), **rows.get(c.code, {})}) for c in children]


def trend(code: str) -> list[tuple[int, Figures]]:
    """The figures of `code`'s subtree for every year, oldest first."""
    rows = RegionFigures.objects.filter(code=code).order_by("year").values_list("year", "total")
    return [(year, {**dict.fromkeys(KEYS, 0), **total}) for year, total in rows]


def years(code: str) -> list[int]:
    return list(
        RegionFigures.objects.filter(code=code).order_by("year").values_list("year", flat=True)
    )


def level_name(code: str) -> str:
    level = level_of(code)
    return str(level.label) if level is not None else _("Region")
