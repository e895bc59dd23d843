"""The blank workbook users fill in: a title, the header the pipeline reads (required columns
marked * in red), a help row beneath it, and cells formatted as text where Excel would
otherwise turn an ID number or a code into a number and lose its last digits."""

import datetime
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import xlsxwriter

from fupin.imports.parsers import hint
from fupin.imports.schema import Schema

# Rows below the header that get the drop-down lists of choice columns.
_VALIDATED_ROWS = 10_000
# Excel's limit for a list written into the validation itself.
_LIST_LIMIT = 255


def write_template(
    schema: Schema, path_out: Path, *, rows: Iterable[Mapping[str, Any]] = ()
) -> None:
    """Write the template of `schema` to `path_out`; `rows` (key -> value, written as text)
    pre-fill it, e.g. with examples."""
    columns = schema.columns
    book = xlsxwriter.Workbook(str(path_out))
    try:
        ws = book.add_worksheet(re.sub(r"[\[\]:*?/\\]", "", str(schema.title))[:31] or "Sheet1")
        title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
        label = book.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2"})
        required = book.add_format(
            {"bold": True, "border": 1, "bg_color": "#F2F2F2", "font_color": "#C00000"}
        )
        helping = book.add_format(
            {"italic": True, "font_color": "#808080", "text_wrap": True, "valign": "top"}
        )
        if len(columns) > 1:
            ws.merge_range(0, 0, 0, len(columns) - 1, str(schema.title), title)
        else:
            ws.write_string(0, 0, str(schema.title), title)
        has_help = any(c.help for c in columns)
        first_data = 3 if has_help else 2
        for i, col in enumerate(columns):
            cell_hint = hint(col.parse)
            ws.set_column(
                i,
                i,
                max(12, 2 * len(col.label) + 4),
                book.add_format({"num_format": _number_format(cell_hint.number_format)}),
            )
            # The * is what users expect on a required column; the header matcher drops it.
            ws.write_string(
                1,
                i,
                f"*{col.label}" if col.required else col.label,
                required if col.required else label,
            )
            if col.help:
                ws.write_string(2, i, str(col.help), helping)
                ws.write_comment(1, i, str(col.help), {"x_scale": 2})
            options = cell_hint.options() if cell_hint.options else None
            if options and len(",".join(options)) <= _LIST_LIMIT:
                ws.data_validation(
                    first_data,
                    i,
                    first_data + _VALIDATED_ROWS - 1,
                    i,
                    # A warning, not a stop: the code of a value is accepted as well.
                    {"validate": "list", "source": options, "error_type": "warning"},
                )
        ws.freeze_panes(first_data, 0)
        for r, values in enumerate(rows, start=first_data):
            for i, col in enumerate(columns):
                text = _text(values.get(col.key))
                if text:
                    ws.write_string(r, i, text)
    finally:
        book.close()


def _number_format(code: str) -> str | int:
    # Text as Excel's built-in format 49, which every version and WPS know as "Text".
    return 49 if code == "@" else code


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
