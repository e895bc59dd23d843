"""The member pages (list, detail, forms for the member, tags, development steps and service
logs) and the service-log list, for every member of the cast; exports masked by role."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from fupin.lib.ids import make_resident_id, mask_id
from fupin.pairing import actions as pairing
from fupin.party import actions
from fupin.party.models import DevelopmentStep, Member, MemberTag, ServiceLog
from fupin.registry import actions as registry
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    PageSuite,
    PartySample,
    assert_sent_to_login,
    bad_filter,
    client_for,
    csv_rows,
    delete_through_the_page,
    form_refused,
    last_event_id,
    linked,
    main,
    names,
    new_events,
    nothing_saved,
)

from .conftest import VISIBLE_MEMBERS, VISIBLE_ORGS

LIST = "/party/members/"
SERVICES = "/party/services/"
READERS = ("auditor", "helper")
MEMBERS = ("member_a", "member_a2", "member_b", "member_park")
PHONE = "13912345678"
MASKED_PHONE = "139****5678"
# Who may change which sample member (their village is in the user's subtree).
CHANGEABLE_MEMBERS = {
    "province_admin": set(MEMBERS),
    "county_a_admin": {"member_a", "member_a2", "member_park"},
    "village_a_secretary": {"member_a"},
    "county_b_admin": {"member_b"},
    "auditor": set(),
    "helper": set(),
}


def listed(response, kind: str = "members") -> list[str]:
    """The names linked from the rows of a list, in order."""
    return linked(response, f"/party/{kind}/")


def member_form(**changes) -> dict:
    data = {
        "region": "",
        "name": "新党员",
        "sex": "",
        "birth_date": "",
        "ethnicity": "01",
        "education": "",
        "id_number": make_resident_id(COUNTY_A, datetime.date(1990, 4, 5), 71),
        "stage": "probationary",
        "joined_on": "2023-07-01",
        "full_on": "",
        "post": "",
        "phone": "13700001111",
        "address": "",
        "status": "normal",
        "lost_contact_on": "",
        "migrant_to": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def edit_form(member: Member, **changes) -> dict:
    data = {
        "organisation": str(member.organisation_id),
        "region": member.region_id,
        "name": member.name,
        "id_number": member.id_number,
        "stage": member.stage,
        "joined_on": member.joined_on.isoformat() if member.joined_on else "",
        "full_on": member.full_on.isoformat() if member.full_on else "",
        "phone": member.phone,
    }
    return member_form(**{**data, **changes})


def tag_form(**changes) -> dict:
    data = {
        "kind": "wealth_leader",
        "since": "2018-01-01",
        "until": "",
        "came_from": "",
        "founded": "",
        "post": "",
        "duties": "",
        "unit": "",
        "note": "",
    }
    data.update(changes)
    return data


def service_form(**changes) -> dict:
    data = {
        "village": VILLAGE_A,
        "on": "2021-03-04",
        "kind": "sales",
        "channel": "wechat",
        "note": "帮销核桃",
    }
    data.update(changes)
    return data


def tag(member: Member, kind: str = "wealth_leader") -> MemberTag:
    return actions.add_tag(actor=None, member=member, kind=kind, since=datetime.date(2018, 1, 1))


def service(member: Member, village: str) -> ServiceLog:
    return actions.record_service(
        actor=None,
        member=member,
        village_code=village,
        on=datetime.date(2021, 1, 2),
        kind="jobs",
        channel="phone",
        note=f"服务{member.name}",
    )


# --- who may open which page -----------------------------------------------------------------


def test_it_opens_the_new_member_form_on_each_organisation_the_user_sees(cast, party):
    """A county may add its own villagers to the park that spans two counties."""
    for name, user in cast.all().items():
        for key in ("org_a", "org_a2", "org_b", "park"):
            url = reverse("party:member-add", args=[getattr(party, key).pk])
            response = client_for(user).get(url)
            if user is None:
                assert_sent_to_login(response, url)
            elif name in READERS:
                assert response.status_code == 403
            else:
                expected = 200 if key in VISIBLE_ORGS[name] else 404
                assert response.status_code == expected, (name, key)
                if expected == 200:
                    assert "登记党员" in main(response)


def test_it_shows_the_write_buttons_only_to_who_may_change(cast, party):
    for name in ("province_admin", "county_a_admin", "village_a_secretary", "auditor"):
        user = getattr(cast, name)
        page = main(client_for(user).get(reverse("party:member-detail", args=[party.member_a.pk])))
        shown = name not in READERS
        assert (reverse("party:member-edit", args=[party.member_a.pk]) in page) is shown, name
        step = reverse("party:developmentstep-add", args=[party.member_a.pk])
        assert (step in page) is shown, name


def test_it_shows_the_member_with_tags_steps_and_services(cast, party):
    applicant = actions.register_member(
        actor=None,
        organisation=party.org_a,
        name="申请人",
        id_number=make_resident_id(COUNTY_A, datetime.date(1995, 1, 1), 81),
        stage="applicant",
        phone=PHONE,
        migrant_to="浙江宁波",
    )
    actions.record_step(
        actor=None, member=applicant, stage="applicant", on=datetime.date(2020, 1, 1)
    )
    actions.record_step(
        actor=None,
        member=applicant,
        stage="activist",
        on=datetime.date(2020, 6, 1),
        approved_by="甲村党支部",
        contacts="张三、李四",
    )
    actions.add_tag(
        actor=None,
        member=applicant,
        kind="returnee",
        since=datetime.date(2019, 1, 1),
        came_from="广东东莞",
        founded="核桃专业合作社",
    )
    actions.record_service(
        actor=None,
        member=applicant,
        village_code=VILLAGE_A,
        on=datetime.date(2021, 5, 6),
        kind="sales",
        channel="wechat",
        note="微信帮销",
    )
    page = main(
        client_for(cast.county_a_admin).get(reverse("party:member-detail", args=[applicant.pk]))
    )
    for text in (
        "申请人",
        "入党积极分子",
        "甲村党支部",
        "卸甲碥社区居民委员会 (510821100001)",
        applicant.id_number,
        "1995-01-01",
        PHONE,
        "浙江宁波",
        "回引人才",
        "广东东莞",
        "核桃专业合作社",
        "2020-06-01",
        "张三、李四",
        "农产品销售",
        "微信",
        "微信帮销",
        f"/audit/?object_type=party.member&amp;object_id={applicant.pk}",
    ):
        assert text in page, text


def test_it_masks_the_member_page_for_the_auditor(cast, party):
    page = main(
        client_for(cast.auditor).get(reverse("party:member-detail", args=[party.member_a.pk]))
    )
    assert mask_id(party.member_a.id_number) in page and MASKED_PHONE in page
    assert "1975-**-**" in page
    for value in (party.member_a.id_number, PHONE, "1975-03-03"):
        assert value not in page, value


def test_it_shows_the_helper_their_own_member_page_unmasked_and_no_other(cast, party):
    pairing.register_helper(actor=None, member=party.member_a, user=cast.helper)
    client = client_for(cast.helper)
    page = main(client.get(reverse("party:member-detail", args=[party.member_a.pk])))
    assert party.member_a.id_number in page and PHONE in page and "1975-03-03" in page
    for key in ("member_a2", "member_park"):
        url = reverse("party:member-detail", args=[getattr(party, key).pk])
        assert client.get(url).status_code == 404, key


# --- the list: filters, sorting, export, queries ---------------------------------------------


@pytest.fixture
def tagged(party) -> PartySample:
    """member_a a wealth leader and a migrant; member_a2 an activist's ex-tag; member_b stopped."""
    tag(party.member_a)
    actions.update_member(actor=None, member=party.member_a, migrant_to="成都")
    actions.add_tag(
        actor=None,
        member=party.member_a2,
        kind="wealth_leader",
        since=datetime.date(2010, 1, 1),
        until=datetime.date(2012, 1, 1),
    )
    actions.update_member(actor=None, member=party.member_b, status="stopped")
    actions.register_member(
        actor=None,
        organisation=party.org_a2,
        name="积极分子甲",
        id_number=make_resident_id(COUNTY_A, datetime.date(1998, 2, 2), 91),
        stage="activist",
    )
    return party


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"region={COUNTY_A}", {"党员甲", "党员甲二", "园区党员", "积极分子甲"}),
        (f"region={VILLAGE_A2}", {"党员甲二", "园区党员", "积极分子甲"}),
        (f"region={COUNTY_B}", {"党员乙"}),
        ("tag=wealth_leader", {"党员甲"}),  # member_a2's tag has ended
        ("stage=activist", {"积极分子甲"}),
        ("category=members", {"党员甲", "党员甲二", "党员乙", "园区党员"}),
        ("category=pipeline", {"积极分子甲"}),
        ("status=stopped", {"党员乙"}),
        ("migrant=true", {"党员甲"}),
        ("name=甲二", {"党员甲二"}),
        ("name=园区&stage=full", {"园区党员"}),
    ],
)
def test_it_filters_the_member_list(cast, tagged, query, expected):
    response = client_for(cast.province_admin).get(f"{LIST}?{query}")
    assert set(listed(response)) == expected


def test_it_filters_the_member_list_by_organisation(cast, tagged):
    client = client_for(cast.province_admin)
    assert listed(client.get(f"{LIST}?organisation={tagged.park.pk}")) == ["园区党员"]
    # County B sees the park, but not its member who lives in county A.
    client = client_for(cast.county_b_admin)
    assert listed(client.get(f"{LIST}?organisation={tagged.park.pk}")) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("region=51a", "区划代码应为 2、4、6、9 或 12 位数字。"),
        ("stage=leader", "不在可用的选项中"),
        ("migrant=maybe", "不在可用的选项中"),
        ("organisation=1.5", "输入整数。"),
    ],
)
def test_it_explains_a_bad_filter_and_lists_nothing(cast, party, query, message):
    assert listed(bad_filter(cast.province_admin, f"{LIST}?{query}", message)) == []


def test_it_shows_current_tags_in_the_list(cast, tagged):
    page = main(client_for(cast.province_admin).get(f"{LIST}?region={COUNTY_A}"))
    assert re.search(r"党员甲</a>.*?致富带头人", page, re.S)
    row_a2 = re.search(r"党员甲二</a>(.*?)</tr>", page, re.S)
    assert row_a2 and "致富带头人" not in row_a2.group(1)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("region_code", ["党员甲", "党员甲二", "园区党员", "党员乙"]),
        ("-region_code", ["党员乙", "园区党员", "党员甲二", "党员甲"]),
    ],
)
def test_it_sorts_the_member_list(cast, party, sort, expected):
    assert listed(client_for(cast.province_admin).get(f"{LIST}?sort={sort}")) == expected


def test_it_never_sorts_by_a_masked_column(cast, party):
    page = main(client_for(cast.auditor).get(LIST))
    assert "sort=phone" not in page and "sort=id_number" not in page
    assert "sort=stage" in page


def test_it_exports_the_member_list_masked_for_the_auditor(cast, tagged):
    header, *rows = csv_rows(client_for(cast.auditor).get(f"{LIST}?export=csv"))
    assert header[:4] == ["姓名", "身份证号", "性别", "出生日期"]
    by_name = {row[0]: row for row in rows}
    assert set(by_name) == {"党员甲", "党员甲二", "园区党员", "积极分子甲"}
    row = by_name["党员甲"]
    assert row[1] == mask_id(tagged.member_a.id_number)
    assert row[3] == "1975-**-**"
    assert row[-1] == MASKED_PHONE
    assert "致富带头人" in row and "成都" in row
    text = "\n".join(",".join(r) for r in rows)
    assert tagged.member_a.id_number not in text and PHONE not in text
    xlsx = client_for(cast.auditor).get(f"{LIST}?export=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].startswith(
        'attachment; filename="members-'
    )


def test_it_exports_the_member_list_in_full_to_the_helper(cast, party):
    # The helper's own member record is the one member of the sample they own.
    pairing.register_helper(actor=None, member=party.member_a, user=cast.helper)
    _, *rows = csv_rows(client_for(cast.helper).get(f"{LIST}?export=csv"))
    [row] = rows
    assert row[0] == "党员甲"
    assert row[1] == party.member_a.id_number and row[-1] == PHONE and row[3] == "1975-03-03"


def test_it_exports_to_county_b_only_its_own_members(cast, party):
    _, *rows = csv_rows(client_for(cast.county_b_admin).get(f"{LIST}?export=csv"))
    assert [r[0] for r in rows] == ["党员乙"]


def test_it_lists_many_members_with_a_fixed_number_of_queries(
    cast, party, django_assert_max_num_queries
):
    for i in range(40):
        member = actions.register_member(
            actor=None,
            organisation=party.org_a if i % 2 else party.org_a2,
            name=f"批量党员{i}",
            id_number=make_resident_id(
                COUNTY_A, datetime.date(1970 + i % 20, 1 + i % 12, 1), 200 + i
            ),
            stage="full",
            joined_on=datetime.date(2010, 1, 1),
            full_on=datetime.date(2011, 1, 1),
            phone=PHONE,
        )
        tag(member)
    for name in ("province_admin", "auditor"):
        client = client_for(getattr(cast, name))
        # Session, user, grants, the count, the note's members by kind, the page and its tags.
        with django_assert_max_num_queries(7):
            response = client.get(f"{LIST}?sort=-region_code")
        assert len(listed(response)) == 43 if name == "auditor" else 44
        assert "致富带头人" in main(response)


# --- POSTs: members --------------------------------------------------------------------------


def test_it_registers_a_member_through_the_form(cast, party):
    since = last_event_id()
    url = reverse("party:member-add", args=[party.org_a.pk])
    response = client_for(cast.village_a_secretary).post(url, member_form())
    member = Member.objects.get(name="新党员")
    assert response.status_code == 302
    assert response["Location"] == reverse("party:member-detail", args=[member.pk])
    assert (member.organisation, member.region_id, member.county_code, member.sex) == (
        party.org_a,
        VILLAGE_A,
        COUNTY_A,
        "male",
    )
    assert member.birth_date == datetime.date(1990, 4, 5)
    [event] = new_events(since)
    assert (event.action, event.actor, event.region_code) == (
        "party.register_member",
        cast.village_a_secretary,
        VILLAGE_A,
    )
    assert event.after["id_number"] == mask_id(member.id_number)


def test_it_lets_county_b_add_its_villager_to_the_park(cast, party):
    url = reverse("party:member-add", args=[party.park.pk])
    form = member_form(
        region=VILLAGE_B, id_number=make_resident_id(COUNTY_B, datetime.date(1985, 1, 1), 72)
    )
    response = client_for(cast.county_b_admin).post(url, form)
    assert response.status_code == 302
    assert Member.objects.get(name="新党员").region_id == VILLAGE_B
    # Not county A's villager, though.
    form = member_form(region=VILLAGE_A2, name="越界党员")
    form_refused(
        client_for(cast.county_b_admin), url, form, "庙二湾社区居民委员会不在您可以修改的区域内。"
    )


@pytest.mark.parametrize(
    ("org", "changes", "field", "message"),
    [
        ("org_a", {"name": ""}, "name", "该字段是必填项。"),
        ("org_a", {"id_number": "510821199004057"}, "id_number", "身份证号应为 18 位"),
        (
            "org_a",
            {"id_number": "5108211990040507XX"},
            "id_number",
            "身份证号应为 17 位数字加 1 位数字或 X",
        ),
        (
            "org_a",
            {"id_number": make_resident_id(COUNTY_A, datetime.date(1990, 4, 5), 71)[:-1] + "0"},
            "id_number",
            "校验码错误",
        ),
        (
            "org_a",
            {"id_number": make_resident_id(COUNTY_A, datetime.date(1975, 3, 3), 501)},
            "id_number",
            "此人已是甲村党支部的党员：请办理组织关系转接。",
        ),
        ("org_a", {"joined_on": "2005-01-01"}, "joined_on", "年满18岁方可入党。"),
        ("org_a", {"joined_on": ""}, "joined_on", "党员须填写入党时间。"),
        ("org_a", {"full_on": "2023-12-01", "stage": "full"}, "full_on", "预备期为一年"),
        ("org_a", {"stage": "chief"}, "stage", "不在可用的选项中"),
        ("org_a", {"lost_contact_on": "2099-01-01"}, "lost_contact_on", "日期晚于今天。"),
        ("org_a", {"birth_date": "1990-04-06"}, "birth_date", "与身份证号（1990-04-05）不符"),
        ("park", {}, "region", "两县园区党委覆盖多个区划：请填写党员所在村。"),
        ("park", {"region": VILLAGE_A}, "region", "510821100001不在两县园区党委的覆盖范围内。"),
    ],
)
def test_it_refuses_a_bad_member_form_and_saves_nothing(cast, party, org, changes, field, message):
    url = reverse("party:member-add", args=[getattr(party, org).pk])
    with nothing_saved():
        response = client_for(cast.county_a_admin).post(url, member_form(**changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for e in errors[field]), errors
    assert message in main(response)


def test_it_edits_and_transfers_a_member_through_the_form(cast, party):
    since = last_event_id()
    url = reverse("party:member-edit", args=[party.member_a2.pk])
    page = main(client_for(cast.county_a_admin).get(url))
    assert 'value="党员甲二"' in page and 'value="1975-03-03"' not in page
    # Transfers are offered within the member's county: not county B's branch.
    assert "甲村党支部" in page and "两县园区党委" in page and "乙村党支部" not in page
    form = edit_form(party.member_a2, post="村委委员")
    response = client_for(cast.county_a_admin).post(url, form)
    assert response.status_code == 302
    assert Member.objects.get(pk=party.member_a2.pk).post == "村委委员"
    form = edit_form(party.member_a2, organisation=str(party.park.pk))
    assert client_for(cast.county_a_admin).post(url, form).status_code == 302
    member = Member.objects.get(pk=party.member_a2.pk)
    assert member.organisation == party.park and member.region_id == VILLAGE_A2
    events = new_events(since)
    assert [e.action for e in events] == ["party.update_member"] * 2
    assert events[1].before["organisation"] == party.org_a2.pk
    assert events[1].after["organisation"] == party.park.pk


def test_it_refuses_a_bad_member_edit(cast, party):
    url = reverse("party:member-edit", args=[party.member_a2.pk])
    cases = [
        (edit_form(party.member_a2, organisation=str(party.org_b.pk)), "不在可用的选项中"),
        (
            edit_form(party.member_a2, organisation=str(party.org_a.pk)),
            "不在甲村党支部的覆盖范围内",
        ),
        (
            edit_form(party.member_a2, id_number=party.member_a.id_number),
            "此人已是甲村党支部的党员",
        ),
        (edit_form(party.member_a2, full_on="2000-12-31"), "预备期为一年"),
    ]
    for form, message in cases:
        with nothing_saved():
            response = client_for(cast.county_a_admin).post(url, form)
        assert response.status_code == 200
        assert message in main(response), message
    assert Member.objects.get(pk=party.member_a2.pk).organisation == party.org_a2


def test_it_deletes_a_member_through_the_form(cast, party):
    url = reverse("party:member-delete", args=[party.member_a.pk])
    event = delete_through_the_page(cast.village_a_secretary, url, LIST, "党员已删除。")
    assert not Member.objects.filter(pk=party.member_a.pk).exists()
    assert event.action == "party.delete_member"


# --- POSTs: tags, steps, services ------------------------------------------------------------


def test_it_adds_and_removes_a_tag_through_the_forms(cast, party):
    since = last_event_id()
    url = reverse("party:membertag-add", args=[party.member_a.pk])
    form = tag_form(kind="post_holder", post="矛盾调解岗", duties="调解邻里纠纷")
    response = client_for(cast.village_a_secretary).post(url, form)
    assert response.status_code == 302
    assert response["Location"] == reverse("party:member-detail", args=[party.member_a.pk])
    added = MemberTag.objects.get(member=party.member_a)
    assert (added.kind, added.post, added.region_code) == ("post_holder", "矛盾调解岗", VILLAGE_A)
    response = client_for(cast.village_a_secretary).post(
        reverse("party:membertag-delete", args=[added.pk]), follow=True
    )
    assert "标记已移除。" in main(response)
    assert not MemberTag.objects.filter(pk=added.pk).exists()
    assert [e.action for e in new_events(since)] == ["party.add_tag", "party.remove_tag"]


def test_it_tags_a_poor_member_linked_to_the_registry(cast, party):
    url = reverse("party:membertag-add", args=[party.member_a.pk])
    with nothing_saved():
        response = client_for(cast.county_a_admin).post(url, tag_form(kind="poor"))
    assert response.status_code == 200
    assert "贫困党员须已建档立卡" in main(response)
    household = registry.create_household(
        actor=None, village_code=VILLAGE_A, number="P001", main_cause="illness", registered_in=2014
    )
    registry.add_person(
        actor=None,
        household=household,
        name="党员甲",
        id_number=party.member_a.id_number,
        relation="head",
    )
    response = client_for(cast.county_a_admin).post(url, tag_form(kind="poor"))
    assert response.status_code == 302
    page = main(client_for(cast.county_a_admin).get(response["Location"]))
    assert "贫困党员" in page and household.get_absolute_url() in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "returnee"}, "请填写回引人才的来源地。"),
        ({"kind": "cadre"}, "请填写机关干部的所在单位。"),
        ({"kind": "post_holder"}, "请填写设岗定责的岗位。"),
        ({"until": "2017-01-01"}, "截止日期早于起始日期。"),
        ({"since": ""}, "该字段是必填项。"),
        ({"kind": "king"}, "不在可用的选项中"),
    ],
)
def test_it_refuses_a_bad_tag_and_saves_nothing(cast, party, changes, message):
    url = reverse("party:membertag-add", args=[party.member_a.pk])
    form_refused(client_for(cast.county_a_admin), url, tag_form(**changes), message)


def test_it_records_the_development_of_an_applicant_step_by_step(cast, party):
    applicant = actions.register_member(
        actor=None,
        organisation=party.org_a,
        name="申请人乙",
        id_number=make_resident_id(COUNTY_A, datetime.date(1996, 6, 6), 82),
        stage="applicant",
    )
    url = reverse("party:developmentstep-add", args=[applicant.pk])
    client = client_for(cast.village_a_secretary)
    assert 'value="applicant" selected' in main(client.get(url))
    since = last_event_id()
    steps = [
        {"stage": "applicant", "on": "2019-03-01", "approved_by": "", "contacts": ""},
        {
            "stage": "activist",
            "on": "2019-09-01",
            "approved_by": "支委会",
            "contacts": "张三、李四",
        },
        {"stage": "target", "on": "2020-09-01", "approved_by": "支委会", "contacts": ""},
    ]
    for data in steps:
        assert client.post(url, data).status_code == 302
    applicant.refresh_from_db()
    assert applicant.stage == "target"
    assert list(
        DevelopmentStep.objects.filter(member=applicant).values_list("stage", flat=True)
    ) == [
        "applicant",
        "activist",
        "target",
    ]
    assert [e.action for e in new_events(since)] == ["party.record_step"] * 3
    assert 'value="probationary" selected' in main(client.get(url))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"stage": "activist", "on": "2019-09-01", "contacts": "张三"},
            "入党积极分子须确定两名培养联系人。",
        ),
        ({"stage": "target", "on": "2019-09-01"}, "之后的下一个环节是"),
        (
            {"stage": "activist", "on": "2018-01-01", "contacts": "张三、李四"},
            "日期早于上一环节（2019-03-01）。",
        ),
        (
            {"stage": "activist", "on": "2099-01-01", "contacts": "张三、李四"},
            "发展环节须在发生后登记",
        ),
        ({"stage": "activist", "on": "2019-02-30"}, "输入一个有效的日期。"),
    ],
)
def test_it_refuses_a_bad_step_and_saves_nothing(cast, party, data, message):
    applicant = actions.register_member(
        actor=None,
        organisation=party.org_a,
        name="申请人丙",
        id_number=make_resident_id(COUNTY_A, datetime.date(1996, 6, 6), 83),
        stage="applicant",
    )
    actions.record_step(
        actor=None, member=applicant, stage="applicant", on=datetime.date(2019, 3, 1)
    )
    url = reverse("party:developmentstep-add", args=[applicant.pk])
    with nothing_saved():
        response = client_for(cast.county_a_admin).post(
            url, {"approved_by": "", "contacts": "", **data}
        )
    assert response.status_code == 200
    assert message in main(response)
    assert Member.objects.get(pk=applicant.pk).stage == "applicant"


def test_it_refuses_a_step_after_full_membership(cast, party):
    url = reverse("party:developmentstep-add", args=[party.member_a.pk])
    with nothing_saved():
        response = client_for(cast.county_a_admin).post(url, {"stage": "full", "on": "2020-01-01"})
    assert "正式党员没有后续发展环节。" in main(response)


def test_it_records_and_deletes_a_service_through_the_forms(cast, party):
    since = last_event_id()
    url = reverse("party:servicelog-add", args=[party.member_a.pk])
    assert f'value="{VILLAGE_A}"' in main(client_for(cast.village_a_secretary).get(url))
    response = client_for(cast.village_a_secretary).post(url, service_form())
    assert response.status_code == 302
    logged = ServiceLog.objects.get(member=party.member_a)
    assert (logged.village_id, logged.county_code, logged.kind, logged.recorded_by) == (
        VILLAGE_A,
        COUNTY_A,
        "sales",
        cast.village_a_secretary,
    )
    response = client_for(cast.village_a_secretary).post(
        reverse("party:servicelog-delete", args=[logged.pk])
    )
    assert response["Location"] == reverse("party:member-detail", args=[party.member_a.pk])
    assert not ServiceLog.objects.exists()
    assert [e.action for e in new_events(since)] == ["party.record_service", "party.delete_service"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"village": VILLAGE_B}, "金穗社区居民委员会不在您可以修改的区划范围内。"),
        ({"village": "510821100"}, "没有村代码为“510821100”的村。"),
        (
            {"on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()},
            "服务须在发生后登记",
        ),
        ({"kind": "gossip"}, "不在可用的选项中"),
        ({"note": "长" * 501}, "确保该变量包含不超过 500 字符"),
    ],
)
def test_it_refuses_a_bad_service_and_saves_nothing(cast, party, changes, message):
    url = reverse("party:servicelog-add", args=[party.member_a.pk])
    form_refused(client_for(cast.county_a_admin), url, service_form(**changes), message)


# --- POSTs from who may not ------------------------------------------------------------------


def wealth_leader_tag(member: Member) -> MemberTag:
    """The member's wealth-leader tag, added the first time it is asked for."""
    return member.tags.filter(kind="wealth_leader").first() or tag(member)


def write_urls(member: Member) -> list[str]:
    """Every page that changes `member` or the records kept about them (a tag and a service
    are recorded for the delete pages)."""
    return [
        reverse("party:member-edit", args=[member.pk]),
        reverse("party:membertag-add", args=[member.pk]),
        reverse("party:developmentstep-add", args=[member.pk]),
        reverse("party:servicelog-add", args=[member.pk]),
        reverse("party:membertag-delete", args=[wealth_leader_tag(member).pk]),
        reverse("party:servicelog-delete", args=[service(member, member.region_id).pk]),
        reverse("party:member-delete", args=[member.pk]),
    ]


def write_posts(member: Member) -> list[tuple[str, dict]]:
    """A valid POST to every page of `write_urls` (the deletes last)."""
    data = [
        edit_form(member, post="改"),
        tag_form(kind="reserve_cadre"),
        {"stage": "full", "on": "2020-01-01"},
        service_form(village=member.region_id),
        {},
        {},
        {},
    ]
    return list(zip(write_urls(member), data, strict=True))


def valid_posts(party: PartySample, key: str) -> list[tuple[str, dict]]:
    """A valid POST to every write page about sample member `key`, then a new member of
    their organisation."""
    member = getattr(party, key)
    add = reverse("party:member-add", args=[member.organisation_id])
    return [*write_posts(member), (add, member_form())]


class TestMemberPages(PageSuite):
    """The member list, detail, export and write pages (and those of the tags, steps and
    services kept about a member) for the whole cast."""

    list_url = LIST
    detail = "party:member-detail"
    edit = "party:member-edit"
    delete = "party:member-delete"
    sees, changes = VISIBLE_MEMBERS, CHANGEABLE_MEMBERS

    @pytest.fixture
    def records(self, party):
        return {key: getattr(party, key) for key in MEMBERS}

    def text(self, obj):
        return obj.name

    def write_urls(self, obj):
        return write_urls(obj)

    def write_posts(self, obj):
        return write_posts(obj)

    def edit_form(self, obj):
        return edit_form(obj, post="改")

    def bad_edit_form(self, obj):
        return edit_form(obj, name="")


def test_it_answers_the_helper_posting_even_about_their_own_member_record_403(cast, party):
    pairing.register_helper(actor=None, member=party.member_a, user=cast.helper)
    posts = valid_posts(party, "member_a")
    client = client_for(cast.helper)
    with nothing_saved():
        responses = [client.post(url, data) for url, data in posts]
    # They read their own record; the roster is the administrators'.
    assert [r.status_code for r in responses] == [403] * 8


def test_it_lets_county_a_write_every_page(cast, party):
    client = client_for(cast.county_a_admin)
    posts = valid_posts(party, "member_a2")
    # A full member has no next step; that one is refused (200), the rest go through.
    responses = [client.post(url, data) for url, data in posts]
    assert [r.status_code for r in responses] == [302, 302, 200, 302, 302, 302, 302, 302]
    assert not Member.objects.filter(pk=party.member_a2.pk).exists()
    assert Member.objects.filter(name="新党员", organisation=party.org_a2).exists()


# --- the service-log list --------------------------------------------------------------------


def test_it_lists_the_services_of_each_users_villages(cast, party):
    for key in MEMBERS:
        service(getattr(party, key), getattr(party, key).region_id)
    visible = {
        "province_admin": set(MEMBERS),
        "county_a_admin": {"member_a", "member_a2", "member_park"},
        "village_a_secretary": {"member_a"},
        "county_b_admin": {"member_b"},
        "auditor": {"member_a", "member_a2", "member_park"},
    }
    for name, user in cast.all().items():
        response = client_for(user).get(SERVICES)
        if user is None:
            assert_sent_to_login(response, SERVICES)
            continue
        if name == "helper":
            # A helper owns no service log: the page is not theirs.
            assert response.status_code == 403
            continue
        assert set(listed(response)) == names(party, visible[name]), name
    page = main(client_for(cast.province_admin).get(f"{SERVICES}?region={COUNTY_B}&channel=phone"))
    assert set(re.findall(r'<a href="/party/members/\d+/">([^<]+)</a>', page)) == {"党员乙"}
    response = client_for(cast.province_admin).get(f"{SERVICES}?since=2022-01-01&until=2021-01-01")
    assert "结束日期早于开始日期。" in main(response)


def test_it_lists_many_services_with_a_fixed_number_of_queries(
    cast, party, django_assert_max_num_queries
):
    for i in range(30):
        service(party.member_a if i % 2 else party.member_park, VILLAGE_A if i % 2 else VILLAGE_A2)
    client = client_for(cast.county_a_admin)
    # Session, user, grants, the count and the page.
    with django_assert_max_num_queries(5):
        response = client.get(SERVICES)
    assert len(listed(response)) == 30
    body = b"".join(
        client_for(cast.county_a_admin).get(f"{SERVICES}?export=csv").streaming_content
    ).decode("utf-8")
    assert body.count("服务党员甲") == 15
