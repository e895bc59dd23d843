"""Opening an uploaded file as rows of cells: the first visible sheet of an .xlsx workbook, or a
.csv file (UTF-8 with or without BOM, else GB18030).

A file we cannot read raises FileUnreadable with a message saying what to do, before anything
is parsed. A workbook is sized up before calamine opens the sheet: calamine reads a whole sheet
into memory at once (a dense grid of cells, about 32 bytes each, plus the text), so a sheet of
1,048,576 rows must be refused from the size it declares, not after being read.
"""

import codecs
import csv
import re
import zipfile
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree

import python_calamine
from django.utils.translation import gettext as _

from fupin.imports.errors import FileUnreadable

# How many rows above the data may hold titles and the header; the row limit allows for them.
HEADER_SEARCH_ROWS = 20
# Templates have a few dozen columns; a sheet much wider than that has something stray far to
# the right, and calamine's grid would grow with it (rows x columns cells).
MAX_COLUMNS = 500
_CHUNK = 1 << 20
_TEXT_SUFFIXES = {".csv", ".txt"}


@dataclass
class Sheet:
    name: str
    # Every row from the sheet's first (row number = position + 1); cells indexed by column
    # (0 = A). Lists of calamine values (str, float, int, bool, date, ...) or of CSV strings.
    rows: Iterator[list[Any]]
    # Merged cells as (first row, first column, last row, last column), 0-based, inclusive.
    merged: list[tuple[int, int, int, int]]
    # Rows in the sheet, for progress bars (an estimate for CSV: its lines).
    total: int
    # Columns from A to the last used one; None for CSV (unknown until read).
    width: int | None = None


def too_many_rows(rows: int | None, limit: int) -> FileUnreadable:
    """`rows` is the size the sheet declares; None when it was counted only up to the limit."""
    if rows is None:
        return FileUnreadable(
            _(
                "The sheet has more than %(limit)s rows of data, the most one import takes. "
                "Split the file into several."
            )
            % {"limit": f"{limit:,}"}
        )
    return FileUnreadable(
        _(
            "The sheet has %(rows)s rows; one import takes at most %(limit)s rows of data. "
            "Split the file into several."
        )
        % {"rows": f"{rows:,}", "limit": f"{limit:,}"}
    )


@contextmanager
def open_sheet(path: Path, *, max_rows: int, fill_merged: bool = True) -> Iterator[Sheet]:
    """The file's first sheet. `fill_merged` copies a value merged down over several rows into
    each of them (a household's address merged over its members' rows belongs to every row)."""
    try:
        with path.open("rb") as f:
            magic = f.read(8)
    except OSError as e:
        raise FileUnreadable(
            _("The file cannot be opened (%(error)s).") % {"error": e.strerror or e}
        ) from None
    if not magic:
        raise FileUnreadable(_("The file is empty (0 bytes)."))
    if magic.startswith(b"PK\x03\x04"):
        with _open_xlsx(path, max_rows, fill_merged) as sheet:
            yield sheet
        return
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        # The OLE2 container of the old .xls format, and of password-protected workbooks.
        raise FileUnreadable(
            _(
                "This is an old Excel .xls workbook, or a password-protected one; open it in "
                "Excel or WPS and save it as .xlsx, without a password."
            )
        )
    if magic.startswith(b"%PDF"):
        raise FileUnreadable(
            _("This is a PDF document, not a spreadsheet; import the .xlsx or .csv file instead.")
        )
    if path.suffix.lower() in _TEXT_SUFFIXES:
        with _open_csv(path, max_rows) as sheet:
            yield sheet
        return
    raise _not_a_spreadsheet()


def _not_a_spreadsheet() -> FileUnreadable:
    return FileUnreadable(
        _(
            "This file is neither an .xlsx workbook nor a .csv file; open it in Excel or WPS "
            "and save it as .xlsx."
        )
    )


def _unreadable_workbook(error: object) -> FileUnreadable:
    return FileUnreadable(
        _(
            "The workbook cannot be read (%(error)s); open it in Excel or WPS and save it "
            "again as .xlsx."
        )
        % {"error": error}
    )


# --- .xlsx ---------------------------------------------------------------------------------


@contextmanager
def _open_xlsx(path: Path, max_rows: int, fill_merged: bool) -> Iterator[Sheet]:
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except (python_calamine.CalamineError, ValueError) as e:
        raise _unreadable_workbook(e) from None
    try:
        sheets = [
            s
            for s in book.sheets_metadata
            if s.typ == python_calamine.SheetTypeEnum.WorkSheet
            and s.visible == python_calamine.SheetVisibleEnum.Visible
        ] or [s for s in book.sheets_metadata if s.typ == python_calamine.SheetTypeEnum.WorkSheet]
        if not sheets:
            raise FileUnreadable(_("The workbook has no worksheet."))
        name = sheets[0].name
        _check_size(path, name, max_rows)
        try:
            sheet = book.get_sheet_by_name(name)
        except (python_calamine.CalamineError, ValueError) as e:
            raise _unreadable_workbook(e) from None
        end = sheet.end
        first_col = sheet.start[1] if sheet.start else 0
        merged = [(a[0], a[1], b[0], b[1]) for a, b in sheet.merged_cell_ranges or []]
        rows = _calamine_rows(sheet, first_col, merged if fill_merged else [])
        del sheet
        try:
            yield Sheet(
                name=name,
                rows=rows,
                merged=merged,
                total=end[0] + 1 if end else 0,
                width=end[1] + 1 if end else 0,
            )
        finally:
            # The generator holds calamine's copy of the whole sheet: let it go now, before
            # the rows are checked and saved.
            rows.close()
    finally:
        book.close()


def _calamine_rows(
    sheet: python_calamine.CalamineSheet,
    first_col: int,
    merged: list[tuple[int, int, int, int]],
) -> Generator[list[Any], None, None]:
    """calamine's rows start at the sheet's first row but at its first used column: shift them
    to column A, and copy values merged down a column into each row of the merge."""
    downs: dict[int, list[tuple[int, int]]] = {}
    for r1, c1, r2, _c2 in merged:
        if r2 > r1:
            downs.setdefault(r1, []).append((c1, r2))
    active: list[tuple[int, int, Any]] = []
    pad = [""] * first_col
    for r, row in enumerate(sheet.iter_rows()):
        if first_col:
            row = pad + row
        if active:
            active = [a for a in active if a[1] >= r]
            for col, _last, value in active:
                if col < len(row):
                    row[col] = value
        for col, last in downs.get(r, ()):
            if col < len(row):
                active.append((col, last, row[col]))
        yield row


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
# Every row tag, with its row number when it has one (the attribute is optional).
_ROW = re.compile(rb'<(?:\w+:)?row\b(?:[^>]{0,300}?\sr="(\d+)")?')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _check_size(path: Path, sheet_name: str, max_rows: int) -> None:
    """Refuse a sheet larger than the limits from the size its XML declares (its `dimension`,
    at the top of the file); when it declares none, count its rows by scanning the XML as it
    is decompressed, which stops as soon as the count passes the limit."""
    limit = max_rows + HEADER_SEARCH_ROWS
    try:
        with zipfile.ZipFile(path) as zf:
            member = _sheet_member(zf, sheet_name)
            if member is None:
                # calamine also reads .ods and .xlsb, whose size we cannot tell beforehand.
                raise _not_a_spreadsheet()
            with zf.open(member) as f:
                head = f.read(1 << 16)
            m = _DIMENSION.search(head)
            if m and m[3]:
                rows = int(m[4])
                columns = _column_number(m[3]) - _column_number(m[1]) + 1
                if columns > MAX_COLUMNS:
                    raise FileUnreadable(
                        _(
                            "The sheet is %(columns)s columns wide; one import takes at most "
                            "%(limit)s. Delete the empty columns at the right."
                        )
                        % {"columns": f"{columns:,}", "limit": f"{MAX_COLUMNS:,}"}
                    )
                if rows > limit:
                    raise too_many_rows(rows, max_rows)
                return
            if _count_rows(zf, member, limit) > limit:
                raise too_many_rows(None, max_rows)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as e:
        raise _unreadable_workbook(e) from None


def _count_rows(zf: zipfile.ZipFile, member: str, limit: int) -> int:
    """The rows of a sheet that declares no size: its row tags, or the last row number when
    rows are skipped (rows come in order). Stops once past `limit`."""
    last = count = 0
    tail = b""
    with zf.open(member) as f:
        while chunk := f.read(_CHUNK):
            buf = tail + chunk
            # A tag may straddle two chunks: search up to the last "<" (a row tag holds none),
            # and search the rest again with the next chunk.
            cut = buf.rfind(b"<") if len(chunk) == _CHUNK else len(buf)
            found = _ROW.findall(buf, 0, max(cut, 0))
            count += len(found)
            numbered = [n for n in found[-8:] if n]
            if numbered:
                last = max(last, int(numbered[-1]))
            if max(last, count) > limit:
                break
            tail = buf[max(cut, 0) :]
    return max(last, count)


def _sheet_member(zf: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip member of the sheet called `sheet_name`, from the workbook and its relations."""
    workbook = _small_xml(zf, "xl/workbook.xml")
    rels = _small_xml(zf, "xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        return None
    rel_id = None
    for el in workbook.iter():
        if el.tag.endswith("}sheet") and el.get("name") == sheet_name:
            rel_id = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            break
    for el in rels.iter():
        if el.tag.endswith("}Relationship") and el.get("Id") == rel_id:
            target = el.get("Target", "")
            member = (
                target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl", target))
            )
            return member if member in zf.namelist() else None
    return None


def _small_xml(zf: zipfile.ZipFile, member: str) -> ElementTree.Element | None:
    try:
        with zf.open(member) as f:
            data = f.read(16 << 20)
    except KeyError:
        return None
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as e:
        raise _unreadable_workbook(e) from None


# --- .csv ----------------------------------------------------------------------------------


@contextmanager
def _open_csv(path: Path, max_rows: int) -> Iterator[Sheet]:
    encoding, lines = _csv_encoding(path, max_rows + HEADER_SEARCH_ROWS)
    with path.open(encoding=encoding, newline="") as f:
        first = f.readline()
        f.seek(0)
        # Excel's "Text (Tab delimited)" is a CSV file with tabs.
        delimiter = "\t" if "\t" in first and "," not in first else ","
        yield Sheet(name="Sheet1", rows=_csv_rows(f, delimiter), merged=[], total=lines)


def _csv_rows(f: Any, delimiter: str) -> Iterator[list[Any]]:
    reader = csv.reader(f, delimiter=delimiter)
    number = 0
    try:
        for number, row in enumerate(reader, start=1):  # noqa: B007 -- read in `except`
            yield row
    except csv.Error as e:
        raise FileUnreadable(
            _("The CSV file cannot be read at row %(row)d (%(error)s).")
            % {"row": number + 1, "error": e}
        ) from None


def _csv_encoding(path: Path, limit: int) -> tuple[str, int]:
    """UTF-8 (with or without BOM) if the whole file decodes as UTF-8, else GB18030 (what
    Excel and WPS on Chinese Windows save as "CSV"); and the number of lines. One pass over the
    file in chunks, so a big file is never held in memory."""
    with path.open("rb") as f:
        start = f.read(4)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileUnreadable(
            _(
                "The file is UTF-16 text (Excel's “Unicode text”); save it as “CSV UTF-8” in "
                "Excel or WPS."
            )
        )
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        lines = 0
        try:
            with path.open("rb") as f:
                while chunk := f.read(_CHUNK):
                    if b"\x00" in chunk:
                        raise FileUnreadable(
                            _("The file holds binary data, not text: it is not a CSV file.")
                        )
                    decoder.decode(chunk)
                    lines += chunk.count(b"\n")
                    if lines > limit:
                        raise too_many_rows(None, limit - HEADER_SEARCH_ROWS)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding, lines + 1
    raise FileUnreadable(
        _("The CSV file is neither UTF-8 nor GB18030 text; save it as “CSV UTF-8” in Excel or WPS.")
    )
