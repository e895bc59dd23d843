"""Writing spreadsheets users open in Excel or WPS. Reading lives in the import pipeline."""

import io
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter


def write_xlsx(rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1") -> bytes:
    """An .xlsx file of rows; the first row is the header, frozen and bold."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            # Codes and ID numbers are text: written as numbers Excel would round them.
            ws.write_string(r, c, str(value), bold if r == 0 else None)
    ws.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()
