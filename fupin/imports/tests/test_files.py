"""Files that are not spreadsheets we can read, and sheets too big to read: refused at once with
a message saying what to do, nothing read into memory, nothing saved."""

import zipfile

import pytest

from fupin.imports import reader
from fupin.imports.errors import FileUnreadable
from fupin.imports.pipeline import run_import
from fupin.imports.tests.things import HEADER, ID_A, Things, crafted_xlsx, csv_file, xlsx
from fupin.testing import nothing_saved

pytestmark = pytest.mark.django_db

EXCEL_ROWS = 1_048_576


def refused(path, **kwargs) -> str:
    schema = Things()
    with nothing_saved(), pytest.raises(FileUnreadable) as e:
        run_import(schema, path, actor=None, commit=True, **kwargs)
    assert schema.checked is None and schema.saved == []
    return e.value.message


@pytest.mark.parametrize("name", ["empty.xlsx", "empty.csv"])
def test_it_refuses_an_empty_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    assert refused(path) == "文件是空的（0 字节）。"


def test_it_refuses_an_old_xls_workbook_renamed(tmp_path):
    path = tmp_path / "roster.xlsx"
    # The OLE2 signature every .xls (and every password-protected .xlsx) starts with.
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    assert "旧版 Excel（.xls）" in refused(path)


def test_it_refuses_a_pdf_renamed(tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    assert refused(path) == "这是 PDF 文档，不是电子表格；请导入 .xlsx 或 .csv 文件。"


def test_it_refuses_files_that_are_not_spreadsheets(tmp_path):
    text = tmp_path / "roster.xlsx"
    text.write_text("村代码,姓名\n", encoding="utf-8")
    assert "既不是 .xlsx 工作簿也不是 .csv 文件" in refused(text)

    archive = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("photo.txt", "not a workbook")
    assert "无法读取该工作簿" in refused(archive)

    image = tmp_path / "scan.csv"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert refused(image) == "文件包含二进制数据而不是文本，不是 CSV 文件。"

    latin = tmp_path / "roster.csv"
    latin.write_bytes(b"a,b\n\xff\x80\xff\n")
    assert "既不是 UTF-8 也不是 GB18030" in refused(latin)

    utf16 = tmp_path / "unicode.csv"
    utf16.write_bytes("村代码\t姓名\n".encode("utf-16"))
    assert "UTF-16" in refused(utf16)


def test_it_refuses_a_broken_workbook(tmp_path):
    good = xlsx(tmp_path / "good.xlsx", [HEADER])
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[:-200])
    assert "无法读取该工作簿" in refused(broken)


@pytest.fixture(scope="module")
def excel_sized(tmp_path_factory):
    """Sheets of Excel's 1,048,576 rows (one short value each): declaring their size, and not."""
    folder = tmp_path_factory.mktemp("big")
    body = "".join(
        f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(2, EXCEL_ROWS + 1)
    ).encode()
    return (
        crafted_xlsx(folder / "declared.xlsx", [HEADER], dimension=f"A1:E{EXCEL_ROWS}", more=body),
        crafted_xlsx(folder / "undeclared.xlsx", [HEADER], more=body),
    )


def test_it_refuses_a_sheet_of_1048576_rows_at_once(excel_sized, monkeypatch):
    declared, undeclared = excel_sized
    expected = "工作表有 1,048,576 行，单次导入最多 1,000,000 行数据；请拆分成多个文件。"

    def never(*args, **kwargs):
        raise AssertionError("calamine was asked for the rows of a sheet too large to read")

    # Refused from the size the sheet declares, before calamine reads a row (it would take
    # seconds and hundreds of megabytes to load it). Timings are for bench/import.py.
    monkeypatch.setattr(reader, "_calamine_rows", never)
    assert refused(declared) == expected
    # A sheet declaring no size is counted as its XML is unzipped, and refused as soon as the
    # count passes the limit, again before calamine reads it.
    message = refused(undeclared)
    assert message == "工作表的数据超过 1,000,000 行，超出单次导入的上限；请拆分成多个文件。"


def test_it_reads_the_same_kind_of_file_when_small(tmp_path):
    """The crafted workbooks above are real ones: a small one imports."""
    path = crafted_xlsx(tmp_path / "small.xlsx", [HEADER, ["510821100001", "张三", ID_A]])
    result = run_import(Things(), path, actor=None, commit=False)
    assert (result.rows, result.errors) == (1, [])


def test_it_refuses_more_rows_than_the_limit_in_every_format(tmp_path):
    rows = [HEADER, *(["510821100001", "张三", ID_A] for _ in range(30))]
    small = "工作表有 31 行，单次导入最多 5 行数据；请拆分成多个文件。"
    assert refused(xlsx(tmp_path / "t.xlsx", rows), max_rows=5) == small
    assert "数据超过 5 行" in refused(csv_file(tmp_path / "t.csv", rows), max_rows=5)
    # A sheet that declares less than it holds is still stopped while it is read.
    lying = crafted_xlsx(tmp_path / "lying.xlsx", rows, dimension="A1:E3")
    assert "数据超过 5 行" in refused(lying, max_rows=5)


def test_it_refuses_a_sheet_wider_than_any_roster(tmp_path):
    path = crafted_xlsx(tmp_path / "wide.xlsx", [HEADER], dimension="A1:XFD3")
    assert refused(path) == "工作表有 16,384 列，单次导入最多 500 列；请删除右侧多余的列。"
