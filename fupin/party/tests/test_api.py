"""/api/v1/ organisations, members, member-tags, development-steps, service-logs and
reorganisations, for every member of the cast (the sample: fupin.testing.build_party_sample).

Messages are checked in Chinese. Those of Django and DRF are written out; those of the party's
actions are read from the catalogue by `zh`, which also fails when one is left untranslated.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from fupin.audit.models import AuditEvent
from fupin.lib.ids import make_resident_id
from fupin.pairing import actions as pairing
from fupin.party import actions
from fupin.party.models import DevelopmentStep, Member, MemberTag, Organisation, ServiceLog
from fupin.registry import actions as registry
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    SEES,
    TOWNSHIP_A,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    ApiSuite,
    api_created,
    api_for,
    client_for,
    expand,
    last_event_id,
    new_events,
    no_such,
    not_a_choice,
    nothing_saved,
    rows,
    with_pks,
    zh,
    zh_api,
)

from .conftest import CHANGEABLE_ORGS, VISIBLE_MEMBERS, VISIBLE_ORGS

ORGS = "/api/v1/organisations/"
MEMBERS = "/api/v1/members/"
TAGS = "/api/v1/member-tags/"
STEPS = "/api/v1/development-steps/"
SERVICES = "/api/v1/service-logs/"
REORGS = "/api/v1/reorganisations/"
LISTS = (ORGS, MEMBERS, TAGS, STEPS, SERVICES, REORGS)

NAME_A, NAME_A2, NAME_B = "卸甲碥社区居民委员会", "庙二湾社区居民委员会", "金穗社区居民委员会"
ORG_KEYS = ("org_a", "org_a2", "org_b", "park")
MEMBER_KEYS = ("member_a", "member_a2", "member_b", "member_park")
# Members the caller may change (the same subtree as seen, for the roles that may change).
CHANGEABLE_MEMBERS = {
    **VISIBLE_MEMBERS,
    "auditor": set(),
    "helper": set(),
}
REQUIRED = "该字段是必填项。"
NOT_FOUND = {"detail": "未找到。"}
TODAY = datetime.date.today()


def names(response) -> set[str]:
    return {r["name"] for r in rows(response)}


def keys_of(party, keys, found: set[str]) -> set[str]:
    """The sample's keys (org_a, member_b…) of the names found."""
    by_name = {getattr(party, k).name: k for k in keys}
    return {by_name[n] for n in found if n in by_name}


@pytest.fixture
def logs(party):
    """A tag, a development step and a service on each side of the county line."""
    since = datetime.date(2018, 1, 1)
    tag_a = actions.add_tag(
        actor=None, member=party.member_a, kind="wealth_leader", since=since, note="甲"
    )
    tag_b = actions.add_tag(
        actor=None, member=party.member_b, kind="wealth_leader", since=since, note="乙"
    )
    applicant_a = register(party.org_a, VILLAGE_A, "申请人甲", 601, stage="applicant")
    applicant_b = register(party.org_b, VILLAGE_B, "申请人乙", 602, stage="applicant")
    step_a = actions.record_step(
        actor=None, member=applicant_a, stage="applicant", on=datetime.date(2020, 3, 1)
    )
    step_b = actions.record_step(
        actor=None, member=applicant_b, stage="applicant", on=datetime.date(2020, 3, 2)
    )
    service_a = actions.record_service(
        actor=None,
        member=party.member_a,
        village_code=VILLAGE_A,
        on=datetime.date(2021, 5, 1),
        kind="sales",
        channel="wechat",
        note="甲",
    )
    service_b = actions.record_service(
        actor=None,
        member=party.member_b,
        village_code=VILLAGE_B,
        on=datetime.date(2021, 6, 1),
        kind="jobs",
        channel="phone",
        note="乙",
    )
    return {
        "tag_a": tag_a,
        "tag_b": tag_b,
        "applicant_a": applicant_a,
        "applicant_b": applicant_b,
        "step_a": step_a,
        "step_b": step_b,
        "service_a": service_a,
        "service_b": service_b,
    }


def register(org, village, name, sequence, **fields) -> Member:
    born = fields.pop("born", datetime.date(1990, 4, 5))
    return actions.register_member(
        actor=None,
        organisation=org,
        region_code=village,
        name=name,
        id_number=make_resident_id(village[:6], born, sequence),
        **fields,
    )


def merge(party, sources, name, village, on=datetime.date(2022, 1, 1)):
    return actions.reorganise(
        actor=None,
        sources=sources,
        successors=[actions.Successor(name, "general_branch", "village", [village])],
        on=on,
    )


# --- authentication --------------------------------------------------------------------------


def test_it_refuses_writes_without_credentials(cast, party, logs):
    client = APIClient()
    with nothing_saved():
        responses = [
            client.post(ORGS, {"name": "x"}, format="json"),
            client.patch(f"{ORGS}{party.org_a.pk}/", {"note": "x"}, format="json"),
            client.delete(f"{ORGS}{party.org_a.pk}/"),
            client.post(MEMBERS, {"name": "x"}, format="json"),
            client.patch(f"{MEMBERS}{party.member_a.pk}/", {"phone": "1"}, format="json"),
            client.delete(f"{MEMBERS}{party.member_a.pk}/"),
            client.post(TAGS, {"member": party.member_a.pk}, format="json"),
            client.delete(f"{TAGS}{logs['tag_a'].pk}/"),
            client.post(STEPS, {"member": logs["applicant_a"].pk}, format="json"),
            client.post(SERVICES, {"member": party.member_a.pk}, format="json"),
            client.delete(f"{SERVICES}{logs['service_a'].pk}/"),
        ]
    assert [r.status_code for r in responses] == [401] * len(responses)


# --- reading and writing, by scope: the generic suites ----------------------------------------


class TestOrganisationApi(ApiSuite):
    """Organisations on both sides, and the park committee spanning the county line: seen
    from both counties, changed only from the province."""

    endpoint = ORGS
    sees, changes = VISIBLE_ORGS, CHANGEABLE_ORGS

    @pytest.fixture
    def records(self, party):
        return {key: getattr(party, key) for key in ORG_KEYS}

    def patch(self, obj):
        return {"note": "改"}

    def extra_writes(self, obj):
        return [("delete", self.item(obj), {})]


class TestMemberApi(ApiSuite):
    endpoint, deletes = MEMBERS, True
    sees, changes = VISIBLE_MEMBERS, CHANGEABLE_MEMBERS

    @pytest.fixture
    def records(self, party):
        return {key: getattr(party, key) for key in MEMBER_KEYS}

    def writer(self, cast):
        return cast.village_a_secretary

    def patch(self, obj):
        return {"post": "组织委员"}


class PartyLogApiSuite(ApiSuite):
    """A kind of record kept about members: `key` + "_a" and + "_b" in the `logs` fixture."""

    key: str

    @pytest.fixture
    def records(self, logs):
        return {side: logs[f"{self.key}_{side}"] for side in ("a", "b")}


class TestMemberTagApi(PartyLogApiSuite):
    endpoint, key, deletes = TAGS, "tag", True


class TestDevelopmentStepApi(PartyLogApiSuite):
    endpoint, key = STEPS, "step"


class TestServiceLogApi(PartyLogApiSuite):
    endpoint, key, deletes = SERVICES, "service", True


class TestReorganisationApi(ApiSuite):
    """A merger in village A2 (county A) and one in village B: the village secretary of
    village A sees neither."""

    endpoint = REORGS
    sees = {**SEES, "village_a_secretary": set()}

    @pytest.fixture
    def records(self, reorganisations):
        return reorganisations


# --- organisations: reading ------------------------------------------------------------------


def test_it_shows_the_spanning_organisation_to_both_counties(cast, party):
    for user in (cast.county_a_admin, cast.county_b_admin, cast.province_admin):
        data = api_for(user).get(f"{ORGS}{party.park.pk}/").json()
        assert data["coverage"] == [VILLAGE_A2, VILLAGE_B]
        assert (data["region"], data["level"], data["kind"]) == ("5108", "committee", "park")
        assert (data["member_count"], data["is_open"], data["closed_on"]) == (1, True, None)


def test_it_shows_an_organisation_with_children_history_and_warnings(cast, party):
    child = actions.create_organisation(
        actor=None,
        name="甲村第一党小组",
        level="group",
        kind="village",
        region_codes=[VILLAGE_A],
        parent=party.org_a,
    )
    client = api_for(cast.village_a_secretary)
    data = client.get(f"{ORGS}{party.org_a.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["children"] == [{"id": child.pk, "name": "甲村第一党小组", "is_open": True}]
    assert data["coverage"] == [VILLAGE_A] and data["region_name"] == NAME_A
    assert (data["closed_by"], data["created_by"]) == ([], [])
    assert data["warnings"] == ["A branch needs at least 3 full members; it has 1."]
    row = next(r for r in rows(client.get(ORGS)) if r["id"] == child.pk)
    assert (row["parent"], row["parent_name"]) == (party.org_a.pk, "甲村党支部")
    assert "warnings" not in row and "children" not in row


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"region={COUNTY_B}", {"org_b", "park"}),
        (f"region={VILLAGE_A2}", {"org_a2", "park"}),
        (f"region={TOWNSHIP_A}", {"org_a"}),
        ("region=51", {"org_a", "org_a2", "org_b", "park"}),
        ("level=committee", {"park"}),
        ("kind=village", {"org_a", "org_a2", "org_b"}),
        ("name=甲二", {"org_a2"}),
        ("open=true", {"org_a", "org_a2", "org_b", "park"}),
        ("open=false", set()),
        ("parent={org_a}", set()),
    ],
)
def test_it_filters_organisations(cast, party, query, expected):
    query = query.replace("{org_a}", str(party.org_a.pk))
    found = names(api_for(cast.province_admin).get(f"{ORGS}?{query}"))
    assert keys_of(party, ORG_KEYS, found) == expected


def test_it_filters_organisations_by_parent_and_by_open(cast, party):
    merge(party, [party.org_a2], "甲二村党总支", VILLAGE_A2)
    child = actions.create_organisation(
        actor=None, name="园区小组", level="group", kind="park", region_codes=[VILLAGE_B]
    )
    actions.update_organisation(actor=None, organisation=child, parent=party.park)
    client = api_for(cast.county_b_admin)
    assert names(client.get(f"{ORGS}?parent={party.park.pk}")) == {"园区小组"}
    client = api_for(cast.county_a_admin)
    assert names(client.get(f"{ORGS}?open=false")) == {"甲二村党支部"}
    assert "甲二村党总支" in names(client.get(f"{ORGS}?open=true"))


def test_it_orders_organisations(cast, party):
    client = api_for(cast.province_admin)
    ordered = [r["name"] for r in rows(client.get(f"{ORGS}?ordering=-founded_on,name"))]
    assert ordered[0] == "两县园区党委"


# --- filters: bad input ----------------------------------------------------------------------

REGION_CODE = "区划代码应为 2、4、6、9 或 12 位数字。"


@pytest.mark.parametrize(
    ("url", "query", "errors"),
    [
        (ORGS, "region=51x", {"region": [REGION_CODE]}),
        (ORGS, "region=５１", {"region": [REGION_CODE]}),
        (ORGS, "region=510", {"region": [REGION_CODE]}),
        (ORGS, "level=huge", {"level": ["选择一个有效的选项。 huge 不在可用的选项中。"]}),
        (ORGS, "kind=x", {"kind": ["选择一个有效的选项。 x 不在可用的选项中。"]}),
        (ORGS, "open=maybe", {"open": ["选择一个有效的选项。 maybe 不在可用的选项中。"]}),
        (ORGS, "parent=1.5", {"parent": ["输入整数。"]}),
        (MEMBERS, "region=abc", {"region": [REGION_CODE]}),
        (MEMBERS, "organisation=x", {"organisation": ["输入整数。"]}),
        (MEMBERS, "tag=rich", {"tag": ["选择一个有效的选项。 rich 不在可用的选项中。"]}),
        (MEMBERS, "stage=boss", {"stage": ["选择一个有效的选项。 boss 不在可用的选项中。"]}),
        (MEMBERS, "category=x", {"category": ["选择一个有效的选项。 x 不在可用的选项中。"]}),
        (MEMBERS, "status=x", {"status": ["选择一个有效的选项。 x 不在可用的选项中。"]}),
        (MEMBERS, "migrant=1", {"migrant": ["选择一个有效的选项。 1 不在可用的选项中。"]}),
        (
            MEMBERS,
            "lost_contact=no",
            {"lost_contact": ["选择一个有效的选项。 no 不在可用的选项中。"]},
        ),
        (TAGS, "kind=x", {"kind": ["选择一个有效的选项。 x 不在可用的选项中。"]}),
        (TAGS, "member=x", {"member": ["输入整数。"]}),
        (STEPS, "since=2020-13-01", {"since": ["输入一个有效的日期。"]}),
        (SERVICES, "region=5108211", {"region": [REGION_CODE]}),
        (SERVICES, "channel=fax", {"channel": ["选择一个有效的选项。 fax 不在可用的选项中。"]}),
        (SERVICES, "kind=x", {"kind": ["选择一个有效的选项。 x 不在可用的选项中。"]}),
        (SERVICES, "since=2021-02-01&until=2021-01-31", {"until": ["结束日期早于开始日期。"]}),
        (REORGS, "region=x", {"region": [REGION_CODE]}),
        (REORGS, "until=yesterday", {"until": ["输入一个有效的日期。"]}),
    ],
)
def test_it_refuses_a_bad_filter_with_400(cast, party, url, query, errors):
    response = zh_api(cast.province_admin).get(f"{url}?{query}")
    assert response.status_code == 400
    assert response.json() == errors


def test_it_explains_a_bad_filter_in_english_too(cast, party):
    response = api_for(cast.province_admin).get(f"{ORGS}?region=51x", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {"region": ["A region code has 2, 4, 6, 9 or 12 digits."]}


# --- organisations: writing ------------------------------------------------------------------


def new_org(**changes) -> dict:
    data = {
        "name": "甲二村产业党支部",
        "level": "branch",
        "kind": "industry",
        "coverage": [VILLAGE_A2],
        "founded_on": "2016-05-01",
        "committee_members": "张三、李四",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_it_creates_an_organisation(cast, party):
    since = last_event_id()
    data = api_created(api_for(cast.county_a_admin), ORGS, new_org())
    org = Organisation.objects.get(pk=data["id"])
    assert (org.region_id, org.kind, str(org.founded_on)) == (VILLAGE_A2, "industry", "2016-05-01")
    assert data["coverage"] == [VILLAGE_A2] and data["member_count"] == 0
    assert data["region_name"] == NAME_A2
    [event] = new_events(since)
    assert (event.action, event.actor, event.region_code) == (
        "party.create_organisation",
        cast.county_a_admin,
        VILLAGE_A2,
    )
    assert event.after["regions"] == [VILLAGE_A2]


def test_it_lets_only_the_province_create_an_organisation_across_counties(cast, party):
    body = new_org(name="跨县联合党支部", kind="joint", coverage=[VILLAGE_A2, VILLAGE_B])
    for user, outside in ((cast.county_a_admin, NAME_B), (cast.county_b_admin, NAME_A2)):
        with nothing_saved():
            response = zh_api(user).post(ORGS, body, format="json")
        assert response.status_code == 400
        assert response.json() == {
            "coverage": [zh("%(regions)s is outside the regions you may change.", regions=outside)]
        }
    response = api_for(cast.province_admin).post(ORGS, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["region"] == "5108"


@pytest.mark.parametrize(
    ("actor", "changes", "errors"),
    [
        (
            "county_b_admin",
            {},
            {"coverage": [("%(regions)s is outside the regions you may change.", NAME_A2)]},
        ),
        (
            "village_a_secretary",
            {},
            {"coverage": [("%(regions)s is outside the regions you may change.", NAME_A2)]},
        ),
        (
            "auditor",
            {},
            {"coverage": [("%(regions)s is outside the regions you may change.", NAME_A2)]},
        ),
        (
            "helper",
            {},
            {"coverage": [("%(regions)s is outside the regions you may change.", NAME_A2)]},
        ),
        (
            "county_a_admin",
            {"coverage": ["510821101077"]},
            {"coverage": [("There is no region with code %(codes)s.", "510821101077")]},
        ),
        (
            "county_a_admin",
            {"coverage": []},
            {"coverage": [("An organisation covers at least one region.", None)]},
        ),
        (
            "county_a_admin",
            {"coverage": [VILLAGE_A, TOWNSHIP_A]},
            {"coverage": [("%(regions)s lies inside another covered region.", NAME_A)]},
        ),
        (
            "county_a_admin",
            {"coverage": "510821"},
            {"coverage": ["期望为一个包含物件的列表，得到的类型是“str”。"]},
        ),
        (
            "county_a_admin",
            {"coverage": ["5" * 13]},
            {"coverage": {"0": ["请确保这个字段不能超过 12 个字符。"]}},
        ),
        ("county_a_admin", {"level": "boss"}, {"level": [not_a_choice("boss")]}),
        ("county_a_admin", {"kind": "club"}, {"kind": [not_a_choice("club")]}),
        (
            "county_a_admin",
            {"founded_on": "2016-02-30"},
            {"founded_on": ["日期格式错误。请从这些格式中选择：YYYY-MM-DD。"]},
        ),
        (
            "county_a_admin",
            {"name": "甲二村党支部"},
            {
                "name": [
                    ("An open organisation named %(name)s already exists here.", "甲二村党支部")
                ]
            },
        ),
        ("county_a_admin", {"parent": "{org_b}"}, {"parent": [no_such("{org_b}")]}),
        (
            "county_a_admin",
            {"parent": "{org_a}"},
            {
                "coverage": [
                    (
                        "%(regions)s is outside the coverage of the parent organisation "
                        "%(parent)s.",
                        (NAME_A2, "甲村党支部"),
                    )
                ]
            },
        ),
        (
            "county_a_admin",
            {"secretary": "{member_a2}"},
            {"secretary": [("Choose the secretary once the organisation has members.", None)]},
        ),
    ],
)
def test_it_refuses_a_bad_new_organisation_with_400(cast, party, actor, changes, errors):
    pks = pks_of(party)
    changes = with_pks(changes, pks)
    with nothing_saved():
        response = zh_api(getattr(cast, actor)).post(ORGS, new_org(**changes), format="json")
    assert response.status_code == 400
    assert response.json() == expand(errors, pks)


def pks_of(party) -> dict[str, str]:
    """ "{org_a}" -> the id of the sample's org_a, and so on: parameters name records by key."""
    return {f"{{{k}}}": str(getattr(party, k).pk) for k in (*ORG_KEYS, *MEMBER_KEYS)}


def test_it_names_every_missing_field_of_an_organisation(cast, party):
    with nothing_saved():
        response = zh_api(cast.province_admin).post(ORGS, {}, format="json")
    assert response.status_code == 400
    assert response.json() == {f: [REQUIRED] for f in ("name", "level", "kind", "coverage")}


def test_it_patches_an_organisation(cast, party):
    since = last_event_id()
    response = api_for(cast.village_a_secretary).patch(
        f"{ORGS}{party.org_a.pk}/",
        {"secretary": party.member_a.pk, "note": "示范支部", "closed_on": "2020-01-01"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["secretary"], data["secretary_name"], data["note"]) == (
        party.member_a.pk,
        "党员甲",
        "示范支部",
    )
    party.org_a.refresh_from_db()
    assert party.org_a.closed_on is None  # closing is a reorganisation's
    [event] = new_events(since)
    assert (event.action, event.after["secretary"]) == (
        "party.update_organisation",
        party.member_a.pk,
    )


def test_it_changes_an_organisations_coverage(cast, party):
    response = api_for(cast.county_a_admin).patch(
        f"{ORGS}{party.org_a.pk}/", {"coverage": [VILLAGE_A, VILLAGE_A2]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["coverage"] == [VILLAGE_A, VILLAGE_A2]
    assert response.json()["region"] == COUNTY_A


@pytest.mark.parametrize(
    ("key", "changes", "errors"),
    [
        (
            "org_a",
            {"secretary": "{member_a2}"},
            {"secretary": [("The secretary must be a member of the organisation.", None)]},
        ),
        ("org_a", {"secretary": "{member_b}"}, {"secretary": [no_such("{member_b}")]}),
        (
            "org_a",
            {"coverage": [VILLAGE_A2]},
            {"coverage": [("%(n)d members live outside the new coverage.", 1)]},
        ),
        (
            "org_a",
            {"coverage": [VILLAGE_B]},
            {"coverage": [("%(regions)s is outside the regions you may change.", NAME_B)]},
        ),
        (
            "org_a",
            {"parent": "{org_a}"},
            {"parent": [("An organisation cannot be placed under itself.", None)]},
        ),
        ("org_a2", {"level": "huge"}, {"level": [not_a_choice("huge")]}),
        ("org_a2", {"name": ""}, {"name": ["该字段不能为空。"]}),
        ("org_a2", {"name": "甲" * 101}, {"name": ["请确保这个字段不能超过 100 个字符。"]}),
    ],
)
def test_it_refuses_a_bad_organisation_patch_with_400(cast, party, key, changes, errors):
    pks = pks_of(party)
    changes = with_pks(changes, pks)
    org = getattr(party, key)
    with nothing_saved():
        response = zh_api(cast.county_a_admin).patch(f"{ORGS}{org.pk}/", changes, format="json")
    assert response.status_code == 400
    assert response.json() == expand(errors, pks)
    assert Organisation.objects.get(pk=org.pk).name == org.name


def test_it_refuses_changing_a_closed_organisation(cast, party):
    merge(party, [party.org_a2], "甲二村党总支", VILLAGE_A2)
    with nothing_saved():
        response = zh_api(cast.county_a_admin).patch(
            f"{ORGS}{party.org_a2.pk}/", {"note": "x"}, format="json"
        )
    assert response.status_code == 400
    assert response.json() == {
        "detail": [zh("A closed organisation is history and is not changed.")]
    }


def test_it_lets_only_the_province_change_the_spanning_organisation(cast, party):
    for user in (cast.county_a_admin, cast.county_b_admin):
        with nothing_saved():
            response = api_for(user).patch(f"{ORGS}{party.park.pk}/", {"note": "x"}, format="json")
        assert response.status_code == 404
    response = api_for(cast.province_admin).patch(
        f"{ORGS}{party.park.pk}/", {"note": "省定", "coverage": [VILLAGE_A2, VILLAGE_B]}
    )
    assert response.status_code == 200
    assert Organisation.objects.get(pk=party.park.pk).note == "省定"


def test_it_deletes_an_empty_organisation(cast, party):
    org = actions.create_organisation(
        actor=None, name="临时党支部", level="branch", kind="village", region_codes=[VILLAGE_B]
    )
    assert api_for(cast.county_a_admin).delete(f"{ORGS}{org.pk}/").status_code == 404
    since = last_event_id()
    response = api_for(cast.county_b_admin).delete(f"{ORGS}{org.pk}/")
    assert response.status_code == 204
    assert not Organisation.objects.filter(pk=org.pk).exists()
    [event] = new_events(since)
    assert (event.action, event.before["regions"]) == ("party.delete_organisation", [VILLAGE_B])


def test_it_refuses_deleting_an_organisation_with_members(cast, party):
    with nothing_saved():
        response = zh_api(cast.county_a_admin).delete(f"{ORGS}{party.org_a.pk}/")
    assert response.status_code == 400
    assert response.json() == {
        "detail": [
            zh("%(name)s still has members: move them first, or reorganise.", name="甲村党支部")
        ]
    }


def test_it_has_no_put(cast, party, logs):
    client = api_for(cast.province_admin)
    for url in (
        f"{ORGS}{party.org_a.pk}/",
        f"{MEMBERS}{party.member_a.pk}/",
        f"{TAGS}{logs['tag_a'].pk}/",
        f"{STEPS}{logs['step_a'].pk}/",
        f"{SERVICES}{logs['service_a'].pk}/",
    ):
        assert client.put(url, {}, format="json").status_code == 405, url
    for url in (f"{TAGS}{logs['tag_a'].pk}/", f"{STEPS}{logs['step_a'].pk}/"):
        assert client.patch(url, {}, format="json").status_code == 405, url
    assert client.delete(f"{STEPS}{logs['step_a'].pk}/").status_code == 405


# --- members: reading ------------------------------------------------------------------------


def test_it_shows_a_member_with_tags_and_steps(cast, party, logs):
    data = api_for(cast.county_a_admin).get(f"{MEMBERS}{party.member_a.pk}/").json()
    member = party.member_a
    assert (data["id_number"], data["phone"], data["birth_date"], data["birth_year"]) == (
        member.id_number,
        "13912345678",
        "1975-03-03",
        1975,
    )
    assert (data["organisation"], data["organisation_name"]) == (party.org_a.pk, "甲村党支部")
    assert (data["region"], data["region_name"], data["county_code"]) == (
        VILLAGE_A,
        NAME_A,
        COUNTY_A,
    )
    assert (data["stage"], data["joined_on"], data["full_on"]) == (
        "full",
        "2000-07-01",
        "2001-07-01",
    )
    assert data["tags"] == ["wealth_leader"]
    assert [(t["kind"], t["since"], t["current"]) for t in data["tag_history"]] == [
        ("wealth_leader", "2018-01-01", True)
    ]
    assert data["steps"] == []
    data = api_for(cast.county_a_admin).get(f"{MEMBERS}{logs['applicant_a'].pk}/").json()
    assert [(s["stage"], s["on"]) for s in data["steps"]] == [("applicant", "2020-03-01")]
    assert data["tags"] == []


def test_it_masks_personal_data_for_the_auditor(cast, party):
    member = party.member_a
    # The helper sees member A as their own member record, and unmasked.
    pairing.register_helper(actor=None, member=member, user=cast.helper)
    masked = (member.id_number[:6] + "********" + member.id_number[-4:], "139****5678", None)
    for user, expected in (
        (cast.auditor, masked),
        (cast.helper, (member.id_number, "13912345678", "1975-03-03")),
        (cast.county_a_admin, (member.id_number, "13912345678", "1975-03-03")),
    ):
        client = api_for(user)
        detail = client.get(f"{MEMBERS}{member.pk}/").json()
        [row] = [r for r in rows(client.get(MEMBERS)) if r["id"] == member.pk]
        for data in (detail, row):
            assert (data["id_number"], data["phone"], data["birth_date"]) == expected, user
            assert data["birth_year"] == 1975


def test_it_does_not_order_members_by_masked_fields(cast, party):
    client = api_for(cast.auditor)
    default = [r["id"] for r in rows(client.get(MEMBERS))]
    for field in ("id_number", "phone", "birth_date"):
        assert [r["id"] for r in rows(client.get(f"{MEMBERS}?ordering={field}"))] == default


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"region={COUNTY_A}", {"党员甲", "党员甲二", "园区党员", "申请人甲"}),
        (f"region={VILLAGE_A2}", {"党员甲二", "园区党员"}),
        ("organisation={park}", {"园区党员"}),
        ("name=甲二", {"党员甲二"}),
        ("tag=wealth_leader", {"党员甲", "党员乙"}),
        ("tag=returnee", {"返乡党员"}),
        ("tag=migrant", set()),
        ("stage=applicant", {"申请人甲", "申请人乙"}),
        ("category=pipeline", {"申请人甲", "申请人乙"}),
        ("category=members", {"党员甲", "党员甲二", "党员乙", "园区党员", "返乡党员"}),
        ("status=stopped", {"返乡党员"}),
        ("migrant=true", {"返乡党员"}),
        ("lost_contact=true", {"返乡党员"}),
        ("lost_contact=false&region=" + VILLAGE_A, {"党员甲", "申请人甲"}),
    ],
)
def test_it_filters_members(cast, party, logs, query, expected):
    returnee = register(
        party.org_b,
        VILLAGE_B,
        "返乡党员",
        603,
        stage="full",
        joined_on=datetime.date(2010, 1, 1),
        full_on=datetime.date(2011, 1, 1),
        status="stopped",
        migrant_to="广东省东莞市",
        lost_contact_on=datetime.date(2023, 1, 1),
    )
    actions.add_tag(
        actor=None,
        member=returnee,
        kind="returnee",
        since=datetime.date(2019, 1, 1),
        came_from="浙江",
    )
    # A tag that has ended does not count.
    actions.add_tag(
        actor=None,
        member=returnee,
        kind="migrant",
        since=datetime.date(2012, 1, 1),
        until=datetime.date(2018, 12, 31),
    )
    query = query.replace("{park}", str(party.park.pk))
    assert names(api_for(cast.province_admin).get(f"{MEMBERS}?{query}")) == expected


# --- members: writing ------------------------------------------------------------------------

NEW_ID = make_resident_id(COUNTY_A, datetime.date(1990, 2, 3), 76)


def new_member(org, **changes) -> dict:
    data = {
        "organisation": org.pk,
        "name": "新党员",
        "id_number": NEW_ID,
        "stage": "probationary",
        "joined_on": "2023-07-01",
        "education": "",
        "phone": "13600001111",
        "post": "村委委员",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_it_registers_a_member(cast, party):
    since = last_event_id()
    data = api_created(api_for(cast.county_a_admin), MEMBERS, new_member(party.org_a2))
    member = Member.objects.get(pk=data["id"])
    assert (member.region_id, member.county_code, member.sex, str(member.birth_date)) == (
        VILLAGE_A2,
        COUNTY_A,
        "female",
        "1990-02-03",
    )
    assert (data["region"], data["birth_date"], data["tags"]) == (VILLAGE_A2, "1990-02-03", [])
    [event] = new_events(since)
    assert (event.action, event.actor, event.region_code) == (
        "party.register_member",
        cast.county_a_admin,
        VILLAGE_A2,
    )
    assert event.after["id_number"] == COUNTY_A + "********" + NEW_ID[-4:]


def test_it_registers_a_member_of_the_spanning_organisation_in_a_covered_village(cast, party):
    body = new_member(
        party.park,
        region=VILLAGE_B,
        id_number=make_resident_id(COUNTY_B, datetime.date(1990, 2, 3), 78),
    )
    response = api_for(cast.county_b_admin).post(MEMBERS, body, format="json")
    assert response.status_code == 201, response.json()
    assert Member.objects.get(pk=response.json()["id"]).organisation == party.park


@pytest.mark.parametrize(
    ("actor", "org", "changes", "errors"),
    [
        ("county_b_admin", "org_a", {}, {"organisation": [no_such("{org_a}")]}),
        ("village_a_secretary", "org_a2", {}, {"organisation": [no_such("{org_a2}")]}),
        (
            "auditor",
            "org_a2",
            {},
            {"region": [("%(region)s is outside the regions you may change.", NAME_A2)]},
        ),
        # The helper sees no organisation: org_a2 is not one they may name.
        ("helper", "org_a2", {}, {"organisation": [no_such("{org_a2}")]}),
        (
            "county_b_admin",
            "park",
            {"region": VILLAGE_A2},
            {"region": [("%(region)s is outside the regions you may change.", NAME_A2)]},
        ),
        (
            "county_a_admin",
            "park",
            {},
            {
                "region": [
                    (
                        "%(name)s covers several regions: say which one the member lives in.",
                        "两县园区党委",
                    )
                ]
            },
        ),
        (
            "county_a_admin",
            "org_a2",
            {"region": VILLAGE_A},
            {"region": [("%(code)s is not covered by %(name)s.", (VILLAGE_A, "甲二村党支部"))]},
        ),
        (
            "county_a_admin",
            "org_a2",
            {"id_number": NEW_ID[:17] + "Y"},
            {"id_number": ["身份证号应为 17 位数字加 1 位数字或 X"]},
        ),
        (
            "county_a_admin",
            "org_a2",
            {"id_number": "{member_b_id}"},
            {
                "id_number": [
                    (
                        "This person is already a member of %(organisation)s: transfer them "
                        "instead.",
                        "乙村党支部",
                    )
                ]
            },
        ),
        ("county_a_admin", "org_a2", {"sex": "male"}, {"sex": ["填写的性别与身份证号不符"]}),
        ("county_a_admin", "org_a2", {"stage": "boss"}, {"stage": [not_a_choice("boss")]}),
        ("county_a_admin", "org_a2", {"status": "gone"}, {"status": [not_a_choice("gone")]}),
        (
            "county_a_admin",
            "org_a2",
            {"joined_on": "2005-01-01"},
            {"joined_on": [("A member joins at 18 or older.", None)]},
        ),
        (
            "county_a_admin",
            "org_a2",
            {"joined_on": None},
            {"joined_on": [("A member needs a joining date.", None)]},
        ),
        (
            "county_a_admin",
            "org_a2",
            {"stage": "full", "full_on": "2023-12-31"},
            {
                "full_on": [
                    (
                        "The probation lasts a year: a member who joined on %(date)s becomes "
                        "full on %(earliest)s at the earliest.",
                        ("2023-07-01", "2024-07-01"),
                    )
                ]
            },
        ),
        (
            "county_a_admin",
            "org_a2",
            {"lost_contact_on": (TODAY + datetime.timedelta(days=2)).isoformat()},
            {"lost_contact_on": [("The date is in the future.", None)]},
        ),
        (
            "county_a_admin",
            "org_a2",
            {"phone": "1" * 21},
            {"phone": ["请确保这个字段不能超过 20 个字符。"]},
        ),
        ("county_a_admin", "org_a2", {"organisation": 10**9}, {"organisation": [no_such(10**9)]}),
    ],
)
def test_it_refuses_a_bad_new_member_with_400(cast, party, actor, org, changes, errors):
    pks = pks_of(party)
    if changes.get("id_number") == "{member_b_id}":
        changes = {**changes, "id_number": party.member_b.id_number}
    body = new_member(getattr(party, org), **changes)
    with nothing_saved():
        response = zh_api(getattr(cast, actor)).post(MEMBERS, body, format="json")
    assert response.status_code == 400
    assert response.json() == expand(errors, pks)


def test_it_names_every_missing_field_of_a_member(cast, party):
    with nothing_saved():
        response = zh_api(cast.province_admin).post(MEMBERS, {}, format="json")
    assert response.status_code == 400
    assert response.json() == {f: [REQUIRED] for f in ("organisation", "name", "id_number")}


def test_it_patches_a_member(cast, party):
    since = last_event_id()
    response = api_for(cast.village_a_secretary).patch(
        f"{MEMBERS}{party.member_a.pk}/",
        {"phone": "13700009999", "migrant_to": "成都市", "county_code": COUNTY_B},
        format="json",
    )
    assert response.status_code == 200, response.json()
    party.member_a.refresh_from_db()
    assert (party.member_a.phone, party.member_a.migrant_to, party.member_a.county_code) == (
        "13700009999",
        "成都市",
        COUNTY_A,
    )
    [event] = new_events(since)
    assert (event.action, event.before["phone"], event.after["phone"]) == (
        "party.update_member",
        "139****5678",
        "137****9999",
    )


def test_it_transfers_a_member_to_another_organisation(cast, party):
    response = api_for(cast.county_a_admin).patch(
        f"{MEMBERS}{party.member_a2.pk}/",
        {"organisation": party.park.pk, "region": VILLAGE_A2},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["organisation_name"] == "两县园区党委"
    assert Member.objects.get(pk=party.member_a2.pk).organisation == party.park


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"id_number": "12345"}, {"id_number": ["身份证号应为 18 位"]}),
        ({"organisation": "{org_b}"}, {"organisation": [no_such("{org_b}")]}),
        (
            {"organisation": "{park}"},
            {
                "region": [
                    (
                        "%(name)s covers several regions: say which one the member lives in.",
                        "两县园区党委",
                    )
                ]
            },
        ),
        (
            {"region": VILLAGE_B},
            {"region": [("%(code)s is not covered by %(name)s.", (VILLAGE_B, "甲村党支部"))]},
        ),
        ({"stage": "x"}, {"stage": [not_a_choice("x")]}),
        (
            {"full_on": "1999-01-01"},
            {
                "full_on": [
                    (
                        "The probation lasts a year: a member who joined on %(date)s becomes "
                        "full on %(earliest)s at the earliest.",
                        ("2000-07-01", "2001-07-01"),
                    )
                ]
            },
        ),
    ],
)
def test_it_refuses_a_bad_member_patch_with_400(cast, party, changes, errors):
    pks = pks_of(party)
    changes = with_pks(changes, pks)
    with nothing_saved():
        response = zh_api(cast.county_a_admin).patch(
            f"{MEMBERS}{party.member_a.pk}/", changes, format="json"
        )
    assert response.status_code == 400
    assert response.json() == expand(errors, pks)
    assert Member.objects.get(pk=party.member_a.pk).organisation == party.org_a


def test_it_deletes_a_member(cast, party, logs):
    since = last_event_id()
    response = api_for(cast.village_a_secretary).delete(f"{MEMBERS}{party.member_a.pk}/")
    assert response.status_code == 204
    assert not Member.objects.filter(pk=party.member_a.pk).exists()
    assert not MemberTag.objects.filter(pk=logs["tag_a"].pk).exists()
    [event] = new_events(since)
    assert (event.action, event.before["tags"]) == ("party.delete_member", ["wealth_leader"])


# --- member tags -----------------------------------------------------------------------------

VISIBLE_NOTES = {
    "province_admin": {"甲", "乙"},
    "county_a_admin": {"甲"},
    "village_a_secretary": {"甲"},
    "county_b_admin": {"乙"},
    "auditor": {"甲"},
    "helper": set(),  # a helper owns no tag or service log
}


def test_it_filters_tags(cast, party, logs):
    client = api_for(cast.province_admin)
    assert [t["member_name"] for t in rows(client.get(f"{TAGS}?member={party.member_b.pk}"))] == [
        "党员乙"
    ]
    assert {t["note"] for t in rows(client.get(f"{TAGS}?region={COUNTY_A}"))} == {"甲"}
    assert rows(client.get(f"{TAGS}?current=false")) == []
    assert len(rows(client.get(f"{TAGS}?kind=wealth_leader&current=true"))) == 2


def test_it_adds_a_tag(cast, party):
    since = last_event_id()
    data = api_created(
        api_for(cast.village_a_secretary),
        TAGS,
        {
            "member": party.member_a.pk,
            "kind": "returnee",
            "since": "2019-03-01",
            "came_from": "广东省深圳市",
            "founded": "核桃专业合作社",
        },
    )
    assert (data["kind"], data["region_code"], data["current"], data["member_name"]) == (
        "returnee",
        VILLAGE_A,
        True,
        "党员甲",
    )
    tag = MemberTag.objects.get(pk=data["id"])
    assert (tag.county_code, tag.founded) == (COUNTY_A, "核桃专业合作社")
    [event] = new_events(since)
    assert (event.action, event.after["came_from"]) == ("party.add_tag", "广东省深圳市")


def test_it_tags_a_poor_member_registered_in_the_registry(cast, party):
    household = registry.create_household(
        actor=None, village_code=VILLAGE_A, number="P001", main_cause="illness", registered_in=2014
    )
    person = registry.add_person(
        actor=None,
        household=household,
        name="党员甲",
        id_number=party.member_a.id_number,
        relation="head",
    )
    response = api_for(cast.county_a_admin).post(
        TAGS, {"member": party.member_a.pk, "kind": "poor", "since": "2014-06-01"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert Member.objects.get(pk=party.member_a.pk).person == person
    data = api_for(cast.county_a_admin).get(f"{MEMBERS}{party.member_a.pk}/").json()
    assert (data["person"], data["tags"]) == (person.pk, ["poor"])


@pytest.mark.parametrize(
    ("actor", "changes", "errors"),
    [
        ("county_b_admin", {}, {"member": [no_such("{member_a}")]}),
        ("auditor", {}, {"member": [no_such("{member_a}")]}),
        ("helper", {}, {"member": [no_such("{member_a}")]}),
        ("county_a_admin", {"member": "{member_b}"}, {"member": [no_such("{member_b}")]}),
        (
            "county_a_admin",
            {"kind": "poor"},
            {
                "kind": [
                    (
                        "A poor member must be registered in the registry: no registered "
                        "person has this member's ID number.",
                        None,
                    )
                ]
            },
        ),
        (
            "county_a_admin",
            {"kind": "wealth_leader"},
            {"kind": [("The member already has this tag for that time.", None)]},
        ),
        (
            "county_a_admin",
            {"kind": "returnee"},
            {"came_from": [("Say where the returnee came back from.", None)]},
        ),
        (
            "county_a_admin",
            {"kind": "post_holder"},
            {"post": [("Say which post the member holds.", None)]},
        ),
        (
            "county_a_admin",
            {"until": "2019-12-31"},
            {"until": [("The end is before the start.", None)]},
        ),
        ("county_a_admin", {"kind": "hero"}, {"kind": [not_a_choice("hero")]}),
        (
            "county_a_admin",
            {"since": "soon"},
            {"since": ["日期格式错误。请从这些格式中选择：YYYY-MM-DD。"]},
        ),
        ("county_a_admin", {"since": None}, {"since": [REQUIRED]}),
        ("county_a_admin", {"note": "注" * 301}, {"note": ["请确保这个字段不能超过 300 个字符。"]}),
    ],
)
def test_it_refuses_a_bad_tag_with_400(cast, party, logs, actor, changes, errors):
    pks = pks_of(party)
    changes = with_pks(changes, pks)
    body = {"member": party.member_a.pk, "kind": "cadre", "unit": "县农业局", "since": "2020-01-01"}
    body.update(changes)
    body = {k: v for k, v in body.items() if v is not None}
    with nothing_saved():
        response = zh_api(getattr(cast, actor)).post(TAGS, body, format="json")
    assert response.status_code == 400
    assert response.json() == expand(errors, pks)


def test_it_refuses_young_talent_over_35(cast, party):
    late = register(
        party.org_a,
        VILLAGE_A,
        "晚入党员",
        605,
        born=datetime.date(1975, 1, 1),
        stage="probationary",
        joined_on=datetime.date(2015, 7, 1),
    )
    with nothing_saved():
        response = zh_api(cast.county_a_admin).post(
            TAGS,
            {"member": late.pk, "kind": "young_talent", "since": "2020-01-01"},
            format="json",
        )
    assert response.status_code == 400
    assert response.json() == {
        "kind": [zh("Young talent is 35 or under when developed; this member was %(age)d.", age=40)]
    }
    # Developed at 25: young talent.
    response = api_for(cast.county_a_admin).post(
        TAGS, {"member": party.member_a.pk, "kind": "young_talent", "since": "2000-07-01"}
    )
    assert response.status_code == 201, response.json()


def deleted_in_scope(cast, url: str) -> AuditEvent:
    """DELETE `url` (a record of village A): 404 to county B, the auditor and the helper,
    deleting nothing, then 204 to village A's secretary. The one audit event it writes."""
    for user in (cast.county_b_admin, cast.auditor, cast.helper):
        with nothing_saved():
            assert api_for(user).delete(url).status_code == 404
    since = last_event_id()
    assert api_for(cast.village_a_secretary).delete(url).status_code == 204
    [event] = new_events(since)
    return event


def test_it_removes_a_tag(cast, party, logs):
    tag = logs["tag_a"]
    event = deleted_in_scope(cast, f"{TAGS}{tag.pk}/")
    assert not MemberTag.objects.filter(pk=tag.pk).exists()
    assert (event.action, event.before["kind"]) == ("party.remove_tag", "wealth_leader")


# --- development steps -----------------------------------------------------------------------


def test_it_filters_steps(cast, party, logs):
    client = api_for(cast.province_admin)
    assert len(rows(client.get(f"{STEPS}?stage=applicant&since=2020-03-02"))) == 1
    assert len(rows(client.get(f"{STEPS}?region={COUNTY_B}"))) == 1
    assert rows(client.get(f"{STEPS}?member={logs['applicant_a'].pk}"))[0]["on"] == "2020-03-01"


def test_it_records_the_development_of_a_member(cast, party, logs):
    applicant = logs["applicant_a"]
    client = api_for(cast.village_a_secretary)
    since = last_event_id()
    data = api_created(
        client,
        STEPS,
        {
            "member": applicant.pk,
            "stage": "activist",
            "on": "2020-09-01",
            "approved_by": "村党支部",
            "contacts": "张三、李四",
        },
    )
    assert (data["stage"], data["recorded_by"], data["region_code"]) == (
        "activist",
        "village_a_secretary",
        VILLAGE_A,
    )
    assert Member.objects.get(pk=applicant.pk).stage == "activist"
    assert DevelopmentStep.objects.filter(member=applicant).count() == 2
    [event] = new_events(since)
    assert (event.action, event.before, event.after["stage"]) == (
        "party.record_step",
        {"stage": "applicant"},
        "activist",
    )
    member = api_for(cast.village_a_secretary).get(f"{MEMBERS}{applicant.pk}/").json()
    assert [s["stage"] for s in member["steps"]] == ["applicant", "activist"]


@pytest.mark.parametrize(
    ("actor", "changes", "errors"),
    [
        ("county_b_admin", {}, {"member": [no_such("{applicant_a}")]}),
        ("auditor", {}, {"member": [no_such("{applicant_a}")]}),
        ("helper", {}, {"member": [no_such("{applicant_a}")]}),
        (
            "county_a_admin",
            {"contacts": "张三"},
            {"contacts": [("An activist needs two contacts.", None)]},
        ),
        (
            "county_a_admin",
            {"on": "2020-02-01"},
            {"on": [("The date is before the previous step (%(date)s).", "2020-03-01")]},
        ),
        (
            "county_a_admin",
            {"on": (TODAY + datetime.timedelta(days=3)).isoformat()},
            {"on": [("A step is recorded once it has happened.", None)]},
        ),
        ("county_a_admin", {"stage": "boss"}, {"stage": [not_a_choice("boss")]}),
        ("county_a_admin", {"on": None}, {"on": [REQUIRED]}),
    ],
)
def test_it_refuses_a_bad_step_with_400(cast, party, logs, actor, changes, errors):
    pks = {"{applicant_a}": str(logs["applicant_a"].pk)}
    body = {
        "member": logs["applicant_a"].pk,
        "stage": "activist",
        "on": "2020-09-01",
        "contacts": "张三、李四",
    }
    body.update(changes)
    body = {k: v for k, v in body.items() if v is not None}
    with nothing_saved():
        response = zh_api(getattr(cast, actor)).post(STEPS, body, format="json")
    assert response.status_code == 400
    assert response.json() == expand(errors, pks)


def test_it_refuses_skipping_a_stage(cast, party, logs):
    with nothing_saved():
        response = zh_api(cast.county_a_admin).post(
            STEPS,
            {"member": logs["applicant_a"].pk, "stage": "target", "on": "2021-09-01"},
            format="json",
        )
    assert response.status_code == 400
    # The stage names inside the message are the catalogue's too.
    message = "After “%(current)s” the next stage is “%(next)s”."
    assert response.json() == {"stage": [zh(message, current=zh("Applicant"), next=zh("Activist"))]}


def test_it_refuses_a_step_beyond_full_membership(cast, party):
    with nothing_saved():
        response = zh_api(cast.county_a_admin).post(
            STEPS, {"member": party.member_a.pk, "stage": "full", "on": "2020-01-01"}, format="json"
        )
    assert response.status_code == 400
    assert response.json() == {"stage": [zh("A full member has no further stage.")]}


# --- service logs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("channel=wechat", {"甲"}),
        ("kind=jobs", {"乙"}),
        (f"region={VILLAGE_B}", {"乙"}),
        ("since=2021-05-15", {"乙"}),
        ("until=2021-05-15", {"甲"}),
        ("since=2021-05-01&until=2021-05-01", {"甲"}),
        ("member={member_b}", {"乙"}),
    ],
)
def test_it_filters_services(cast, party, logs, query, expected):
    query = query.replace("{member_b}", str(party.member_b.pk))
    found = {s["note"] for s in rows(api_for(cast.province_admin).get(f"{SERVICES}?{query}"))}
    assert found == expected


def test_it_records_a_service(cast, party):
    since = last_event_id()
    data = api_created(
        api_for(cast.county_a_admin),
        SERVICES,
        {
            "member": party.member_park.pk,
            "village": VILLAGE_A,
            "on": "2022-02-02",
            "kind": "information",
            "channel": "qq",
            "note": "发布用工信息",
        },
    )
    assert (data["village_name"], data["county_code"], data["recorded_by"]) == (
        NAME_A,
        COUNTY_A,
        "county_a_admin",
    )
    assert ServiceLog.objects.get(pk=data["id"]).channel == "qq"
    [event] = new_events(since)
    assert (event.action, event.region_code) == ("party.record_service", VILLAGE_A)


@pytest.mark.parametrize(
    ("actor", "changes", "errors"),
    [
        ("county_b_admin", {}, {"member": [no_such("{member_a}")]}),
        (
            "county_b_admin",
            {"member": "{member_b}"},
            {"village": [("%(village)s is outside the regions you may change.", NAME_A)]},
        ),
        (
            "auditor",
            {},
            {"village": [("%(village)s is outside the regions you may change.", NAME_A)]},
        ),
        # The helper sees only the members they own: member A is not one of them here.
        ("helper", {}, {"member": [no_such("{member_a}")]}),
        (
            "village_a_secretary",
            {"village": VILLAGE_A2},
            {"village": [("%(village)s is outside the regions you may change.", NAME_A2)]},
        ),
        (
            "county_a_admin",
            {"village": "510821101077"},
            {"village": ["没有村代码为“510821101077”的村。"]},
        ),
        (
            "county_a_admin",
            {"village": TOWNSHIP_A},
            {"village": [f"没有村代码为“{TOWNSHIP_A}”的村。"]},
        ),
        (
            "county_a_admin",
            {"on": (TODAY + datetime.timedelta(days=1)).isoformat()},
            {"on": [("A service is recorded once it has happened.", None)]},
        ),
        ("county_a_admin", {"kind": "party"}, {"kind": [not_a_choice("party")]}),
        ("county_a_admin", {"channel": "fax"}, {"channel": [not_a_choice("fax")]}),
        ("county_a_admin", {"note": "x" * 501}, {"note": ["请确保这个字段不能超过 500 个字符。"]}),
        ("county_a_admin", {"village": None}, {"village": [REQUIRED]}),
    ],
)
def test_it_refuses_a_bad_service_with_400(cast, party, actor, changes, errors):
    pks = pks_of(party)
    changes = with_pks(changes, pks)
    body = {"member": party.member_a.pk, "village": VILLAGE_A, "on": "2022-01-01", "kind": "sales"}
    body.update(changes)
    body = {k: v for k, v in body.items() if v is not None}
    with nothing_saved():
        response = zh_api(getattr(cast, actor)).post(SERVICES, body, format="json")
    assert response.status_code == 400
    assert response.json() == expand(errors, pks)


def test_it_deletes_a_service(cast, party, logs):
    service = logs["service_a"]
    event = deleted_in_scope(cast, f"{SERVICES}{service.pk}/")
    assert not ServiceLog.objects.filter(pk=service.pk).exists()
    assert (event.action, event.before["kind"]) == ("party.delete_service", "sales")


# --- reorganisations -------------------------------------------------------------------------


@pytest.fixture
def reorganisations(party):
    return {
        "a": merge(party, [party.org_a2], "甲二村党总支", VILLAGE_A2, datetime.date(2021, 1, 1)),
        "b": merge(party, [party.org_b], "乙村党总支", VILLAGE_B, datetime.date(2022, 1, 1)),
    }


def test_it_shows_a_reorganisation(cast, party, reorganisations):
    data = api_for(cast.county_a_admin).get(f"{REORGS}{reorganisations['a'].pk}/").json()
    assert (data["on"], data["members_moved"], data["regions"]) == ("2021-01-01", 1, [VILLAGE_A2])
    assert [s["name"] for s in data["sources"]] == ["甲二村党支部"]
    assert [(s["name"], s["level"]) for s in data["successors"]] == [
        ("甲二村党总支", "general_branch")
    ]
    org = api_for(cast.county_a_admin).get(f"{ORGS}{party.org_a2.pk}/").json()
    assert (org["closed_on"], org["is_open"], org["closed_by"]) == (
        "2021-01-01",
        False,
        [reorganisations["a"].pk],
    )


def test_it_filters_reorganisations(cast, party, reorganisations):
    client = api_for(cast.province_admin)
    assert [r["id"] for r in rows(client.get(f"{REORGS}?region={COUNTY_B}"))] == [
        reorganisations["b"].pk
    ]
    assert [r["id"] for r in rows(client.get(f"{REORGS}?until=2021-06-30"))] == [
        reorganisations["a"].pk
    ]
    assert rows(client.get(f"{REORGS}?since=2022-01-02")) == []


def test_it_keeps_reorganisations_read_only(cast, party, reorganisations):
    client = api_for(cast.province_admin)
    pk = reorganisations["a"].pk
    with nothing_saved():
        assert client.post(REORGS, {}, format="json").status_code == 405
        assert client.patch(f"{REORGS}{pk}/", {}, format="json").status_code == 405
        assert client.delete(f"{REORGS}{pk}/").status_code == 405


# --- county B writes nothing into county A ---------------------------------------------------


def test_it_lets_county_b_write_nothing_into_county_a(cast, party, logs):
    client = api_for(cast.county_b_admin)
    with nothing_saved():
        statuses = [
            client.post(ORGS, new_org(coverage=[VILLAGE_A]), format="json").status_code,
            client.patch(f"{ORGS}{party.org_a.pk}/", {"note": "x"}, format="json").status_code,
            client.delete(f"{ORGS}{party.org_a.pk}/").status_code,
            client.post(MEMBERS, new_member(party.org_a), format="json").status_code,
            client.post(
                MEMBERS, new_member(party.park, region=VILLAGE_A2), format="json"
            ).status_code,
            client.patch(f"{MEMBERS}{party.member_a.pk}/", {"post": "x"}).status_code,
            client.patch(
                f"{MEMBERS}{party.member_b.pk}/",
                {"organisation": party.park.pk, "region": VILLAGE_A2},
                format="json",
            ).status_code,
            client.delete(f"{MEMBERS}{party.member_park.pk}/").status_code,
            client.post(
                TAGS,
                {"member": party.member_a.pk, "kind": "cadre", "unit": "x", "since": "2020-01-01"},
                format="json",
            ).status_code,
            client.delete(f"{TAGS}{logs['tag_a'].pk}/").status_code,
            client.post(
                STEPS,
                {"member": logs["applicant_a"].pk, "stage": "activist", "on": "2021-01-01"},
                format="json",
            ).status_code,
            client.post(
                SERVICES,
                {
                    "member": party.member_b.pk,
                    "village": VILLAGE_A,
                    "on": "2022-01-01",
                    "kind": "jobs",
                },
                format="json",
            ).status_code,
            client.delete(f"{SERVICES}{logs['service_a'].pk}/").status_code,
        ]
    assert statuses == [400, 404, 404, 400, 400, 404, 400, 404, 400, 404, 400, 400, 404]


# --- query counts ----------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def grow(party, logs, n):
    """`n` more of every record in county A, each linked to others, through the actions."""
    for i in range(n):
        org = actions.create_organisation(
            actor=None,
            name=f"甲村第{i}党小组",
            level="group",
            kind="village",
            region_codes=[VILLAGE_A],
            parent=party.org_a,
        )
        member = register(
            org,
            VILLAGE_A,
            f"党员{i}",
            700 + i,
            born=datetime.date(1980, 1, 1 + i),
            stage="probationary",
            joined_on=datetime.date(2020, 1, 1),
        )
        actions.update_organisation(actor=None, organisation=org, secretary=member)
        actions.add_tag(
            actor=None, member=member, kind="wealth_leader", since=datetime.date(2020, 1, 1)
        )
        actions.record_service(
            actor=None,
            member=member,
            village_code=VILLAGE_A,
            on=datetime.date(2021, 1, 1),
            kind="volunteer",
        )
        applicant = register(org, VILLAGE_A, f"申请人{i}", 800 + i, stage="applicant")
        actions.record_step(
            actor=None, member=applicant, stage="applicant", on=datetime.date(2021, 1, 1)
        )
        actions.reorganise(
            actor=None,
            sources=[org],
            successors=[
                actions.Successor(
                    f"甲村新{i}党小组", "group", "village", [VILLAGE_A], parent=party.org_a
                )
            ],
            on=datetime.date(2022, 1, 1),
        )


@pytest.mark.parametrize("url", LISTS)
def test_it_lists_with_a_fixed_number_of_queries(cast, party, logs, url):
    merge(party, [party.org_a2], "甲二村党总支", VILLAGE_A2)
    client = api_for(cast.auditor)
    client.get(url)  # the user's grants are read once and kept
    before = count_queries(client, url)
    grow(party, logs, 12)
    after = count_queries(client, url)
    assert after == before <= 5, (before, after)
    assert len(rows(client.get(url))) > 12


# --- schema ----------------------------------------------------------------------------------


def test_it_documents_the_party_endpoints(cast):
    schema = client_for(cast.province_admin).get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/organisations/",
        "/api/v1/organisations/{id}/",
        "/api/v1/members/",
        "/api/v1/members/{id}/",
        "/api/v1/member-tags/",
        "/api/v1/development-steps/",
        "/api/v1/service-logs/",
        "/api/v1/reorganisations/{id}/",
    ):
        assert path in schema["paths"], path
    components = schema["components"]["schemas"]
    assert components["Organisation"]["properties"]["coverage"]["type"] == "array"
    # Not the registry's "Member" (a household's member): the party's has its own name.
    assert "id_number" in components["PartyMember"]["properties"]
    assert "relation" in components["Member"]["properties"]
