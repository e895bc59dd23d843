"""The pairing forms: each one saves through its action and writes its audit event; each bad
input comes back on the form in Chinese (status 200) with nothing saved; county B's
administrator gets 404 and readers 403 on county A's records, and nothing changes."""

import datetime

import pytest
from django.urls import reverse

from fupin.audit.models import AuditEvent
from fupin.pairing import actions
from fupin.pairing.models import CapRule, Helper, HouseholdPlan, Measure, Pairing, Visit
from fupin.party import actions as party
from fupin.registry import actions as registry
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    PairingSample,
    client_for,
    form_refused,
    full_member,
    last_event_id,
    main,
    nothing_saved,
)

TODAY = datetime.date.today()
TOMORROW = TODAY + datetime.timedelta(days=1)


def actions_since(since: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(id__gt=since).order_by("id").values_list("action", flat=True)
    )


def new_member(p: PairingSample, name: str, sequence: int, village: str = VILLAGE_A):
    organisation = {VILLAGE_A: p.party.org_a, VILLAGE_A2: p.party.org_a2}.get(
        village, p.party.org_b
    )
    return full_member(organisation, village, name, sequence, born=datetime.date(1980, 5, 5))


def helper_form(**changes) -> dict:
    data = {"member": "", "region_code": "", "is_leader": "", "user": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def pairing_form(p: PairingSample, **changes) -> dict:
    data = {
        "helper": p.party.member_a.id_number,
        "village": VILLAGE_A2,
        "number": "P002",
        "member": "",
        "kind": "primary",
        "started_on": "2024-06-01",
    }
    data.update(changes)
    return data


def plan_form(**changes) -> dict:
    data = {
        "year": "2025",
        "situation": "五口之家",
        "problems": "缺劳力",
        "responsibilities": "每月走访",
        "exit_target": "2026年脱贫",
        "exit_deadline": "2026-12-31",
        "main_need": "",
    }
    data.update(changes)
    return data


def measure_form(**changes) -> dict:
    data = {
        "category": "employment",
        "description": "推荐到县城务工",
        "cost": "0",
        "responsible_unit": "县人社局",
        "deadline": "2025-06-30",
        "status": "planned",
    }
    data.update(changes)
    return data


def visit_form(**changes) -> dict:
    data = {"visited_on": TODAY.isoformat(), "done": "入户了解务工意向", "follow_ups": ""}
    data.update(changes)
    return data


def cap_form(**changes) -> dict:
    data = {"region_code": COUNTY_A, "primary_cap": "4", "leader_cap": "6", "secondary_cap": "3"}
    data.update(changes)
    return data


# --- good input ------------------------------------------------------------------------------


def test_it_registers_edits_and_deletes_a_helper_through_the_forms(cast, pairing):
    member = new_member(pairing, "新帮扶人", 901)
    client = client_for(cast.county_a_admin)
    since = last_event_id()
    response = client.post(
        "/pairing/helpers/add/",
        helper_form(member=member.id_number, expertise=["jobs", "health"], is_leader="on"),
    )
    helper = Helper.objects.get(member=member)
    assert response.status_code == 302 and response["Location"] == helper.get_absolute_url()
    assert helper.region_id == VILLAGE_A and helper.skills == ["jobs", "health"]
    assert helper.is_leader and helper.user is None
    url = reverse("pairing:helper-edit", args=[helper.pk])
    response = client.post(
        url, {"region_code": COUNTY_A, "expertise": ["jobs"], "active": "on", "user": ""}
    )
    assert response.status_code == 302
    helper.refresh_from_db()
    assert helper.region_id == COUNTY_A and helper.skills == ["jobs"] and not helper.is_leader
    response = client.post(reverse("pairing:helper-delete", args=[helper.pk]))
    assert response.status_code == 302 and response["Location"] == "/pairing/helpers/"
    assert not Helper.objects.filter(pk=helper.pk).exists()
    assert actions_since(since) == [
        "pairing.register_helper",
        "pairing.update_helper",
        "pairing.delete_helper",
    ]


def test_it_pairs_ends_and_deletes_through_the_forms(cast, pairing):
    client = client_for(cast.county_a_admin)
    since = last_event_id()
    response = client.post("/pairing/pairings/add/", pairing_form(pairing))
    made = Pairing.objects.get(household=pairing.household_a2)
    assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
    assert made.helper == pairing.helper_a and made.made_by == cast.county_a_admin
    assert made.started_on == datetime.date(2024, 6, 1) and made.source == "manual"
    response = client.post(
        reverse("pairing:pairing-end", args=[made.pk]), {"ended_on": "2024-07-01"}
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.ended_on == datetime.date(2024, 7, 1)
    assert "结对已结束。" in main(client.get(made.get_absolute_url()))
    response = client.post(reverse("pairing:pairing-delete", args=[made.pk]))
    assert response.status_code == 302 and not Pairing.objects.filter(pk=made.pk).exists()
    assert actions_since(since) == ["pairing.pair", "pairing.end_pairing", "pairing.delete_pairing"]


def test_it_pairs_a_poor_party_member_through_the_form(cast, pairing):
    poor = poor_member(pairing, "贫困党员", 902)
    data = pairing_form(pairing, village="", number="", member=poor.id_number, kind="primary")
    response = client_for(cast.county_a_admin).post("/pairing/pairings/add/", data)
    assert response.status_code == 302
    assert Pairing.objects.get(member=poor).helper == pairing.helper_a


def test_it_creates_edits_and_deletes_a_plan_and_its_measures(cast, pairing):
    client = client_for(cast.county_a_admin)
    since = last_event_id()
    response = client.post(
        "/pairing/plans/add/", {"village": VILLAGE_A2, "number": "P002", **plan_form()}
    )
    plan = HouseholdPlan.objects.get(household=pairing.household_a2)
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.year == 2025 and plan.exit_deadline == datetime.date(2026, 12, 31)
    response = client.post(
        reverse("pairing:plan-edit", args=[plan.pk]), plan_form(problems="缺劳力、缺技术")
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.problems == "缺劳力、缺技术"
    response = client.post(reverse("pairing:measure-add", args=[plan.pk]), measure_form())
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    measure = plan.measures.get()
    assert measure.is_main and measure.responsible_unit == "县人社局"
    response = client.post(
        reverse("pairing:measure-edit", args=[measure.pk]),
        measure_form(status="done", cost="800.50", is_main="on"),
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == "done" and str(measure.cost) == "800.50"
    response = client.post(reverse("pairing:measure-delete", args=[measure.pk]))
    assert response.status_code == 302 and not Measure.objects.filter(pk=measure.pk).exists()
    response = client.post(reverse("pairing:plan-delete", args=[plan.pk]))
    assert response.status_code == 302 and not HouseholdPlan.objects.filter(pk=plan.pk).exists()
    assert actions_since(since) == [
        "pairing.create_plan",
        "pairing.update_plan",
        "pairing.add_measure",
        "pairing.update_measure",
        "pairing.delete_measure",
        "pairing.delete_plan",
    ]


def test_it_lets_the_helper_write_their_households_plan(cast, pairing):
    client = client_for(cast.helper)
    response = client.post(
        reverse("pairing:plan-edit", args=[pairing.plan_a.pk]), plan_form(year="2024")
    )
    assert response.status_code == 302
    response = client.post(reverse("pairing:measure-add", args=[pairing.plan_a.pk]), measure_form())
    assert response.status_code == 302
    assert pairing.plan_a.measures.count() == 2
    # Not a household they are not paired with.
    with nothing_saved():
        response = client.post(
            "/pairing/plans/add/", {"village": VILLAGE_A2, "number": "P002", **plan_form()}
        )
    assert response.status_code == 200
    assert "您可查看的区域内，村510821101001没有户编号为P002的户。" in main(response)


def test_it_records_edits_and_deletes_a_visit_through_the_forms(cast, pairing):
    since = last_event_id()
    client = client_for(cast.helper)
    response = client.post(
        reverse("pairing:visit-add", args=[pairing.pairing_a.pk]),
        visit_form(follow_ups="联系县人社局"),
    )
    # The helper goes back to their own page.
    assert response.status_code == 302 and response["Location"] == "/pairing/mine/"
    visit = Visit.objects.get(done="入户了解务工意向")
    assert visit.helper == pairing.helper_a and visit.household == pairing.household_a
    response = client.post(
        reverse("pairing:visit-edit", args=[visit.pk]), visit_form(done="入户了解务工意向。")
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.done == "入户了解务工意向。"
    response = client.post(reverse("pairing:visit-delete", args=[visit.pk]))
    assert response.status_code == 302 and not Visit.objects.filter(pk=visit.pk).exists()
    assert actions_since(since) == [
        "pairing.record_visit",
        "pairing.update_visit",
        "pairing.delete_visit",
    ]
    # An administrator entering a paper record goes back to the pairing.
    response = client_for(cast.county_a_admin).post(
        reverse("pairing:visit-add", args=[pairing.pairing_a.pk]), visit_form()
    )
    assert response["Location"] == pairing.pairing_a.get_absolute_url()


def test_it_sets_edits_and_deletes_a_cap_rule_through_the_forms(cast, pairing):
    client = client_for(cast.county_a_admin)
    since = last_event_id()
    assert client.post("/pairing/caps/add/", cap_form()).status_code == 302
    rule = CapRule.objects.get()
    assert (rule.region_id, rule.primary_cap, rule.leader_cap, rule.secondary_cap) == (
        COUNTY_A,
        4,
        6,
        3,
    )
    url = reverse("pairing:caprule-edit", args=[rule.pk])
    # The region stays the rule's, whatever is posted.
    response = client.post(url, cap_form(region_code=VILLAGE_A, primary_cap="3"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.region_id == COUNTY_A and rule.primary_cap == 3
    assert client.post(reverse("pairing:caprule-delete", args=[rule.pk])).status_code == 302
    assert not CapRule.objects.exists()
    assert actions_since(since) == [
        "pairing.set_cap_rule",
        "pairing.set_cap_rule",
        "pairing.delete_cap_rule",
    ]


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"member": "510821197505050000"}, "您可查看的区域内没有该身份证号的党员。"),
        ({"member": ""}, "该字段是必填项。"),
        ({"member": "member_a"}, "党员甲已是帮扶责任人。"),
        ({"region_code": VILLAGE_B}, "不在您可以修改的区域内。"),
        ({"region_code": "99"}, "没有区划代码为“99”的区划。"),
        ({"user": "nobody"}, "您可查看的区域内没有用户“nobody”。"),
        ({"user": "helper"}, "该登录账号已属于帮扶责任人党员甲。"),
        ({"expertise": ["flying"]}, "选择一个有效的选项"),
    ],
)
def test_it_refuses_a_bad_helper_and_saves_nothing(cast, pairing, changes, message):
    member = new_member(pairing, "新帮扶人", 903)
    if changes.get("member") == "member_a":
        changes["member"] = pairing.party.member_a.id_number
    data = helper_form(**{"member": member.id_number, **changes})
    form_refused(client_for(cast.county_a_admin), "/pairing/helpers/add/", data, message)


def test_it_refuses_a_registered_poor_person_as_helper(cast, pairing):
    poor = poor_member(pairing, "贫困党员", 904)
    data = helper_form(member=poor.id_number)
    message = "贫困党员已登记为贫困人口，不能担任帮扶责任人。"
    form_refused(client_for(cast.county_a_admin), "/pairing/helpers/add/", data, message)


def test_it_refuses_a_bad_helper_edit(cast, pairing):
    url = reverse("pairing:helper-edit", args=[pairing.helper_a.pk])
    client = client_for(cast.county_a_admin)
    form_refused(
        client, url, {"region_code": VILLAGE_B, "active": "on"}, "不在您可以修改的区域内。"
    )
    form_refused(client, url, {"region_code": ""}, "该字段是必填项。")


def test_it_refuses_to_delete_a_helper_with_pairings(cast, pairing):
    url = reverse("pairing:helper-delete", args=[pairing.helper_a.pk])
    form_refused(client_for(cast.county_a_admin), url, {}, "其他记录仍引用此记录")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"helper": "510821197505050000"}, "您可查看的区域内没有该身份证号的党员。"),
        ({"helper": "member_a2"}, "党员甲二尚未登记为帮扶责任人。"),
        ({"number": "P999"}, "您可查看的区域内，村510821101001没有户编号为P999的户。"),
        ({"village": "", "number": ""}, "请填写户所在村的区划代码和户编号，或贫困党员的身份证号。"),
        ({"member": "member_a2"}, "请填写一户贫困户或一名贫困党员，不能同时填写。"),
        ({"village": "", "number": "", "member": "member_a2"}, "党员甲二不是贫困党员。"),
        (
            {"village": VILLAGE_A, "number": "P001", "kind": "secondary"},
            "党员甲已与510821100001-P001结对。",
        ),
        ({"started_on": TOMORROW.isoformat()}, "结对开始日期不能晚于今天。"),
        ({"started_on": "2024-13-01"}, "输入一个有效的日期。"),
        ({"kind": "tertiary"}, "选择一个有效的选项"),
    ],
)
def test_it_refuses_a_bad_pairing_and_saves_nothing(cast, pairing, changes, message):
    for key in ("helper", "member"):
        if changes.get(key) == "member_a2":
            changes[key] = pairing.party.member_a2.id_number
    data = pairing_form(pairing, **changes)
    form_refused(client_for(cast.county_a_admin), "/pairing/pairings/add/", data, message)


def test_it_refuses_a_second_primary_helper(cast, pairing):
    other = actions.register_helper(actor=None, member=pairing.party.member_a2)
    data = pairing_form(pairing, helper=other.member.id_number, village=VILLAGE_A, number="P001")
    message = "510821100001-P001已有主帮扶责任人：请先结束该结对。"
    form_refused(client_for(cast.county_a_admin), "/pairing/pairings/add/", data, message)


def poor_member(p: PairingSample, name: str, sequence: int):
    """A party member registered poor in household A2 and tagged poor."""
    member = new_member(p, name, sequence, VILLAGE_A2)
    registry.add_person(
        actor=None,
        household=p.household_a2,
        name=name,
        id_number=member.id_number,
        relation="spouse",
    )
    party.add_tag(actor=None, member=member, kind="poor", since=datetime.date(2016, 1, 1))
    return member


def test_it_refuses_pairing_an_exited_household_or_over_the_cap(cast, pairing):
    client = client_for(cast.county_a_admin)
    actions.set_cap_rule(
        actor=None, region_code=COUNTY_A, primary_cap=1, leader_cap=1, secondary_cap=1
    )
    form_refused(client, "/pairing/pairings/add/", pairing_form(pairing), "上限为1。")
    registry.record_status(actor=None, household=pairing.household_a2, year=2024, status="exited")
    data = pairing_form(pairing, helper=pairing.party.member_b.id_number)
    form_refused(client_for(cast.province_admin), "/pairing/pairings/add/", data, "已脱贫。")


def test_it_refuses_a_bad_end_of_pairing(cast, pairing):
    url = reverse("pairing:pairing-end", args=[pairing.pairing_a.pk])
    client = client_for(cast.county_a_admin)
    form_refused(client, url, {"ended_on": "2024-01-01"}, "结对不能在开始之前结束。")
    form_refused(client, url, {"ended_on": TOMORROW.isoformat()}, "结对结束日期不能晚于今天。")
    form_refused(client, url, {"ended_on": ""}, "该字段是必填项。")
    actions.end_pairing(actor=None, pairing=pairing.pairing_a)
    form_refused(client, url, {"ended_on": TODAY.isoformat()}, "该结对已经结束。")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"year": "1999"}, "请填写2000年至明年之间的年份。"),
        ({"year": ""}, "该字段是必填项。"),
        ({"exit_deadline": "2024-12-31"}, "脱贫时限早于计划年度。"),
        ({"main_need": "flying"}, "选择一个有效的选项"),
        (
            {"village": VILLAGE_A, "number": "P001", "year": "2024"},
            "户510821100001-P001已有2024年的帮扶计划。",
        ),
        (
            {"village": VILLAGE_B, "number": "P003"},
            "您可查看的区域内，村510824100001没有户编号为P003的户。",
        ),
    ],
)
def test_it_refuses_a_bad_plan_and_saves_nothing(cast, pairing, changes, message):
    data = {"village": VILLAGE_A2, "number": "P002", **plan_form()}
    data.update(changes)
    form_refused(client_for(cast.county_a_admin), "/pairing/plans/add/", data, message)


def test_it_refuses_a_bad_plan_edit(cast, pairing):
    url = reverse("pairing:plan-edit", args=[pairing.plan_a.pk])
    form_refused(
        client_for(cast.helper), url, plan_form(year="1999"), "请填写2000年至明年之间的年份。"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"cost": "-1"}, "确保该值大于或等于0。"),
        ({"cost": "abc"}, "输入一个数字。"),
        ({"description": ""}, "该字段是必填项。"),
        ({"category": "magic"}, "选择一个有效的选项"),
        ({"status": "maybe"}, "选择一个有效的选项"),
        ({"deadline": "2025-02-30"}, "输入一个有效的日期。"),
    ],
)
def test_it_refuses_a_bad_measure_and_saves_nothing(cast, pairing, changes, message):
    client = client_for(cast.county_a_admin)
    form_refused(
        client,
        reverse("pairing:measure-add", args=[pairing.plan_a.pk]),
        measure_form(**changes),
        message,
    )
    form_refused(
        client,
        reverse("pairing:measure-edit", args=[pairing.measure_a.pk]),
        measure_form(**changes),
        message,
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"visited_on": TOMORROW.isoformat()}, "走访日期不能晚于今天。"),
        ({"visited_on": "2024-02-01"}, "走访日期在结对开始之前。"),
        ({"visited_on": ""}, "该字段是必填项。"),
        ({"done": ""}, "该字段是必填项。"),
        ({"done": "   "}, "该字段是必填项。"),
    ],
)
def test_it_refuses_a_bad_visit_and_saves_nothing(cast, pairing, changes, message):
    client = client_for(cast.helper)
    url = reverse("pairing:visit-add", args=[pairing.pairing_a.pk])
    form_refused(client, url, visit_form(**changes), message)
    url = reverse("pairing:visit-edit", args=[pairing.visit_a.pk])
    form_refused(client, url, visit_form(**changes), message)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"leader_cap": "3"}, "带头人的上限不能低于普通主帮扶上限。"),
        ({"primary_cap": "0"}, "确保该值大于或等于1。"),
        ({"secondary_cap": "x"}, "输入整数。"),
        ({"region_code": COUNTY_B}, "苍溪县不在您可以修改的区域内。"),
        ({"region_code": "510821999999"}, "没有区划代码为“510821999999”的区划。"),
    ],
)
def test_it_refuses_a_bad_cap_rule_and_saves_nothing(cast, pairing, changes, message):
    form_refused(
        client_for(cast.county_a_admin), "/pairing/caps/add/", cap_form(**changes), message
    )


# --- scope on posts --------------------------------------------------------------------------


def valid_posts(p: PairingSample, side: str) -> list[tuple[str, dict]]:
    """A valid post to every write page of the side's records."""
    helper = getattr(p, f"helper_{side}")
    pairing = getattr(p, f"pairing_{side}")
    plan = getattr(p, f"plan_{side}")
    visit = getattr(p, f"visit_{side}")
    measure = Measure.objects.filter(plan=plan).first() or actions.add_measure(
        actor=None, plan=plan, category="health", description="体检"
    )
    return [
        (reverse("pairing:helper-edit", args=[helper.pk]), {"region_code": helper.region_id}),
        (reverse("pairing:pairing-end", args=[pairing.pk]), {"ended_on": TODAY.isoformat()}),
        (reverse("pairing:visit-add", args=[pairing.pk]), visit_form()),
        (reverse("pairing:visit-edit", args=[visit.pk]), visit_form()),
        (reverse("pairing:plan-edit", args=[plan.pk]), plan_form(year="2024")),
        (reverse("pairing:measure-add", args=[plan.pk]), measure_form()),
        (reverse("pairing:measure-edit", args=[measure.pk]), measure_form()),
        (reverse("pairing:measure-delete", args=[measure.pk]), {}),
        (reverse("pairing:visit-delete", args=[visit.pk]), {}),
        (reverse("pairing:plan-delete", args=[plan.pk]), {}),
        (reverse("pairing:pairing-delete", args=[pairing.pk]), {}),
    ]


def test_it_answers_404_to_county_b_posting_to_county_a_and_changes_nothing(cast, pairing):
    posts = valid_posts(pairing, "a")
    client = client_for(cast.county_b_admin)
    with nothing_saved():
        responses = [client.post(url, data) for url, data in posts]
        propose = client.post("/pairing/propose/", {"region": COUNTY_A})
        helper = client.post(
            "/pairing/helpers/add/", helper_form(member=pairing.party.member_a2.id_number)
        )
        plan = client.post(
            "/pairing/plans/add/", {"village": VILLAGE_A2, "number": "P002", **plan_form()}
        )
    assert [r.status_code for r in responses] == [404] * len(posts)
    assert propose.status_code == 404
    assert "您可查看的区域内没有该身份证号的党员。" in main(helper)
    assert "没有户编号为P002的户" in main(plan)


def test_it_answers_403_to_the_auditor_posting_and_changes_nothing(cast, pairing):
    posts = valid_posts(pairing, "a")
    client = client_for(cast.auditor)
    with nothing_saved():
        responses = [client.post(url, data) for url, data in posts]
        others = [
            client.post("/pairing/propose/", {"region": COUNTY_A}),
            client.post("/pairing/caps/add/", cap_form()),
            client.post("/pairing/pairings/add/", pairing_form(pairing)),
        ]
    assert [r.status_code for r in responses + others] == [403] * (len(posts) + 3)


def test_it_answers_403_to_the_helper_changing_pairings_or_helpers(cast, pairing):
    posts = valid_posts(pairing, "a")
    client = client_for(cast.helper)
    with nothing_saved():
        statuses = [client.post(url, data).status_code for url, data in posts[:2] + posts[-1:]]
    assert statuses == [403] * 3


def test_it_sends_anonymous_posts_to_the_login_page_and_changes_nothing(cast, pairing):
    posts = valid_posts(pairing, "a")
    with nothing_saved():
        responses = [client_for(None).post(url, data) for url, data in posts]
    assert all(r.status_code == 302 for r in responses)
    assert all(r["Location"].startswith("/accounts/login/?next=") for r in responses)


def test_it_lets_county_a_post_to_every_write_page(cast, pairing):
    client = client_for(cast.county_a_admin)
    responses = [client.post(url, data) for url, data in valid_posts(pairing, "a")]
    assert [r.status_code for r in responses] == [302] * len(responses)
    assert not Pairing.objects.filter(pk=pairing.pairing_a.pk).exists()
    assert not HouseholdPlan.objects.filter(pk=pairing.plan_a.pk).exists()
