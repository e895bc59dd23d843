"""The annotated copy of a refused file: the user's own sheet, each bad cell filled red with the
reason as a comment, and every row's problems listed in a last column 错误 they can filter on.
They correct the copy and import it again."""

from collections import defaultdict
from pathlib import Path

import xlsxwriter
from django.utils.translation import gettext as _

from fupin.imports.normalise import shown_text
from fupin.imports.reader import open_sheet
from fupin.imports.schema import RowError

# A file that was read once may be annotated, whatever its size.
_NO_LIMIT = 1 << 40


def write_annotated(
    path_in: Path, errors: list[RowError], path_out: Path, *, header_row: int = 0
) -> None:
    """Write `path_out` (.xlsx): the first sheet of `path_in`, cells as text, `errors` marked.
    `header_row` (ImportResult.header_row) is where the 错误 column gets its title; errors of
    the whole file (row 0) are noted there too."""
    first = max(header_row, 1)
    # row -> column -> reasons, and row -> every reason of the row.
    by_cell: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    by_row: dict[int, list[str]] = defaultdict(list)
    for e in errors:
        row = e.row if e.row > 0 else first
        if e.col is not None:
            by_cell[row][e.col].append(e.message)
        by_row[row].append(f"{e.column}：{e.message}" if e.column else e.message)
    # The 错误 column goes right of every cell of the sheet and of every marked cell.
    last = max([_width(path_in), *(c + 1 for cols in by_cell.values() for c in cols)])
    # constant_memory: rows go to disk as they are written, so a big sheet costs little.
    book = xlsxwriter.Workbook(str(path_out), {"constant_memory": True})
    try:
        bad = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        note = book.add_format({"font_color": "#9C0006"})
        title = book.add_format({"bold": True, "font_color": "#9C0006"})
        with open_sheet(path_in, max_rows=_NO_LIMIT, fill_merged=False) as sheet:
            ws = book.add_worksheet(sheet.name[:31])
            ws.set_column(last, last, 60)
            number = 0
            for number, cells in enumerate(sheet.rows, start=1):
                _write_row(ws, number, cells, by_cell.get(number, {}), bad)
                _write_note(ws, number, last, first, by_row, note, title)
            # Errors below the last row (none in practice), still listed.
            for row in sorted(r for r in by_row if r > number):
                _write_note(ws, row, last, first, by_row, note, title)
    finally:
        book.close()


def _width(path: Path) -> int:
    with open_sheet(path, max_rows=_NO_LIMIT, fill_merged=False) as sheet:
        if sheet.width is not None:
            return sheet.width
        return max((len(cells) for cells in sheet.rows), default=0)


def _write_row(
    ws: "xlsxwriter.worksheet.Worksheet",
    number: int,
    cells: list[object],
    marked: dict[int, list[str]],
    bad: "xlsxwriter.format.Format",
) -> None:
    for c, value in enumerate(cells):
        text = shown_text(value)
        if c not in marked and text:
            ws.write_string(number - 1, c, text)
    for c, reasons in sorted(marked.items()):
        # A marked cell may lie beyond a short CSV row: it is marked all the same.
        text = shown_text(cells[c]) if c < len(cells) else ""
        ws.write_string(number - 1, c, text, bad)
        ws.write_comment(number - 1, c, "\n".join(reasons), {"x_scale": 2, "y_scale": 1.5})


def _write_note(
    ws: "xlsxwriter.worksheet.Worksheet",
    number: int,
    last: int,
    first: int,
    by_row: dict[int, list[str]],
    note: "xlsxwriter.format.Format",
    title: "xlsxwriter.format.Format",
) -> None:
    messages = by_row.get(number, [])
    if number == first:
        ws.write_string(number - 1, last, "\n".join([_("Errors"), *messages]), title)
    elif messages:
        ws.write_string(number - 1, last, "；".join(messages), note)
