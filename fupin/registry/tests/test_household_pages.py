"""The household pages (fupin/registry/urls.py) for every member of the cast, GET and POST."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from fupin.lib.ids import make_resident_id
from fupin.pairing import actions as pairing_actions
from fupin.registry import actions
from fupin.registry.models import Household, IncomeRecord, Person, StatusChange
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    PageSuite,
    bad_filter,
    client_for,
    delete_through_the_page,
    form_refused,
    last_event_id,
    linked,
    main,
    new_events,
    nothing_saved,
    pair_the_helper_with,
)

from .conftest import HEAD_A_ID, HEAD_B_ID, household, person

LIST = "/registry/households/"
ADD = "/registry/households/add/"
READERS = ("auditor", "helper")


def household_of(registry, key: str) -> Household:
    return getattr(registry, key)


def head_of(registry, key: str) -> Person:
    return getattr(registry, "head_" + key)


def listed(response) -> list[str]:
    """The household numbers linked from the rows of the list, in order."""
    return linked(response, "/registry/households/")


def household_form(**changes) -> dict:
    data = {
        "village": VILLAGE_A,
        "number": "A009",
        "standard": "national",
        "attribute": "general",
        "main_cause": "labour",
        "other_cause_1": "",
        "other_cause_2": "",
        "phone": "13700001234",
        "bank_account": "",
        "arable_land": "2.25",
        "housing": "safe",
        "safe_water": "on",
        "electricity": "on",
        "road_access": "on",
        "registered_in": "2016",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def person_form(**changes) -> dict:
    data = {
        "name": "王小丫",
        "id_number": make_resident_id(COUNTY_A, datetime.date(2005, 6, 7), 42),
        "relation": "daughter",
        "sex": "",
        "birth_date": "",
        "ethnicity": "01",
        "education": "junior",
        "schooling": "senior",
        "health": "healthy",
        "labour": "none",
        "work_place": "none",
        "work_months": "0",
        "medical_insurance": "on",
        "political": "league",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- who may open which page -----------------------------------------------------------------


def test_it_shows_the_write_buttons_only_to_who_may_change(cast, registry):
    url = reverse("registry:household-detail", args=[registry.a.pk])
    edit = reverse("registry:household-edit", args=[registry.a.pk])
    person_edit = reverse("registry:person-edit", args=[registry.head_a.pk])
    for name in ("province_admin", "county_a_admin", "village_a_secretary", "auditor"):
        page = main(client_for(getattr(cast, name)).get(url))
        shown = name not in READERS
        assert (edit in page) is shown, name
        assert (person_edit in page) is shown, name
        assert ("记录状态变更" in page) is shown, name
        list_page = main(client_for(getattr(cast, name)).get(LIST))
        assert (ADD in list_page) is shown, name


def test_it_shows_the_helper_their_paired_household_and_nothing_else(cast, registry):
    pairing = pair_the_helper_with(registry.a2)
    client = client_for(cast.helper)
    assert listed(client.get(LIST)) == ["A201"]
    for key, expected in (("a", 404), ("a2", 200), ("b", 404)):
        url = reverse("registry:household-detail", args=[household_of(registry, key).pk])
        assert client.get(url).status_code == expected, key
    # Once the pairing ends, the household is no longer theirs.
    pairing_actions.end_pairing(actor=None, pairing=pairing)
    assert listed(client.get(LIST)) == []
    url = reverse("registry:household-detail", args=[registry.a2.pk])
    assert client.get(url).status_code == 404


def test_it_shows_the_household_members_history_and_incomes(cast, registry):
    page = main(
        client_for(cast.county_a_admin).get(
            reverse("registry:household-detail", args=[registry.a.pk])
        )
    )
    for text in (
        "卸甲碥社区居民委员会 A001",
        "东河镇",
        "低保户",
        "因病、缺技术",
        "13812345678",
        "6228480012345678901",
        "3.50",
        "王大山",
        HEAD_A_ID,
        "1970-05-06",
        "李秀英",
        "配偶",
        "建档立卡",
        "收入达标",
        "已脱贫",
    ):
        assert text in page, text
    rows = re.findall(r"<tr>\s*<td>(\d{4})</td>(.*?)</tr>", page, re.S)
    incomes = {year: cells for year, cells in rows if "<td>2</td>" in cells}
    assert set(incomes) == {"2019", "2020"}
    # 2019: (5000 + 1000) / 2 = 3000 against a line of 3747; 2020: 4500 against 4000.
    assert "3000.00" in incomes["2019"] and "3747.00" in incomes["2019"]
    assert "低于扶贫标准" in incomes["2019"]
    assert "4500.00" in incomes["2020"] and "4000.00" in incomes["2020"]
    assert "低于扶贫标准" not in incomes["2020"]


def test_it_shows_no_line_for_a_year_without_one(cast, registry):
    actions.record_income(actor=None, household=registry.a2, year=2015, wage=1000)
    page = main(
        client_for(cast.county_a_admin).get(
            reverse("registry:household-detail", args=[registry.a2.pk])
        )
    )
    assert "1000.00" in page
    assert "低于扶贫标准" not in page
    assert "<td>—</td>" in page


def test_it_speaks_english_when_asked(cast, registry):
    client = client_for(cast.county_a_admin)
    client.post("/i18n/setlang/", {"language": "en", "next": LIST})
    page = main(client.get(LIST))
    assert "Registered households" in page and "Household size" in page
    assert "建档立卡贫困户" not in page


# --- the list: filters, sorting, paging, queries ---------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"region={COUNTY_A}", {"A001", "A201"}),
        (f"region={VILLAGE_A}", {"A001"}),
        (f"region={COUNTY_B}", {"B001"}),
        ("region=5108２１", set()),  # full-width digits are not a code
        ("region=51a", set()),
        ("status=exited", {"A001"}),
        ("status=poor", {"A201", "B001"}),
        ("cause=illness", {"A001"}),
        ("cause=skills", {"A001"}),  # an other cause counts too
        ("cause=schooling", {"B001"}),
        ("attribute=wubao", {"A201"}),
        ("registered_in=2015", {"A201"}),
        ("q=王大山", {"A001"}),
        ("q=秀英", {"A001"}),  # any member, not only the head
        ("q=a2", {"A201"}),  # household number, any case
        (f"q={HEAD_B_ID}", {"B001"}),
        (f"q={HEAD_A_ID[:17]}", set()),  # an ID matches only in full
        ("income_year=2020&income_min=4000", {"A001"}),
        ("income_year=2019&income_max=3500", {"A001"}),
        ("income_year=2019&income_min=3000.01", set()),
        ("income_year=2019&income_min=3000&income_max=3000", {"A001"}),
        ("income_year=2018", set()),
        ("q=王&status=poor", set()),
        (f"status=poor&region={COUNTY_A}", {"A201"}),
    ],
)
def test_it_filters_the_household_list(cast, registry, query, expected):
    response = client_for(cast.province_admin).get(f"{LIST}?{query}")
    assert set(listed(response)) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("income_min=3000", "请填写收入年度。"),
        ("income_year=2019&income_min=5000&income_max=100", "上限低于下限。"),
        ("income_year=20119", "确保该值小于或等于2100。"),
        ("income_year=2019&income_min=abc", "输入一个数字。"),
        ("income_year=2019&income_min=1.005", "确认小数不超过 2 位."),
        ("status=rich", "选择一个有效的选项。 rich 不在可用的选项中。"),
    ],
)
def test_it_explains_a_bad_filter_and_lists_nothing(cast, registry, query, message):
    assert listed(bad_filter(cast.province_admin, f"{LIST}?{query}", message)) == []


def test_it_keeps_filters_inside_the_scope(cast, registry):
    client = client_for(cast.county_b_admin)
    assert listed(client.get(f"{LIST}?region={COUNTY_A}")) == []
    assert listed(client.get(f"{LIST}?q={HEAD_A_ID}")) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("registered_in", ["A001", "A201", "B001"]),
        ("-registered_in", ["B001", "A201", "A001"]),
        ("member_count", ["A201", "B001", "A001"]),
        ("-member_count", ["A001", "B001", "A201"]),
        ("status", ["A001", "A201", "B001"]),
        ("village_code", ["A001", "A201", "B001"]),
        ("-village_code", ["B001", "A201", "A001"]),
    ],
)
def test_it_sorts_the_household_list(cast, registry, sort, expected):
    # Ties end in village code and number order.
    response = client_for(cast.province_admin).get(f"{LIST}?sort={sort}")
    assert listed(response) == expected


def test_it_never_sorts_by_a_masked_column(cast, registry):
    page = main(client_for(cast.auditor).get(LIST))
    assert "sort=phone" not in page and "sort=head_id_number" not in page
    assert "sort=member_count" in page


def test_it_counts_and_pages_the_list(cast, registry):
    for i in range(60):
        household(VILLAGE_A2, f"P{i:03}")
    client = client_for(cast.county_a_admin)
    first = client.get(LIST)
    assert "共 62 行" in main(first)
    assert len(listed(first)) == 50
    second = client.get(f"{LIST}?page=2")
    assert len(listed(second)) == 12
    assert not set(listed(first)) & set(listed(second))


def test_it_lists_many_households_with_a_fixed_number_of_queries(
    cast, registry, django_assert_max_num_queries
):
    for i in range(40):
        h = household(VILLAGE_A2 if i % 2 else VILLAGE_A, f"Q{i:03}", phone="13600000000")
        for j in range(3):
            person(
                h,
                f"成员{i}-{j}",
                make_resident_id(COUNTY_A, datetime.date(1960 + j, 1 + i % 12, 1 + j), 100 + i),
                "head" if j == 0 else "son",
            )
    for name in ("province_admin", "auditor"):
        client = client_for(getattr(cast, name))
        # Session, user, grants, the count and the page: members are counted in the page's query.
        with django_assert_max_num_queries(5):
            response = client.get(f"{LIST}?sort=-member_count")
        assert len(listed(response)) == 42 if name == "auditor" else 43
        assert "成员" in main(response)
    client = client_for(cast.auditor)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("registry:household-detail", args=[registry.a.pk]))
    assert response.status_code == 200


# --- POSTs: households -----------------------------------------------------------------------


def test_it_registers_a_household_through_the_form(cast, registry):
    since = last_event_id()
    response = client_for(cast.village_a_secretary).post(ADD, household_form())
    h = Household.objects.get(village_id=VILLAGE_A, number="A009")
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:household-detail", args=[h.pk])
    assert (h.county_code, h.main_cause, h.phone, str(h.arable_land)) == (
        COUNTY_A,
        "labour",
        "13700001234",
        "2.25",
    )
    assert h.bank_account == "" and h.safe_water and h.registered_in == 2016
    assert list(h.history.values_list("year", "status")) == [(2016, "poor")]
    [event] = new_events(since)
    assert (event.action, event.actor, event.region_code) == (
        "registry.create_household",
        cast.village_a_secretary,
        VILLAGE_A,
    )
    assert event.request_id == response["X-Request-ID"]


def test_it_prefills_the_village_and_the_year(cast, registry):
    page = main(client_for(cast.county_a_admin).get(f"{ADD}?village={VILLAGE_A2}"))
    assert f'value="{VILLAGE_A2}"' in page
    assert f'value="{timezone.localdate().year}"' in page


@pytest.mark.parametrize(
    ("actor", "changes", "message"),
    [
        (
            "county_a_admin",
            {"village": VILLAGE_B},
            "金穗社区居民委员会不在您可以修改的区划范围内。",
        ),
        (
            "village_a_secretary",
            {"village": VILLAGE_A2},
            "庙二湾社区居民委员会不在您可以修改的区划范围内。",
        ),
        ("county_b_admin", {}, "卸甲碥社区居民委员会不在您可以修改的区划范围内。"),
        ("province_admin", {"village": "510821100099"}, "没有村代码为“510821100099”的村。"),
        ("province_admin", {"village": COUNTY_A}, "没有村代码为“510821”的村。"),
        ("province_admin", {"number": "A001"}, "本村已有户编号 A001。"),
        ("province_admin", {"number": " A001 "}, "本村已有户编号"),
        ("province_admin", {"number": ""}, "该字段是必填项。"),
        (
            "province_admin",
            {"main_cause": "laziness"},
            "选择一个有效的选项。 laziness 不在可用的选项中。",
        ),
        ("province_admin", {"registered_in": "14"}, "确保该值大于或等于1978。"),
        ("province_admin", {"registered_in": "二〇一四"}, "输入整数。"),
        ("province_admin", {"arable_land": "-1"}, "确保该值大于或等于0。"),
        ("province_admin", {"arable_land": "1.234"}, "确认小数不超过 2 位."),
        ("province_admin", {"phone": "1" * 21}, "确保该变量包含不超过 20 字符 (目前字符数 21)。"),
    ],
)
def test_it_refuses_a_bad_household_form_and_saves_nothing(cast, registry, actor, changes, message):
    form_refused(client_for(getattr(cast, actor)), ADD, household_form(**changes), message)


def test_it_keeps_what_was_typed_in_a_refused_form(cast, registry):
    with nothing_saved():
        response = client_for(cast.province_admin).post(ADD, household_form(number="A001"))
    assert 'value="13700001234"' in main(response) and 'value="2.25"' in main(response)


def test_it_edits_a_household_through_the_form(cast, registry):
    since = last_event_id()
    url = reverse("registry:household-edit", args=[registry.a.pk])
    form = household_form(number="A001", attribute="wubao", phone="13911112222", village=None)
    response = client_for(cast.village_a_secretary).post(url, form)
    assert response.status_code == 302
    registry.a.refresh_from_db()
    assert (registry.a.attribute, registry.a.phone, registry.a.village_id) == (
        "wubao",
        "13911112222",
        VILLAGE_A,
    )
    [event] = new_events(since)
    assert event.action == "registry.update_household"
    assert event.before["attribute"] == "dibao" and event.after["attribute"] == "wubao"


def test_it_prefills_the_household_edit_form(cast, registry):
    page = main(
        client_for(cast.county_a_admin).get(
            reverse("registry:household-edit", args=[registry.a.pk])
        )
    )
    assert 'value="A001"' in page and 'value="13812345678"' in page and 'value="3.50"' in page
    assert '<option value="dibao" selected>' in page


def test_it_refuses_a_household_number_taken_in_the_village(cast, registry):
    other = household(VILLAGE_A, "A002")
    url = reverse("registry:household-edit", args=[other.pk])
    form_refused(
        client_for(cast.county_a_admin), url, household_form(number="A001"), "本村已有户编号 A001。"
    )
    other.refresh_from_db()
    assert other.number == "A002"


def test_it_deletes_a_household_with_its_members_through_the_form(cast, registry):
    since = last_event_id()
    pk = registry.a.pk
    response = client_for(cast.county_a_admin).post(
        reverse("registry:household-delete", args=[pk]), follow=True
    )
    assert response.redirect_chain == [(LIST, 302)]
    assert "贫困户已删除。" in main(response)
    assert not Household.objects.filter(pk=pk).exists()
    assert not Person.objects.filter(household_id=pk).exists()
    [event] = new_events(since)
    assert (event.action, event.object_id) == ("registry.delete_household", str(pk))


def test_it_confirms_before_deleting(cast, registry):
    url = reverse("registry:household-delete", args=[registry.a.pk])
    page = main(client_for(cast.county_a_admin).get(url))
    assert "此操作不可撤销，并将记入审计日志。" in page
    detail = reverse("registry:household-detail", args=[registry.a.pk])
    assert f'<a href="{detail}">取消</a>' in page


# --- POSTs: members --------------------------------------------------------------------------


def test_it_adds_a_member_through_the_form(cast, registry):
    since = last_event_id()
    url = reverse("registry:person-add", args=[registry.a.pk])
    response = client_for(cast.village_a_secretary).post(url, person_form())
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:household-detail", args=[registry.a.pk])
    added = Person.objects.get(name="王小丫")
    assert (added.household, added.village_code, added.county_code) == (
        registry.a,
        VILLAGE_A,
        COUNTY_A,
    )
    # Sex and birth date were left empty: read from the ID number.
    assert (added.sex, added.birth_date) == ("female", datetime.date(2005, 6, 7))
    [event] = new_events(since)
    assert (event.action, event.region_code) == ("registry.add_person", VILLAGE_A)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"id_number": HEAD_A_ID[:17] + "0"}, "id_number", "校验码错误（号码可能输错）"),
        ({"id_number": "51082120050607"}, "id_number", "身份证号应为 18 位"),
        ({"id_number": HEAD_B_ID}, "id_number", "该身份证号已登记在 510824100001-B001 户"),
        ({"relation": "head"}, "relation", "该户已有户主。"),
        ({"sex": "male"}, "sex", "填写的性别与身份证号不符"),
        (
            {"birth_date": "2005-06-08"},
            "birth_date",
            "填写的出生日期 2005-06-08 与身份证号（2005-06-07）不符",
        ),
        ({"work_months": "13"}, "work_months", "确保该值小于或等于12。"),
        ({"name": ""}, "name", "该字段是必填项。"),
        ({"birth_date": "2005-02-30"}, "birth_date", "输入一个有效的日期。"),
    ],
)
def test_it_refuses_a_bad_member_form_and_saves_nothing(cast, registry, changes, field, message):
    url = reverse("registry:person-add", args=[registry.a.pk])
    with nothing_saved():
        response = client_for(cast.county_a_admin).post(url, person_form(**changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in errors[field], errors
    assert message in main(response)


def test_it_edits_a_member_through_the_form(cast, registry):
    since = last_event_id()
    url = reverse("registry:person-edit", args=[registry.spouse_a.pk])
    form = person_form(name="李秀兰", id_number=registry.spouse_a.id_number, relation="spouse")
    response = client_for(cast.county_a_admin).post(url, form)
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:household-detail", args=[registry.a.pk])
    registry.spouse_a.refresh_from_db()
    assert registry.spouse_a.name == "李秀兰"
    [event] = new_events(since)
    assert event.action == "registry.update_person"


def test_it_takes_sex_and_birth_date_from_a_corrected_id(cast, registry):
    url = reverse("registry:person-edit", args=[registry.spouse_a.pk])
    page = main(client_for(cast.county_a_admin).get(url))
    assert 'value="李秀英"' in page
    assert f'value="{registry.spouse_a.id_number}"' in page
    assert 'value="1972-08-09"' not in page  # left empty: read from the ID
    corrected = make_resident_id(COUNTY_A, datetime.date(1973, 9, 10), 21)
    form = person_form(name="李秀英", id_number=corrected, relation="spouse")
    assert client_for(cast.county_a_admin).post(url, form).status_code == 302
    registry.spouse_a.refresh_from_db()
    assert (registry.spouse_a.sex, registry.spouse_a.birth_date) == (
        "male",
        datetime.date(1973, 9, 10),
    )


def test_it_refuses_a_bad_member_edit(cast, registry):
    url = reverse("registry:person-edit", args=[registry.spouse_a.pk])
    form = person_form(id_number=HEAD_A_ID, relation="spouse")
    form_refused(
        client_for(cast.county_a_admin), url, form, "该身份证号已登记在 510821100001-A001 户"
    )
    registry.spouse_a.refresh_from_db()
    assert registry.spouse_a.name == "李秀英"


def test_it_removes_a_member_through_the_form(cast, registry):
    url = reverse("registry:person-delete", args=[registry.spouse_a.pk])
    household = reverse("registry:household-detail", args=[registry.a.pk])
    event = delete_through_the_page(cast.village_a_secretary, url, household, "家庭成员已删除。")
    assert not Person.objects.filter(pk=registry.spouse_a.pk).exists()
    assert event.action == "registry.delete_person"


# --- POSTs: status and income ----------------------------------------------------------------


def test_it_records_a_status_change_through_the_form(cast, registry):
    since = last_event_id()
    url = reverse("registry:statuschange-add", args=[registry.a2.pk])
    response = client_for(cast.county_a_admin).post(
        url, {"year": "2018", "status": "exited", "reason": "产业增收", "approved_by": "镇政府"}
    )
    assert response.status_code == 302
    registry.a2.refresh_from_db()
    assert registry.a2.status == "exited"
    change = registry.a2.history.order_by("-id").first()
    assert (change.year, change.status, change.reason, change.approved_by, change.recorded_by) == (
        2018,
        "exited",
        "产业增收",
        "镇政府",
        cast.county_a_admin,
    )
    [event] = new_events(since)
    assert event.action == "registry.record_status"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": "2020", "status": "exited"}, "状态为“已脱贫”的贫困户不能变为“已脱贫”。"),
        ({"year": "2018", "status": "relapsed"}, "年度早于上一次变更（2019 年）。"),
        ({"year": "2200", "status": "relapsed"}, "确保该值小于或等于2100。"),
        ({"year": "2020", "status": "poor"}, "选择一个有效的选项。 poor 不在可用的选项中。"),
        (
            {"year": "2020", "status": "relapsed", "reason": "因" * 201},
            "确保该变量包含不超过 200 字符",
        ),
    ],
)
def test_it_refuses_a_bad_status_change(cast, registry, data, message):
    url = reverse("registry:statuschange-add", args=[registry.a.pk])
    form_refused(client_for(cast.county_a_admin), url, data, message)
    registry.a.refresh_from_db()
    assert registry.a.status == "exited"


def test_it_records_income_through_the_form(cast, registry):
    since = last_event_id()
    url = reverse("registry:incomerecord-add", args=[registry.a.pk])
    response = client_for(cast.village_a_secretary).post(
        url,
        {
            "year": "2021",
            "wage": "8000.50",
            "production": "1200",
            "property_income": "300",
            "transfer": "",
            "costs": "500",
        },
    )
    assert response.status_code == 302
    income = IncomeRecord.objects.get(household=registry.a, year=2021)
    # (8000.50 + 1200 + 300 - 500) / 2 members, to the fen.
    assert str(income.per_capita) == "4500.25"
    assert income.members == 2
    [event] = new_events(since)
    assert event.action == "registry.record_income"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": "2021", "wage": "-5"}, "金额不能为负数。"),
        ({"year": "2021", "wage": "五千"}, "输入一个数字。"),
        ({"year": "2021", "wage": "1.001"}, "确认小数不超过 2 位."),
        ({"year": "2021", "wage": "1" * 15}, "确认总共不超过 14 个数字."),
        ({"wage": "100"}, "该字段是必填项。"),
    ],
)
def test_it_refuses_bad_income(cast, registry, data, message):
    url = reverse("registry:incomerecord-add", args=[registry.a.pk])
    form_refused(client_for(cast.county_a_admin), url, data, message)


def test_it_replaces_the_income_of_a_year(cast, registry):
    url = reverse("registry:incomerecord-add", args=[registry.a.pk])
    response = client_for(cast.county_a_admin).post(url, {"year": "2020", "wage": "10000"})
    assert response.status_code == 302
    assert IncomeRecord.objects.get(household=registry.a, year=2020).per_capita == 5000


# --- POSTs from who may not ------------------------------------------------------------------


def write_urls(h: Household) -> list[str]:
    """Every page that changes household `h` or the records it holds."""
    head = h.members.get(relation="head")
    return [
        reverse("registry:household-edit", args=[h.pk]),
        reverse("registry:person-add", args=[h.pk]),
        reverse("registry:statuschange-add", args=[h.pk]),
        reverse("registry:incomerecord-add", args=[h.pk]),
        reverse("registry:person-edit", args=[head.pk]),
        reverse("registry:person-delete", args=[head.pk]),
        reverse("registry:household-delete", args=[h.pk]),
    ]


def write_posts(h: Household) -> list[tuple[str, dict]]:
    """A valid POST to every page of `write_urls` (the deletes last)."""
    head = h.members.get(relation="head")
    data = [
        household_form(number=h.number, attribute="wubao", village=None),
        person_form(),
        {"year": "2021", "status": "exited" if h.status == "poor" else "relapsed"},
        {"year": "2022", "wage": "100"},
        person_form(name="改名", id_number=head.id_number, relation="head"),
        {},
        {},
    ]
    return list(zip(write_urls(h), data, strict=True))


def valid_posts(registry, key: str) -> list[tuple[str, dict]]:
    """A valid POST to every write page of household `key`, then to the new household form."""
    h = household_of(registry, key)
    return [*write_posts(h), (ADD, household_form(village=h.village_id, number="NEW1"))]


class TestHouseholdPages(PageSuite):
    """The household list, detail, export and write pages for the whole cast."""

    list_url = LIST
    detail = "registry:household-detail"
    edit = "registry:household-edit"
    delete = "registry:household-delete"
    add_url = ADD

    @pytest.fixture
    def records(self, registry):
        return {"a": registry.a, "a2": registry.a2, "b": registry.b}

    def text(self, obj):
        return obj.number

    def write_urls(self, obj):
        return write_urls(obj)

    def write_posts(self, obj):
        return write_posts(obj)

    def edit_form(self, obj):
        return household_form(number=obj.number, attribute="wubao", village=None)

    def bad_edit_form(self, obj):
        return household_form(number="", village=None)

    def add_form(self):
        return household_form()

    def bad_add_form(self):
        return household_form(number="")


def test_it_answers_the_helper_posting_even_about_their_own_household_403(cast, registry):
    pair_the_helper_with(registry.a2)
    client = client_for(cast.helper)
    for key in ("a", "a2"):
        with nothing_saved():
            responses = [client.post(url, data) for url, data in valid_posts(registry, key)]
        assert [r.status_code for r in responses] == [403] * 8, key
    assert Household.objects.get(pk=registry.a.pk).attribute == "dibao"


def test_it_lets_county_a_write_every_page(cast, registry):
    client = client_for(cast.county_a_admin)
    responses = [client.post(url, data) for url, data in valid_posts(registry, "a2")]
    assert [r.status_code for r in responses] == [302] * 8
    assert not Household.objects.filter(pk=registry.a2.pk).exists()
    assert Household.objects.filter(village_id=VILLAGE_A2, number="NEW1").exists()
    assert StatusChange.objects.filter(household__number="NEW1").count() == 1
