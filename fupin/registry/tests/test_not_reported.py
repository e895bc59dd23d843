"""Facts nobody reported stay unknown (未填报): a roster without the columns, a form left at
“not reported” and an API call that leaves them out or sends null save blank or null, never
健康, 普通劳动力, 住房安全, 饮水安全 是 or 耕地 0.00; the data-quality page counts them as
missing; a bad value is refused in Chinese with nothing saved (issue 17, item 6)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from fupin.lib.ids import make_resident_id
from fupin.registry import actions
from fupin.registry.models import HOUSEHOLD_FACTS, PERSON_FACTS, Household, Person
from fupin.registry.quality import counts_for, warnings_for
from fupin.testing import (
    COUNTY_A,
    VILLAGE_A,
    api_for,
    client_for,
    command_output,
    import_refused,
    main,
    nothing_saved,
)

from .rosters import head, member, person_id, roster

pytestmark = pytest.mark.django_db

# Only what the roster must have and what a new household needs: no fact columns at all.
BARE = ["村代码", "户编号", "姓名", "身份证号", "与户主关系", "主要致贫原因", "识别年度"]
FATHER = person_id(datetime.date(1980, 3, 4), 11)
CHILD = person_id(
    datetime.date.today().replace(month=1, day=1) - datetime.timedelta(days=8 * 365), 21
)
UNKNOWN_HOUSEHOLD = {
    "arable_land": None,
    "housing": "",
    "safe_water": None,
    "electricity": None,
    "road_access": None,
}
UNKNOWN_PERSON = {
    "ethnicity": "",
    "education": "",
    "schooling": "",
    "health": "",
    "labour": "",
    "work_place": "",
    "work_months": None,
    "medical_insurance": None,
    "pension_insurance": None,
    "serious_illness_insurance": None,
    "political": "",
}


def facts(obj: Household | Person) -> dict:
    names = HOUSEHOLD_FACTS if isinstance(obj, Household) else PERSON_FACTS
    obj.refresh_from_db()
    return {name: getattr(obj, name) for name in names}


def import_bare(tmp_path, **cells) -> Household:
    rows = [
        head(VILLAGE_A, "0001", "王大山", FATHER, **cells),
        member(VILLAGE_A, "0001", "王小丫", CHILD, "之女"),
    ]
    columns = [*BARE, *(c for c in cells if c not in BARE)]
    path = roster(tmp_path / "bare.xlsx", rows, columns=columns)
    assert command_output("import", "households", path) == "贫困户家庭成员：已保存 2 行。"
    return Household.objects.get(village_id=VILLAGE_A, number="0001")


# --- the import ------------------------------------------------------------------------------


def test_it_saves_a_roster_without_the_fact_columns_as_not_reported(tmp_path):
    h = import_bare(tmp_path)

    assert facts(h) == UNKNOWN_HOUSEHOLD
    child = Person.objects.get(id_number=CHILD)
    # The eight-year-old is not 普通劳动力, nor 健康, nor insured: nobody said.
    assert facts(child) == UNKNOWN_PERSON
    assert facts(Person.objects.get(id_number=FATHER)) == UNKNOWN_PERSON


def test_it_reads_未填报_in_a_cell_and_clears_a_reported_fact_with_it(tmp_path):
    h = import_bare(tmp_path, **{"健康状况": "长期慢性病", "饮水安全": "是", "耕地面积（亩）": "2"})
    father = Person.objects.get(id_number=FATHER)
    assert (father.health, h.safe_water, h.arable_land) == ("chronic", True, Decimal("2.00"))

    # A blank cell leaves a reported fact as it is...
    import_bare(tmp_path, **{"饮水安全": "否"})
    assert (facts(father)["health"], facts(h)["safe_water"], h.arable_land) == (
        "chronic",
        False,
        Decimal("2.00"),
    )
    # ...and 未填报 says the fact is unknown again.
    import_bare(
        tmp_path, **{"健康状况": "未填报", "饮水安全": "未填报", "耕地面积（亩）": "未填报"}
    )
    assert facts(father)["health"] == ""
    assert (facts(h)["safe_water"], facts(h)["arable_land"]) == (None, None)


def test_it_refuses_a_bad_fact_cell_in_chinese_and_saves_nothing(tmp_path):
    rows = [
        head(VILLAGE_A, "0001", "王大山", FATHER, **{"健康状况": "很好", "饮水安全": "也许"}),
        member(VILLAGE_A, "0001", "王小丫", CHILD, "之女", **{"劳动技能": "小孩"}),
    ]
    columns = [*BARE, "健康状况", "劳动技能", "饮水安全"]
    path = roster(tmp_path / "bad.xlsx", rows, columns=columns)

    with nothing_saved():
        status, report = import_refused("import", "households", path, "--json")

    assert status != 0
    problems = {(e["row"], e["column"], e["message"]) for e in report["errors"]}
    assert (4, "饮水安全", "请填写“是”或“否”。") in problems
    messages = {column: message for _row, column, message in problems}
    assert messages["健康状况"].startswith("不是可选值之一：健康、")
    assert messages["劳动技能"].startswith("不是可选值之一：")
    assert not Household.objects.exists()


# --- the data-quality page -------------------------------------------------------------------


def test_it_counts_what_nobody_reported_as_missing_on_the_quality_page(cast, tmp_path):
    h = import_bare(tmp_path, **{"健康状况": "健康", "饮水安全": "是"})

    counts = counts_for(VILLAGE_A)
    assert (counts["household_facts_not_reported"], counts["member_facts_not_reported"]) == (1, 2)
    found = {w.message for w in warnings_for(VILLAGE_A) if w.household_id == h.pk}
    assert "未填报：耕地面积（亩）、住房安全、生活用电、通硬化路。" in found
    assert any(m.startswith("王小丫 未填报：民族、文化程度、在校生状况、健康状况、") for m in found)
    assert any(m.startswith("王大山 未填报：民族、文化程度、在校生状况、劳动技能、") for m in found)

    page = client_for(cast.province_admin).get(reverse("registry:quality"), {"region": VILLAGE_A})
    assert page.status_code == 200
    assert "户情况未填报" in main(page) and "成员情况未填报" in main(page)
    assert "未填报：耕地面积（亩）、住房安全、生活用电、通硬化路。" in main(page)
    answer = api_for(cast.province_admin).get("/api/v1/quality/", {"region": VILLAGE_A}).json()
    assert answer["counts"]["household_facts_not_reported"] == 1

    # Reported in full, the household is no longer missing anything.
    actions.update_household(
        actor=None,
        household=h,
        arable_land=Decimal(0),
        housing="grade_c",
        electricity=False,
        road_access=True,
    )
    assert counts_for(VILLAGE_A)["household_facts_not_reported"] == 0


def test_it_never_counts_an_unknown_fact_as_secured(tmp_path):
    # Poor through illness, schooling costs; nobody's health or schooling reported: the
    # checks that look for an ill member or a pupil do not find one in an unknown.
    h = import_bare(tmp_path, **{"其他致贫原因": "因学"})

    checks = {w.check for w in warnings_for(VILLAGE_A) if w.household_id == h.pk}
    assert {"illness_without_ill", "schooling_without_pupil"} <= checks


# --- forms -----------------------------------------------------------------------------------


def test_it_offers_and_saves_not_reported_on_the_forms(cast, tmp_path):
    client = client_for(cast.village_a_secretary)
    form = client.get(reverse("registry:household-add")).content.decode()
    assert '<option value="" selected>未填报</option>' in form
    assert '<option value="unknown" selected>未填报</option>' in form

    response = client.post(
        reverse("registry:household-add"),
        {
            "village": VILLAGE_A,
            "number": "F001",
            "standard": "national",
            "attribute": "general",
            "main_cause": "funds",
            "arable_land": "",
            "housing": "",
            "safe_water": "unknown",
            "electricity": "true",
            "road_access": "false",
            "registered_in": "2016",
        },
    )
    assert response.status_code == 302
    h = Household.objects.get(number="F001")
    assert facts(h) == UNKNOWN_HOUSEHOLD | {"electricity": True, "road_access": False}
    detail = main(client.get(h.get_absolute_url()))
    assert "<dt>饮水安全</dt><dd>未填报</dd>" in detail.replace("\n", "")

    response = client.post(
        reverse("registry:person-add", args=[h.pk]),
        {
            "name": "王小丫",
            "id_number": CHILD,
            "relation": "head",
            **{name: "" for name in ("ethnicity", "education", "schooling", "health", "labour")},
            "work_place": "",
            "work_months": "",
            "medical_insurance": "unknown",
            "pension_insurance": "unknown",
            "serious_illness_insurance": "unknown",
            "political": "",
        },
    )
    assert response.status_code == 302
    assert facts(Person.objects.get(id_number=CHILD)) == UNKNOWN_PERSON
    assert "未填报" in main(client.get(h.get_absolute_url()))


def test_it_refuses_a_bad_fact_on_the_form_in_chinese_and_saves_nothing(cast):
    client = client_for(cast.village_a_secretary)
    data = {
        "village": VILLAGE_A,
        "number": "F002",
        "standard": "national",
        "attribute": "general",
        "main_cause": "funds",
        "housing": "palace",
        "arable_land": "-1",
        "registered_in": "2016",
    }
    with nothing_saved():
        response = client.post(reverse("registry:household-add"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["housing"] == ["选择一个有效的选项。 palace 不在可用的选项中。"]
    assert errors["arable_land"] == ["确保该值大于或等于0。"]


# --- the API ---------------------------------------------------------------------------------


def test_it_takes_not_reported_through_the_api(cast):
    api = api_for(cast.village_a_secretary)
    created = api.post(
        "/api/v1/households/",
        {"village": VILLAGE_A, "number": "P001", "main_cause": "funds", "registered_in": 2017},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert {k: body[k] for k in HOUSEHOLD_FACTS} == UNKNOWN_HOUSEHOLD
    h = Household.objects.get(number="P001")
    assert facts(h) == UNKNOWN_HOUSEHOLD

    answer = api.patch(
        f"/api/v1/households/{h.pk}/",
        {"housing": "safe", "safe_water": True, "arable_land": "1.50"},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    answer = api.patch(
        f"/api/v1/households/{h.pk}/",
        {"housing": "", "safe_water": None, "arable_land": None},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert facts(h) == UNKNOWN_HOUSEHOLD

    child = make_resident_id(COUNTY_A, datetime.date(2017, 5, 6), 77)
    added = api.post(
        "/api/v1/people/",
        {"household": h.pk, "name": "王小丫", "id_number": child, "relation": "head"},
        format="json",
    )
    assert added.status_code == 201, added.content
    assert {k: added.json()[k] for k in PERSON_FACTS} == UNKNOWN_PERSON
    assert facts(Person.objects.get(id_number=child)) == UNKNOWN_PERSON


@pytest.mark.parametrize(
    "changes, errors",
    [
        ({"housing": "palace"}, {"housing": ["“palace” 不是合法选项。"]}),
        ({"safe_water": "perhaps"}, {"safe_water": ["必须是有效的布尔值。"]}),
        ({"arable_land": "-1"}, {"arable_land": ["请确保该值大于或者等于 0。"]}),
    ],
)
def test_it_refuses_a_bad_fact_through_the_api_in_chinese_and_saves_nothing(cast, changes, errors):
    with nothing_saved():
        response = api_for(cast.village_a_secretary).post(
            "/api/v1/households/",
            {
                "village": VILLAGE_A,
                "number": "P002",
                "main_cause": "funds",
                "registered_in": 2017,
                **changes,
            },
            format="json",
        )
    assert response.status_code == 400
    assert response.json() == errors
