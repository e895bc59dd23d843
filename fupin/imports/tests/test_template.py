"""The template: the header the pipeline reads (required columns marked), a help row, cells
formatted as text where Excel would turn an ID into a number; and the pipeline reads it back."""

import datetime
from decimal import Decimal

import pytest
import python_calamine

from fupin.imports.pipeline import run_import, write_template
from fupin.imports.tests.things import ID_A, ID_X, Things
from fupin.imports.tests.xlsx_parts import Parts

pytestmark = pytest.mark.django_db

TEXT = 49  # Excel's built-in number format "@"


def test_it_writes_title_header_and_help(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(Things(), path)

    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()

    assert rows[0][0] == "测试物品"
    assert rows[1] == [
        "*村代码",
        "*姓名",
        "*身份证号",
        "出生日期",
        "人数",
        "耕地面积（亩）",
        "是否贫困",
        "性别",
        "户主电话",
        "识别年度",
    ]
    assert rows[2][1] == "户主或成员的姓名"
    assert Parts(path).comments() == {"B2": "户主或成员的姓名"}


def test_it_formats_id_and_code_columns_as_text(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(Things(), path)
    parts = Parts(path)

    formats = [parts.number_format(parts.column_style(i)) for i in range(10)]

    # 村代码, 姓名, 身份证号, 户主电话 are text; numbers and dates keep Excel's own formats.
    assert [i for i, f in enumerate(formats) if f == TEXT] == [0, 1, 2, 6, 7, 8]
    assert formats[4] == 0, "人数 is a number"
    assert parts.validations() == ['"是,否"', '"男,女"']


def test_it_reads_its_own_template_back(tmp_path):
    path = tmp_path / "template.xlsx"
    schema = Things()
    write_template(
        schema,
        path,
        rows=[
            {
                "village_code": "510821100001",
                "name": "张三",
                "id_number": ID_A,
                "born": datetime.date(1960, 1, 1),
                "people": 3,
                "land": Decimal("2.50"),
                "poor": True,
                "sex": "男",
                "phone": "028-12345678",
                "since": 2016,
            },
            {"village_code": "510821100002", "name": "李四", "id_number": ID_X},
        ],
    )

    result = run_import(schema, path, actor=None, commit=False)

    assert result.errors == []
    assert (result.header_row, result.rows) == (2, 2)
    assert [r.row for r in schema.checked] == [4, 5], "the help row is not data"
    assert schema.checked[0].values == {
        "village_code": "510821100001",
        "name": "张三",
        "id_number": ID_A,
        "born": datetime.date(1960, 1, 1),
        "people": 3,
        "land": Decimal("2.50"),
        "poor": True,
        "sex": "1",
        "phone": "028-12345678",
        "since": 2016,
    }
    assert schema.checked[1].values["id_number"] == ID_X


def test_it_finds_every_column_in_the_blank_template(tmp_path):
    path = tmp_path / "template.xlsx"
    schema = Things()
    write_template(schema, path)

    result = run_import(schema, path, actor=None, commit=False)

    assert result.columns == {c.key: i for i, c in enumerate(schema.columns)}
    assert [(e.row, e.message) for e in result.errors] == [(3, "表头下面没有数据行。")]
