"""The standard statistical tables of a region (统计报表), one row per child region: poor
households and people by status, exits by year, pairing coverage, projects and participants.

They are read from the summary figures (`analytics.figures`), so a province's tables cost a
few indexed queries. Each table has a 合计 row with the region's own total and, where records
are attached to the region itself rather than to a child (a county organ's helpers), a 本级 row
with the difference, so that the column adds up as an office checks it.

Written as .xlsx the way offices lay them out (a merged title row, a row naming the reporting
unit, the date and the units, a two-row header with merged group headings, borders, frozen
headings, printed landscape on one page width), and as PDF by WeasyPrint.

The tables hold no breakdown of people by cause or attribute, so no cell is suppressed for
roles without personal data (the statistics' small-cell rule covers those breakdowns only).
"""

import io
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from fupin.analytics import figures as analytics
from fupin.regions.models import Region

Value = int | Decimal | None

# Kinds of column: a count, a percentage of two figures, an average of two figures, money in
# 万元 (from fen). Shares and money are cut, never rounded up, as the bulletin's numbers are.
COUNT, RATE, RATIO, MONEY = "count", "rate", "ratio", "money"
# The poverty incidence (fupin.analytics.figures.incidence), in percent with two decimals.
INCIDENCE = "incidence"
FEN_PER_WAN = 1_000_000
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Column:
    title: str
    key: str = ""
    kind: str = COUNT
    group: str = ""
    # For RATE and RATIO: the figure divided by.
    over: str = ""

    def value(self, fig: dict[str, int]) -> Value:
        if self.kind == COUNT:
            return int(fig.get(self.key, 0))
        if self.kind == MONEY:
            return (Decimal(int(fig.get(self.key, 0))) / FEN_PER_WAN).quantize(CENT, ROUND_DOWN)
        if self.kind == INCIDENCE:
            return analytics.incidence(fig)
        whole = int(fig.get(self.over, 0))
        if not whole:
            return None
        part = Decimal(int(fig.get(self.key, 0)))
        scale = 100 if self.kind == RATE else 1
        return (part * scale / whole).quantize(TENTH, ROUND_DOWN)


@dataclass
class Row:
    name: str
    code: str
    values: list[Value]
    # "total" (合计), "own" (本级) or "" (a child region).
    kind: str = ""

    @property
    def cells(self) -> list[str]:
        return [shown(v) for v in self.values]


@dataclass
class Table:
    slug: str
    title: str
    units: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)

    @property
    def groups(self) -> list[tuple[str, int]]:
        """The header's first row: (group title, columns spanned); "" for an ungrouped column."""
        spans: list[tuple[str, int]] = []
        for column in self.columns:
            if column.group and spans and spans[-1][0] == column.group:
                spans[-1] = (column.group, spans[-1][1] + 1)
            else:
                spans.append((column.group, 1))
        return spans

    @property
    def has_groups(self) -> bool:
        return any(c.group for c in self.columns)

    @property
    def header(self) -> list[tuple[str, int, int]]:
        """The header's first row for HTML: (text, colspan, rowspan) of each figure cell; an
        ungrouped column spans both rows, its title in the first."""
        rows = 2 if self.has_groups else 1
        cells: list[tuple[str, int, int]] = []
        index = 0
        for group, span in self.groups:
            cells.append((group, span, 1) if group else (self.columns[index].title, 1, rows))
            index += span
        return cells

    @property
    def subheader(self) -> list[str]:
        """The header's second row: the titles of the grouped columns."""
        return [c.title for c in self.columns if c.group]


@dataclass
class Report:
    """The standard tables of one region for one year."""

    code: str
    name: str
    year: int | None
    tables: list[Table]

    @property
    def period(self) -> str:
        return f"{self.year}年" if self.year is not None else ""


def _status_columns() -> list[Column]:
    households, people = "户数（户）", "人数（人）"
    return [
        # 合计 = 未脱贫 + 已脱贫; the relapsed have not exited, so 返贫 is part of 未脱贫.
        Column("合计", "households", group=households),
        Column("未脱贫", "households_not_exited", group=households),
        Column("其中返贫", "households_relapsed", group=households),
        Column("已脱贫", "households_exited", group=households),
        Column("合计", "people", group=people),
        Column("未脱贫", "people_not_exited", group=people),
        Column("其中返贫", "people_relapsed", group=people),
        Column("已脱贫", "people_exited", group=people),
        Column("贫困发生率（%）", kind=INCIDENCE),
    ]


def _pairing_columns() -> list[Column]:
    return [
        Column("帮扶对象（户、名）", "beneficiaries"),
        Column("已结对（户、名）", "paired"),
        Column("覆盖率（%）", "paired", RATE, over="beneficiaries"),
        Column("结对帮扶贫困人口（人）", "paired_people"),
        Column("帮扶责任人（名）", "helpers"),
        Column("主要帮扶对象（户、名）", "helper_pairings"),
        Column("人均帮扶（户、名）", "helper_pairings", RATIO, over="helpers"),
    ]


def _project_columns() -> list[Column]:
    partners, people = "合作伙伴", "参与群众（人）"
    return [
        Column("产业项目（个）", "projects"),
        Column("龙头企业（家）", "enterprises", group=partners),
        Column("产业大户（户）", "industry_households", group=partners),
        Column("合计", "participants", group=people),
        Column("其中贫困群众", "poor_participants", group=people),
        Column("入股群众", "shareholders", group=people),
        Column("产值（万元）", "output_fen", MONEY),
        Column("分红（万元）", "dividends_fen", MONEY),
    ]


def _rows(
    region: Region, children: list[tuple[Region, dict[str, int]]], total: dict[str, int]
) -> list[tuple[str, str, str, dict[str, int]]]:
    """(name, code, kind, figures) of each child, of the region's own records, of the total."""
    rows = [(child.name, child.code, "", fig) for child, fig in children]
    own = {
        key: int(value) - sum(int(fig.get(key, 0)) for _child, fig in children)
        for key, value in total.items()
    }
    if any(own.values()):
        rows.append((f"{region.name}本级", region.code, "own", own))
    rows.append(("合计", region.code, "total", total))
    return rows


def _fill(table: Table, rows: list[tuple[str, str, str, dict[str, int]]]) -> Table:
    for name, code, kind, fig in rows:
        table.rows.append(Row(name, code, [c.value(fig) for c in table.columns], kind))
    return table


def standard_report(code: str, year: int | None = None) -> Report:
    """The four standard tables of `code` (its child regions) at the end of `year` (default:
    the latest year with figures)."""
    region = Region.objects.get(code=code)
    year = year if year is not None else analytics.latest_year(code)
    total = analytics.figures(code, year)
    children = analytics.child_figures(code, year)
    rows = _rows(region, children, total)
    tables = [
        _fill(Table("status", "贫困户和贫困人口情况统计表", "户、人", _status_columns()), rows),
        _exits_table(region, rows, year),
        _fill(Table("pairing", "结对帮扶情况统计表", "户、名、人", _pairing_columns()), rows),
        _fill(
            Table(
                "projects",
                "产业项目和参与群众情况统计表",
                "个、家、户、人、万元",
                _project_columns(),
            ),
            rows,
        ),
    ]
    return Report(code=code, name=region.name, year=year, tables=tables)


def _exits_table(
    region: Region, rows: list[tuple[str, str, str, dict[str, int]]], year: int | None
) -> Table:
    """Households and people exiting in each year with figures up to `year`, per child."""
    years = [y for y in analytics.years(region.code) if year is None or y <= year]
    by_year: dict[int, list[tuple[str, str, str, dict[str, int]]]] = {}
    for y in years:
        if y == year:
            by_year[y] = rows
        else:
            by_year[y] = _rows(
                region, analytics.child_figures(region.code, y), analytics.figures(region.code, y)
            )
    columns: list[Column] = []
    for y in years:
        columns += [
            Column("户", f"exits@{y}", group=f"{y}年"),
            Column("人", f"exits_people@{y}", group=f"{y}年"),
        ]
    columns += [
        Column("户", "exits@all", group="累计"),
        Column("人", "exits_people@all", group="累计"),
    ]
    table = Table("exits", "脱贫户和脱贫人口分年度统计表", "户、人", columns)
    # Rows line up across years: the same children; an own (本级) row in any year is kept in all.
    keyed: dict[tuple[str, str], dict[str, int]] = {}
    order: list[tuple[str, str, str]] = []
    for y, year_rows in by_year.items():
        for name, code, kind, fig in year_rows:
            if (kind, code) not in keyed:
                keyed[(kind, code)] = {}
                order.append((name, code, kind))
            keyed[(kind, code)][f"exits@{y}"] = int(fig.get("exits", 0))
            keyed[(kind, code)][f"exits_people@{y}"] = int(fig.get("exits_people", 0))
    if not years:
        order = [(name, code, kind) for name, code, kind, _fig in rows]
    # The own row goes before the total, wherever it first appeared.
    order.sort(key=lambda r: {"": 0, "own": 1, "total": 2}[r[2]])
    for name, code, kind in order:
        fig = keyed.get((kind, code), {})
        fig["exits@all"] = sum(fig.get(f"exits@{y}", 0) for y in years)
        fig["exits_people@all"] = sum(fig.get(f"exits_people@{y}", 0) for y in years)
        table.rows.append(Row(name, code, [c.value(fig) for c in columns], kind))
    return table


def shown(value: Value) -> str:
    """A cell as the HTML and PDF tables write it."""
    if value is None:
        return "—"
    return str(value)


# --- .xlsx ---------------------------------------------------------------------------------

# The two columns before the figures.
LEAD_COLUMNS = ("地区", "区划代码")


def report_xlsx(report: Report) -> bytes:
    """The tables as one workbook, a sheet per table."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    font = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter"}
    formats = {
        "title": book.add_format(
            {
                "font_name": "黑体",
                "font_size": 16,
                "bold": True,
                "align": "center",
                "valign": "vcenter",
            }
        ),
        "note": book.add_format({"font_name": "宋体", "font_size": 10, "valign": "vcenter"}),
        "note_right": book.add_format({"font_name": "宋体", "font_size": 10, "align": "right"}),
        "head": book.add_format(
            {**font, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#F2F2F2"}
        ),
        "text": book.add_format(font),
        "total_text": book.add_format({**font, "bold": True}),
        COUNT: book.add_format({**font, "num_format": "0"}),
        RATE: book.add_format({**font, "num_format": "0.0"}),
        RATIO: book.add_format({**font, "num_format": "0.0"}),
        MONEY: book.add_format({**font, "num_format": "0.00"}),
        INCIDENCE: book.add_format({**font, "num_format": "0.00"}),
    }
    totals = {
        kind: book.add_format({**font, "bold": True, "num_format": number})
        for kind, number in (
            (COUNT, "0"),
            (RATE, "0.0"),
            (RATIO, "0.0"),
            (MONEY, "0.00"),
            (INCIDENCE, "0.00"),
        )
    }
    for table in report.tables:
        _sheet(book, report, table, formats, totals)
    book.close()
    return buffer.getvalue()


def _sheet(
    book: Any, report: Report, table: Table, formats: dict[str, Any], totals: dict[str, Any]
) -> None:
    ws = book.add_worksheet(table.title[:31])
    width = len(LEAD_COLUMNS) + len(table.columns)
    last = width - 1
    ws.merge_range(
        0, 0, 0, last, f"{report.name}{table.title}（{report.period}）", formats["title"]
    )
    ws.set_row(0, 30)
    # The reporting unit on the left half, the date and units on the right (width ≥ 3).
    half = width // 2
    _cell_range(ws, 1, 0, 1, half - 1, f"填报单位：{report.name}", formats["note"])
    note = f"统计时点：{report.period}底　单位：{table.units}"
    _cell_range(ws, 1, half, 1, last, note, formats["note_right"])
    head = formats["head"]
    top, bottom = 2, 3 if table.has_groups else 2
    for c, title in enumerate(LEAD_COLUMNS):
        _cell_range(ws, top, c, bottom, c, title, head)
    c = len(LEAD_COLUMNS)
    index = 0
    for group, span in table.groups:
        if group:
            _cell_range(ws, top, c, top, c + span - 1, group, head)
            for k in range(span):
                ws.write_string(bottom, c + k, table.columns[index + k].title, head)
        else:
            _cell_range(ws, top, c, bottom, c, table.columns[index].title, head)
        c += span
        index += span
    ws.set_row(bottom, 32)
    r = bottom + 1
    for row in table.rows:
        strong = row.kind == "total"
        text = formats["total_text"] if strong else formats["text"]
        ws.write_string(r, 0, row.name, text)
        # Codes are text: written as numbers Excel would show 5.10821E+11.
        ws.write_string(r, 1, "" if row.kind == "total" else row.code, text)
        for k, (column, value) in enumerate(zip(table.columns, row.values, strict=True)):
            style = totals[column.kind] if strong else formats[column.kind]
            if value is None:
                ws.write_string(r, 2 + k, "—", style)
            else:
                ws.write_number(
                    r, 2 + k, float(value) if isinstance(value, Decimal) else value, style
                )
        r += 1
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 14)
    ws.set_column(2, last, 11)
    ws.freeze_panes(bottom + 1, 2)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(top, bottom)


def _cell_range(ws: Any, r1: int, c1: int, r2: int, c2: int, text: str, style: Any) -> None:
    if (r1, c1) == (r2, c2):
        ws.write_string(r1, c1, text, style)
    else:
        ws.merge_range(r1, c1, r2, c2, text, style)


# --- PDF -----------------------------------------------------------------------------------


def report_pdf(report: Report) -> bytes:
    """The tables as PDF, a table per page (WeasyPrint, Noto Sans CJK)."""
    from django.template.loader import render_to_string
    from weasyprint import HTML  # imported here: it loads Pango, which only this needs

    html = render_to_string("analytics/reports_print.html", {"report": report})
    return bytes(HTML(string=html).write_pdf())
