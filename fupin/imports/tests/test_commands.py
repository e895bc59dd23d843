"""`fupin import KIND FILE` and `fupin template KIND OUT.xlsx`: the exit statuses scripts rely on
(0 saved, 1 rows rejected, 2 file unreadable) and the --json shape."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fupin.imports import registry
from fupin.imports.tests.things import HEADER, ID_A, ID_B, Things, saved_events, xlsx
from fupin.imports.tests.xlsx_parts import Parts
from fupin.testing import command_output, nothing_saved

pytestmark = pytest.mark.django_db


@pytest.fixture
def things():
    schema = registry.register(Things())
    yield schema
    registry.unregister("things")


@pytest.fixture
def good(tmp_path):
    return xlsx(
        tmp_path / "good.xlsx",
        [["标题"], HEADER, ["510821100001", "张三", ID_A], ["510821100001", "李四", ID_B]],
    )


@pytest.fixture
def bad(tmp_path):
    return xlsx(
        tmp_path / "bad.xlsx",
        [HEADER, ["510821100001", "张三", ID_A, "明年"], ["510821100001", "李四"]],
    )


def fails(*args) -> tuple[int, str, str]:
    """(exit status, the message, what was printed on stdout)."""
    out = StringIO()
    with pytest.raises(CommandError) as e:
        call_command(*[str(a) for a in args], stdout=out)
    return e.value.returncode, str(e.value), out.getvalue().strip()


def test_it_saves_a_good_file_and_exits_0(things, good):
    before = saved_events()
    assert command_output("import", "things", good) == "测试物品：已保存 2 行。"
    assert saved_events() == before + 2


def test_it_checks_a_good_file_in_a_dry_run(things, good):
    with nothing_saved():
        out = command_output("import", "things", good, "--dry-run")
    assert out == "测试物品：已检查 2 行，未发现问题；试运行，未保存数据。"


def test_it_prints_json(things, good):
    assert json.loads(command_output("import", "things", good, "--json")) == {
        "rows": 2,
        "saved": 2,
        "errors": [],
    }
    assert json.loads(command_output("import", "things", good, "--json", "--dry-run"))["saved"] == 0


def test_it_lists_the_problems_and_exits_1(things, bad):
    with nothing_saved():
        status, message, _out = fails("import", "things", bad)
    assert status == 1
    assert message.splitlines() == [
        "测试物品：2 行中发现 2 处问题，未保存任何数据。",
        "  第 2 行，出生日期 “明年”：不是日期；请按 2020-01-31 的格式填写。",
        "  第 3 行，身份证号：必填项，不能为空。",
    ]


def test_it_prints_the_problems_as_json_and_exits_1(things, bad):
    with nothing_saved():
        status, _message, out = fails("import", "things", bad, "--json")
    assert status == 1
    assert json.loads(out) == {
        "rows": 2,
        "saved": 0,
        "errors": [
            {
                "row": 2,
                "column": "出生日期",
                "value": "明年",
                "message": "不是日期；请按 2020-01-31 的格式填写。",
            },
            {"row": 3, "column": "身份证号", "value": "", "message": "必填项，不能为空。"},
        ],
    }


def test_it_writes_the_annotated_copy(things, bad, tmp_path):
    marked = tmp_path / "marked.xlsx"
    _status, message, _out = fails("import", "things", bad, "--errors-out", marked)
    assert f"已标注错误的副本：{marked}" in message
    assert set(Parts(marked).comments()) == {"D2", "C3"}


def test_it_exits_2_when_the_file_cannot_be_read(things, tmp_path):
    pdf = tmp_path / "roster.xlsx"
    pdf.write_bytes(b"%PDF-1.4\n")
    status, message, _out = fails("import", "things", pdf)
    assert status == 2
    assert message == (
        "无法读取 roster.xlsx：这是 PDF 文档，不是电子表格；请导入 .xlsx 或 .csv 文件。"
    )

    status, _message, out = fails("import", "things", pdf, "--json")
    assert status == 2
    assert json.loads(out)["errors"][0]["message"].startswith("这是 PDF 文档")

    status, message, _out = fails("import", "things", tmp_path / "missing.xlsx")
    assert status == 2
    assert "文件不存在" in message


def test_it_names_the_known_kinds_for_an_unknown_one(things, good):
    status, message, _out = fails("import", "nothings", good)
    assert status == 1
    assert message.startswith("未知的导入类型“nothings”；可用的类型：")
    assert "things" in message


def test_it_writes_the_template(things, tmp_path):
    out = tmp_path / "things.xlsx"
    assert command_output("template", "things", out) == f"已将“测试物品”模板写入 {out}（10 列）。"
    assert out.stat().st_size > 0
    status, _message, _out = fails("template", "nothings", out)
    assert status == 1
