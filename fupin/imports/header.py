"""Finding the header row beneath the titles, and which column holds which field.

Spreadsheets made in offices start with a title or two (四川省XX县2016年贫困户花名册), often
a merged two-row header (a group such as 家庭成员 merged over 姓名 | 身份证号), and have columns
in any order, named in several ways. The header is the row, among the first twenty, that
names the most known columns and every required one.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from fupin.imports.normalise import header_text
from fupin.imports.schema import Column, RowError


@dataclass
class Header:
    # The Excel row number of the header; 0 when no row names any known column.
    row: int = 0
    # key -> 0-based column index.
    columns: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    # A required column is missing: rows cannot be checked as a whole.
    incomplete: bool = False


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _lookup(columns: Sequence[Column]) -> dict[str, str]:
    """Normalised header text -> key; a label wins over another column's synonym."""
    lookup: dict[str, str] = {}
    for col in columns:
        lookup.setdefault(header_text(col.label), col.key)
    for col in columns:
        for synonym in col.synonyms:
            lookup.setdefault(header_text(synonym), col.key)
    return lookup


def _filled(head: list[list[Any]], merged: list[tuple[int, int, int, int]]) -> list[list[str]]:
    """The header texts of the first rows, each merged cell given its block's value (the group
    header over each of its columns, a header merged down over both header rows)."""
    texts = [[header_text(v) for v in row] for row in head]
    for r1, c1, r2, c2 in merged:
        if r1 >= len(texts) or c1 >= len(texts[r1]):
            continue
        value = texts[r1][c1]
        for r in range(r1, min(r2, len(texts) - 1) + 1):
            row = texts[r]
            for c in range(c1, min(c2, len(row) - 1) + 1):
                row[c] = value
    return texts


def _match(row: list[str], above: list[str], lookup: dict[str, str]) -> dict[str, list[int]]:
    """key -> the columns naming it. A sub-header is tried with its group first (户主 over
    姓名 is 户主姓名, when the schema knows that), then alone."""
    found: dict[str, list[int]] = {}
    for c, sub in enumerate(row):
        group = above[c] if c < len(above) else ""
        candidates = [group + sub, sub] if group and sub and group != sub else [sub or group]
        for text in candidates:
            key = lookup.get(text)
            if key is not None:
                found.setdefault(key, []).append(c)
                break
    return found


def find_header(
    head: list[list[Any]], merged: list[tuple[int, int, int, int]], columns: Sequence[Column]
) -> Header:
    """The header among `head` (the first rows of the sheet, row 1 first)."""
    lookup = _lookup(columns)
    required = {c.key for c in columns if c.required}
    texts = _filled(head, merged)
    best: tuple[tuple[bool, int], int, dict[str, list[int]]] | None = None
    for r, row in enumerate(texts):
        found = _match(row, texts[r - 1] if r else [], lookup)
        if not found:
            continue
        score = (required <= found.keys(), len(found))
        # Ties go to the upper row: a header repeated further down (printed page headers)
        # must not hide the rows above it.
        if best is None or score > best[0]:
            best = (score, r, found)
    if best is None and not any(any(row) for row in texts):
        return Header(errors=[RowError(1, "", "", _("The first sheet is empty."))], incomplete=True)
    if best is None:
        labels = "、".join(c.label for c in columns if c.required) or "、".join(
            c.label for c in columns
        )
        return Header(
            errors=[
                RowError(
                    1,
                    "",
                    "",
                    _(
                        "No header row found: none of the first %(rows)d rows names the "
                        "columns (%(labels)s)."
                    )
                    % {"rows": len(head), "labels": labels},
                )
            ],
            incomplete=True,
        )
    _score, r, found = best
    header = Header(row=r + 1)
    for col in columns:
        places = found.get(col.key)
        if places is None:
            if col.required:
                header.incomplete = True
                header.errors.append(
                    RowError(
                        header.row,
                        col.label,
                        "",
                        _("The required column “%(label)s” is missing.") % {"label": col.label},
                    )
                )
            continue
        header.columns[col.key] = places[0]
        if len(places) > 1:
            header.errors.append(
                RowError(
                    header.row,
                    col.label,
                    "",
                    _(
                        "The column “%(label)s” appears more than once (columns %(columns)s); "
                        "keep one."
                    )
                    % {"label": col.label, "columns": "、".join(column_letter(c) for c in places)},
                    places[1],
                )
            )
    return header
