"""`fupin mark_poor`: designating poor counties and villages from a file, refused whole when
anything in it is wrong."""

import json
from functools import partial
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from fupin.audit.models import AuditEvent
from fupin.regions.models import Region
from fupin.testing import COUNTY_A, COUNTY_B, VILLAGE_A, VILLAGE_A2, VILLAGE_B, command_refused

MARKS = "regions.mark_poor"


def run(*args: object) -> str:
    out = StringIO()
    call_command("mark_poor", *[str(a) for a in args], stdout=out)
    return out.getvalue()


refused = partial(command_refused, "mark_poor")


def write(tmp_path: Path, text: str, name: str = "poor.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def flags(code: str) -> tuple[bool, int | None, int | None]:
    r = Region.objects.get(code=code)
    return (r.is_poor, r.poor_since, r.exited_in)


def all_flags() -> dict[str, tuple[bool, int | None, int | None]]:
    return {
        code: (is_poor, since, exited)
        for code, is_poor, since, exited in Region.objects.values_list(
            "code", "is_poor", "poor_since", "exited_in"
        )
    }


@pytest.fixture
def unchanged(db):
    """Asserts, after the test, that no flag changed and no event was written."""
    before = all_flags()
    events = AuditEvent.objects.count()
    yield
    assert all_flags() == before
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_it_marks_counties_and_villages_poor(tmp_path):
    assert not Region.objects.filter(is_poor=True).exists(), "the session starts with none"
    path = write(
        tmp_path,
        f"code,poor_since,exited_in\n{COUNTY_A},2014,2018\n{VILLAGE_A},2014,2019\n{VILLAGE_B},2015,\n",
    )

    output = run(path)

    assert "列出区划 3 个，变更 3 个" in output
    assert flags(COUNTY_A) == (True, 2014, 2018)
    assert flags(VILLAGE_A) == (True, 2014, 2019)
    assert flags(VILLAGE_B) == (True, 2015, None)
    assert flags(COUNTY_B) == (False, None, None)
    assert set(Region.objects.filter(is_poor=True).values_list("code", flat=True)) == {
        COUNTY_A,
        VILLAGE_A,
        VILLAGE_B,
    }


@pytest.mark.django_db
def test_it_accepts_a_file_without_the_exited_in_column(tmp_path):
    path = write(tmp_path, f"code,poor_since\n{VILLAGE_A2},2016\n")
    assert json.loads(run(path, "--json")) == {"listed": 1, "changed": 1}
    assert flags(VILLAGE_A2) == (True, 2016, None)


@pytest.mark.django_db
def test_it_writes_one_audit_event_with_before_and_after(tmp_path):
    events = AuditEvent.objects.filter(action=MARKS).count()
    run(write(tmp_path, f"code,poor_since,exited_in\n{VILLAGE_A},2014,2019\n{VILLAGE_A2},2014,\n"))

    assert AuditEvent.objects.filter(action=MARKS).count() == events + 1
    event = AuditEvent.objects.filter(action=MARKS).latest("id")
    assert event.actor_name == "system"
    assert event.object_repr == "poor.csv"
    # Both villages lie in county A: the event is scoped to the deepest common region.
    assert event.region_code == COUNTY_A
    assert event.before == {VILLAGE_A: [False, None, None], VILLAGE_A2: [False, None, None]}
    assert event.after == {VILLAGE_A: [True, 2014, 2019], VILLAGE_A2: [True, 2014, None]}


@pytest.mark.django_db
def test_it_changes_nothing_and_writes_no_event_when_run_again(tmp_path):
    path = write(tmp_path, f"code,poor_since,exited_in\n{COUNTY_A},2014,2018\n")
    run(path)
    events = AuditEvent.objects.count()
    assert json.loads(run(path, "--json")) == {"listed": 1, "changed": 0}
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_it_keeps_unlisted_flags_without_replace(tmp_path):
    run(write(tmp_path, f"code,poor_since,exited_in\n{COUNTY_A},2014,2018\n{VILLAGE_A},2014,\n"))
    run(write(tmp_path, f"code,poor_since,exited_in\n{VILLAGE_B},2015,2020\n", "more.csv"))
    assert flags(COUNTY_A) == (True, 2014, 2018)
    assert flags(VILLAGE_A) == (True, 2014, None)
    assert flags(VILLAGE_B) == (True, 2015, 2020)


@pytest.mark.django_db
def test_it_clears_unlisted_regions_with_replace(tmp_path):
    run(write(tmp_path, f"code,poor_since,exited_in\n{COUNTY_A},2014,2018\n{VILLAGE_A},2014,\n"))
    path = write(tmp_path, f"code,poor_since,exited_in\n{VILLAGE_A},2014,2020\n", "new.csv")

    output = run(path, "--replace")

    assert "列出区划 1 个，变更 2 个" in output
    assert flags(COUNTY_A) == (False, None, None)
    assert flags(VILLAGE_A) == (True, 2014, 2020)
    assert list(Region.objects.filter(is_poor=True).values_list("code", flat=True)) == [VILLAGE_A]
    event = AuditEvent.objects.filter(action=MARKS).latest("id")
    assert event.before == {COUNTY_A: [True, 2014, 2018], VILLAGE_A: [True, 2014, None]}
    assert event.after == {COUNTY_A: [False, None, None], VILLAGE_A: [True, 2014, 2020]}


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_a_file_listing_every_problem_with_its_line(tmp_path):
    path = write(
        tmp_path,
        "code,poor_since,exited_in\n"
        f"{COUNTY_A},2014,2018\n"  # line 2: fine
        "510899,2014,\n"  # line 3: no such region
        "510821100,2014,\n"  # line 4: a township
        "5108,2014,\n"  # line 5: a city
        f"{VILLAGE_A},2019,2016\n"  # line 6: delisted before designated
        f"{VILLAGE_A2},二〇一四,20x9\n"  # line 7: not years
        f"{VILLAGE_B},1900,\n"  # line 8: out of range
        f"{COUNTY_A},2015,\n",  # line 9: listed twice
        "bad-poor.csv",
    )

    message = refused(path)

    assert message.startswith("bad-poor.csv 未导入：")
    assert "第 3 行：没有区划代码为“510899”的区划" in message
    assert "第 4 行：510821100 不是县或村，只有县和村可以认定为贫困" in message
    assert "第 5 行：5108 不是县或村，只有县和村可以认定为贫困" in message
    assert "第 6 行：摘帽（退出）年份 2016 早于认定贫困年份 2019" in message
    assert "第 7 行：poor_since“二〇一四”不是 1978 至 2100 之间的年份" in message
    assert "第 7 行：exited_in“20x9”不是 1978 至 2100 之间的年份" in message
    assert "第 8 行：poor_since“1900”不是 1978 至 2100 之间的年份" in message
    assert f"第 9 行：代码 {COUNTY_A} 重复" in message
    assert "第 2 行" not in message
    # The good line was not applied either.
    assert not Region.objects.filter(is_poor=True).exists()


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_an_unknown_code(tmp_path):
    message = refused(write(tmp_path, "code,poor_since,exited_in\n999999,2014,\n"))
    assert "第 2 行：没有区划代码为“999999”的区划" in message


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_townships_cities_and_provinces(tmp_path):
    message = refused(
        write(tmp_path, "code,poor_since,exited_in\n510821100,2014,\n5108,2014,\n51,2014,\n")
    )
    assert "第 2 行：510821100 不是县或村" in message
    assert "第 3 行：5108 不是县或村" in message
    assert "第 4 行：51 不是县或村" in message


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_delisting_before_designation(tmp_path):
    message = refused(write(tmp_path, f"code,poor_since,exited_in\n{COUNTY_B},2016,2015\n"))
    assert "第 2 行：摘帽（退出）年份 2015 早于认定贫困年份 2016" in message


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_values_that_are_not_years(tmp_path):
    message = refused(
        write(tmp_path, f"code,poor_since,exited_in\n{COUNTY_B},2014.0,\n{VILLAGE_B},2014,soon\n")
    )
    assert "第 2 行：poor_since“2014.0”不是 1978 至 2100 之间的年份" in message
    assert "第 3 行：exited_in“soon”不是 1978 至 2100 之间的年份" in message
    # Superscript digits pass str.isdigit() but not int(): refused, not a crash.
    message = refused(write(tmp_path, f"code,poor_since\n{COUNTY_B},201\u2074\n", "sup.csv"))
    assert "第 2 行：poor_since“201\u2074”不是 1978 至 2100 之间的年份" in message


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_a_duplicate_code(tmp_path):
    message = refused(
        write(tmp_path, f"code,poor_since,exited_in\n{VILLAGE_B},2014,\n{VILLAGE_B},2014,2019\n")
    )
    assert f"第 3 行：代码 {VILLAGE_B} 重复" in message


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_a_missing_header(tmp_path):
    message = refused(write(tmp_path, f"{COUNTY_A},2014,2018\n{VILLAGE_A},2014,\n"))
    assert (
        f"第 1 行：表头应包含列 code,poor_since,exited_in，实际为 {COUNTY_A},2014,2018" in message
    )
    message = refused(write(tmp_path, f"code,exited_in\n{COUNTY_A},2018\n", "no-since.csv"))
    assert "表头应包含列 code,poor_since,exited_in，实际为 code,exited_in" in message


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_an_empty_or_missing_file(tmp_path):
    assert "第 1 行：文件没有数据行" in refused(write(tmp_path, "code,poor_since,exited_in\n"))
    assert "文件不存在：" in refused(tmp_path / "nowhere.csv")
