"""Reading users' spreadsheets: the header beneath title rows, merged two-row headers, columns
under other names, cells written every way Excel and input methods write them, and every
problem reported in one pass with the row number the user sees."""

import datetime
import re
from decimal import Decimal

import pytest
import xlsxwriter

from fupin.imports.pipeline import run_import
from fupin.imports.tests.things import (
    BAD_CHECK,
    HEADER,
    ID_A,
    ID_B,
    ID_C,
    ID_X,
    Things,
    crafted_xlsx,
    csv_file,
    xlsx,
)

pytestmark = pytest.mark.django_db

EXCEL_NUMBER = "身份证号已被 Excel 转成数字，后几位已丢失；请把该列设为文本格式后重新填写"


def dry_run(schema, path):
    return run_import(schema, path, actor=None, commit=False)


def values(schema):
    return [row.values for row in schema.checked]


def test_it_finds_the_header_below_title_rows(tmp_path):
    path = xlsx(
        tmp_path / "t.xlsx",
        [
            ["四川省旺苍县2016年贫困户花名册"],
            ["填报单位：东河镇", None, None, "填报日期：2016年5月"],
            HEADER,
            ["510821100001", "张三", ID_A, "1960-01-01", "3"],
        ],
        merges=[("A1:E1", "四川省旺苍县2016年贫困户花名册")],
    )
    schema = Things()

    result = dry_run(schema, path)

    assert result.errors == []
    assert (result.rows, result.header_row, result.saved, result.committed) == (1, 3, 0, False)
    assert schema.checked[0].row == 4
    assert values(schema)[0] == {
        "village_code": "510821100001",
        "name": "张三",
        "id_number": ID_A,
        "born": datetime.date(1960, 1, 1),
        "people": 3,
        "land": None,
        "poor": None,
        "sex": None,
        "phone": None,
        "since": None,
    }


def test_it_reads_a_merged_two_row_header_and_values_merged_down(tmp_path):
    # 家庭成员 over 姓名 | 身份证号, 户主 over 电话 (户主电话 is a column of its own), the
    # one-row headers merged down over both rows; a village code merged over three members.
    path = xlsx(
        tmp_path / "t.xlsx",
        [
            ["花名册"],
            [None, None, "家庭成员", None, "户主", None],
            [None, None, "姓名", "身份证号", "电话", None],
            ["1", "510821100001", "张三", ID_A, "13812345678", "是"],
            ["2", None, "李四", ID_B, None, "否"],
            ["3", None, "王五", ID_C, None, "√"],
        ],
        merges=[
            ("A1:F1", "花名册"),
            ("A2:A3", "序号"),
            ("B2:B3", "村代码"),
            ("C2:D2", "家庭成员"),
            ("E2:F2", "户主"),
            ("B4:B6", "510821100001"),
        ],
    )
    schema = Things()

    result = dry_run(schema, path)

    assert result.errors == []
    assert result.header_row == 3
    assert result.columns == {"village_code": 1, "name": 2, "id_number": 3, "phone": 4}
    assert [(v["village_code"], v["name"], v["phone"]) for v in values(schema)] == [
        ("510821100001", "张三", "13812345678"),
        ("510821100001", "李四", None),
        ("510821100001", "王五", None),
    ]


def test_it_matches_synonyms_and_marked_headers_and_ignores_unknown_columns(tmp_path):
    path = xlsx(
        tmp_path / "t.xlsx",
        [
            ["序号", "* 行政村代码", "成员\n姓名", "身份证号码", "备注", "耕地面积", "户籍地址"],
            ["1", "510821100001", "张三", ID_A, "低保户", "2.5", "东河镇"],
        ],
    )
    schema = Things()

    result = dry_run(schema, path)

    assert result.errors == []
    assert result.columns == {"village_code": 1, "name": 2, "id_number": 3, "land": 5}
    assert set(schema.checked[0].values) == {c.key for c in schema.columns}
    assert schema.checked[0].values["land"] == Decimal("2.5")


def test_it_names_each_missing_required_column(tmp_path):
    path = xlsx(
        tmp_path / "t.xlsx",
        [["标题"], ["姓名", "人数", "备注"], ["张三", "x", ""]],
    )
    schema = Things()

    result = dry_run(schema, path)

    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "村代码", "缺少必填列“村代码”。"),
        (2, "身份证号", "缺少必填列“身份证号”。"),
        # The cells of the columns that are there are checked in the same pass.
        (3, "人数", "不是整数。"),
    ]
    assert schema.checked is None, "rows without their required columns are not checked"


def test_it_says_so_when_no_row_looks_like_a_header(tmp_path):
    path = xlsx(tmp_path / "t.xlsx", [["a", "b"], ["1", "2"]])

    result = dry_run(Things(), path)

    assert len(result.errors) == 1
    assert result.errors[0].row == 1
    assert "找不到表头" in result.errors[0].message and "村代码" in result.errors[0].message


def test_it_reports_a_column_given_twice(tmp_path):
    path = xlsx(
        tmp_path / "t.xlsx", [[*HEADER, "姓名"], ["510821100001", "张三", ID_A, "", "", "李四"]]
    )

    result = dry_run(Things(), path)

    assert [(e.row, e.column, e.col) for e in result.errors] == [(1, "姓名", 5)]
    assert "B、F" in result.errors[0].message


def test_it_normalises_full_width_characters_and_spaces(tmp_path):
    path = xlsx(
        tmp_path / "t.xlsx",
        [
            ["村代码", "姓名", "身份证号", "人数", "耕地面积（亩）", "户主电话", "识别年度"],
            [
                "５１０８２１１００００１",
                "\u3000张三 ",
                " "
                + ID_A.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
                + "\u200b",
                "３",
                "１，２００．５０",
                "１３８ １２３４ ５６７８",
                "２０１６年",
            ],
        ],
    )
    schema = Things()

    result = dry_run(schema, path)

    assert result.errors == []
    row = values(schema)[0]
    assert row["village_code"] == "510821100001"
    assert row["name"] == "张三"
    assert row["id_number"] == ID_A
    assert (row["people"], row["land"]) == (3, Decimal("1200.50"))
    assert (row["phone"], row["since"]) == ("13812345678", 2016)


def test_it_reads_ids_stored_as_text_and_upper_cases_a_trailing_x(tmp_path):
    path = xlsx(
        tmp_path / "t.xlsx",
        [HEADER, ["510821100001", "张三", ID_X.lower(), None, 3.0], ["510821100001", "李四", ID_B]],
    )
    schema = Things()

    result = dry_run(schema, path)

    assert result.errors == []
    assert [v["id_number"] for v in values(schema)] == [ID_X, ID_B]
    assert values(schema)[0]["people"] == 3, "Excel's 3.0 is 3"


def test_it_refuses_ids_excel_turned_into_numbers(tmp_path):
    path = xlsx(
        tmp_path / "t.xlsx",
        [
            HEADER,
            ["510821100001", "张三", float(ID_B)],
            ["510821100001", "李四", "5.10104E+17"],
            ["510821100001", "王五", int(ID_A[:15])],
        ],
    )

    result = dry_run(Things(), path)

    assert re.fullmatch(r"5\.10824\d+E\+17", result.errors[0].value), "as Excel shows it"
    assert [(e.row, e.column, e.message) for e in result.errors[:2]] == [
        (2, "身份证号", EXCEL_NUMBER),
        (3, "身份证号", EXCEL_NUMBER),
    ]
    assert [(e.row, e.column, e.value, e.message) for e in result.errors[2:]] == [
        (4, "身份证号", ID_A[:15], "这是旧的 15 位身份证号，请填写 18 位身份证号。"),
    ]


def test_it_reads_dates_as_date_cells_text_and_serial_numbers(tmp_path):
    path = xlsx(
        tmp_path / "t.xlsx",
        [
            HEADER,
            *[
                ["510821100001", "张三", ID_A, born]
                for born in [
                    datetime.date(2020, 1, 2),
                    datetime.datetime(2020, 1, 2, 0, 0),
                    "2020-01-02",
                    "2020/1/2",
                    "2020.1.2",
                    "2020年1月2日",
                    "20200102",
                    43832,
                    "43832",
                    "２０２０－０１－０２",
                ]
            ],
        ],
    )
    schema = Things()

    result = dry_run(schema, path)

    # Every row is the same person: the duplicate check speaks, the dates do not.
    assert {e.message for e in result.errors if e.column == "出生日期"} == set()
    assert [v["born"] for v in values(schema)] == [datetime.date(2020, 1, 2)] * 10


def test_it_refuses_dates_it_cannot_be_sure_of(tmp_path):
    path = xlsx(
        tmp_path / "t.xlsx",
        [
            HEADER,
            ["510821100001", "张三", ID_A, "2020"],
            ["510821100001", "李四", ID_B, "2020-02-30"],
            ["510821100001", "王五", ID_C, "明年"],
        ],
    )

    result = dry_run(Things(), path)

    assert [(e.row, e.message) for e in result.errors] == [
        (2, "“2020”像是年份而不是日期；请填写完整日期，如 2020-01-31。"),
        (3, "“2020-02-30”不是有效日期。"),
        (4, "不是日期；请按 2020-01-31 的格式填写。"),
    ]


def test_it_skips_blank_rows_and_keeps_excel_row_numbers(tmp_path):
    path = xlsx(
        tmp_path / "t.xlsx",
        [
            ["标题"],
            HEADER,
            ["510821100001", "张三", ID_A],
            [],
            [" ", "\u3000", None, None, None, "an unknown column is not data"],
            ["510821100001", "李四", ID_B],
            [],
        ],
    )
    schema = Things()

    result = dry_run(schema, path)

    assert result.errors == []
    assert result.rows == 2
    assert [row.row for row in schema.checked] == [3, 6]


def test_it_reports_every_problem_in_one_pass(tmp_path):
    path = xlsx(
        tmp_path / "t.xlsx",
        [
            ["标题"],
            [*HEADER, "耕地面积（亩）", "是否贫困", "性别", "户主电话"],
            ["510821100001", "张三", ID_A, "1960-01-01", "3", "2.5", "是", "男", "13812345678"],
            ["", "李四", BAD_CHECK, "1960-13-01", "-1", "-2", "也许", "未知", "123"],
            ["510821100001", "王五", ID_A],
            ["330100000000", "赵六", ID_C],
        ],
    )
    schema = Things()

    result = dry_run(schema, path)

    assert [(e.row, e.column, e.value, e.message) for e in result.errors] == [
        (4, "村代码", "", "必填项，不能为空。"),
        (4, "身份证号", BAD_CHECK, "校验码不符：号码中有数字填错。"),
        (4, "出生日期", "1960-13-01", "“1960-13-01”不是有效日期。"),
        (4, "人数", "-1", "不能为负数。"),
        (4, "耕地面积（亩）", "-2", "不能为负数。"),
        (4, "是否贫困", "也许", "请填写“是”或“否”。"),
        (4, "性别", "未知", "不是可选值之一：男、女。"),
        (
            4,
            "户主电话",
            "123",
            "不是电话号码：请填写 11 位手机号，或区号加号码（如 028-12345678）。",
        ),
        (5, "身份证号", ID_A, "与第 3 行重复"),
        (6, "村代码", "330100000000", "不在本县"),
    ]
    assert [e.col for e in result.errors[:3]] == [0, 2, 3]
    assert result.rows == 4
    # Every row is checked, the bad one with its bad cells named and their values None.
    assert schema.checked is not None and len(schema.checked) == 4
    bad = schema.checked[1]
    assert bad.bad == {
        "village_code",
        "id_number",
        "born",
        "people",
        "land",
        "poor",
        "sex",
        "phone",
    }
    assert all(bad.values[key] is None for key in bad.bad)
    assert schema.checked[0].bad == frozenset()


def test_it_refuses_a_cell_of_100000_characters(tmp_path):
    long = "长" * 100_000
    path = crafted_xlsx(
        tmp_path / "t.xlsx", [HEADER, ["510821100001", long, ID_A], ["510821100001", "李四", ID_B]]
    )

    result = dry_run(Things(), path)

    assert [(e.row, e.column) for e in result.errors] == [(2, "姓名")]
    assert result.errors[0].message == "单元格内容有 100,000 个字符，最多允许 1,000 个。"
    assert len(result.errors[0].value) <= 51


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_it_reads_csv_in_utf8_with_or_without_bom_and_gb18030(tmp_path, encoding):
    path = csv_file(
        tmp_path / "t.csv",
        [
            ["村代码", "姓名", "身份证号", "出生日期", "性别"],
            ["510821100001", "张三", ID_A, "1960/1/1", "男"],
            ["", "", "", "", ""],
            ["510821100001", "李四（小名）", ID_B.lower(), "", "2"],
        ],
        encoding,
    )
    schema = Things()

    result = dry_run(schema, path)

    assert result.errors == []
    assert [(r.row, r.values["name"], r.values["sex"]) for r in schema.checked] == [
        (2, "张三", "1"),
        (4, "李四(小名)", "2"),
    ]


def test_it_reads_quoted_csv_fields_and_tabs(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("村代码\t姓名\t身份证号\n510821100001\t张三\t" + ID_A + "\n", encoding="utf-8")
    schema = Things()
    assert dry_run(schema, path).errors == []
    path.write_text(
        '村代码,姓名,身份证号\n510821100001,"张,三\n(两行)",' + ID_A + "\n", encoding="utf-8"
    )
    assert dry_run(schema, path).errors == []
    assert schema.checked[0].values["name"] == "张,三\n(两行)"


def test_it_reads_the_first_visible_sheet(tmp_path):
    path = tmp_path / "t.xlsx"
    book = xlsxwriter.Workbook(str(path))
    lists = book.add_worksheet("选项")
    lists.write_string(0, 0, "男")
    roster = book.add_worksheet("花名册")
    for c, label in enumerate(HEADER[:3]):
        roster.write_string(0, c, label)
    for c, value in enumerate(["510821100001", "张三", ID_A]):
        roster.write_string(1, c, value)
    roster.activate()
    lists.hide()
    book.close()
    schema = Things()

    assert dry_run(schema, path).errors == []
    assert schema.checked[0].values["name"] == "张三"


def test_it_says_so_when_the_sheet_is_empty(tmp_path):
    for path in [xlsx(tmp_path / "t.xlsx", []), csv_file(tmp_path / "t.csv", [[""], [""]])]:
        result = dry_run(Things(), path)
        assert [(e.row, e.message) for e in result.errors] == [(1, "第一个工作表是空的。")]
