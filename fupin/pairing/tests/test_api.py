"""/api/v1/ helpers, pairings, plans, measures, visits, cap-rules and proposals, for every member
of the cast (the sample: fupin.testing.build_pairing_sample).

Messages are checked in Chinese: those of Django and DRF written out, those of the pairing's
actions read from the catalogue by `zh`, which also fails when one is left untranslated.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from fupin.lib.ids import make_resident_id
from fupin.pairing import actions
from fupin.pairing.models import CapRule, Helper, HouseholdPlan, Measure, Pairing, Proposal, Visit
from fupin.pairing.optimise import ProposalResult
from fupin.party import actions as party_actions
from fupin.registry import actions as registry
from fupin.testing import (
    CHANGES,
    COUNTY_A,
    COUNTY_B,
    VILLAGE_A,
    VILLAGE_A2,
    ApiSuite,
    api_created,
    api_for,
    api_refused,
    expand,
    ids,
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
from fupin.testing import (
    SEES as RULES,
)

HELPERS = "/api/v1/helpers/"
PAIRINGS = "/api/v1/pairings/"
PLANS = "/api/v1/plans/"
MEASURES = "/api/v1/measures/"
VISITS = "/api/v1/visits/"
CAPS = "/api/v1/cap-rules/"
PROPOSALS = "/api/v1/proposals/"
LISTS = (HELPERS, PAIRINGS, PLANS, MEASURES, VISITS, CAPS, PROPOSALS)

# The sample's records on each side of the county line, by endpoint: "a" in village A (county
# A), "b" in village B (county B).
RECORDS = {
    HELPERS: {"a": "helper_a", "b": "helper_b"},
    PAIRINGS: {"a": "pairing_a", "b": "pairing_b"},
    PLANS: {"a": "plan_a", "b": "plan_b"},
    MEASURES: {"a": "measure_a"},
    VISITS: {"a": "visit_a", "b": "visit_b"},
}
REQUIRED = "该字段是必填项。"
NOT_FOUND = {"detail": "未找到。"}
OUT_OF_SCOPE = "This is outside the regions you are responsible for."
TODAY = datetime.date.today()


def proposal_for(pairing, region=COUNTY_A, actor=None, **changes) -> Proposal:
    """A proposal (as the optimiser would make it) to pair household A2 with helper A."""
    item = {
        "kind": "household",
        "id": pairing.household_a2.pk,
        "name": str(pairing.household_a2),
        "village": VILLAGE_A2,
        "old": None,
        "old_name": "",
        "new": pairing.helper_a.pk,
        "new_name": "党员甲",
        "reason": "",
    }
    result = ProposalResult(
        beneficiaries=2,
        assigned=2,
        unassigned=0,
        cost_before=2000,
        cost_after=40,
        seconds=0.01,
        histogram={2: 1},
        items=[item | changes],
    )
    return actions.save_proposal(actor=actor, region_code=region, result=result)


# --- authentication --------------------------------------------------------------------------


def test_it_refuses_writes_without_credentials(cast, pairing):
    client = APIClient()
    p = pairing
    with nothing_saved():
        responses = [
            client.post(HELPERS, {"member": p.party.member_a2.pk}, format="json"),
            client.patch(f"{HELPERS}{p.helper_a.pk}/", {"is_leader": True}, format="json"),
            client.delete(f"{HELPERS}{p.helper_a.pk}/"),
            client.post(PAIRINGS, {"helper": p.helper_a.pk}, format="json"),
            client.post(f"{PAIRINGS}{p.pairing_a.pk}/end/", {}, format="json"),
            client.delete(f"{PAIRINGS}{p.pairing_a.pk}/"),
            client.post(PLANS, {"household": p.household_a2.pk, "year": 2025}, format="json"),
            client.patch(f"{PLANS}{p.plan_a.pk}/", {"problems": "x"}, format="json"),
            client.delete(f"{PLANS}{p.plan_a.pk}/"),
            client.post(MEASURES, {"plan": p.plan_a.pk}, format="json"),
            client.patch(f"{MEASURES}{p.measure_a.pk}/", {"status": "done"}, format="json"),
            client.delete(f"{MEASURES}{p.measure_a.pk}/"),
            client.post(VISITS, {"household": p.household_a.pk}, format="json"),
            client.patch(f"{VISITS}{p.visit_a.pk}/", {"done": "x"}, format="json"),
            client.delete(f"{VISITS}{p.visit_a.pk}/"),
            client.post(CAPS, {"region": COUNTY_A}, format="json"),
            client.post(f"{PROPOSALS}1/apply/"),
            client.post(f"{PROPOSALS}1/discard/"),
        ]
    assert [r.status_code for r in responses] == [401] * len(responses)


# --- reading and writing, by scope: the generic suites ----------------------------------------


class PairingApiSuite(ApiSuite):
    """The pairing's endpoints see as the rules say, but the helper sees what they own: all on
    side a of the sample."""

    sees = {**RULES, "helper": {"a"}}
    key: str  # the sample's records: key + "_a" and key + "_b"

    @pytest.fixture
    def records(self, pairing):
        return {side: getattr(pairing, f"{self.key}_{side}") for side in ("a", "b")}


class TestHelperApi(PairingApiSuite):
    endpoint, key = HELPERS, "helper"

    def patch(self, obj):
        return {"is_leader": True}


class TestPairingApi(PairingApiSuite):
    endpoint, key = PAIRINGS, "pairing"


class TestPlanApi(PairingApiSuite):
    endpoint, key = PLANS, "plan"
    # The helper keeps the plans and visits of their own households.
    changes = {**CHANGES, "helper": {"a"}}
    read_only = frozenset({"auditor"})

    def patch(self, obj):
        return {"problems": "缺资金。"}


class TestVisitApi(PairingApiSuite):
    endpoint, key = VISITS, "visit"
    # The helper keeps the plans and visits of their own households.
    changes = {**CHANGES, "helper": {"a"}}
    read_only = frozenset({"auditor"})
    deletes = True

    def patch(self, obj):
        return {"done": "宣讲政策。"}


# --- reading, by scope -----------------------------------------------------------------------


def test_it_shows_a_helper_with_load_and_masks_personal_data_for_the_auditor(cast, pairing):
    member = pairing.party.member_a
    url = f"{HELPERS}{pairing.helper_a.pk}/"
    full = api_for(cast.county_a_admin).get(url).json()
    assert (full["member_name"], full["id_number"], full["phone"]) == (
        "党员甲",
        member.id_number,
        "13912345678",
    )
    assert (full["region"], full["expertise"], full["username"]) == (
        VILLAGE_A,
        ["planting", "ecommerce"],
        "helper",
    )
    assert (full["primary_load"], full["secondary_load"], full["is_leader"]) == (1, 0, False)
    masked = api_for(cast.auditor).get(url).json()
    assert masked["id_number"] == member.id_number[:6] + "********" + member.id_number[-4:]
    assert masked["phone"] == "139****5678"
    assert {k: v for k, v in masked.items() if k not in ("id_number", "phone")} == {
        k: v for k, v in full.items() if k not in ("id_number", "phone")
    }


def test_it_masks_the_phones_of_a_pairing_for_the_auditor(cast, pairing):
    registry.update_household(actor=None, household=pairing.household_a, phone="13688889999")
    url = f"{PAIRINGS}{pairing.pairing_a.pk}/"
    full = api_for(cast.village_a_secretary).get(url).json()
    assert (full["helper_phone"], full["beneficiary_phone"]) == ("13912345678", "13688889999")
    assert (full["helper_name"], full["beneficiary_name"]) == ("党员甲", str(pairing.household_a))
    assert (full["kind"], full["started_on"], full["current"], full["source"]) == (
        "primary",
        "2024-03-01",
        True,
        "manual",
    )
    masked = api_for(cast.auditor).get(url).json()
    assert (masked["helper_phone"], masked["beneficiary_phone"]) == ("139****5678", "136****9999")
    # The helper sees their own household's phone.
    own = api_for(cast.helper).get(url).json()
    assert own["beneficiary_phone"] == "13688889999"


def test_it_shows_a_plan_with_its_measures(cast, pairing):
    data = api_for(cast.helper).get(f"{PLANS}{pairing.plan_a.pk}/").json()
    assert (data["household"], data["year"], data["region"], data["exit_deadline"]) == (
        pairing.household_a.pk,
        2024,
        VILLAGE_A,
        "2025-12-31",
    )
    assert data["measures"] == [
        {
            "id": pairing.measure_a.pk,
            "category": "industry",
            "description": "发展花椒种植3亩",
            "is_main": True,
            "cost": "1500.00",
            "responsible_unit": "县农业农村局",
            "deadline": "2024-10-31",
            "status": "planned",
        }
    ]


def test_it_lists_without_a_query_per_row(cast, pairing):
    client = api_for(cast.province_admin)
    counts = {}
    rows(client.get(HELPERS))  # the caller's grants, read once and kept
    for url in RECORDS:
        with CaptureQueriesContext(connection) as few:
            rows(client.get(url))
        counts[url] = len(few)
    # Two more of everything, on both sides.
    for n in range(2):
        for household in (pairing.household_a, pairing.household_b):
            helper = actions.register_helper(
                actor=None,
                member=party_actions.register_member(
                    actor=None,
                    organisation=pairing.party.org_a
                    if household is pairing.household_a
                    else pairing.party.org_b,
                    name=f"新党员{n}",
                    id_number=make_resident_id(
                        household.county_code, datetime.date(1980, 1, 1), 800 + n
                    ),
                    stage="full",
                    joined_on=datetime.date(2000, 7, 1),
                    full_on=datetime.date(2001, 7, 1),
                ),
            )
            actions.pair(actor=None, helper=helper, household=household, kind="secondary")
            actions.record_visit(
                actor=None, helper=helper, household=household, visited_on=TODAY, done="走访"
            )
            actions.add_measure(
                actor=None,
                plan=actions.create_plan(actor=None, household=household, year=2020 + n),
                category="health",
                description=f"措施{n}",
            )
    for url in RECORDS:
        with CaptureQueriesContext(connection) as more:
            assert len(rows(client.get(url))) > 2
        assert len(more) == counts[url], url


# --- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "query", "expected"),
    [
        (HELPERS, f"region={COUNTY_B}", {"b"}),
        (HELPERS, "skill=livestock", {"b"}),
        (HELPERS, "skill=planting", {"a"}),
        (HELPERS, "q=党员甲", {"a"}),
        (PAIRINGS, f"region={VILLAGE_A}", {"a"}),
        (PAIRINGS, "current=true", {"a", "b"}),
        (PAIRINGS, "current=false", set()),
        (PAIRINGS, "household={household_b}", {"b"}),
        (PAIRINGS, "helper={helper_a}", {"a"}),
        (PLANS, "year=2024", {"a", "b"}),
        (PLANS, "household={household_a}", {"a"}),
        (MEASURES, "category=industry", {"a"}),
        (MEASURES, "status=done", set()),
        (VISITS, "since=2024-04-01&until=2024-04-01", {"a", "b"}),
        (VISITS, f"region={COUNTY_A}", {"a"}),
    ],
)
def test_it_filters(cast, pairing, url, query, expected):
    for key in ("household_a", "household_b", "helper_a"):
        query = query.replace(f"{{{key}}}", str(getattr(pairing, key).pk))
    found = ids(api_for(cast.province_admin).get(f"{url}?{query}"))
    assert found == {getattr(pairing, RECORDS[url][side]).pk for side in expected}


@pytest.mark.parametrize(
    ("url", "query", "errors"),
    [
        (HELPERS, "region=51x", {"region": ["区划代码应为 2、4、6、9 或 12 位数字。"]}),
        (HELPERS, "skill=x", {"skill": ["选择一个有效的选项。 x 不在可用的选项中。"]}),
        (PAIRINGS, "kind=x", {"kind": ["选择一个有效的选项。 x 不在可用的选项中。"]}),
        (PAIRINGS, "household=x", {"household": ["输入整数。"]}),
        (MEASURES, "plan=1.5", {"plan": ["输入整数。"]}),
        (VISITS, "since=2024-13-01", {"since": ["输入一个有效的日期。"]}),
        (PROPOSALS, "status=x", {"status": ["选择一个有效的选项。 x 不在可用的选项中。"]}),
    ],
)
def test_it_refuses_a_bad_filter_with_400(cast, pairing, url, query, errors):
    assert api_refused(zh_api(cast.province_admin).get(f"{url}?{query}")) == errors


# --- helpers: writing ------------------------------------------------------------------------


def test_it_registers_a_helper(cast, pairing):
    since = last_event_id()
    data = api_created(
        api_for(cast.county_a_admin),
        HELPERS,
        {"member": pairing.party.member_a2.pk, "expertise": ["jobs"], "is_leader": True},
    )
    helper = Helper.objects.get(pk=data["id"])
    assert (helper.member, helper.region_id, helper.expertise, helper.is_leader) == (
        pairing.party.member_a2,
        VILLAGE_A2,
        "jobs",
        True,
    )
    assert (data["region"], data["primary_load"], data["id_number"]) == (
        VILLAGE_A2,
        0,
        pairing.party.member_a2.id_number,
    )
    [event] = new_events(since)
    assert (event.action, event.actor, event.region_code) == (
        "pairing.register_helper",
        cast.county_a_admin,
        VILLAGE_A2,
    )


def test_it_registers_a_county_cadre_working_in_the_county(cast, pairing):
    response = api_for(cast.county_a_admin).post(
        HELPERS, {"member": pairing.party.member_a2.pk, "region": COUNTY_A}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["region"], response.json()["county_code"]) == (COUNTY_A, COUNTY_A)


@pytest.mark.parametrize(
    ("actor", "changes", "errors"),
    [
        ("county_b_admin", {}, {"member": [no_such("{member_a2}")]}),
        ("helper", {}, {"member": [no_such("{member_a2}")]}),
        (
            "auditor",
            {},
            {
                "region": [
                    ("%(region)s is outside the regions you may change.", "庙二湾社区居民委员会")
                ]
            },
        ),
        (
            "village_a_secretary",
            {"member": "{member_a}"},
            {"member": [("%(name)s is already a helper.", "党员甲")]},
        ),
        (
            "county_a_admin",
            {"member": "{poor_member}"},
            {"member": [("%(name)s is registered as poor and cannot be a helper.", "贫困党员丙")]},
        ),
        (
            "county_a_admin",
            {"region": COUNTY_B},
            {"region": [("%(region)s is outside the regions you may change.", "苍溪县")]},
        ),
        (
            "county_a_admin",
            {"region": "510821999999"},
            {"region": [("There is no region with code “%(code)s”.", "510821999999")]},
        ),
        (
            "county_a_admin",
            {"region": "51"},
            {"region": [("A helper works in a city, county or below.", None)]},
        ),
        (
            "county_a_admin",
            {"expertise": ["flying"]},
            {"expertise": {"0": [not_a_choice("flying")]}},
        ),
        ("county_a_admin", {"user": "{province_admin}"}, {"user": [no_such("{province_admin}")]}),
        (
            "county_a_admin",
            {"user": "{helper}"},
            {"user": [("This login already belongs to helper %(name)s.", "党员甲")]},
        ),
        ("county_a_admin", {"member": None}, {"member": ["该字段不能为 null。"]}),
    ],
)
def test_it_refuses_a_bad_new_helper_with_400(cast, pairing, poor_member, actor, changes, errors):
    pks = pks_of(cast, pairing, poor_member)
    body = with_pks({"member": "{member_a2}", **changes}, pks)
    with nothing_saved():
        response = zh_api(getattr(cast, actor)).post(HELPERS, body, format="json")
    assert api_refused(response) == expand(errors, pks)


def test_it_names_every_missing_field_of_a_helper(cast, pairing):
    with nothing_saved():
        response = zh_api(cast.county_a_admin).post(HELPERS, {}, format="json")
    assert api_refused(response) == {"member": [REQUIRED]}


def pks_of(cast, pairing, poor_member=None) -> dict[str, str]:
    """ "{member_a2}" -> the id of the sample's member_a2, and so on."""
    pks = {
        f"{{{k}}}": str(getattr(pairing.party, k).pk)
        for k in ("member_a", "member_a2", "member_b", "member_park")
    }
    for key in (
        "helper_a",
        "helper_b",
        "household_a",
        "household_a2",
        "household_b",
        "plan_a",
        "plan_b",
        "pairing_a",
    ):
        pks[f"{{{key}}}"] = str(getattr(pairing, key).pk)
    for name in ("province_admin", "helper"):
        pks[f"{{{name}}}"] = str(getattr(cast, name).pk)
    if poor_member is not None:
        pks["{poor_member}"] = str(poor_member.pk)
    return pks


def test_it_changes_a_helper(cast, pairing):
    since = last_event_id()
    response = api_for(cast.county_a_admin).patch(
        f"{HELPERS}{pairing.helper_a.pk}/",
        {"expertise": ["jobs", "health"], "is_leader": True, "region": COUNTY_A},
        format="json",
    )
    assert response.status_code == 200, response.json()
    helper = Helper.objects.get(pk=pairing.helper_a.pk)
    assert (helper.expertise, helper.is_leader, helper.region_id) == ("jobs,health", True, COUNTY_A)
    assert response.json()["primary_load"] == 1
    [event] = new_events(since)
    assert (event.action, event.before["expertise"], event.after["expertise"]) == (
        "pairing.update_helper",
        "planting,ecommerce",
        "jobs,health",
    )


def test_it_refuses_to_put_a_helper_on_another_member(cast, pairing):
    with nothing_saved():
        response = zh_api(cast.county_a_admin).patch(
            f"{HELPERS}{pairing.helper_a.pk}/",
            {"member": pairing.party.member_a2.pk},
            format="json",
        )
    assert api_refused(response) == {
        "member": [zh("This cannot be changed: make a new record instead.")]
    }


@pytest.mark.parametrize("url", [HELPERS, PAIRINGS, PLANS, VISITS])
def test_it_lets_nobody_outside_change_or_delete_a_record(cast, pairing, url):
    """County B's administrator and the auditor change nothing of county A (404: as if it
    did not exist), nor county A's anything of county B."""
    key = RECORDS[url]
    cases = [
        ("county_b_admin", key["a"]),
        ("auditor", key["a"]),
        ("county_a_admin", key["b"]),
        ("village_a_secretary", key["b"]),
        ("helper", key["b"]),
    ]
    for name, record in cases:
        pk = getattr(pairing, record).pk
        client = api_for(getattr(cast, name))
        with nothing_saved():
            responses = [
                client.patch(f"{url}{pk}/", {"note": "x"}, format="json"),
                client.delete(f"{url}{pk}/"),
            ]
        assert [r.status_code for r in responses] == [405 if url == PAIRINGS else 404, 404], (
            name,
            record,
        )


def test_it_refuses_deleting_a_helper_with_pairings_and_deletes_one_without(cast, pairing):
    with nothing_saved():
        response = zh_api(cast.county_a_admin).delete(f"{HELPERS}{pairing.helper_a.pk}/")
    message = api_refused(response)["detail"][0]
    assert message.startswith(
        zh("Other records refer to this one (%(records)s): change them first.", records="")[:6]
    )
    helper = actions.register_helper(actor=None, member=pairing.party.member_a2)
    since = last_event_id()
    assert api_for(cast.county_b_admin).delete(f"{HELPERS}{helper.pk}/").status_code == 404
    assert api_for(cast.county_a_admin).delete(f"{HELPERS}{helper.pk}/").status_code == 204
    assert not Helper.objects.filter(pk=helper.pk).exists()
    assert [e.action for e in new_events(since)] == ["pairing.delete_helper"]


# --- pairings --------------------------------------------------------------------------------


def test_it_pairs_a_helper_with_a_household(cast, pairing):
    since = last_event_id()
    data = api_created(
        api_for(cast.county_a_admin),
        PAIRINGS,
        {
            "helper": pairing.helper_a.pk,
            "household": pairing.household_a2.pk,
            "started_on": "2025-01-02",
        },
    )
    made = Pairing.objects.get(pk=data["id"])
    assert (made.helper, made.household, made.kind, made.source, made.made_by) == (
        pairing.helper_a,
        pairing.household_a2,
        "primary",
        "manual",
        cast.county_a_admin,
    )
    assert (data["region"], data["started_on"], data["made_by"]) == (
        VILLAGE_A2,
        "2025-01-02",
        "county_a_admin",
    )
    [event] = new_events(since)
    assert (event.action, event.actor, event.region_code) == (
        "pairing.pair",
        cast.county_a_admin,
        VILLAGE_A2,
    )


def test_it_pairs_a_helper_with_a_poor_member_as_secondary(cast, pairing, poor_member):
    data = api_created(
        api_for(cast.province_admin),
        PAIRINGS,
        {"helper": pairing.helper_a.pk, "member": poor_member.pk, "kind": "secondary"},
    )
    assert (data["member"], data["household"], data["kind"], data["started_on"]) == (
        poor_member.pk,
        None,
        "secondary",
        TODAY.isoformat(),
    )
    assert (data["beneficiary_name"], data["beneficiary_phone"]) == ("贫困党员丙", "13700001111")
    masked = api_for(cast.auditor).get(f"{PAIRINGS}{data['id']}/").json()
    assert masked["beneficiary_phone"] == "137****1111"


@pytest.mark.parametrize(
    ("actor", "changes", "errors"),
    [
        # Only an administrator pairs: the helper, the auditor.
        (
            "helper",
            {"household": "{household_a}", "kind": "secondary"},
            {"detail": [("Only an administrator of this village's region may pair here.", None)]},
        ),
        (
            "auditor",
            {},
            {"detail": [("Only an administrator of this village's region may pair here.", None)]},
        ),
        # County B sees neither helper A nor household A2.
        (
            "county_b_admin",
            {},
            {"helper": [no_such("{helper_a}")], "household": [no_such("{household_a2}")]},
        ),
        ("county_a_admin", {"helper": "{helper_b}"}, {"helper": [no_such("{helper_b}")]}),
        # The village secretary of A does not see village A2.
        ("village_a_secretary", {}, {"household": [no_such("{household_a2}")]}),
        (
            "county_a_admin",
            {"household": "{household_a}"},
            {
                "helper": [
                    ("%(helper)s is already paired with %(name)s.", ("党员甲", "510821100001-P001"))
                ]
            },
        ),
        (
            "province_admin",
            {"helper": "{helper_b}", "household": "{household_a}"},
            {
                "helper": [
                    (
                        "%(helper)s works in %(region)s and cannot help in this village.",
                        ("党员乙", "金穗社区居民委员会"),
                    )
                ]
            },
        ),
        (
            "county_a_admin",
            {"household": None},
            {"detail": [("Pair a helper with either a household or a poor party member.", None)]},
        ),
        (
            "county_a_admin",
            {"member": "{poor_member}"},
            {"detail": [("Pair a helper with either a household or a poor party member.", None)]},
        ),
        (
            "county_a_admin",
            {"household": None, "member": "{member_a2}"},
            {"member": [("%(name)s is not a poor party member.", "党员甲二")]},
        ),
        (
            "county_a_admin",
            {"started_on": "2999-01-01"},
            {"started_on": [("A pairing cannot start in the future.", None)]},
        ),
        ("county_a_admin", {"kind": "tertiary"}, {"kind": [not_a_choice("tertiary")]}),
        (
            "county_a_admin",
            {"started_on": "2024-02-30"},
            {"started_on": ["日期格式错误。请从这些格式中选择：YYYY-MM-DD。"]},
        ),
        ("county_a_admin", {"helper": None}, {"helper": ["该字段不能为 null。"]}),
    ],
)
def test_it_refuses_a_bad_pairing_with_400(cast, pairing, poor_member, actor, changes, errors):
    pks = pks_of(cast, pairing, poor_member)
    body = with_pks({"helper": "{helper_a}", "household": "{household_a2}", **changes}, pks)
    with nothing_saved():
        response = zh_api(getattr(cast, actor)).post(PAIRINGS, body, format="json")
    assert api_refused(response) == expand(errors, pks)


def test_it_refuses_a_primary_helper_to_a_household_that_has_one(cast, pairing):
    helper = actions.register_helper(actor=None, member=pairing.party.member_a2)
    with nothing_saved():
        response = zh_api(cast.county_a_admin).post(
            PAIRINGS, {"helper": helper.pk, "household": pairing.household_a.pk}, format="json"
        )
    assert api_refused(response) == {
        "kind": [
            zh(
                "%(name)s already has a primary helper: end that pairing first.",
                name=str(pairing.household_a),
            )
        ]
    }


def test_it_refuses_a_pairing_over_the_cap(cast, pairing):
    actions.set_cap_rule(
        actor=None, region_code=COUNTY_A, primary_cap=1, leader_cap=1, secondary_cap=1
    )
    with nothing_saved():
        response = zh_api(cast.county_a_admin).post(
            PAIRINGS,
            {"helper": pairing.helper_a.pk, "household": pairing.household_a2.pk},
            format="json",
        )
    assert api_refused(response) == {
        "helper": [
            zh(
                "%(helper)s already has %(load)s beneficiaries of this kind; the cap is %(cap)s.",
                helper="党员甲",
                load=1,
                cap=1,
            )
        ]
    }


def test_it_ends_a_pairing(cast, pairing):
    url = f"{PAIRINGS}{pairing.pairing_a.pk}/end/"
    for name in ("county_b_admin", "auditor"):
        with nothing_saved():
            assert api_for(getattr(cast, name)).post(url, {}, format="json").status_code == 404
    # The helper sees their pairing, but only an administrator ends it.
    with nothing_saved():
        response = zh_api(cast.helper).post(url, {}, format="json")
    assert api_refused(response) == {
        "detail": [zh("Only an administrator of this village's region may pair here.")]
    }
    with nothing_saved():
        response = zh_api(cast.county_a_admin).post(url, {"ended_on": "2024-02-01"}, format="json")
    assert api_refused(response) == {"ended_on": [zh("A pairing cannot end before it started.")]}
    with nothing_saved():
        response = zh_api(cast.county_a_admin).post(url, {"ended_on": "someday"}, format="json")
    assert api_refused(response) == {"ended_on": ["日期格式错误。请从这些格式中选择：YYYY-MM-DD。"]}

    since = last_event_id()
    response = api_for(cast.village_a_secretary).post(
        url, {"ended_on": "2025-06-30"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["ended_on"], response.json()["current"]) == ("2025-06-30", False)
    [event] = new_events(since)
    assert (event.action, event.before["ended_on"], event.after["ended_on"]) == (
        "pairing.end_pairing",
        None,
        "2025-06-30",
    )
    with nothing_saved():
        response = zh_api(cast.county_a_admin).post(url, {}, format="json")
    assert api_refused(response) == {"detail": [zh("This pairing has already ended.")]}


def test_it_ends_a_pairing_today_by_default(cast, pairing):
    response = api_for(cast.county_b_admin).post(f"{PAIRINGS}{pairing.pairing_b.pk}/end/")
    assert response.status_code == 200, response.json()
    assert Pairing.objects.get(pk=pairing.pairing_b.pk).ended_on == TODAY


def test_it_deletes_a_pairing_made_by_mistake(cast, pairing):
    url = f"{PAIRINGS}{pairing.pairing_a.pk}/"
    with nothing_saved():
        assert zh_api(cast.helper).delete(url).json() == {
            "detail": [zh("Only an administrator of this village's region may pair here.")]
        }
    since = last_event_id()
    assert api_for(cast.county_a_admin).delete(url).status_code == 204
    assert not Pairing.objects.filter(pk=pairing.pairing_a.pk).exists()
    assert [e.action for e in new_events(since)] == ["pairing.delete_pairing"]


def test_it_has_no_put_and_no_pairing_patch(cast, pairing):
    client = api_for(cast.province_admin)
    for url in (
        f"{HELPERS}{pairing.helper_a.pk}/",
        f"{PAIRINGS}{pairing.pairing_a.pk}/",
        f"{PLANS}{pairing.plan_a.pk}/",
        f"{MEASURES}{pairing.measure_a.pk}/",
        f"{VISITS}{pairing.visit_a.pk}/",
    ):
        assert client.put(url, {}, format="json").status_code == 405, url
    assert client.patch(f"{PAIRINGS}{pairing.pairing_a.pk}/", {}, format="json").status_code == 405


# --- plans and measures ----------------------------------------------------------------------


def test_it_creates_a_plan(cast, pairing):
    since = last_event_id()
    data = api_created(
        api_for(cast.county_a_admin),
        PLANS,
        {
            "household": pairing.household_a2.pk,
            "year": 2025,
            "situation": "独居老人",
            "exit_target": "两不愁三保障",
            "exit_deadline": "2025-12-31",
            "main_need": "health",
        },
    )
    plan = HouseholdPlan.objects.get(pk=data["id"])
    assert (plan.household, plan.year, plan.main_need, plan.region_id) == (
        pairing.household_a2,
        2025,
        "health",
        VILLAGE_A2,
    )
    assert data["measures"] == []
    [event] = new_events(since)
    assert (event.action, event.actor) == ("pairing.create_plan", cast.county_a_admin)


def test_it_lets_the_helper_plan_for_their_own_household_only(cast, pairing):
    client = api_for(cast.helper)
    response = client.post(
        PLANS, {"household": pairing.household_a.pk, "year": 2025}, format="json"
    )
    assert response.status_code == 201, response.json()
    with nothing_saved():
        response = zh_api(cast.helper).post(
            PLANS, {"household": pairing.household_a2.pk, "year": 2025}, format="json"
        )
    assert api_refused(response) == {"household": [no_such(pairing.household_a2.pk)]}


@pytest.mark.parametrize(
    ("actor", "changes", "errors"),
    [
        ("county_b_admin", {}, {"household": [no_such("{household_a2}")]}),
        ("auditor", {}, {"detail": (OUT_OF_SCOPE, None)}),
        (
            "county_a_admin",
            {"household": "{household_a}", "year": 2024},
            {
                "year": [
                    (
                        "Household %(household)s already has a plan for %(year)s.",
                        ("510821100001-P001", 2024),
                    )
                ]
            },
        ),
        (
            "county_a_admin",
            {"year": 1999},
            {"year": [("Enter a year between 2000 and next year.", None)]},
        ),
        (
            "county_a_admin",
            {"exit_deadline": "2024-12-31"},
            {"exit_deadline": [("The exit deadline is before the plan's year.", None)]},
        ),
        ("county_a_admin", {"main_need": "magic"}, {"main_need": [not_a_choice("magic")]}),
        ("county_a_admin", {"year": None}, {"year": ["该字段不能为 null。"]}),
    ],
)
def test_it_refuses_a_bad_plan_with_400(cast, pairing, actor, changes, errors):
    pks = pks_of(cast, pairing)
    body = with_pks({"household": "{household_a2}", "year": 2025, **changes}, pks)
    with nothing_saved():
        response = zh_api(getattr(cast, actor)).post(PLANS, body, format="json")
    status = 403 if actor == "auditor" else 400
    assert api_refused(response, status) == expand(errors, pks)


def test_it_changes_and_deletes_a_plan(cast, pairing):
    url = f"{PLANS}{pairing.plan_a.pk}/"
    since = last_event_id()
    response = api_for(cast.helper).patch(
        url, {"problems": "缺劳力", "main_need": "jobs"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert HouseholdPlan.objects.get(pk=pairing.plan_a.pk).problems == "缺劳力"
    [event] = new_events(since)
    assert (event.action, event.actor, event.after["problems"]) == (
        "pairing.update_plan",
        cast.helper,
        "缺劳力",
    )
    with nothing_saved():
        response = zh_api(cast.county_a_admin).patch(
            url, {"household": pairing.household_a2.pk}, format="json"
        )
    assert api_refused(response) == {
        "household": [zh("This cannot be changed: make a new record instead.")]
    }
    with nothing_saved():
        response = zh_api(cast.county_a_admin).patch(url, {"year": 3000}, format="json")
    assert api_refused(response) == {"year": [zh("Enter a year between 2000 and next year.")]}

    since = last_event_id()
    assert api_for(cast.village_a_secretary).delete(url).status_code == 204
    assert not Measure.objects.filter(pk=pairing.measure_a.pk).exists()
    [event] = new_events(since)
    assert (event.action, event.before["measures"][0]["description"]) == (
        "pairing.delete_plan",
        "发展花椒种植3亩",
    )


def test_it_adds_changes_and_deletes_a_measure(cast, pairing):
    since = last_event_id()
    response = api_for(cast.helper).post(
        MEASURES,
        {
            "plan": pairing.plan_a.pk,
            "category": "employment",
            "description": "公益性岗位",
            "cost": "1200.50",
            "is_main": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["cost"], data["is_main"], data["region_code"], data["status"]) == (
        "1200.50",
        True,
        VILLAGE_A,
        "planned",
    )
    # Marking it main unmarked the plan's first.
    assert not Measure.objects.get(pk=pairing.measure_a.pk).is_main
    plan = api_for(cast.helper).get(f"{PLANS}{pairing.plan_a.pk}/").json()
    assert [m["description"] for m in plan["measures"]] == ["公益性岗位", "发展花椒种植3亩"]
    [event] = new_events(since)
    assert (event.action, event.actor) == ("pairing.add_measure", cast.helper)

    url = f"{MEASURES}{data['id']}/"
    response = api_for(cast.county_a_admin).patch(url, {"status": "done"}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "done")
    with nothing_saved():
        response = zh_api(cast.county_a_admin).patch(
            url, {"plan": pairing.plan_b.pk}, format="json"
        )
    assert api_refused(response) == {"plan": [no_such(pairing.plan_b.pk)]}
    for name in ("county_b_admin", "auditor"):
        with nothing_saved():
            assert api_for(getattr(cast, name)).delete(url).status_code == 404
    assert api_for(cast.county_a_admin).delete(url).status_code == 204
    assert new_events(since)[-1].action == "pairing.delete_measure"


@pytest.mark.parametrize(
    ("actor", "changes", "errors"),
    [
        ("auditor", {}, {"plan": [no_such("{plan_a}")]}),
        ("county_b_admin", {}, {"plan": [no_such("{plan_a}")]}),
        ("county_a_admin", {"category": "magic"}, {"category": [not_a_choice("magic")]}),
        ("county_a_admin", {"cost": "-1"}, {"cost": ["请确保该值大于或者等于 0。"]}),
        ("county_a_admin", {"cost": "1.234"}, {"cost": ["请确保总计不超过 2 个小数位。"]}),
        ("county_a_admin", {"description": ""}, {"description": ["该字段不能为空。"]}),
        ("county_a_admin", {"status": "lost"}, {"status": [not_a_choice("lost")]}),
    ],
)
def test_it_refuses_a_bad_measure_with_400(cast, pairing, actor, changes, errors):
    pks = pks_of(cast, pairing)
    body = with_pks(
        {"plan": "{plan_a}", "category": "health", "description": "大病救助", **changes}, pks
    )
    with nothing_saved():
        response = zh_api(getattr(cast, actor)).post(MEASURES, body, format="json")
    assert api_refused(response) == expand(errors, pks)


# --- visits ----------------------------------------------------------------------------------


def test_it_lets_the_helper_record_a_visit_to_their_household(cast, pairing):
    since = last_event_id()
    data = api_created(
        api_for(cast.helper),
        VISITS,
        {
            "household": pairing.household_a.pk,
            "visited_on": TODAY.isoformat(),
            "done": "送去化肥两袋",
        },
    )
    visit = Visit.objects.get(pk=data["id"])
    # Left out, the helper is the caller's own helper record.
    assert (visit.helper, visit.household, visit.done, visit.region_id) == (
        pairing.helper_a,
        pairing.household_a,
        "送去化肥两袋",
        VILLAGE_A,
    )
    assert (data["helper_name"], data["beneficiary_name"]) == ("党员甲", str(pairing.household_a))
    [event] = new_events(since)
    assert (event.action, event.actor, event.region_code) == (
        "pairing.record_visit",
        cast.helper,
        VILLAGE_A,
    )
    assert ids(api_for(cast.helper).get(VISITS)) == {pairing.visit_a.pk, visit.pk}


def test_it_lets_an_administrator_record_a_helpers_visit(cast, pairing):
    response = api_for(cast.county_b_admin).post(
        VISITS,
        {
            "helper": pairing.helper_b.pk,
            "household": pairing.household_b.pk,
            "visited_on": "2024-05-01",
            "done": "宣讲政策",
            "follow_ups": "再访",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["follow_ups"] == "再访"


@pytest.mark.parametrize(
    ("actor", "changes", "errors", "status"),
    [
        ("helper", {"household": "{household_b}"}, {"household": [no_such("{household_b}")]}, 400),
        (
            "helper",
            {"household": "{household_a2}"},
            {"household": [no_such("{household_a2}")]},
            400,
        ),
        ("helper", {"helper": "{helper_b}"}, {"helper": [no_such("{helper_b}")]}, 400),
        (
            "county_b_admin",
            {"helper": "{helper_a}"},
            {"helper": [no_such("{helper_a}")], "household": [no_such("{household_a}")]},
            400,
        ),
        # The auditor sees helper A and household A, but records nothing.
        ("auditor", {"helper": "{helper_a}"}, {"detail": (OUT_OF_SCOPE, None)}, 403),
        # Not the caller's own helper record, and no helper given.
        ("county_a_admin", {}, {"helper": [REQUIRED]}, 400),
        (
            "county_a_admin",
            {"helper": "{helper_a}", "household": "{household_a2}"},
            {"helper": [("%(helper)s is not paired with this beneficiary.", "党员甲")]},
            400,
        ),
        (
            "helper",
            {"visited_on": "2999-01-01"},
            {"visited_on": [("A visit cannot be in the future.", None)]},
            400,
        ),
        (
            "helper",
            {"visited_on": "2024-02-01"},
            {"visited_on": [("The visit is before the pairing started.", None)]},
            400,
        ),
        (
            "helper",
            {"household": None},
            {"detail": [("A visit is to either a household or a poor party member.", None)]},
            400,
        ),
        ("helper", {"done": ""}, {"done": ["该字段不能为空。"]}, 400),
        ("helper", {"visited_on": None}, {"visited_on": ["该字段不能为 null。"]}, 400),
    ],
)
def test_it_refuses_a_bad_visit(cast, pairing, actor, changes, errors, status):
    pks = pks_of(cast, pairing)
    body = with_pks(
        {"household": "{household_a}", "visited_on": "2024-05-01", "done": "走访", **changes}, pks
    )
    with nothing_saved():
        response = zh_api(getattr(cast, actor)).post(VISITS, body, format="json")
    assert api_refused(response, status) == expand(errors, pks)


def test_it_records_a_visit_to_a_poor_member(cast, pairing, poor_member):
    actions.pair(
        actor=None,
        helper=pairing.helper_a,
        member=poor_member,
        started_on=datetime.date(2024, 1, 1),
    )
    data = api_created(
        api_for(cast.helper),
        VISITS,
        {"member": poor_member.pk, "visited_on": "2024-02-01", "done": "谈心谈话"},
    )
    assert (data["member"], data["household"], data["beneficiary_name"], data["region"]) == (
        poor_member.pk,
        None,
        "贫困党员丙",
        VILLAGE_A2,
    )
    # The member's pairing is the helper's: the helper sees the member's visits, the county's
    # administrator too, the sibling county's not.
    assert data["id"] in ids(api_for(cast.county_a_admin).get(f"{VISITS}?member={poor_member.pk}"))
    assert ids(api_for(cast.county_b_admin).get(f"{VISITS}?member={poor_member.pk}")) == set()


def test_it_lets_the_helper_change_and_delete_their_visit(cast, pairing):
    url = f"{VISITS}{pairing.visit_a.pk}/"
    since = last_event_id()
    response = api_for(cast.helper).patch(url, {"follow_ups": "下月再访"}, format="json")
    assert (response.status_code, response.json()["follow_ups"]) == (200, "下月再访")
    with nothing_saved():
        response = zh_api(cast.helper).patch(url, {"visited_on": "2024-01-01"}, format="json")
    assert api_refused(response) == {"visited_on": [zh("The visit is before the pairing started.")]}
    with nothing_saved():
        response = zh_api(cast.helper).patch(url, {"helper": pairing.helper_b.pk}, format="json")
    assert api_refused(response) == {"helper": [no_such(pairing.helper_b.pk)]}
    assert api_for(cast.helper).delete(url).status_code == 204
    assert [e.action for e in new_events(since)] == ["pairing.update_visit", "pairing.delete_visit"]


# --- cap rules -------------------------------------------------------------------------------


def test_it_sets_reads_changes_and_deletes_a_cap_rule(cast, pairing):
    since = last_event_id()
    response = api_for(cast.county_a_admin).post(
        CAPS, {"region": COUNTY_A, "primary_cap": 4, "leader_cap": 6}, format="json"
    )
    assert response.status_code == 201, response.json()
    rule = CapRule.objects.get(region_id=COUNTY_A)
    assert (rule.primary_cap, rule.leader_cap, rule.secondary_cap) == (4, 6, 5)
    assert response.json()["region_name"] == "旺苍县"
    [event] = new_events(since)
    assert (event.action, event.after) == (
        "pairing.set_cap_rule",
        {"primary_cap": 4, "leader_cap": 6, "secondary_cap": 5},
    )
    # Reference data: every signed-in user reads it.
    for name, user in cast.all().items():
        response = api_for(user).get(CAPS)
        if user is None:
            assert response.status_code == 401
        else:
            assert ids(response) == {rule.pk}, name
    url = f"{CAPS}{rule.pk}/"
    for name in ("county_b_admin", "auditor", "helper", "village_a_secretary"):
        with nothing_saved():
            responses = [
                api_for(getattr(cast, name)).patch(url, {"primary_cap": 9}, format="json"),
                api_for(getattr(cast, name)).delete(url),
            ]
        assert [r.status_code for r in responses] == [404, 404], name
    response = api_for(cast.province_admin).patch(url, {"secondary_cap": 2}, format="json")
    assert response.status_code == 200, response.json()
    assert CapRule.objects.get(pk=rule.pk).secondary_cap == 2
    with nothing_saved():
        response = zh_api(cast.province_admin).patch(url, {"region": COUNTY_B}, format="json")
    assert api_refused(response) == {
        "region": [zh("This cannot be changed: make a new record instead.")]
    }
    assert api_for(cast.county_a_admin).delete(url).status_code == 204
    assert not CapRule.objects.exists()


def test_it_replaces_a_regions_cap_rule_on_a_second_post(cast, pairing):
    client = api_for(cast.county_a_admin)
    first = client.post(CAPS, {"region": COUNTY_A, "primary_cap": 4}, format="json").json()
    second = client.post(CAPS, {"region": COUNTY_A, "primary_cap": 3}, format="json").json()
    assert first["id"] == second["id"]
    assert CapRule.objects.get().primary_cap == 3


@pytest.mark.parametrize(
    ("actor", "changes", "errors"),
    [
        (
            "county_b_admin",
            {},
            {"region": [("%(region)s is outside the regions you may change.", "旺苍县")]},
        ),
        (
            "auditor",
            {},
            {"region": [("%(region)s is outside the regions you may change.", "旺苍县")]},
        ),
        (
            "helper",
            {},
            {"region": [("%(region)s is outside the regions you may change.", "旺苍县")]},
        ),
        (
            "county_a_admin",
            {"region": "519999"},
            {"region": [("There is no region with code “%(code)s”.", "519999")]},
        ),
        (
            "county_a_admin",
            {"leader_cap": 2},
            {"leader_cap": [("A leader's cap is at least the ordinary primary cap.", None)]},
        ),
        ("county_a_admin", {"primary_cap": 0}, {"primary_cap": ["请确保该值大于或者等于 1。"]}),
        (
            "county_a_admin",
            {"secondary_cap": -1},
            {"secondary_cap": ["请确保该值大于或者等于 0。"]},
        ),
        (
            "county_a_admin",
            {"region": "5" * 13},
            {"region": ["请确保这个字段不能超过 12 个字符。"]},
        ),
    ],
)
def test_it_refuses_a_bad_cap_rule_with_400(cast, pairing, actor, changes, errors):
    body = {"region": COUNTY_A, "primary_cap": 3, **changes}
    with nothing_saved():
        response = zh_api(getattr(cast, actor)).post(CAPS, body, format="json")
    assert api_refused(response) == expand(errors, {})


# --- proposals -------------------------------------------------------------------------------


def test_it_lists_proposals_by_scope_without_their_items(cast, pairing):
    a = proposal_for(pairing)
    b = proposal_for(pairing, region=COUNTY_B)
    sees = {
        "province_admin": {a.pk, b.pk},
        "county_a_admin": {a.pk},
        "village_a_secretary": set(),
        "county_b_admin": {b.pk},
        "auditor": {a.pk},
        "helper": set(),
    }
    for name, user in cast.all().items():
        response = api_for(user).get(PROPOSALS)
        if user is None:
            assert response.status_code == 401
            continue
        assert ids(response) == sees[name], name
        for pk in (a.pk, b.pk):
            detail = api_for(user).get(f"{PROPOSALS}{pk}/")
            assert detail.status_code == (200 if pk in sees[name] else 404), (name, pk)
    row = rows(api_for(cast.county_a_admin).get(PROPOSALS))[0]
    assert "items" not in row
    assert (row["status"], row["summary"]["cost_after"], row["region"]) == ("open", 40, COUNTY_A)
    detail = api_for(cast.county_a_admin).get(f"{PROPOSALS}{a.pk}/").json()
    # The items are paged at their own address (a province's run to hundreds of thousands).
    assert "items" not in detail
    items = api_for(cast.county_a_admin).get(detail["items_url"]).json()["results"]
    assert [(i["kind"], i["id"], i["new"]) for i in items] == [
        ("household", pairing.household_a2.pk, pairing.helper_a.pk)
    ]


def test_it_applies_a_proposal(cast, pairing):
    proposal = proposal_for(pairing)
    url = f"{PROPOSALS}{proposal.pk}/apply/"
    for name in ("county_b_admin", "auditor", "helper", "village_a_secretary"):
        with nothing_saved():
            assert api_for(getattr(cast, name)).post(url).status_code == 404, name
    since = last_event_id()
    response = api_for(cast.county_a_admin).post(url)
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["made"], data["status"], data["decided_by"]) == (1, "applied", "county_a_admin")
    made = Pairing.objects.get(household=pairing.household_a2)
    assert (made.helper, made.source, made.made_by) == (
        pairing.helper_a,
        "optimiser",
        cast.county_a_admin,
    )
    assert [e.action for e in new_events(since)] == [
        "pairing.apply_proposal_village",
        "pairing.apply_proposal",
    ]
    with nothing_saved():
        response = zh_api(cast.county_a_admin).post(url)
    assert api_refused(response) == {
        "detail": [zh("This proposal was already %(status)s.", status=zh("Applied"))]
    }


def test_it_answers_403_to_who_applies_their_own_proposal(cast, pairing):
    proposal = proposal_for(pairing, actor=cast.county_a_admin)
    url = f"{PROPOSALS}{proposal.pk}/apply/"
    since = last_event_id()
    with nothing_saved():
        mine = zh_api(cast.county_a_admin).post(url)
        sibling = zh_api(cast.county_b_admin).post(url)
    assert api_refused(mine, 403) == {"detail": "该结对方案由您提出，须由另一位用户应用。"}
    assert (sibling.status_code, sibling.json()) == (404, NOT_FOUND)
    assert new_events(since) == []
    assert api_for(cast.county_a_admin).get(f"{PROPOSALS}{proposal.pk}/").json()["status"] == "open"
    response = api_for(cast.province_admin).post(url)
    assert response.status_code == 200, response.json()
    assert (response.json()["made"], response.json()["decided_by"]) == (1, "province_admin")


def test_it_refuses_a_stale_proposal(cast, pairing):
    proposal = proposal_for(pairing)
    actions.pair(actor=None, helper=pairing.helper_a, household=pairing.household_a2)
    with nothing_saved():
        response = zh_api(cast.county_a_admin).post(f"{PROPOSALS}{proposal.pk}/apply/")
    assert api_refused(response) == {
        "detail": [
            zh(
                "Pairings changed since this proposal was made (%(count)s beneficiaries): "
                "propose again.",
                count=1,
            )
        ]
    }


def test_it_discards_a_proposal(cast, pairing):
    proposal = proposal_for(pairing)
    url = f"{PROPOSALS}{proposal.pk}/discard/"
    with nothing_saved():
        assert api_for(cast.county_b_admin).post(url).status_code == 404
    since = last_event_id()
    response = api_for(cast.province_admin).post(url)
    assert (response.status_code, response.json()["status"]) == (200, "discarded")
    assert not Pairing.objects.filter(household=pairing.household_a2).exists()
    assert [e.action for e in new_events(since)] == ["pairing.discard_proposal"]
    assert api_for(cast.province_admin).post(f"{PROPOSALS}{proposal.pk}/apply/").status_code == 400


def test_it_has_no_proposal_writes_but_the_actions(cast, pairing):
    proposal = proposal_for(pairing)
    client = api_for(cast.province_admin)
    assert client.post(PROPOSALS, {}, format="json").status_code == 405
    assert client.patch(f"{PROPOSALS}{proposal.pk}/", {}, format="json").status_code == 405
    assert client.delete(f"{PROPOSALS}{proposal.pk}/").status_code == 405


# --- the schema ------------------------------------------------------------------------------


def test_it_describes_every_pairing_endpoint_without_a_warning(cast):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    # Enum name collisions (a "status" of two value lists) are warnings without a path.
    assert list(GENERATOR_STATS._warn_cache) == []
    assert [e for e in GENERATOR_STATS._error_cache if "pairing" in e.lower()] == []
    for path in (
        "/api/v1/helpers/",
        "/api/v1/pairings/{id}/end/",
        "/api/v1/plans/",
        "/api/v1/measures/{id}/",
        "/api/v1/visits/",
        "/api/v1/cap-rules/",
        "/api/v1/proposals/{id}/apply/",
        "/api/v1/proposals/{id}/discard/",
    ):
        assert path in schema["paths"], path
    enums = schema["components"]["schemas"]
    assert {"SkillEnum", "PairingKindEnum", "MeasureStatusEnum", "ProposalStatusEnum"} <= set(enums)
