"""`GET /api/v1/stats/?region=CODE&year=Y` for every member of the cast, on the registry,
pairing and projects samples (fupin.testing) with five more households in village A, after a
rebuild of the summary rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fupin.analytics.figures import KEYS, child_figures, figures, latest_year
from fupin.analytics.refresh import rebuild
from fupin.registry import actions as registry
from fupin.testing import (
    CITY,
    COUNTY_A,
    COUNTY_B,
    PROVINCE,
    TOWNSHIP_A,
    VILLAGE_A,
    VILLAGE_B,
    api_for,
    build_pairing_sample,
    build_projects_sample,
    build_registry_sample,
)

STATS = "/api/v1/stats/"
NOT_FOUND = {"detail": "未找到。"}
NO_PERMISSION = {"detail": "您没有执行该操作的权限。"}
# Five households of one cause and attribute, so that a breakdown cell reaches the threshold.
MANY = 5


LONE = {"number": "W001", "main_cause": "water", "attribute": "wubao"}


def build_world(*, pairings: bool = False, lone: dict[str, str] = LONE) -> None:
    """The samples (with the pairing's, if told), five households of one cause and attribute
    in village A (a breakdown cell at the threshold), the `lone` one of a cause and attribute
    of its own (a cell below it) and a household of county B that exits in 2019; then the
    summary rows."""
    build_registry_sample()
    build_projects_sample(build_pairing_sample().party if pairings else None)
    for n in range(MANY):
        registry.create_household(
            actor=None,
            village_code=VILLAGE_A,
            number=f"D{n:03}",
            main_cause="disability",
            attribute="dibao",
            registered_in=2016,
        )
    registry.create_household(actor=None, village_code=VILLAGE_A, registered_in=2016, **lone)
    exited = registry.create_household(
        actor=None, village_code=VILLAGE_B, number="E001", main_cause="land", registered_in=2015
    )
    registry.record_status(actor=None, household=exited, year=2019, status="exited")
    rebuild()


@pytest.fixture
def world(db, cast):
    build_world()


def get(user, **params):
    client = api_for(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="zh-hans")
    return client.get(STATS, params)


def ok(user, **params) -> dict:
    response = get(user, **params)
    assert response.status_code == 200, response.content
    return response.json()


def expected(code: str, year: int | None = None) -> dict:
    """The answer for a caller who sees personal data, straight from the summary rows."""
    from fupin.regions.models import Region

    year = year if year is not None else latest_year(code)
    region = Region.objects.get(code=code)
    return {
        "region": {"code": code, "name": region.name, "level": region.level},
        "year": year,
        "figures": figures(code, year),
        "children": [
            {"code": c.code, "name": c.name, "figures": f} for c, f in child_figures(code, year)
        ],
    }


def test_it_gives_the_province_admin_the_province_and_its_cities_by_default(world, cast):
    answer = ok(cast.province_admin)
    assert answer == expected(PROVINCE)
    assert answer["region"] == {"code": PROVINCE, "name": "四川省", "level": 1}
    assert answer["year"] == latest_year(PROVINCE) and answer["year"] is not None
    assert set(KEYS) <= set(answer["figures"])
    assert [c["code"] for c in answer["children"]] == [CITY]
    # The figures are the registry's: the sample's households are all counted.
    assert answer["figures"]["households"] >= 2 + MANY + 1
    assert answer["figures"]["cause.disability"] == MANY
    assert answer["figures"]["attribute.dibao"] == MANY


def test_it_drills_down_to_a_village_for_the_province_admin(world, cast):
    for code in (CITY, COUNTY_A, TOWNSHIP_A, VILLAGE_A, COUNTY_B):
        assert ok(cast.province_admin, region=code) == expected(code), code
    village = ok(cast.province_admin, region=VILLAGE_A)
    assert village["children"] == []
    county = ok(cast.province_admin, region=COUNTY_A)
    # A county's figures are the sum of its townships'.
    for key in ("households", "people", "projects", "participants", "cause.disability"):
        assert county["figures"][key] == sum(c["figures"].get(key, 0) for c in county["children"])


def test_it_answers_a_given_year(world, cast):
    before = ok(cast.province_admin, region=COUNTY_B, year=2018)
    after = ok(cast.province_admin, region=COUNTY_B, year=2019)
    assert before == expected(COUNTY_B, 2018) and after == expected(COUNTY_B, 2019)
    assert after["figures"]["exits"] == before["figures"]["exits"] + 1
    assert after["figures"]["households_exited"] == before["figures"]["households_exited"] + 1


def test_it_starts_each_administrator_at_the_top_of_their_scope(world, cast):
    assert ok(cast.county_a_admin) == expected(COUNTY_A)
    assert ok(cast.county_b_admin) == expected(COUNTY_B)
    assert ok(cast.village_a_secretary) == expected(VILLAGE_A)
    assert ok(cast.county_a_admin, region=VILLAGE_A) == expected(VILLAGE_A)


def test_it_answers_404_outside_the_scope_without_saying_whether_it_exists(world, cast):
    for user, code in (
        (cast.county_b_admin, COUNTY_A),
        (cast.county_b_admin, VILLAGE_A),
        (cast.county_b_admin, PROVINCE),
        (cast.county_a_admin, COUNTY_B),
        (cast.county_a_admin, CITY),
        (cast.village_a_secretary, COUNTY_A),
        (cast.auditor, VILLAGE_B),
        (cast.province_admin, "510899"),  # no such county
    ):
        response = get(user, region=code)
        assert response.status_code == 404, (user.username, code)
        assert response.json() == NOT_FOUND


def test_it_refuses_a_bad_region_or_year_in_chinese(world, cast):
    for params, field, message in (
        ({"region": "5108x"}, "region", "区划代码应为 2、4、6、9 或 12 位数字。"),
        ({"region": "51082"}, "region", "区划代码应为 2、4、6、9 或 12 位数字。"),
        ({"region": "５１"}, "region", "区划代码应为 2、4、6、9 或 12 位数字。"),
        ({"year": "1970"}, "year", "年份应在 1978 至 2100 之间。"),
        ({"year": "二〇一九"}, "year", "请填写合法的整数值。"),
    ):
        response = get(cast.province_admin, **params)
        assert response.status_code == 400, params
        assert response.json() == {field: [message]}, params


def test_it_shows_an_auditor_aggregates_with_small_breakdowns_of_people_suppressed(world, cast):
    answer = ok(cast.auditor)
    full = expected(COUNTY_A)
    assert answer["region"] == full["region"] and answer["year"] == full["year"]
    small = [
        k
        for k, v in full["figures"].items()
        if k.startswith(("cause.", "attribute.")) and 0 < v < 5
    ]
    assert {"cause.water", "attribute.wubao"} <= set(small)
    for key, value in full["figures"].items():
        if key in small:
            assert answer["figures"][key] is None, key
        else:
            assert answer["figures"][key] == value, key
    # Five or more are shown; aggregates that are not breakdowns of people are never hidden.
    assert answer["figures"]["cause.disability"] == MANY
    assert answer["figures"]["attribute.dibao"] == MANY
    assert answer["figures"]["households"] == full["figures"]["households"]
    # The child regions' cells are suppressed by the same rule.
    for mine, theirs in zip(answer["children"], full["children"], strict=True):
        for key, value in theirs["figures"].items():
            hidden = key.startswith(("cause.", "attribute.")) and 0 < value < 5
            assert mine["figures"][key] == (None if hidden else value), (mine["code"], key)
    village = ok(cast.auditor, region=VILLAGE_A)["figures"]
    assert village["cause.water"] is None and village["attribute.wubao"] is None
    assert village["cause.disability"] == MANY


def test_it_shows_every_cell_to_roles_with_personal_data(world, cast):
    for user, code in (
        (cast.province_admin, COUNTY_A),
        (cast.county_a_admin, COUNTY_A),
        (cast.village_a_secretary, VILLAGE_A),
    ):
        answer = ok(user, region=code)
        assert answer == expected(code)
        assert None not in answer["figures"].values()


def test_it_refuses_the_helper_and_the_anonymous_visitor(world, cast):
    for params in ({}, {"region": COUNTY_A}, {"region": VILLAGE_A}):
        response = get(cast.helper, **params)
        assert response.status_code == 403, params
        assert response.json() == NO_PERMISSION
        assert get(None, **params).status_code == 401


def test_it_answers_zeros_for_a_region_without_records(db, cast):
    rebuild()
    answer = ok(cast.province_admin, region=COUNTY_A)
    # The region tree alone: county A's four villages (two per township), none poor.
    assert answer["figures"] == {**dict.fromkeys(KEYS, 0), "villages": 4}
    for child in answer["children"]:
        assert child["figures"] == {**dict.fromkeys(KEYS, 0), "villages": 2}


def test_it_reads_the_summary_rows_in_a_fixed_number_of_queries(world, cast):
    client = api_for(cast.province_admin)
    counts = []
    for code in (PROVINCE, COUNTY_A, VILLAGE_A):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(STATS, {"region": code}).status_code == 200
        counts.append(len(queries))
        tables = {
            q["sql"].split(" FROM ")[1].split()[0].strip('"')
            for q in queries
            if " FROM " in q["sql"]
        }
        assert not tables & {"registry_household", "registry_person"}, tables
    assert max(counts) <= 7, counts


def test_it_describes_itself_in_the_schema(cast):
    schema = api_for(cast.province_admin).get("/api/schema/?format=json").json()
    operation = schema["paths"][STATS]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"region", "year"}


def test_it_moves_with_a_change_of_the_records(world, cast):
    before = ok(cast.county_a_admin)["figures"]["households"]
    registry.create_household(
        actor=None,
        village_code=VILLAGE_A,
        number="N001",
        main_cause="illness",
        registered_in=datetime.date.today().year,
    )
    rebuild(COUNTY_A)
    assert ok(cast.county_a_admin)["figures"]["households"] == before + 1
