"""`fupin load_population`: villages' registered rural populations (the poverty incidence's
denominator) from a file, refused whole when anything in it is wrong."""

import json
from functools import partial
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from fupin.audit.models import AuditEvent
from fupin.regions.models import Region
from fupin.testing import COUNTY_A, VILLAGE_A, VILLAGE_A2, VILLAGE_B, command_refused

SETS = "regions.set_population"


def run(*args: object) -> str:
    out = StringIO()
    call_command("load_population", *[str(a) for a in args], stdout=out)
    return out.getvalue()


refused = partial(command_refused, "load_population")


def write(tmp_path: Path, text: str, name: str = "population.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def populations() -> dict[str, int | None]:
    return dict(Region.objects.filter(population__isnull=False).values_list("code", "population"))


@pytest.fixture
def unchanged(db: Any) -> Any:
    """Asserts, after the test, that no population changed and no event was written."""
    before = populations()
    events = AuditEvent.objects.count()
    yield
    assert populations() == before
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_it_sets_the_villages_populations_with_one_audit_event(tmp_path: Path) -> None:
    path = write(tmp_path, f'code,population\n{VILLAGE_A},1200\n{VILLAGE_A2},"2,350"\n')

    output = run(path)

    assert "列出村 2 个，变更 2 个" in output
    assert populations() == {VILLAGE_A: 1200, VILLAGE_A2: 2350}
    event = AuditEvent.objects.filter(action=SETS).latest("id")
    assert event.object_repr == "population.csv"
    assert event.region_code == COUNTY_A
    assert event.before == {VILLAGE_A: None, VILLAGE_A2: None}
    assert event.after == {VILLAGE_A: 1200, VILLAGE_A2: 2350}


@pytest.mark.django_db
def test_it_changes_nothing_and_writes_no_event_when_run_again(tmp_path: Path) -> None:
    path = write(tmp_path, f"code,population\n{VILLAGE_B},800\n")
    run(path)
    events = AuditEvent.objects.count()
    assert json.loads(run(path, "--json")) == {"listed": 1, "changed": 0}
    assert AuditEvent.objects.count() == events


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_a_file_listing_every_problem_with_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "code,population\n"
        f"{VILLAGE_A},1200\n"  # line 2: fine
        "510899000000,900\n"  # line 3: no such region
        f"{COUNTY_A},90000\n"  # line 4: a county
        f"{VILLAGE_A2},-5\n"  # line 5: negative
        f"{VILLAGE_B},一千\n"  # line 6: not digits
        f"{VILLAGE_A},1300\n",  # line 7: listed twice
        "bad-population.csv",
    )

    message = refused(path)

    assert message.startswith("bad-population.csv 未导入：")
    assert "第 3 行：没有区划代码为“510899000000”的区划" in message
    assert f"第 4 行：{COUNTY_A} 不是村，人口按村填报" in message
    assert "第 5 行：人口“-5”不是整数人数" in message
    assert "第 6 行：人口“一千”不是整数人数" in message
    assert f"第 7 行：代码 {VILLAGE_A} 重复" in message
    assert "第 2 行" not in message


@pytest.mark.usefixtures("unchanged")
def test_it_refuses_a_file_without_the_columns_or_rows(tmp_path: Path) -> None:
    assert "表头应包含列 code,population" in refused(write(tmp_path, "code,people\n"))
    assert "文件没有数据行" in refused(write(tmp_path, "code,population\n", "empty.csv"))
    assert "不存在" in refused(tmp_path / "missing.csv")
