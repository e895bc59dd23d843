"""`fupin stats --region CODE [--year Y] [--json]`: the same figures as `GET /api/v1/stats/`
for the same region and year (an operator at the command line sees every cell, as a role with
personal data does in the API)."""

import json
from functools import partial
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from fupin.analytics.figures import KEYS, label
from fupin.analytics.refresh import rebuild
from fupin.analytics.tests.test_stats_api import MANY, build_world
from fupin.testing import (
    CITY,
    COUNTY_A,
    COUNTY_B,
    PROVINCE,
    TOWNSHIP_A,
    VILLAGE_A,
    api_for,
    command_refused,
)


@pytest.fixture
def world(db: Any, cast: Any) -> None:
    build_world()


def run(*args: str) -> str:
    out = StringIO()
    call_command("stats", *args, stdout=out)
    return out.getvalue()


def run_json(*args: str) -> dict:
    lines = run(*args, "--json").strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


refused = partial(command_refused, "stats")


def test_it_prints_the_same_figures_as_the_api_for_every_member_of_the_cast(world, cast):
    for code in (PROVINCE, CITY, COUNTY_A, TOWNSHIP_A, VILLAGE_A, COUNTY_B):
        for year in (None, 2018):
            args = ["--region", code] + (["--year", str(year)] if year else [])
            printed = run_json(*args)
            params = {"region": code} | ({"year": year} if year else {})
            for name, user in cast.all().items():
                response = api_for(user).get("/api/v1/stats/", params)
                if user is None:
                    assert response.status_code == 401
                    continue
                if response.status_code != 200:
                    # Outside the caller's scope (404), or a helper (403): nothing to compare.
                    assert response.status_code in (403, 404), (name, code)
                    continue
                answer = response.json()
                if name == "auditor":
                    # Aggregates equal, small breakdowns of people suppressed.
                    for key, value in answer["figures"].items():
                        assert value in (printed["figures"][key], None), (code, key)
                else:
                    assert answer == printed, (name, code, year)
            assert set(KEYS) <= set(printed["figures"])
    assert run_json("--region", COUNTY_A)["figures"]["cause.disability"] == MANY


def test_it_prints_a_readable_table_in_chinese(world, cast):
    text = run("--region", COUNTY_A)
    figures = run_json("--region", COUNTY_A)
    assert text.splitlines()[0] == f"旺苍县（{COUNTY_A}），{figures['year']}年末"
    households = figures["figures"]["households"]
    assert any(
        line.strip().startswith(label("households")) and line.rstrip().endswith(f"{households:,}")
        for line in text.splitlines()
    )
    assert "下级区划：" in text
    for child in figures["children"]:
        assert child["name"] in text and child["code"] in text
    # Money in fen, as the label says (the sample's dividends were paid for 2018).
    text = run("--region", COUNTY_A, "--year", "2018")
    dividends = run_json("--region", COUNTY_A, "--year", "2018")["figures"]["dividends_fen"]
    assert dividends > 0
    assert any(
        line.strip().startswith(label("dividends_fen")) and line.rstrip().endswith(f"{dividends:,}")
        for line in text.splitlines()
    )
    village = run("--region", VILLAGE_A)
    assert "下级区划：" not in village


def test_it_refuses_a_bad_region_or_year(world):
    assert refused("--region", "5108x") == "区划代码应为 2、4、6、9 或 12 位数字。"
    assert refused("--region", "510899") == "没有区划代码为“510899”的区划。"
    assert refused("--region", COUNTY_A, "--year", "1970") == "年份应在 1978 至 2100 之间。"


def test_it_prints_zeros_before_any_record(db, cast):
    rebuild()
    printed = run_json("--region", COUNTY_A)
    assert printed["figures"] == {**dict.fromkeys(KEYS, 0), "villages": 4}
    assert (
        printed == api_for(cast.province_admin).get("/api/v1/stats/", {"region": COUNTY_A}).json()
    )
