"""A fake domain for the pipeline's tests ("things"), and spreadsheets written the way users'
files are: xlsxwriter for ordinary workbooks, a zip written by hand for the odd ones."""

import datetime
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from django.db import models
from stdnum.cn import ric

from fupin.audit.log import record
from fupin.audit.models import AuditEvent
from fupin.imports import parsers
from fupin.imports.schema import Column, ParsedRow, Rejected, RowError

SAVES = "imports.test_save_thing"


class Sex(models.TextChoices):
    MALE = "1", "男"
    FEMALE = "2", "女"


def id_number(body: str) -> str:
    """A valid resident ID from its first 17 digits."""
    return body + ric.calc_check_digit(body + "0")


ID_A = id_number("51082119600101001")  # born 1960 in 旺苍县, whose code dates from 1985
ID_B = id_number("51082419851231002")
ID_C = id_number("51010419900615003")
ID_X = next(  # one whose check character is X
    n for n in (id_number(f"51082119700101{seq:03d}") for seq in range(1000)) if n.endswith("X")
)
# The same number with the wrong check character.
BAD_CHECK = ID_A[:-1] + ("1" if ID_A[-1] != "1" else "2")


class Things:
    """Columns of every kind of parser; `check` refuses duplicate IDs and villages outside
    广元市 (a stand-in for the database and scope checks), `save` writes one audit event
    per row (so a rollback shows) and can be told to fail."""

    name = "things"
    title = "测试物品"

    def __init__(self) -> None:
        self.columns = [
            Column("village_code", "村代码", ("行政村代码", "村级代码"), required=True),
            Column("name", "姓名", ("成员姓名",), required=True, help="户主或成员的姓名"),
            Column(
                "id_number", "身份证号", ("身份证号码",), required=True, parse=parsers.id_number
            ),
            Column("born", "出生日期", parse=parsers.date),
            Column("people", "人数", parse=parsers.integer(min_value=0)),
            Column("land", "耕地面积（亩）", ("耕地面积",), parse=parsers.decimal(min_value=0)),
            Column("poor", "是否贫困", parse=parsers.boolean),
            Column("sex", "性别", parse=parsers.choice(Sex)),
            Column("phone", "户主电话", parse=parsers.phone),
            Column("since", "识别年度", parse=parsers.year),
        ]
        self.checked: list[ParsedRow] | None = None
        self.saved: list[ParsedRow] = []
        self.fail_after: int | None = None
        self.reject: list[RowError] = []

    def check(self, rows: list[ParsedRow], *, actor: Any) -> list[RowError]:
        self.checked = rows
        errors = []
        seen: dict[str, int] = {}
        for row in rows:
            number = row.values["id_number"]
            if number is None:  # a bad cell, reported by the pipeline already
                continue
            if number in seen:
                errors.append(
                    RowError(
                        row.row, "身份证号", row.raw["id_number"], f"与第 {seen[number]} 行重复"
                    )
                )
            seen.setdefault(number, row.row)
            if row.values["village_code"] and not row.values["village_code"].startswith("5108"):
                errors.append(RowError(row.row, "村代码", row.raw["village_code"], "不在本县"))
            if row.values["name"] == "已登记":
                errors.append(RowError(row.row, "", "", "这一户已经登记过"))
        return errors

    def save(self, rows: list[ParsedRow], *, actor: Any, progress: Callable[[int], None]) -> int:
        for i, row in enumerate(rows, start=1):
            if self.fail_after is not None and i > self.fail_after:
                raise RuntimeError("the database went away")
            record(
                actor=actor,
                action=SAVES,
                object_type="thing",
                object_id=row.values["id_number"],
                region_code=row.values["village_code"],
            )
            self.saved.append(row)
            progress(i)
        if self.reject:
            raise Rejected(self.reject)
        return len(rows)


def saved_events() -> int:
    return AuditEvent.objects.filter(action=SAVES).count()


HEADER = ["村代码", "姓名", "身份证号", "出生日期", "人数"]


def xlsx(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    merges: Iterable[tuple[str, Any]] = (),
    sheet: str = "Sheet1",
) -> Path:
    """A workbook of `rows` (row 1 first): str as text, int/float as numbers, dates as date
    cells, None as nothing; `merges` are (range, value), e.g. ("A1:E1", "标题")."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(sheet)
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, int | float):
                ws.write_number(r, c, value)
            elif isinstance(value, datetime.date):
                ws.write_datetime(r, c, value, dates)
            else:
                ws.write_string(r, c, value)
    for cells, value in merges:
        ws.merge_range(cells, value)
    book.close()
    return path


def csv_file(path: Path, rows: Sequence[Sequence[str]], encoding: str = "utf-8") -> Path:
    text = "".join(",".join(row) + "\r\n" for row in rows)
    path.write_bytes(text.encode(encoding))
    return path


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{_OFFICE}.worksheet+xml"/></Types>'
)
_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def _letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def crafted_xlsx(
    path: Path,
    rows: Iterable[Sequence[str]],
    *,
    dimension: str | None = None,
    chunk: int = 50_000,
    more: bytes = b"",
) -> Path:
    """A minimal real .xlsx written by hand, streamed into the zip: inline strings, no shared
    string table or styles, and the `dimension` it declares (or none). This is how a sheet of
    a million rows is made in a second, and a cell longer than Excel itself would write.
    `more` is sheet XML for further rows, already rendered."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            f.write(f'{_XML}<worksheet xmlns="{_MAIN}">'.encode())
            if dimension:
                f.write(f'<dimension ref="{dimension}"/>'.encode())
            f.write(b"<sheetData>")
            parts: list[str] = []
            for r, row in enumerate(rows, start=1):
                cells = "".join(
                    f'<c r="{_letters(c)}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for c, v in enumerate(row)
                    if v
                )
                parts.append(f'<row r="{r}">{cells}</row>')
                if len(parts) >= chunk:
                    f.write("".join(parts).encode())
                    parts.clear()
            f.write("".join(parts).encode())
            f.write(more)
            f.write(b"</sheetData></worksheet>")
    return path
