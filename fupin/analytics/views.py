"""The statistics dashboard of a region (`/stats/<code>/?year=Y`) and its map's boundaries.

The page reads the summary rows only (fupin.analytics.figures: the region's figures, its
children's and its trend) and the region tree, never the records, so it costs the same for a
village and for the province. Each chart is drawn from a `Table`, shown under it in a
<details> and downloadable as .xlsx (`?export=xlsx&table=NAME`): the numbers a reader sees in a
chart, in the table and in the spreadsheet are the same cells.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from fupin.accounts.roles import Action
from fupin.accounts.scoping import can, region_in_scope
from fupin.analytics import boundaries
from fupin.analytics.api.serializers import SMALL, suppressed
from fupin.analytics.figures import (
    BREAKDOWNS,
    YEARS,
    Figures,
    child_figures,
    figures,
    incidence,
    label,
    level_name,
    trend,
)
from fupin.analytics.models import RegionFigures
from fupin.lib.shares import percent
from fupin.lib.views import XLSX, ScopedMixin
from fupin.regions.codes import is_digits
from fupin.regions.models import Region

# What a suppressed cell shows (a breakdown of people with fewer than SMALL in it).
HIDDEN = f"<{SMALL}"
# The breakdowns the dashboard charts, and how (the party's tags have their own page).
CHARTED = (("cause", "bar"), ("attribute", "bar"), ("project_type", "pie"))
# The child regions' columns: (key, kind); "percent" and "yuan" are computed.
CHILD_COLUMNS = (
    ("households_not_exited", "number"),
    ("people_not_exited", "number"),
    ("incidence", "percent"),
    ("exits", "number"),
    ("exits_people", "number"),
    ("beneficiaries", "number"),
    ("paired", "number"),
    ("coverage", "percent"),
    ("helpers", "number"),
    ("projects", "number"),
    ("poor_participants", "number"),
    ("dividends_fen", "yuan"),
    ("members", "number"),
    ("poor_members", "number"),
)
# What the map can colour the child regions by.
MAP_KEYS = (
    "people_not_exited",
    "incidence",
    "exits_people",
    "coverage",
    "poor_participants",
    "poor_members",
)

Cell = int | str | Decimal | None


def coverage(values: Figures) -> Decimal | None:
    """Pairing coverage in percent (paired / beneficiaries), one decimal; None without any
    beneficiary."""
    return percent(values.get("paired") or 0, values.get("beneficiaries") or 0)


# The computed shares, by column key.
RATES: dict[str, Callable[[Any], Decimal | None]] = {"coverage": coverage, "incidence": incidence}


def yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def column_label(key: str) -> str:
    if key == "coverage":
        return _("Pairing coverage (%)")
    if key == "incidence":
        return _("Poverty incidence (%)")
    if key == "dividends_fen":
        return _("Dividends paid (yuan)")
    return label(key)


def cell(values: dict[str, Any], key: str, kind: str) -> Cell:
    if kind == "percent":
        return RATES[key](values)
    if kind == "yuan":
        return yuan(values.get(key) or 0)
    value = values.get(key)
    return HIDDEN if value is None else value


@dataclass
class Table:
    """One table of the dashboard: shown under its chart and exported as .xlsx."""

    name: str
    title: str
    header: list[str]
    rows: list[list[Cell]]
    # A link per row (the child regions' dashboards), or none.
    links: list[str] = field(default_factory=list)

    def column(self, i: int) -> list[float | None]:
        """Column `i` for a chart: numbers, None where a cell is suppressed or empty."""
        return [None if isinstance(r[i], str) or r[i] is None else float(r[i]) for r in self.rows]  # type: ignore[arg-type]

    @property
    def empty(self) -> bool:
        """Nothing to chart: every figure is zero (a suppressed cell is not zero)."""
        return all(c in (0, None) for r in self.rows for c in r[1:])

    def zipped(self) -> list[tuple[str, list[Cell]]]:
        return list(zip(self.links or [""] * len(self.rows), self.rows, strict=True))

    def html_rows(self) -> list[SafeString]:
        """The body's rows as HTML, built here rather than by a template loop: the loop's
        conditions on some 400 cells were most of a dashboard's time at province scale."""
        rows = []
        for link, row in self.zipped():
            cells = []
            for i, c in enumerate(row):
                text = "—" if c is None else escape(localize(c))
                if i == 1 and link:
                    cells.append(f'<td><a href="{escape(link)}">{text}</a></td>')
                elif i == 0:
                    cells.append(f"<td>{text}</td>")
                else:
                    cells.append(f'<td class="number">{text}</td>')
            # Every value and link is escaped above.
            rows.append(mark_safe("<tr>" + "".join(cells) + "</tr>"))
        return rows


def region_for(user: Any, code: str) -> Region:
    """The region the page shows: `code`, or the top of the user's scope; 404 outside it."""
    code = code or region_in_scope(user, "") or ""
    if not is_digits(code) or not can(user, Action.VIEW, code):
        raise Http404
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise Http404 from None


def year_of(request: HttpRequest) -> int | None:
    value = request.GET.get("year", "").strip()
    if value.isdigit() and int(value) in YEARS:
        return int(value)
    return None


def dashboard_url(code: str, year: int | None) -> str:
    url = reverse("analytics:dashboard-region", args=[code])
    return f"{url}?year={year}" if year else url


class Dashboard:
    """The figures and tables of one region's dashboard for one user and year."""

    def __init__(self, user: Any, region: Region, year: int | None) -> None:
        self.region = region
        self.series = trend(region.code)
        self.years = [y for y, _values in self.series]
        self.year = year if year is not None else (self.years[-1] if self.years else None)
        self.personal = can(user, Action.PERSONAL_DATA, region.code)
        raw = figures(region.code, self.year) if self.year is not None else {}
        self.figures: dict[str, Any] = raw if self.personal else suppressed(raw)
        self.children = child_figures(region.code, self.year) if self.year is not None else []

    def cards(self) -> list[dict[str, Any]]:
        f = self.figures
        return [
            {
                "key": "poor",
                "label": _("Households / people not yet exited"),
                "value": f"{f.get('households_not_exited', 0):,} / "
                f"{f.get('people_not_exited', 0):,}",
                "note": _("relapsed included: %(households)s households")
                % {"households": f"{f.get('households_relapsed') or 0:,}"},
            },
            {
                "key": "incidence",
                "label": _("Poverty incidence"),
                "value": "—" if incidence(f) is None else f"{incidence(f)}%",
                # Without every village's population there is no incidence: say how far off.
                "note": ""
                if incidence(f) is not None or not f.get("villages")
                else _("population known for %(known)s of %(villages)s villages")
                % {
                    "known": f"{f.get('villages_with_population') or 0:,}",
                    "villages": f"{f.get('villages') or 0:,}",
                },
            },
            {
                "key": "exits",
                "label": _("Exits in %(year)s (households / people)") % {"year": self.year},
                "value": f"{f.get('exits', 0):,} / {f.get('exits_people', 0):,}",
            },
            {
                "key": "coverage",
                "label": _("Pairing coverage"),
                "value": "—" if coverage(f) is None else f"{coverage(f)}%",
            },
            {"key": "helpers", "label": label("helpers"), "value": f"{f.get('helpers', 0):,}"},
            {"key": "projects", "label": label("projects"), "value": f"{f.get('projects', 0):,}"},
            {
                "key": "participants",
                "label": _("Participants / poor participants"),
                "value": f"{f.get('participants', 0):,} / {f.get('poor_participants', 0):,}",
            },
            {
                "key": "dividends",
                "label": _("Dividends paid (yuan)"),
                "value": f"{yuan(f.get('dividends_fen', 0)):,}",
                # A year's profit is paid out the year after: the year's own figure is often
                # nothing, so the card says what has been paid in all.
                "note": _("%(total)s yuan in all since %(first)s")
                % {"total": f"{yuan(self.dividends_so_far()):,}", "first": self.years[0]}
                if self.years
                else "",
            },
            {
                "key": "members",
                "label": _("Party members / poor members"),
                "value": f"{f.get('members', 0):,} / {f.get('poor_members', 0):,}",
                # What the member list's rows are not: the development pipeline is left out.
                "note": _(
                    "probationary and full members: %(villages)s in villages, %(organs)s in "
                    "organs (townships, counties and above)"
                )
                % {
                    "villages": f"{f.get('village_members') or 0:,}",
                    "organs": f"{f.get('organ_members') or 0:,}",
                },
            },
        ]

    def dividends_so_far(self) -> int:
        """Dividends paid in the region from the first year to the year shown, in fen."""
        return sum(v.get("dividends_fen", 0) for y, v in self.series if y <= (self.year or 0))

    def children_table(self) -> Table:
        header = [_("Code"), _("Name")] + [column_label(k) for k, _kind in CHILD_COLUMNS]
        rows: list[list[Cell]] = []
        for child, values in self.children:
            rows.append([child.code, child.name, *(cell(values, k, t) for k, t in CHILD_COLUMNS)])
        links = [dashboard_url(child.code, self.year) for child, _values in self.children]
        title = _("%(level)s of %(region)s") % {
            "level": level_name(self.children[0][0].code) if self.children else "",
            "region": self.region.name,
        }
        return Table("children", title, header, rows, links)

    def trend_table(self) -> Table:
        keys = ("people_not_exited", "exits_people", "households_not_exited", "exits")
        header = [_("Year")] + [label(k) for k in keys]
        # The year is a label, not a number to add up (nor to print as 2,019).
        rows: list[list[Cell]] = [
            [str(year)] + [v.get(k, 0) for k in keys] for year, v in self.series
        ]
        return Table("trend", _("Poor people and exits by year"), header, rows)

    def breakdown_table(self, group: str) -> Table:
        titles = {
            "cause": _("Households not yet exited by main cause of poverty"),
            "attribute": _("Households not yet exited by household attribute"),
            "project_type": _("Projects by type"),
            "tag": _("Party members by tag"),
        }
        rows: list[list[Cell]] = []
        for code in BREAKDOWNS[group].values:
            value = self.figures.get(f"{group}.{code}", 0)
            rows.append([label(f"{group}.{code}"), HIDDEN if value is None else value])
        return Table(group, titles[group], [_("Category"), _("Number")], rows)

    def tables(self) -> dict[str, Table]:
        tables = {"children": self.children_table(), "trend": self.trend_table()}
        for group, _kind in CHARTED:
            tables[group] = self.breakdown_table(group)
        return tables


def chart_data(board: Dashboard, tables: dict[str, Table], map_url: str) -> dict[str, Any]:
    """What the page's script draws (json_script): every series from the tables shown."""
    children = tables["children"]
    keys = [k for k, _kind in CHILD_COLUMNS]
    trend_table = tables["trend"]
    data: dict[str, Any] = {
        "trend": {
            "years": [str(r[0]) for r in trend_table.rows],
            "series": [
                {"name": trend_table.header[1], "type": "bar", "values": trend_table.column(1)},
                {"name": trend_table.header[2], "type": "line", "values": trend_table.column(2)},
            ],
        },
        "breakdowns": {
            group: {
                "kind": kind,
                "labels": [str(r[0]) for r in tables[group].rows],
                "values": tables[group].column(1),
            }
            for group, kind in CHARTED
        },
        "children": {
            "codes": [r[0] for r in children.rows],
            "names": [r[1] for r in children.rows],
            "links": children.links,
            "coverage": children.column(2 + keys.index("coverage")),
            "coverage_label": column_label("coverage"),
            "metrics": [
                {"key": k, "label": column_label(k), "values": children.column(2 + keys.index(k))}
                for k in MAP_KEYS
            ],
        },
        "map": {"code": board.region.code, "url": map_url} if map_url else None,
    }
    return data


class DashboardView(ScopedMixin, TemplateView):
    """A region's statistics: headline cards, the trend by year, the child regions (a table,
    a map where their boundaries are loaded, coverage by child), and the breakdowns by cause,
    household attribute and project type. 404 outside the user's scope; a helper, who sees
    only their own households, gets a 403."""

    queryset = RegionFigures.objects.all()
    template_name = "analytics/dashboard.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        region = region_for(request.user, kwargs.get("code", ""))
        self.board = Dashboard(request.user, region, year_of(request))
        if request.GET.get("export") == "xlsx":
            return self.export(request.GET.get("table") or "children")
        return super().get(request, *args, **kwargs)

    def export(self, name: str) -> HttpResponse:
        table = self.board.tables().get(name)
        if table is None:
            raise Http404
        region, year = self.board.region, self.board.year
        # The merged title row: what, where and when (the children's title names the region;
        # the trend covers every year).
        title = table.title if table.name == "children" else f"{region.name}{table.title}"
        if year and table.name != "trend":
            title += _(" (%(year)s)") % {"year": year}
        response = HttpResponse(workbook(table, title), content_type=XLSX)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        filename = f"stats-{region.code}-{table.name}-{year or ''}-{stamp}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        board = self.board
        region = board.region
        tables = board.tables()
        map_url = (
            reverse("analytics:dashboard-map", args=[region.code])
            if board.children and boundaries.has_map(region.code)
            else ""
        )
        context.update(
            title=_("Statistics"),
            region=region,
            ancestors=region.ancestors() if region.parent_id else [],
            year=board.year,
            years=board.years,
            cards=board.cards(),
            tables=tables,
            breakdowns=[tables[group] for group, _kind in CHARTED],
            chart=chart_data(board, tables, map_url),
            has_map=bool(map_url),
            suppressed=not board.personal,
            hidden=HIDDEN,
            small=SMALL,
        )
        return context


class MapView(ScopedMixin, View):
    """The boundaries of a region's children (GeoJSON), for the dashboard's map: scoped like
    the dashboard, 404 where none are loaded."""

    queryset = RegionFigures.objects.all()

    def get(self, request: HttpRequest, code: str) -> FileResponse:
        if not can(request.user, Action.VIEW, code) or not boundaries.has_map(code):
            raise Http404
        response = FileResponse(
            boundaries.path_of(code).open("rb"), content_type="application/geo+json"
        )
        # Boundaries change when an operator loads a file; a day's cache spares the transfer.
        response["Cache-Control"] = "private, max-age=86400"
        return response


def workbook(table: Table, title: str) -> bytes:
    """The table as an .xlsx sheet: a merged title row, the header, then the rows; numbers
    as numbers, codes as text (Excel would drop a code's meaning as a number)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(
        table.title[:31].translate(str.maketrans("[]:*?/\\", "（）：＊？／／"))
    )
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    heading = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    text = book.add_format({"border": 1})
    number = book.add_format({"border": 1, "num_format": "#,##0"})
    decimal = book.add_format({"border": 1, "num_format": "#,##0.00"})
    width = len(table.header)
    if width > 1:
        sheet.merge_range(0, 0, 0, width - 1, title, heading)
    else:
        sheet.write_string(0, 0, title, heading)
    for c, name in enumerate(table.header):
        sheet.write_string(1, c, name, bold)
        sheet.set_column(c, c, max(10, min(24, 2 * len(name))))
    for r, row in enumerate(table.rows, start=2):
        for c, value in enumerate(row):
            if value is None:
                sheet.write_blank(r, c, None, text)
            elif isinstance(value, int):
                sheet.write_number(r, c, value, number)
            elif isinstance(value, Decimal):
                sheet.write_number(r, c, float(value), decimal)
            else:
                sheet.write_string(r, c, str(value), text)
    sheet.freeze_panes(2, 0)
    book.close()
    return buffer.getvalue()
