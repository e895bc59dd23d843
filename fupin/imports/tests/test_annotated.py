"""The annotated copy of a refused file: the user's cells unchanged, each bad cell filled and
commented with its reason, every row's problems in a last column 错误."""

import pytest
import python_calamine

from fupin.imports.pipeline import run_import, write_annotated
from fupin.imports.tests.things import BAD_CHECK, HEADER, ID_A, ID_B, ID_C, Things, csv_file, xlsx
from fupin.imports.tests.xlsx_parts import Parts

pytestmark = pytest.mark.django_db

BAD_FILL = "FFFFC7CE"
ROWS = [
    ["四川省旺苍县贫困户花名册"],
    [*HEADER, "备注"],
    ["510821100001", "张三", ID_A, "1960-01-01", "3", "户主"],
    ["510821100001", "李四", BAD_CHECK, "明年", "3"],
    ["330100000000", "王五", ID_B],
    ["510821100001", "已登记", ID_C],
]


def sheet_values(path):
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_index(0).to_python(skip_empty_area=False)


def annotate(tmp_path, source):
    result = run_import(Things(), source, actor=None, commit=True)
    out = tmp_path / "marked.xlsx"
    write_annotated(source, result.errors, out, header_row=result.header_row)
    return result, out


def test_it_marks_each_bad_cell_with_a_fill_and_the_reason(tmp_path):
    source = xlsx(tmp_path / "roster.xlsx", ROWS, merges=[("A1:F1", ROWS[0][0])])
    result, out = annotate(tmp_path, source)
    assert result.committed is False

    parts = Parts(out)

    assert parts.comments() == {
        "C4": "校验码不符：号码中有数字填错。",
        "D4": "不是日期；请按 2020-01-31 的格式填写。",
        "A5": "不在本县",
    }
    for ref in ["C4", "D4", "A5"]:
        assert parts.fill(parts.cell_style(ref)) == BAD_FILL, ref
    for ref in ["A4", "B4", "C5", "B6", "C6"]:
        assert parts.fill(parts.cell_style(ref)) != BAD_FILL, ref


def test_it_keeps_the_cells_and_lists_each_rows_problems_in_a_last_column(tmp_path):
    source = xlsx(tmp_path / "roster.xlsx", ROWS)
    _result, out = annotate(tmp_path, source)

    rows = sheet_values(out)

    assert [row[:6] for row in rows] == [[*row, *[""] * (6 - len(row))] for row in ROWS], (
        "the user's cells, unchanged"
    )
    notes = [row[6] for row in rows]
    assert notes == [
        "",
        "错误",
        "",
        "身份证号：校验码不符：号码中有数字填错。；"
        "出生日期：不是日期；请按 2020-01-31 的格式填写。",
        "村代码：不在本县",
        "这一户已经登记过",
    ]


def test_it_notes_missing_columns_on_the_header_row(tmp_path):
    source = xlsx(tmp_path / "roster.xlsx", [["姓名", "出生日期"], ["张三", "x"]])
    _result, out = annotate(tmp_path, source)

    rows = sheet_values(out)

    assert rows[0][2] == "错误\n村代码：缺少必填列“村代码”。\n身份证号：缺少必填列“身份证号”。"
    assert Parts(out).comments() == {"B2": "不是日期；请按 2020-01-31 的格式填写。"}


def test_it_annotates_a_csv_file_as_a_workbook(tmp_path):
    source = csv_file(
        tmp_path / "roster.csv",
        [HEADER, ["510821100001", "张三", ID_A], ["510821100001", "李四"]],
        "gb18030",
    )
    _result, out = annotate(tmp_path, source)

    assert Parts(out).comments() == {"C3": "必填项，不能为空。"}
    rows = sheet_values(out)
    assert rows[1][:3] == ["510821100001", "张三", ID_A]
    assert rows[2][5] == "身份证号：必填项，不能为空。"
