"""Importing a spreadsheet through a domain's schema: every row or none (DESIGN §3, rule 5).

Read the rows, parse every cell, let the schema check the rows as a whole, and only when
nothing at all is wrong (and this is not a dry run) let the schema save them, all inside one
transaction. Every problem of the file is reported in one pass: the user fixes the file once.
"""

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.imports.annotate import write_annotated
from fupin.imports.errors import CellError, FileUnreadable
from fupin.imports.header import Header, find_header
from fupin.imports.normalise import cell_text
from fupin.imports.reader import HEADER_SEARCH_ROWS, open_sheet, too_many_rows
from fupin.imports.schema import Column, ParsedRow, Rejected, RowError, Schema
from fupin.imports.template import write_template

__all__ = [
    "MAX_CELL_LENGTH",
    "MAX_ROWS",
    "FileUnreadable",
    "ImportResult",
    "run_import",
    "write_annotated",
    "write_template",
]

# Data rows one import takes (settings.IMPORT_MAX_ROWS overrides it). A county's registry is
# well under this; a province is imported county by county.
MAX_ROWS = 1_000_000
# Characters in one cell: the longest field of any form is a few hundred (an address, a
# note); beyond this a cell holds something pasted by mistake.
MAX_CELL_LENGTH = 1_000
# Text this short repeats down a column (sex, relation, a village code): one string object
# shared by every row instead of one per row.
_INTERN_LENGTH = 16
_PROGRESS_EVERY = 1_000
_MEMO_SIZE = 4_096

Progress = Callable[[str, int, int], None]


@dataclass
class ImportResult:
    # Data rows read (blank rows not counted).
    rows: int
    saved: int
    errors: list[RowError]
    committed: bool
    # The Excel row number of the header (0 when none was found), for the annotated copy.
    header_row: int = 0
    # key -> the 0-based column it was read from.
    columns: dict[str, int] = field(default_factory=dict)


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def configured_max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", MAX_ROWS))


def run_import(
    schema: Schema,
    path: Path,
    *,
    actor: Any,
    commit: bool,
    progress: Progress | None = None,
    max_rows: int | None = None,
) -> ImportResult:
    """Import `path` (the first sheet of an .xlsx, or a .csv) through `schema`.

    Raises FileUnreadable when the file is not a spreadsheet we can read, or too big. Saves
    only with `commit` and only when no row has any problem; `progress(stage, done, total)`
    is called now and then, with the stages "read", "check" and "save".
    """
    report = progress or _quiet
    limit = max_rows if max_rows is not None else configured_max_rows()
    # calamine loads the sheet before the first row comes: show that reading has begun.
    report("read", 0, 0)
    with open_sheet(path, max_rows=limit) as sheet:
        head = list(islice(sheet.rows, HEADER_SEARCH_ROWS))
        header = find_header(head, sheet.merged, schema.columns)
        if not header.row:
            return ImportResult(0, 0, header.errors, False)
        rows = chain(head[header.row :], sheet.rows)
        reading = _Reading(schema.columns, header, limit, sheet.total, report)
        parsed = reading.parse(rows)
    errors = [*header.errors, *reading.errors]
    if not header.incomplete:
        report("check", 0, len(parsed))
        errors += schema.check(parsed, actor=actor)
        report("check", len(parsed), len(parsed))
    if not reading.count and not errors:
        errors.append(RowError(header.row + 1, "", "", _("There are no rows below the header.")))
    result = ImportResult(reading.count, 0, located(errors, schema.columns, header), False)
    result.header_row, result.columns = header.row, header.columns
    if result.errors or not commit:
        return result
    try:
        with transaction.atomic():
            saved = schema.save(
                parsed, actor=actor, progress=lambda done: report("save", done, len(parsed))
            )
    except Rejected as e:
        result.errors = located(e.errors, schema.columns, header)
        return result
    report("save", len(parsed), len(parsed))
    result.saved, result.committed = saved, True
    return result


def located(
    errors: Iterable[RowError], columns: Sequence[Column], header: Header
) -> list[RowError]:
    """The errors in the order of the sheet, each with the column it is in (when the file has
    that column), so the annotated copy can mark the cell."""
    where = {c.label: header.columns[c.key] for c in columns if c.key in header.columns}
    out = [
        e if e.col is not None or e.column not in where else replace(e, col=where[e.column])
        for e in errors
    ]
    out.sort(key=lambda e: (e.row, e.col if e.col is not None else sys.maxsize))
    return out


def shown(text: str) -> str:
    """A value as quoted back in an error: a pasted page would drown the message."""
    return text if len(text) <= 50 else text[:50] + "…"


class _Reading:
    """Parsing the data rows: every cell of every row, errors collected, clean rows kept."""

    def __init__(
        self, columns: Sequence[Column], header: Header, limit: int, total: int, report: Progress
    ) -> None:
        self.fields = [(c, header.columns[c.key]) for c in columns if c.key in header.columns]
        self.absent = [c.key for c in columns if c.key not in header.columns]
        self.first = header.row + 1
        self.limit = limit
        self.total = total
        self.report = report
        self.errors: list[RowError] = []
        self.count = 0
        # The template's help row beneath the header is not data (users keep it).
        self.help = [cell_text(str(c.help)) for c, _i in self.fields]
        # Rosters repeat the same few values down a column (汉族, 户主, 因病, 是): each distinct
        # short text is normalised and parsed once. Bounded, as unique columns never repeat.
        self.texts: dict[Any, str] = {}
        self.parsed: list[dict[str, Any]] = [{} for _ in self.fields]

    def parse(self, rows: Iterator[list[Any]]) -> list[ParsedRow]:
        parsed: list[ParsedRow] = []
        intern = sys.intern
        fields = self.fields
        number = self.first - 1
        for number, cells in enumerate(rows, start=self.first):
            if number % _PROGRESS_EVERY == 0:
                self.report("read", number, self.total)
            width = len(cells)
            texts: list[str] = []
            blank = True
            known = self.texts
            for _col, i in fields:
                value = cells[i] if i < width else ""
                if value == "":
                    texts.append("")
                    continue
                text = known.get(value) if isinstance(value, str) else None
                if text is None:
                    text = cell_text(value)
                    if len(text) <= _INTERN_LENGTH:
                        text = intern(text)
                        if isinstance(value, str) and len(known) < _MEMO_SIZE:
                            known[value] = text
                if text:
                    blank = False
                texts.append(text)
            if blank or (number == self.first and self._is_help(texts)):
                continue
            if self.count >= self.limit:
                raise too_many_rows(None, self.limit)
            self.count += 1
            parsed.append(self._row(number, texts))
        self.report("read", number, max(self.total, number))
        return parsed

    def _is_help(self, texts: list[str]) -> bool:
        return all(t == h for t, h in zip(texts, self.help, strict=True) if t)

    def _row(self, number: int, texts: list[str]) -> ParsedRow:
        values: dict[str, Any] = {}
        raw: dict[str, str] = {}
        bad: set[str] = set()
        for index, ((col, i), text) in enumerate(zip(self.fields, texts, strict=True)):
            raw[col.key] = text
            if not text:
                values[col.key] = None
                if col.required:
                    bad.add(col.key)
                    self.errors.append(
                        RowError(number, col.label, "", _("Required: this cell is blank."), i)
                    )
                continue
            if len(text) > MAX_CELL_LENGTH:
                bad.add(col.key)
                values[col.key] = None
                self.errors.append(
                    RowError(
                        number,
                        col.label,
                        shown(text),
                        _("The cell holds %(length)s characters; at most %(limit)s are allowed.")
                        % {"length": f"{len(text):,}", "limit": f"{MAX_CELL_LENGTH:,}"},
                        i,
                    )
                )
                continue
            memo = self.parsed[index]
            try:
                if text in memo:
                    values[col.key] = memo[text]
                else:
                    values[col.key] = value = col.parse(text)
                    if len(text) <= _INTERN_LENGTH and len(memo) < _MEMO_SIZE:
                        memo[text] = value
            except CellError as e:
                bad.add(col.key)
                values[col.key] = None
                self.errors.append(RowError(number, col.label, shown(text), e.message, i))
        for key in self.absent:
            values[key] = None
            raw[key] = ""
        return ParsedRow(number, values, raw, frozenset(bad))
