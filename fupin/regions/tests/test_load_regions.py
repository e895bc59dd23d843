"""`fupin load_regions`: the bundled Sichuan tree, other provinces' files, and bad files refused
whole with every problem listed (issue 1, "Done when")."""

import json
from functools import partial
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count

from fupin.audit.models import AuditEvent
from fupin.regions.choices import Level
from fupin.regions.models import Region
from fupin.testing import command_refused

SICHUAN = {
    Level.PROVINCE: 1,
    Level.CITY: 21,
    Level.COUNTY: 183,
    Level.TOWNSHIP: 3_111,
    Level.VILLAGE: 34_412,
}
LOADS = "regions.load_regions"


def run(*args: object) -> str:
    out = StringIO()
    call_command("load_regions", *[str(a) for a in args], stdout=out)
    return out.getvalue()


refused = partial(command_refused, "load_regions")


def write(tmp_path: Path, text: str, name: str = "regions.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def per_level(prefix: str = "") -> dict[int, int]:
    rows = (
        Region.objects.filter(code__startswith=prefix)
        .values("level")
        .annotate(n=Count("code"))
        .order_by()
    )
    return {r["level"]: r["n"] for r in rows}


@pytest.fixture
def unchanged(db):
    """Asserts, after the test, that no region and no load event was added, nor a name changed."""
    regions = dict(Region.objects.values_list("code", "name"))
    events = AuditEvent.objects.count()
    yield
    assert dict(Region.objects.values_list("code", "name")) == regions
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_it_loads_the_bundled_sichuan_tree_then_changes_nothing_on_a_second_run():
    assert per_level("51")[Level.VILLAGE] == 8, "the session starts on the small subtree"
    events = AuditEvent.objects.filter(action=LOADS).count()

    summary = run()

    assert per_level("51") == SICHUAN
    assert Region.objects.get(code="5101").name == "成都市"
    assert Region.objects.get(code="510821100001").parent_id == "510821100"
    assert "省 / 市 / 县 / 乡镇 / 村: 1 / 21 / 183 / 3,111 / 34,412" in summary
    # The 16 regions of the small subtree were already there, with the same names.
    assert "新增 37,712 个，更新 0 个" in summary
    assert AuditEvent.objects.filter(action=LOADS).count() == events + 1
    event = AuditEvent.objects.filter(action=LOADS).latest("id")
    assert event.actor_name == "system"
    assert event.region_code == "51"
    assert event.object_repr == "sichuan-regions-2023.csv.gz"
    assert event.after["created"] == 37_712
    assert event.after["per_level"] == {
        "province": 1,
        "city": 21,
        "county": 183,
        "township": 3_111,
        "village": 34_412,
    }

    count = Region.objects.count()
    again = run()
    assert "无变化" in again
    assert "1 / 21 / 183 / 3,111 / 34,412" in again
    assert Region.objects.count() == count
    assert AuditEvent.objects.filter(action=LOADS).count() == events + 1

    data = json.loads(run("--json"))
    assert data == {
        "per_level": {
            "province": 1,
            "city": 21,
            "county": 183,
            "township": 3_111,
            "village": 34_412,
        },
        "created": 0,
        "updated": 0,
    }
    assert AuditEvent.objects.filter(action=LOADS).count() == events + 1


@pytest.mark.django_db
def test_it_loads_another_provinces_file_as_json(tmp_path):
    path = write(
        tmp_path,
        "code,name,parent_code\n13,河北省,\n1301,石家庄市,13\n130102,长安区,1301\n",
        "hebei.csv",
    )
    sichuan = per_level("51")
    events = AuditEvent.objects.filter(action=LOADS).count()

    data = json.loads(run(path, "--json"))

    assert data["created"] == 3
    assert data["updated"] == 0
    assert data["per_level"] == {
        "province": 1,
        "city": 1,
        "county": 1,
        "township": 0,
        "village": 0,
    }
    assert per_level("13") == {Level.PROVINCE: 1, Level.CITY: 1, Level.COUNTY: 1}
    county = Region.objects.get(code="130102")
    assert (county.name, county.parent_id, county.level) == ("长安区", "1301", Level.COUNTY)
    assert per_level("51") == sichuan, "Sichuan is left alone"
    event = AuditEvent.objects.filter(action=LOADS).latest("id")
    assert AuditEvent.objects.filter(action=LOADS).count() == events + 1
    assert event.region_code == "13"
    assert event.object_repr == "hebei.csv"
    assert event.after["created"] == 3


@pytest.mark.django_db
def test_it_prints_a_summary_and_renames_on_a_later_load(tmp_path):
    first = write(tmp_path, "code,name,parent_code\n13,河北省,\n1301,石家庄市,13\n")
    assert "1 / 1 / 0 / 0 / 0 — 新增 2 个，更新 0 个" in run(first)
    renamed = write(tmp_path, "code,name,parent_code\n13,河北省,\n1301,石家庄,13\n", "v2.csv")
    events = AuditEvent.objects.filter(action=LOADS).count()

    assert "新增 0 个，更新 1 个" in run(renamed)

    assert Region.objects.get(code="1301").name == "石家庄"
    assert AuditEvent.objects.filter(action=LOADS).count() == events + 1
    assert AuditEvent.objects.filter(action=LOADS).latest("id").after["updated"] == ["1301"]


@pytest.mark.django_db
def test_it_adds_children_to_regions_already_loaded(tmp_path):
    # A township file on its own: its parent county is in the database, not in the file.
    path = write(tmp_path, "code,name,parent_code\n510821102,新镇,510821\n")
    run(path)
    assert Region.objects.get(code="510821102").level == Level.TOWNSHIP


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_a_file_listing_every_problem_with_its_line(tmp_path):
    path = write(
        tmp_path,
        "code,name,parent_code\n"
        "13,河北省,\n"  # line 2: fine
        "1301,石家庄市,13\n"  # line 3: fine
        "1399,某市,1398\n"  # line 4: unknown parent
        "1301,石家庄,13\n"  # line 5: duplicate of line 3
        "1301021,长安区,1301\n"  # line 6: 7 digits is no level
        "130102001,某镇,1301\n"  # line 7: 9 digits under a city (a county has 6)
        "140102,某县,1301\n"  # line 8: outside its parent's prefix
        "130103,,1301\n",  # line 9: no name
        "bad.csv",
    )

    message = refused(path)

    assert message.startswith("bad.csv 未导入：")
    assert "第 4 行：1399 的上级 1398 既不在文件中，也未导入" in message
    assert "第 5 行：代码 1301 重复（首次出现在第 3 行）" in message
    assert "第 6 行：代码“1301021”必须是 2、4、6、9 或 12 位数字" in message
    assert (
        "第 7 行：代码 130102001 有 9 位，但作为 1301 的下级属于第 3 级，该级代码应为 6 位"
        in message
    )
    assert "第 8 行：代码 140102 不以其上级代码 1301 开头" in message
    assert "第 9 行：代码 130103 没有名称" in message
    assert "第 2 行" not in message
    assert "第 3 行" not in message.replace("首次出现在第 3 行", "")
    # The good rows were not loaded either.
    assert not Region.objects.filter(code__startswith="13").exists()


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_an_unknown_parent(tmp_path):
    path = write(tmp_path, "code,name,parent_code\n510821102,新镇,510821\n510899,某县,5189\n")
    message = refused(path)
    assert "第 3 行：510899 的上级 5189 既不在文件中，也未导入" in message
    assert "第 2 行" not in message


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_duplicate_codes(tmp_path):
    path = write(
        tmp_path,
        "code,name,parent_code\n13,河北省,\n1301,石家庄市,13\n13,河北,\n1301,石家庄,13\n",
    )
    message = refused(path)
    assert "第 4 行：代码 13 重复（首次出现在第 2 行）" in message
    assert "第 5 行：代码 1301 重复（首次出现在第 3 行）" in message


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_a_code_whose_length_does_not_match_its_level(tmp_path):
    path = write(
        tmp_path,
        "code,name,parent_code\n"
        "5108210,某县,5108\n"  # line 2: 7 digits
        "510821100099,某镇,510821\n"  # line 3: a village's length under a county
        "1301,某省,\n",  # line 4: a province's code has 2 digits
    )
    message = refused(path)
    assert "第 2 行：代码“5108210”必须是 2、4、6、9 或 12 位数字" in message
    assert (
        "第 3 行：代码 510821100099 有 12 位，但作为 510821 的下级属于第 4 级，该级代码应为 9 位"
        in message
    )
    assert "第 4 行：代码 1301 有 4 位，但作为 - 的下级属于第 1 级，该级代码应为 2 位" in message


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_codes_in_full_width_digits(tmp_path):
    # Typed with a Chinese input method: they look like codes but are not ASCII digits.
    message = refused(write(tmp_path, "code,name,parent_code\n\uff11\uff13,河北省,\n"))
    assert "第 2 行：代码“\uff11\uff13”必须是 2、4、6、9 或 12 位数字" in message


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_a_child_code_outside_its_parents_prefix(tmp_path):
    path = write(
        tmp_path,
        "code,name,parent_code\n510999,某县,5108\n510824199,某镇,510821\n",
    )
    message = refused(path)
    assert "第 2 行：代码 510999 不以其上级代码 5108 开头" in message
    assert "第 3 行：代码 510824199 不以其上级代码 510821 开头" in message


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_a_file_in_the_wrong_encoding(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("code,name,parent_code\n13,河北省,\n1301,石家庄市,13\n".encode("gb18030"))
    message = refused(path)
    assert "gbk.csv 未导入：" in message
    assert "第 2 行：文件不是 UTF-8 编码（编码错误），请另存为“CSV UTF-8”格式" in message
    assert not Region.objects.filter(code="13").exists()


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_a_file_with_missing_header_columns(tmp_path):
    path = write(tmp_path, "code,name\n13,河北省\n")
    message = refused(path)
    assert "第 1 行：表头应包含列 code,name,parent_code，实际为 code,name" in message


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_an_empty_file(tmp_path):
    assert "第 1 行：表头应包含列 code,name,parent_code，实际为 -" in refused(
        write(tmp_path, "", "empty.csv")
    )
    assert "第 1 行：文件没有数据行" in refused(write(tmp_path, "code,name,parent_code\n"))


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_a_nonexistent_path(tmp_path):
    missing = tmp_path / "nowhere.csv"
    message = refused(missing)
    assert "文件不存在：" in message
    assert str(missing) in message


@pytest.mark.django_db
def test_it_writes_no_event_when_nothing_changed(tmp_path):
    # The small subtree, loaded again: every row is already there.
    from fupin.testing import SMALL_REGIONS

    events = AuditEvent.objects.count()
    count = Region.objects.count()
    output = run(SMALL_REGIONS)
    assert "无变化" in output
    assert "1 / 1 / 2 / 4 / 8" in output
    assert Region.objects.count() == count
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_it_loads_a_file_saved_by_excel_as_csv_utf8(tmp_path):
    # Excel's "CSV UTF-8": a byte-order mark and CRLF line ends.
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "code,name,parent_code\r\n13,河北省,\r\n1301,石家庄市,13\r\n".encode("utf-8-sig")
    )
    assert json.loads(run(path, "--json"))["created"] == 2
    assert Region.objects.get(code="1301").parent_id == "13"


@pytest.mark.usefixtures("unchanged")
def test_it_counts_lines_as_an_editor_does(tmp_path):
    # A blank line and a quoted name over two lines: problems still name the right line.
    path = write(
        tmp_path,
        'code,name,parent_code\n\n13,河北省,\n1301,"石家庄\n市",13\n1399,某市,1398\n',
    )
    assert "第 6 行：1399 的上级 1398 既不在文件中，也未导入" in refused(path)
