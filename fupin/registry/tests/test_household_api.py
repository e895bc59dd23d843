"""/api/v1/households/, /api/v1/people/ and /api/v1/poverty-lines/ for every member of the cast."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from fupin.lib.ids import make_resident_id
from fupin.registry import actions
from fupin.registry.models import Household, IncomeRecord, Person, PovertyLine
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    VILLAGE_A,
    VILLAGE_A2,
    ApiSuite,
    api_created,
    api_for,
    client_for,
    last_event_id,
    new_events,
    nothing_saved,
    pair_the_helper_with,
)

from .conftest import HEAD_A_ID, HEAD_B_ID, SPOUSE_A_ID

HOUSEHOLDS = "/api/v1/households/"
PEOPLE = "/api/v1/people/"
LINES = "/api/v1/poverty-lines/"
READERS = ("auditor", "helper")

NEW_ID = make_resident_id(COUNTY_A, datetime.date(2001, 2, 3), 52)


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {h["number"] for h in response.json()["results"]}


def new_household(**changes) -> dict:
    data = {
        "village": VILLAGE_A2,
        "number": "N001",
        "main_cause": "funds",
        "registered_in": 2017,
        "arable_land": "1.75",
        "phone": "13500001111",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- authentication --------------------------------------------------------------------------


def test_it_refuses_writes_without_credentials(cast, registry):
    client = APIClient()
    with nothing_saved():
        responses = [
            client.post(HOUSEHOLDS, new_household(), format="json"),
            client.patch(f"{HOUSEHOLDS}{registry.a.pk}/", {"phone": "1"}, format="json"),
            client.delete(f"{HOUSEHOLDS}{registry.a.pk}/"),
            client.post(
                f"{HOUSEHOLDS}{registry.a.pk}/status/", {"year": 2021, "status": "relapsed"}
            ),
            client.post(f"{HOUSEHOLDS}{registry.a.pk}/income/", {"year": 2021}),
            client.post(PEOPLE, {"household": registry.a.pk}, format="json"),
            client.delete(f"{PEOPLE}{registry.head_a.pk}/"),
            client.post(LINES, {"province": "51", "year": 2021, "amount": "4100"}),
        ]
    assert [r.status_code for r in responses] == [401] * 8


class TestHouseholdApi(ApiSuite):
    """/api/v1/households/ for the whole cast: reads, patches, deletes and the actions."""

    endpoint = HOUSEHOLDS
    deletes = True

    @pytest.fixture
    def records(self, registry):
        return {"a": registry.a, "a2": registry.a2, "b": registry.b}

    def patch(self, obj):
        return {"phone": "13700009999"}

    def bad_patch(self, obj):
        return {"village": VILLAGE_A2}

    def create(self):
        return new_household()

    def bad_create(self):
        return new_household(number="")

    def extra_writes(self, obj):
        return [
            ("post", f"{self.item(obj)}status/", {"year": 2022, "status": "exited"}),
            ("post", f"{self.item(obj)}income/", {"year": 2022, "wage": "1"}),
        ]


class TestPersonApi(ApiSuite):
    """/api/v1/people/ for the whole cast: the heads of households a, a2 and b."""

    endpoint = PEOPLE
    deletes = True

    @pytest.fixture
    def records(self, registry):
        return {"a": registry.head_a, "a2": registry.head_a2, "b": registry.head_b}

    def patch(self, obj):
        return {"name": "改名"}

    def bad_patch(self, obj):
        return {"id_number": "12345"}


# --- households: reading ---------------------------------------------------------------------


def test_it_shows_a_household_with_members_history_and_incomes(cast, registry):
    data = api_for(cast.county_a_admin).get(f"{HOUSEHOLDS}{registry.a.pk}/").json()
    assert data["village"] == VILLAGE_A and data["village_name"] == "卸甲碥社区居民委员会"
    assert (data["county_code"], data["status"], data["member_count"]) == (COUNTY_A, "exited", 2)
    assert (data["phone"], data["bank_account"]) == ("13812345678", "6228480012345678901")
    assert data["arable_land"] == "3.50"
    assert [(m["name"], m["id_number"], m["birth_date"]) for m in data["members"]] == [
        ("王大山", HEAD_A_ID, "1970-05-06"),
        ("李秀英", SPOUSE_A_ID, "1972-08-09"),
    ]
    assert [(c["year"], c["status"]) for c in data["history"]] == [(2014, "poor"), (2019, "exited")]
    assert [(i["year"], i["per_capita"]) for i in data["incomes"]] == [
        (2019, "3000.00"),
        (2020, "4500.00"),
    ]
    assert data["incomes"][0]["wage"] == "5000.00"


def test_it_lists_households_without_their_nested_records(cast, registry):
    [row] = api_for(cast.village_a_secretary).get(HOUSEHOLDS).json()["results"]
    assert row["member_count"] == 2
    assert "members" not in row and "incomes" not in row


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"region={COUNTY_B}", {"B001"}),
        (f"region={VILLAGE_A2}", {"A201"}),
        ("cause=skills", {"A001"}),
        ("status=poor", {"A201", "B001"}),
        ("attribute=wubao", {"A201"}),
        ("registered_in=2016", {"B001"}),
        (f"q={HEAD_B_ID}", {"B001"}),
        ("q=小川", {"A201"}),
        ("income_year=2020&income_min=4500&income_max=4500", {"A001"}),
    ],
)
def test_it_filters_households(cast, registry, query, expected):
    assert numbers(api_for(cast.province_admin).get(f"{HOUSEHOLDS}?{query}")) == expected


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("income_max=3000", {"income_year": ["请填写收入年度。"]}),
        ("registered_in=1900", {"registered_in": ["确保该值大于或等于1978。"]}),
        ("cause=luck", {"cause": ["选择一个有效的选项。 luck 不在可用的选项中。"]}),
    ],
)
def test_it_refuses_a_bad_filter_with_400(cast, registry, query, errors):
    response = api_for(cast.province_admin).get(f"{HOUSEHOLDS}?{query}")
    assert response.status_code == 400
    assert response.json() == errors


def test_it_orders_households(cast, registry):
    client = api_for(cast.province_admin)
    rows = client.get(f"{HOUSEHOLDS}?ordering=-registered_in").json()["results"]
    assert [r["number"] for r in rows] == ["B001", "A201", "A001"]
    rows = client.get(f"{HOUSEHOLDS}?ordering=-member_count,number").json()["results"]
    assert [r["number"] for r in rows] == ["A001", "A201", "B001"]


def test_it_lists_households_with_a_fixed_number_of_queries(
    cast, registry, django_assert_max_num_queries
):
    for i in range(30):
        h = actions.create_household(
            actor=None,
            village_code=VILLAGE_A,
            number=f"M{i:02}",
            main_cause="land",
            registered_in=2015,
        )
        actions.add_person(
            actor=None,
            household=h,
            name=f"户主{i}",
            id_number=make_resident_id(COUNTY_A, datetime.date(1950 + i, 3, 3), 7),
            relation="head",
        )
    client = api_for(cast.auditor)
    with django_assert_max_num_queries(3):
        response = client.get(HOUSEHOLDS)
    assert len(response.json()["results"]) == 32
    with django_assert_max_num_queries(3):
        response = client.get(PEOPLE)
    assert len(response.json()["results"]) == 33


# --- households: writing ---------------------------------------------------------------------


def test_it_registers_a_household(cast, registry):
    since = last_event_id()
    data = api_created(api_for(cast.county_a_admin), HOUSEHOLDS, new_household())
    h = Household.objects.get(pk=data["id"])
    assert (h.village_id, h.number, h.county_code, str(h.arable_land), h.status) == (
        VILLAGE_A2,
        "N001",
        COUNTY_A,
        "1.75",
        "poor",
    )
    assert data["arable_land"] == "1.75" and data["member_count"] == 0 and data["status"] == "poor"
    [event] = new_events(since)
    assert (event.action, event.actor, event.region_code) == (
        "registry.create_household",
        cast.county_a_admin,
        VILLAGE_A2,
    )
    assert "N001" in numbers(api_for(cast.county_a_admin).get(HOUSEHOLDS))


def test_it_ignores_a_status_sent_with_a_new_household(cast, registry):
    response = api_for(cast.province_admin).post(
        HOUSEHOLDS, new_household(status="exited"), format="json"
    )
    assert response.status_code == 201
    assert Household.objects.get(number="N001").status == "poor"


@pytest.mark.parametrize(
    ("actor", "changes", "errors"),
    [
        (
            "county_b_admin",
            {},
            {"village": ["庙二湾社区居民委员会不在您可以修改的区划范围内。"]},
        ),
        (
            "village_a_secretary",
            {},
            {"village": ["庙二湾社区居民委员会不在您可以修改的区划范围内。"]},
        ),
        ("auditor", {}, {"village": ["庙二湾社区居民委员会不在您可以修改的区划范围内。"]}),
        ("helper", {}, {"village": ["庙二湾社区居民委员会不在您可以修改的区划范围内。"]}),
        (
            "province_admin",
            {"village": "510821101077"},
            {"village": ["没有村代码为“510821101077”的村。"]},
        ),
        (
            "province_admin",
            {"village": VILLAGE_A, "number": "A001"},
            {"number": ["本村已有户编号 A001。"]},
        ),
        (
            "province_admin",
            {"main_cause": "bad_luck"},
            {"main_cause": ["“bad_luck” 不是合法选项。"]},
        ),
        (
            "province_admin",
            {"registered_in": 2201},
            {"registered_in": ["请确保该值小于或者等于 2100。"]},
        ),
        (
            "province_admin",
            {"arable_land": "-0.5"},
            {"arable_land": ["请确保该值大于或者等于 0。"]},
        ),
        (
            "province_admin",
            {"arable_land": "0.125"},
            {"arable_land": ["请确保总计不超过 2 个小数位。"]},
        ),
        ("province_admin", {"arable_land": "lots"}, {"arable_land": ["请填写合法的数字。"]}),
        ("province_admin", {"phone": "1" * 21}, {"phone": ["请确保这个字段不能超过 20 个字符。"]}),
    ],
)
def test_it_refuses_a_bad_new_household_with_400(cast, registry, actor, changes, errors):
    with nothing_saved():
        response = api_for(getattr(cast, actor)).post(
            HOUSEHOLDS, new_household(**changes), format="json"
        )
    assert response.status_code == 400
    assert response.json() == errors


def test_it_names_every_missing_field_of_a_household(cast, registry):
    with nothing_saved():
        response = api_for(cast.province_admin).post(HOUSEHOLDS, {}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        field: ["该字段是必填项。"]
        for field in ("village", "number", "main_cause", "registered_in")
    }


def test_it_patches_a_household(cast, registry):
    since = last_event_id()
    response = api_for(cast.village_a_secretary).patch(
        f"{HOUSEHOLDS}{registry.a.pk}/",
        {"phone": "13700009999", "arable_land": "4", "village": VILLAGE_A, "status": "poor"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    registry.a.refresh_from_db()
    assert (registry.a.phone, registry.a.arable_land, registry.a.status) == (
        "13700009999",
        Decimal("4.00"),
        "exited",  # the status changes only through status/
    )
    assert response.json()["arable_land"] == "4.00"
    [event] = new_events(since)
    assert event.action == "registry.update_household"


def test_it_refuses_moving_a_household_to_another_village(cast, registry):
    with nothing_saved():
        response = api_for(cast.county_a_admin).patch(
            f"{HOUSEHOLDS}{registry.a.pk}/", {"village": VILLAGE_A2}, format="json"
        )
    assert response.status_code == 400
    assert response.json() == {"village": ["贫困户不能转到其他村；请删除后重新登记。"]}


def test_it_refuses_a_taken_household_number_in_a_patch(cast, registry):
    other = actions.create_household(
        actor=None, village_code=VILLAGE_A, number="A002", main_cause="land", registered_in=2015
    )
    with nothing_saved():
        response = api_for(cast.county_a_admin).patch(
            f"{HOUSEHOLDS}{other.pk}/", {"number": "A001"}, format="json"
        )
    assert response.status_code == 400
    assert response.json() == {"number": ["本村已有户编号 A001。"]}


def test_it_has_no_put_on_households(cast, registry):
    response = api_for(cast.province_admin).put(
        f"{HOUSEHOLDS}{registry.a.pk}/", new_household(village=VILLAGE_A), format="json"
    )
    assert response.status_code == 405


def test_it_deletes_a_household(cast, registry):
    since = last_event_id()
    response = api_for(cast.county_a_admin).delete(f"{HOUSEHOLDS}{registry.a.pk}/")
    assert response.status_code == 204
    assert not Household.objects.filter(pk=registry.a.pk).exists()
    assert not Person.objects.filter(pk=registry.head_a.pk).exists()
    [event] = new_events(since)
    assert event.action == "registry.delete_household"
    # The members are in the event, with their ID numbers masked (auditors read the log).
    assert [m["id_number"] for m in event.before["members"]] == [
        "510821********" + HEAD_A_ID[-4:],
        "510821********" + SPOUSE_A_ID[-4:],
    ]


def test_it_records_a_status_change(cast, registry):
    data = api_created(
        api_for(cast.county_a_admin),
        f"{HOUSEHOLDS}{registry.a.pk}/status/",
        {"year": 2021, "status": "relapsed", "reason": "大病", "approved_by": "村委会"},
    )
    assert (data["year"], data["status"], data["reason"], data["recorded_by"]) == (
        2021,
        "relapsed",
        "大病",
        "county_a_admin",
    )
    registry.a.refresh_from_db()
    assert registry.a.status == "relapsed"


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"year": 2021, "status": "exited"},
            {"status": ["状态为“已脱贫”的贫困户不能变为“已脱贫”。"]},
        ),
        ({"year": 2018, "status": "relapsed"}, {"year": ["年度早于上一次变更（2019 年）。"]}),
        (
            {"year": 2021, "status": "poor"},
            {"status": ["状态为“已脱贫”的贫困户不能变为“未脱贫”。"]},
        ),
        ({"year": 2021, "status": "rich"}, {"status": ["“rich” 不是合法选项。"]}),
        ({"status": "relapsed"}, {"year": ["该字段是必填项。"]}),
        ({"year": 99999, "status": "relapsed"}, {"year": ["请确保该值小于或者等于 2100。"]}),
    ],
)
def test_it_refuses_a_bad_status_change_with_400(cast, registry, data, errors):
    with nothing_saved():
        response = api_for(cast.county_a_admin).post(
            f"{HOUSEHOLDS}{registry.a.pk}/status/", data, format="json"
        )
    assert response.status_code == 400
    assert response.json() == errors


def test_it_records_income(cast, registry):
    response = api_for(cast.village_a_secretary).post(
        f"{HOUSEHOLDS}{registry.a.pk}/income/",
        {"year": 2021, "wage": "7000", "transfer": "1000.01", "costs": "0.01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["per_capita"] == "4000.00"
    assert IncomeRecord.objects.get(household=registry.a, year=2021).per_capita == Decimal("4000")


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"year": 2021, "wage": "-1"}, {"wage": ["金额不能为负数。"]}),
        ({"year": 2021, "costs": "1.001"}, {"costs": ["请确保总计不超过 2 个小数位。"]}),
        ({"wage": "1"}, {"year": ["该字段是必填项。"]}),
        (
            {"year": 2021, "wage": "1" * 15},
            {"wage": ["请确保总计不超过 14 个数字。"]},
        ),
    ],
)
def test_it_refuses_bad_income_with_400(cast, registry, data, errors):
    with nothing_saved():
        response = api_for(cast.county_a_admin).post(
            f"{HOUSEHOLDS}{registry.a.pk}/income/", data, format="json"
        )
    assert response.status_code == 400
    assert response.json() == errors


# --- people ----------------------------------------------------------------------------------


def test_it_gives_the_helper_their_paired_household_and_its_people_only(cast, registry):
    pair_the_helper_with(registry.a2)
    client = api_for(cast.helper)
    assert numbers(client.get(HOUSEHOLDS)) == {"A201"}
    assert [p["name"] for p in client.get(PEOPLE).json()["results"]] == ["赵小川"]
    for key, expected in (("a", 404), ("a2", 200), ("b", 404)):
        household = getattr(registry, key)
        assert client.get(f"{HOUSEHOLDS}{household.pk}/").status_code == expected, key
        head = getattr(registry, "head_" + key)
        assert client.get(f"{PEOPLE}{head.pk}/").status_code == expected, key


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("household={a}", {"王大山", "李秀英"}),
        (f"region={VILLAGE_A2}", {"赵小川"}),
        ("relation=spouse", {"李秀英"}),
        ("q=钱", {"钱江河"}),
        (f"q={SPOUSE_A_ID}", {"李秀英"}),
        (f"q={SPOUSE_A_ID.lower()}", {"李秀英"}),
    ],
)
def test_it_filters_people(cast, registry, query, expected):
    query = query.replace("{a}", str(registry.a.pk))
    rows = api_for(cast.province_admin).get(f"{PEOPLE}?{query}").json()["results"]
    assert {p["name"] for p in rows} == expected


def test_it_adds_a_member(cast, registry):
    since = last_event_id()
    data = api_created(
        api_for(cast.village_a_secretary),
        PEOPLE,
        {"household": registry.a.pk, "name": "王小明", "id_number": NEW_ID, "relation": "son"},
    )
    assert (data["sex"], data["birth_date"], data["birth_year"], data["village_code"]) == (
        "female",
        "2001-02-03",
        2001,
        VILLAGE_A,
    )
    [event] = new_events(since)
    assert (event.action, event.region_code) == ("registry.add_person", VILLAGE_A)


@pytest.mark.parametrize(
    ("actor", "changes", "errors"),
    [
        ("county_b_admin", {}, {"household": ["无效主键 “{a}” － 对象不存在。"]}),
        ("auditor", {}, {"household": ["无效主键 “{a}” － 对象不存在。"]}),
        ("helper", {}, {"household": ["无效主键 “{a}” － 对象不存在。"]}),
        (
            "county_a_admin",
            {"id_number": HEAD_B_ID},
            {"id_number": ["该身份证号已登记在 510824100001-B001 户"]},
        ),
        ("county_a_admin", {"relation": "head"}, {"relation": ["该户已有户主。"]}),
        ("county_a_admin", {"sex": "male"}, {"sex": ["填写的性别与身份证号不符"]}),
        (
            "county_a_admin",
            {"birth_date": "2001-03-02"},
            {"birth_date": ["填写的出生日期 2001-03-02 与身份证号（2001-02-03）不符"]},
        ),
        ("county_a_admin", {"work_months": 13}, {"work_months": ["请确保该值小于或者等于 12。"]}),
        (
            "county_a_admin",
            {"household": 10**9},
            {"household": [f"无效主键 “{10**9}” － 对象不存在。"]},
        ),
    ],
)
def test_it_refuses_a_bad_new_member_with_400(cast, registry, actor, changes, errors):
    body = {"household": registry.a.pk, "name": "王小明", "id_number": NEW_ID, "relation": "son"}
    body.update(changes)
    with nothing_saved():
        response = api_for(getattr(cast, actor)).post(PEOPLE, body, format="json")
    assert response.status_code == 400
    expected = {k: [m.replace("{a}", str(registry.a.pk)) for m in v] for k, v in errors.items()}
    assert response.json() == expected


def test_it_refuses_a_malformed_id_number_with_400(cast, registry):
    body = {"household": registry.a.pk, "name": "王小明", "id_number": NEW_ID[:17] + "Y"}
    with nothing_saved():
        response = api_for(cast.county_a_admin).post(PEOPLE, {**body, "relation": "son"})
    assert response.status_code == 400
    assert response.json()["id_number"] == ["身份证号应为 17 位数字加 1 位数字或 X"]


def test_it_patches_a_member(cast, registry):
    response = api_for(cast.county_a_admin).patch(
        f"{PEOPLE}{registry.spouse_a.pk}/", {"name": "李秀兰", "health": "chronic"}, format="json"
    )
    assert response.status_code == 200, response.json()
    registry.spouse_a.refresh_from_db()
    assert (registry.spouse_a.name, registry.spouse_a.health) == ("李秀兰", "chronic")


def test_it_refuses_moving_a_member_to_another_household(cast, registry):
    with nothing_saved():
        response = api_for(cast.county_a_admin).patch(
            f"{PEOPLE}{registry.spouse_a.pk}/", {"household": registry.a2.pk}, format="json"
        )
    assert response.status_code == 400
    assert response.json() == {"household": ["家庭成员不能转到其他户。"]}


def test_it_deletes_a_member(cast, registry):
    response = api_for(cast.village_a_secretary).delete(f"{PEOPLE}{registry.spouse_a.pk}/")
    assert response.status_code == 204
    assert not Person.objects.filter(pk=registry.spouse_a.pk).exists()


# --- poverty lines ---------------------------------------------------------------------------


def test_it_lists_the_poverty_lines_to_the_province(cast, registry):
    rows = api_for(cast.province_admin).get(LINES).json()["results"]
    assert [(r["province"], r["year"], r["amount"]) for r in rows] == [
        ("51", 2019, "3747.00"),
        ("51", 2020, "4000.00"),
    ]


def test_it_shows_the_lines_to_every_signed_in_user(cast, registry):
    # Poverty lines are reference data (ReferenceQuerySet): everyone reads them, as the county
    # needs them beside its households' incomes.
    for member in (cast.county_a_admin, cast.county_b_admin, cast.auditor, cast.helper):
        rows = api_for(member).get(LINES).json()["results"]
        assert [r["amount"] for r in rows] == ["3747.00", "4000.00"]
    page = client_for(cast.county_a_admin).get(f"/registry/households/{registry.a.pk}/")
    assert "3747.00" in page.content.decode()
    assert APIClient().get(LINES).status_code == 401


def test_it_sets_a_poverty_line(cast, registry):
    since = last_event_id()
    client = api_for(cast.province_admin)
    response = client.post(
        LINES, {"province": "51", "year": 2021, "amount": "4100.5"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "4100.50"
    assert PovertyLine.objects.get(year=2021).amount == Decimal("4100.50")
    # A second POST for the year replaces the amount.
    response = client.post(LINES, {"province": "51", "year": 2021, "amount": "4200"}, format="json")
    assert response.status_code == 201
    assert PovertyLine.objects.filter(year=2021).count() == 1
    assert PovertyLine.objects.get(year=2021).amount == 4200
    assert [e.action for e in new_events(since)] == ["registry.set_poverty_line"] * 2


def test_it_patches_a_poverty_line(cast, registry):
    line = PovertyLine.objects.get(year=2020)
    response = api_for(cast.province_admin).patch(
        f"{LINES}{line.pk}/", {"amount": "4001"}, format="json"
    )
    assert response.status_code == 200
    line.refresh_from_db()
    assert line.amount == 4001


@pytest.mark.parametrize(
    ("actor", "body", "errors"),
    [
        ("county_a_admin", {}, {"province": ["只有省级可以设置本省扶贫标准。"]}),
        ("village_a_secretary", {}, {"province": ["只有省级可以设置本省扶贫标准。"]}),
        ("auditor", {}, {"province": ["只有省级可以设置本省扶贫标准。"]}),
        ("province_admin", {"amount": "0"}, {"amount": ["扶贫标准必须大于零。"]}),
        ("province_admin", {"province": "52"}, {"province": ["没有代码为“52”的省。"]}),
        ("province_admin", {"year": 1900}, {"year": ["请确保该值大于或者等于 1978。"]}),
        ("province_admin", {"amount": "1e3x"}, {"amount": ["请填写合法的数字。"]}),
    ],
)
def test_it_refuses_a_bad_poverty_line_with_400(cast, registry, actor, body, errors):
    data = {"province": "51", "year": 2021, "amount": "4100", **body}
    with nothing_saved():
        response = api_for(getattr(cast, actor)).post(LINES, data, format="json")
    assert response.status_code == 400
    assert response.json() == errors


def test_it_refuses_changing_a_lines_year_or_province(cast, registry):
    line = PovertyLine.objects.get(year=2020)
    with nothing_saved():
        response = api_for(cast.province_admin).patch(
            f"{LINES}{line.pk}/", {"year": 2022}, format="json"
        )
    assert response.status_code == 400
    assert response.json() == {"year": ["其他年度或省份的扶贫标准请另行 POST 设置。"]}


def test_it_answers_404_to_a_county_patching_a_line_and_405_to_deletes(cast, registry):
    line = PovertyLine.objects.get(year=2020)
    with nothing_saved():
        assert (
            api_for(cast.county_a_admin)
            .patch(f"{LINES}{line.pk}/", {"amount": "1"}, format="json")
            .status_code
            == 404
        )
        assert api_for(cast.province_admin).delete(f"{LINES}{line.pk}/").status_code == 405


def test_it_documents_the_registry_endpoints(cast):
    schema = client_for(cast.province_admin).get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/households/",
        "/api/v1/households/{id}/",
        "/api/v1/households/{id}/status/",
        "/api/v1/households/{id}/income/",
        "/api/v1/people/",
        "/api/v1/poverty-lines/",
    ):
        assert path in schema["paths"], path
    household = schema["components"]["schemas"]["Household"]["properties"]
    assert household["arable_land"]["type"] == "string"
    assert household["arable_land"]["format"] == "decimal"
