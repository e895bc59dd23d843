"""/api/v1/ projects, partners, participants, dividend-runs and contracts, for every member of
the cast (the sample: fupin.testing.build_projects_sample, plus a contract and a proposed run
on the county-B side).

Messages are checked in Chinese: those of Django and DRF written out, those of the projects'
actions read from the catalogue by `zh`, which also fails when one is left untranslated.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from fupin.projects import actions
from fupin.projects.choices import Stage
from fupin.projects.models import (
    DividendRun,
    Partner,
    Project,
    PurchaseContract,
)
from fupin.projects.tests.conftest import pig_contract, propose_run
from fupin.regions.models import Region
from fupin.registry import actions as registry
from fupin.testing import (
    CHANGES,
    COUNTY_A,
    COUNTY_B,
    ENTERPRISE_CREDIT_CODE,
    SEES,
    VILLAGE_A,
    VILLAGE_B,
    ApiSuite,
    api_created,
    api_for,
    api_refused,
    ids,
    last_event_id,
    new_events,
    no_such,
    nothing_saved,
    rows,
    zh,
    zh_api,
)

PROJECTS = "/api/v1/projects/"
PARTNERS = "/api/v1/partners/"
PARTICIPANTS = "/api/v1/participants/"
RUNS = "/api/v1/dividend-runs/"
CONTRACTS = "/api/v1/contracts/"
LISTS = (PROJECTS, PARTNERS, PARTICIPANTS, RUNS, CONTRACTS)

REQUIRED = "该字段是必填项。"
NOT_FOUND = {"detail": "未找到。"}
NO_PERMISSION = "您没有执行该操作的权限。"
# A valid unified social credit code other than the sample's (GB 32100-2015 check character).
OTHER_CREDIT_CODE = "91510821MA62A00021"


@pytest.fixture
def sample(projects):
    """The projects sample with a contract and a proposed 2019 run on each side."""
    for project in (projects.project_a, projects.project_b):
        if project is projects.project_b:
            projects.contract_b = pig_contract(projects, "贵州山珍食品有限公司", "贵州", "2500")
        run = propose_run(project, "30000.00")
        side = "a" if project is projects.project_a else "b"
        setattr(projects, f"run_2019_{side}", run)
    return projects


# The sample's records by endpoint and by the cast member who sees them.
def visible(s) -> dict[str, dict[str, set[int]]]:
    a_people = {p.pk for p in (s.holder_a1, s.holder_a2, s.holder_a3, s.villager, s.trainee)}
    a = {
        PROJECTS: {s.project_a.pk},
        PARTNERS: {s.enterprise.pk, s.grower.pk},
        PARTICIPANTS: a_people,
        RUNS: {s.run_2018.pk, s.run_2019_a.pk},
        CONTRACTS: {s.contract_a.pk},
    }
    b = {
        PROJECTS: {s.project_b.pk},
        PARTNERS: set(),
        PARTICIPANTS: {s.holder_b.pk},
        RUNS: {s.run_2019_b.pk},
        CONTRACTS: {s.contract_b.pk},
    }
    nothing: dict[str, set[int]] = {url: set() for url in LISTS}
    return {
        "province_admin": {url: a[url] | b[url] for url in LISTS},
        "county_a_admin": a,
        # The enterprise is based in the county, above the village secretary's reach.
        "village_a_secretary": a | {PARTNERS: {s.grower.pk}},
        "county_b_admin": b,
        "auditor": a,
        # A helper sees what they own (households they are paired with), no project.
        "helper": nothing,
    }


def every_record(s) -> dict[str, set[int]]:
    return visible(s)["province_admin"] | {PARTNERS: {s.enterprise.pk, s.grower.pk}}


# --- authentication --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [*LISTS, *(f"{u}1/" for u in LISTS), f"{RUNS}1/payouts/"])
def test_it_answers_401_without_credentials(cast, sample, url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response.json() == {"detail": "身份认证信息未提供。"}


def test_it_refuses_writes_without_credentials(cast, sample):
    client = APIClient()
    s = sample
    with nothing_saved():
        responses = [
            client.post(PROJECTS, {"name": "x"}, format="json"),
            client.patch(f"{PROJECTS}{s.project_a.pk}/", {"product": "x"}, format="json"),
            client.delete(f"{PROJECTS}{s.project_b.pk}/"),
            client.post(f"{PROJECTS}{s.project_a.pk}/advance/", {}, format="json"),
            client.post(PARTNERS, {"name": "x"}, format="json"),
            client.patch(f"{PARTNERS}{s.grower.pk}/", {"name": "x"}, format="json"),
            client.delete(f"{PARTNERS}{s.grower.pk}/"),
            client.post(PARTICIPANTS, {"project": s.project_a.pk}, format="json"),
            client.patch(f"{PARTICIPANTS}{s.trainee.pk}/", {"is_worker": True}, format="json"),
            client.delete(f"{PARTICIPANTS}{s.trainee.pk}/"),
            client.post(f"{RUNS}preview/", {"project": s.project_a.pk}, format="json"),
            client.post(f"{RUNS}propose/", {"project": s.project_a.pk}, format="json"),
            client.post(f"{RUNS}{s.run_2019_a.pk}/approve/"),
            client.post(f"{RUNS}{s.run_2019_a.pk}/record/"),
            client.post(f"{RUNS}{s.run_2018.pk}/reverse/"),
            client.post(f"{RUNS}{s.run_2019_a.pk}/discard/"),
            client.post(CONTRACTS, {"project": s.project_a.pk}, format="json"),
            client.patch(f"{CONTRACTS}{s.contract_a.pk}/", {"status": "completed"}, format="json"),
            client.delete(f"{CONTRACTS}{s.contract_a.pk}/"),
        ]
    assert [r.status_code for r in responses] == [401] * len(responses)


# --- reading and writing, by scope: the generic suites ----------------------------------------


class ProjectsApiSuite(ApiSuite):
    """An endpoint of the projects: `keys` names the sample's record on each side."""

    keys: dict[str, str]

    @pytest.fixture
    def records(self, sample):
        return {side: getattr(sample, key) for side, key in self.keys.items()}


class TestProjectApi(ProjectsApiSuite):
    endpoint, keys = PROJECTS, {"a": "project_a", "b": "project_b"}

    def patch(self, obj):
        return {"product": "青花椒"}


class TestParticipantApi(ProjectsApiSuite):
    endpoint, keys = PARTICIPANTS, {"a": "trainee", "b": "holder_b"}
    deletes = True

    def patch(self, obj):
        return {"is_worker": True}


class TestDividendRunApi(ProjectsApiSuite):
    endpoint, keys = RUNS, {"a": "run_2019_a", "b": "run_2019_b"}

    def extra_writes(self, obj):
        return [("post", f"{self.item(obj)}approve/", {})]


class TestContractApi(ProjectsApiSuite):
    endpoint, keys = CONTRACTS, {"a": "contract_a", "b": "contract_b"}

    def patch(self, obj):
        return {"status": "completed"}


class TestPartnerApi(ProjectsApiSuite):
    """The grower is based in village A, the enterprise in county A (above the village
    secretary's reach); county B has no partner."""

    endpoint, keys = PARTNERS, {"a": "grower", "county_a": "enterprise"}
    sees = {name: seen | ({"county_a"} if "a2" in seen else set()) for name, seen in SEES.items()}
    changes = {
        name: changed | ({"county_a"} if "a2" in changed else set())
        for name, changed in CHANGES.items()
    }

    def patch(self, obj):
        return {"industry": "花椒烘干"}


# --- reading, by scope -----------------------------------------------------------------------


def test_it_lists_a_countys_projects_by_region_for_its_administrator_only(cast, sample):
    """The issue's done-when, on the sample: ?region=<county> lists the county's project for
    its administrator and nothing for the sibling county's."""
    url = f"{PROJECTS}?region={COUNTY_A}"
    [found] = rows(api_for(cast.county_a_admin).get(url))
    assert (found["id"], found["name"], found["villages"]) == (
        sample.project_a.pk,
        "花椒专业合作社",
        [VILLAGE_A],
    )
    assert rows(api_for(cast.county_b_admin).get(url)) == []
    assert ids(api_for(cast.province_admin).get(url)) == {sample.project_a.pk}
    assert ids(api_for(cast.province_admin).get(f"{PROJECTS}?region={COUNTY_B}")) == {
        sample.project_b.pk
    }


def test_it_finds_a_project_across_counties_under_either_county(cast, sample):
    both = actions.create_project(
        actor=None,
        name="跨县连片花椒园",
        type="garden",
        setup="contiguous",
        village_codes=[VILLAGE_A, VILLAGE_B],
    )
    for county in (COUNTY_A, COUNTY_B):
        found = ids(api_for(cast.province_admin).get(f"{PROJECTS}?region={county}"))
        assert both.pk in found
    # Each county sees it and neither may change it.
    for user in (cast.county_a_admin, cast.county_b_admin):
        assert api_for(user).get(f"{PROJECTS}{both.pk}/").status_code == 200
        with nothing_saved():
            response = api_for(user).patch(f"{PROJECTS}{both.pk}/", {"product": "x"}, format="json")
        assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_it_shows_a_project_with_its_charter_investments_years_and_approvals(cast, sample):
    data = api_for(cast.auditor).get(f"{PROJECTS}{sample.project_a.pk}/").json()
    assert {k: data[k] for k in ("type", "setup", "region", "villages", "stage")} == {
        "type": "cooperative",
        "setup": "branch_cooperative",
        "region": VILLAGE_A,
        "villages": [VILLAGE_A],
        "stage": "proposed",
    }
    assert (data["leaders"], data["leader_names"]) == ([sample.party.member_a.pk], ["党员甲"])
    assert (data["organisation"], data["organisation_name"]) == (
        sample.party.org_a.pk,
        sample.party.org_a.name,
    )
    assert sorted(data["partners"]) == sorted([sample.enterprise.pk, sample.grower.pk])
    assert {
        k: data[k]
        for k in (
            "land_mu",
            "share_price",
            "land_price",
            "reserve_percent",
            "collective_percent",
            "preferred_rate",
            "shortfall_rule",
            "started_on",
        )
    } == {
        "land_mu": "50.00",
        "share_price": "1.00",
        "land_price": "800.00",
        "reserve_percent": "10.00",
        "collective_percent": "5.00",
        "preferred_rate": "6.00",
        "shortfall_rule": "pro_rata",
        "started_on": "2018-03-01",
    }
    assert [(i["source"], i["amount"]) for i in data["investments"]] == [("party_fee", "100000.00")]
    assert data["years"] == [
        {"year": 2018, "output_value": "320000.00", "jobs": 10, "wages_paid": "120000.00"},
        {"year": 2019, "output_value": "500000.00", "jobs": 12, "wages_paid": "180000.00"},
    ]
    assert [a["stage"] for a in data["approvals"]] == ["proposed"]


def test_it_masks_participants_personal_data_for_the_auditor(cast, sample):
    registry.update_household(actor=None, household=sample.household_a3, phone="13688889999")
    head = sample.household_a3.members.get(relation="head")
    person = actions.add_participant(
        actor=None, project=sample.project_a, person=head, is_worker=True
    )
    url = f"{PARTICIPANTS}{person.pk}/"
    full = api_for(cast.county_a_admin).get(url).json()
    assert (full["name"], full["id_number"], full["phone"]) == (
        "入股户甲三",
        head.id_number,
        "13688889999",
    )
    assert (full["region"], full["is_poor"], full["is_worker"], full["person"]) == (
        VILLAGE_A,
        True,
        True,
        head.pk,
    )
    masked = api_for(cast.auditor).get(url).json()
    assert masked["id_number"] == head.id_number[:6] + "********" + head.id_number[-4:]
    assert masked["phone"] == "136****9999"
    assert {k: v for k, v in masked.items() if k not in ("id_number", "phone")} == {
        k: v for k, v in full.items() if k not in ("id_number", "phone")
    }
    # The list masks the same way.
    listed = {r["id"]: r for r in rows(api_for(cast.auditor).get(PARTICIPANTS))}
    assert listed[person.pk]["id_number"] == masked["id_number"]


def test_it_masks_an_industry_households_phone_for_the_auditor(cast, sample):
    actions.update_partner(actor=None, partner=sample.grower, phone="13511112222")
    url = f"{PARTNERS}{sample.grower.pk}/"
    assert api_for(cast.county_a_admin).get(url).json()["phone"] == "13511112222"
    data = api_for(cast.auditor).get(url).json()
    assert data["phone"] == "135****2222"
    assert (data["kind"], data["villages"], data["projects"]) == (
        "industry_household",
        [VILLAGE_A],
        [sample.project_a.pk],
    )


def test_it_lists_without_a_query_per_row(cast, sample):
    client = api_for(cast.province_admin)
    counts = {}
    rows(client.get(PROJECTS))  # the caller's grants, read once and kept
    for url in LISTS:
        with CaptureQueriesContext(connection) as few:
            rows(client.get(url))
        counts[url] = len(few)
    for n in range(2):
        for village in (VILLAGE_A, VILLAGE_B):
            project = actions.create_project(
                actor=None,
                name=f"新项目{n}",
                type="nursery",
                setup="collective_economy",
                village_codes=[village],
                leaders=[sample.party.member_a if village == VILLAGE_A else sample.party.member_b],
                partners=[sample.enterprise],
                started_on=datetime.date(2018, 3, 1),
            )
            actions.add_participant(
                actor=None, project=project, name=f"村民{n}", region_code=village, is_worker=True
            )
            actions.create_partner(
                actor=None, kind="industry_household", name=f"大户{n}", region_code=village
            )
            actions.create_contract(
                actor=None,
                project=project,
                buyer="买方",
                product="苗木",
                quantity=Decimal(1),
                price=Decimal(1),
                starts_on=datetime.date(2020, 1, 1),
                ends_on=datetime.date(2020, 12, 31),
            )
            propose_run(project, "0")
    for url in LISTS:
        with CaptureQueriesContext(connection) as more:
            assert len(rows(client.get(url))) > 2
        assert len(more) == counts[url], url


# --- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "query", "expected"),
    [
        (PROJECTS, "type=livestock", {"project_b"}),
        (PROJECTS, "stage=proposed", {"project_a", "project_b"}),
        (PROJECTS, "stage=filed", set()),
        (PROJECTS, "q=花椒", {"project_a"}),
        (PROJECTS, "partner={enterprise}", {"project_a"}),
        (PROJECTS, f"region={VILLAGE_B}", {"project_b"}),
        (PARTNERS, "kind=enterprise", {"enterprise"}),
        (PARTNERS, f"q={ENTERPRISE_CREDIT_CODE}", {"enterprise"}),
        (PARTICIPANTS, "project={project_b}", {"holder_b"}),
        (PARTICIPANTS, "trainee=true", {"trainee"}),
        (PARTICIPANTS, "q=村民丙", {"villager"}),
        (RUNS, "status=recorded", {"run_2018"}),
        (RUNS, "year=2019", {"run_2019_a", "run_2019_b"}),
        (RUNS, f"region={COUNTY_B}", {"run_2019_b"}),
        (CONTRACTS, "q=贵州", {"contract_b"}),
        (CONTRACTS, "project={project_a}", {"contract_a"}),
    ],
)
def test_it_filters(cast, sample, url, query, expected):
    for key in ("enterprise", "project_a", "project_b"):
        query = query.replace(f"{{{key}}}", str(getattr(sample, key).pk))
    found = ids(api_for(cast.province_admin).get(f"{url}?{query}"))
    assert found == {getattr(sample, key).pk for key in expected}


@pytest.mark.parametrize(
    ("url", "query", "errors"),
    [
        (PROJECTS, "region=51x", {"region": ["区划代码应为 2、4、6、9 或 12 位数字。"]}),
        (PROJECTS, "type=x", {"type": ["选择一个有效的选项。 x 不在可用的选项中。"]}),
        (PROJECTS, "leader=x", {"leader": ["输入整数。"]}),
        (PARTNERS, "kind=x", {"kind": ["选择一个有效的选项。 x 不在可用的选项中。"]}),
        (PARTICIPANTS, "project=1.5", {"project": ["输入整数。"]}),
        (RUNS, "status=x", {"status": ["选择一个有效的选项。 x 不在可用的选项中。"]}),
        (CONTRACTS, "status=x", {"status": ["选择一个有效的选项。 x 不在可用的选项中。"]}),
    ],
)
def test_it_refuses_a_bad_filter_with_400(cast, sample, url, query, errors):
    assert api_refused(zh_api(cast.province_admin).get(f"{url}?{query}")) == errors


# --- projects: writing -----------------------------------------------------------------------


def new_project(sample, **changes) -> dict:
    return {
        "name": "核桃示范园",
        "type": "garden",
        "setup": "branch_cooperative",
        "villages": [VILLAGE_A],
        "leaders": [sample.party.member_a.pk],
        "organisation": sample.party.org_a.pk,
        "partners": [sample.enterprise.pk],
        "product": "核桃",
        "land_mu": "30.50",
        "started_on": "2019-04-01",
        "share_price": "100.00",
        "land_price": "600.00",
        "reserve_percent": "10",
        "collective_percent": "20",
        "preferred_rate": "5",
    } | changes


def test_it_creates_a_project_through_the_action(cast, sample):
    since = last_event_id()
    data = api_created(api_for(cast.county_a_admin), PROJECTS, new_project(sample))
    project = Project.objects.get(pk=data["id"])
    assert (project.name, project.region_id, project.land_mu, project.share_price) == (
        "核桃示范园",
        VILLAGE_A,
        Decimal("30.50"),
        Decimal("100.00"),
    )
    assert list(project.leaders.all()) == [sample.party.member_a]
    assert (data["villages"], data["stage"], data["partners"]) == (
        [VILLAGE_A],
        "proposed",
        [sample.enterprise.pk],
    )
    assert [e.action for e in new_events(since)] == ["projects.create_project"]
    assert new_events(since)[0].actor_name == "county_a_admin"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"name": None}, {"name": ["该字段不能为 null。"]}),
        ({"type": "x"}, {"type": ["“x” 不是合法选项。"]}),
        ({"villages": []}, None),
        ({"villages": ["510821100999"]}, None),
        ({"land_mu": "-1"}, {"land_mu": ["请确保该值大于或者等于 0。"]}),
        ({"reserve_percent": "60", "collective_percent": "50"}, None),
        ({"leaders": [999999]}, {"leaders": [no_such(999999)]}),
    ],
)
def test_it_refuses_a_bad_project_with_400_and_saves_nothing(cast, sample, changes, errors):
    with nothing_saved():
        response = zh_api(cast.county_a_admin).post(
            PROJECTS, new_project(sample, **changes), format="json"
        )
    body = api_refused(response)
    if errors is not None:
        assert body == errors
    elif "villages" in changes and not changes["villages"]:
        assert body == {"villages": [zh("A project covers at least one village.")]}
    elif "villages" in changes:
        assert body == {
            "villages": [zh("There is no village with code %(codes)s.", codes="510821100999")]
        }
    else:
        assert body == {
            "collective_percent": [
                zh(
                    "The reserve fund and the village collective together cannot take more "
                    "than the whole profit."
                )
            ]
        }


def test_it_refuses_a_project_in_another_county_and_links_it_cannot_see(cast, sample):
    client = zh_api(cast.county_b_admin)
    with nothing_saved():
        outside = client.post(
            PROJECTS,
            new_project(sample, leaders=[], organisation=None, partners=[]),
            format="json",
        )
        hidden = client.post(
            PROJECTS,
            new_project(
                sample, villages=[VILLAGE_B], leaders=[sample.party.member_a.pk], partners=[]
            ),
            format="json",
        )
    assert api_refused(outside) == {
        "villages": [
            zh(
                "%(regions)s is outside the regions you may change.",
                regions=Region.objects.get(code=VILLAGE_A).name,
            )
        ]
    }
    assert api_refused(hidden) == {
        "leaders": [no_such(sample.party.member_a.pk)],
        "organisation": [no_such(sample.party.org_a.pk)],
    }


def test_it_refuses_every_write_to_the_auditor_and_the_helper(cast, sample):
    for user in (cast.auditor, cast.helper):
        client = zh_api(user)
        with nothing_saved():
            patched = client.patch(
                f"{PROJECTS}{sample.project_a.pk}/", {"product": "x"}, format="json"
            )
            deleted = client.delete(f"{PROJECTS}{sample.project_a.pk}/")
            approved = client.post(f"{RUNS}{sample.run_2019_a.pk}/approve/")
            contract = client.patch(
                f"{CONTRACTS}{sample.contract_a.pk}/", {"status": "completed"}, format="json"
            )
            created = client.post(
                PROJECTS,
                new_project(sample, leaders=[], organisation=None, partners=[]),
                format="json",
            )
        # Out of reach for writing reads as not there at all.
        for response in (patched, deleted, approved, contract):
            assert (response.status_code, response.json()) == (404, NOT_FOUND)
        village = Region.objects.get(code=VILLAGE_A).name
        assert api_refused(created) == {
            "villages": [zh("%(regions)s is outside the regions you may change.", regions=village)]
        }


def test_it_changes_a_project_and_replaces_its_villages(cast, sample):
    since = last_event_id()
    url = f"{PROJECTS}{sample.project_a.pk}/"
    response = api_for(cast.county_a_admin).patch(
        url,
        {"product": "青花椒", "villages": [VILLAGE_A, "510821101001"], "partners": []},
        format="json",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["product"], data["villages"], data["partners"], data["region"]) == (
        "青花椒",
        [VILLAGE_A, "510821101001"],
        [],
        COUNTY_A,
    )
    assert [e.action for e in new_events(since)] == ["projects.update_project"]
    # The village secretary sees it still (one covered village is theirs) but may not change it.
    secretary = api_for(cast.village_a_secretary)
    assert secretary.get(url).status_code == 200
    assert secretary.patch(url, {"product": "x"}, format="json").status_code == 404


def test_it_deletes_a_project_without_runs_and_refuses_one_with_them(cast, sample):
    empty = actions.create_project(
        actor=None, name="空项目", type="nursery", setup="contiguous", village_codes=[VILLAGE_B]
    )
    url = f"{PROJECTS}{empty.pk}/"
    assert api_for(cast.county_a_admin).delete(url).status_code == 404
    since = last_event_id()
    assert api_for(cast.county_b_admin).delete(url).status_code == 204
    assert not Project.objects.filter(pk=empty.pk).exists()
    assert [e.action for e in new_events(since)] == ["projects.delete_project"]
    # A project that paid (or is about to pay) dividends is kept.
    for user, project in (
        (cast.county_a_admin, sample.project_a),
        (cast.county_b_admin, sample.project_b),
    ):
        with nothing_saved():
            kept = zh_api(user).delete(f"{PROJECTS}{project.pk}/")
        assert api_refused(kept) == {
            "detail": [zh("This project has dividend runs; a project that paid dividends is kept.")]
        }


def test_it_advances_a_project_step_by_step_by_the_right_level(cast, sample):
    url = f"{PROJECTS}{sample.project_a.pk}/advance/"
    secretary = zh_api(cast.village_a_secretary)
    response = secretary.post(url, {"stage": "committees", "done_on": "2018-03-10"}, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["stage"] == "committees"
    assert [(a["stage"], a["done_on"]) for a in data["approvals"]][-1] == (
        "committees",
        "2018-03-10",
    )
    # Skipping a step is refused; the township's review is not the village's to take.
    with nothing_saved():
        skipped = secretary.post(url, {"stage": "filed"}, format="json")
    with translation.override("zh-hans"):
        following = str(Stage.MEMBERS_MEETING.label)
    assert api_refused(skipped) == {
        "stage": [zh("The next step of this project is “%(step)s”.", step=following)]
    }
    Project.objects.filter(pk=sample.project_a.pk).update(stage="public_notice")
    with nothing_saved():
        review = secretary.post(url, {"stage": "township_review"}, format="json")
    assert api_refused(review) == {
        "stage": [zh("Only a user of the level this step needs may record it.")]
    }
    assert api_refused(zh_api(cast.county_a_admin).post(url, {}, format="json")) == {
        "stage": [REQUIRED]
    }
    assert (
        zh_api(cast.county_a_admin).post(url, {"stage": "township_review"}, format="json")
    ).status_code == 200


# --- partners --------------------------------------------------------------------------------


def test_it_registers_an_enterprise_and_refuses_a_bad_credit_code(cast, sample):
    client = zh_api(cast.county_a_admin)
    enterprise = {
        "kind": "enterprise",
        "name": "旺苍县核桃食品有限公司",
        "region": COUNTY_A,
        "credit_code": OTHER_CREDIT_CODE,
        "villages": [VILLAGE_A],
    }
    with nothing_saved():
        bad = client.post(
            PARTNERS, enterprise | {"credit_code": "91510821MA62A00022"}, format="json"
        )
        missing = client.post(PARTNERS, enterprise | {"credit_code": ""}, format="json")
        twice = client.post(
            PARTNERS, enterprise | {"credit_code": ENTERPRISE_CREDIT_CODE}, format="json"
        )
    assert api_refused(bad) == {
        "credit_code": [
            zh(
                "“%(code)s” is not a valid unified social credit code (18 characters with "
                "a check character).",
                code="91510821MA62A00022",
            )
        ]
    }
    assert api_refused(missing) == {
        "credit_code": [zh("A leading enterprise needs its unified social credit code.")]
    }
    assert api_refused(twice) == {
        "credit_code": [zh("Another partner is registered with this credit code.")]
    }
    response = client.post(PARTNERS, enterprise, format="json")
    assert response.status_code == 201, response.json()
    partner = Partner.objects.get(pk=response.json()["id"])
    assert (partner.credit_code, partner.region_id, partner.county_code) == (
        OTHER_CREDIT_CODE,
        COUNTY_A,
        COUNTY_A,
    )
    assert response.json()["villages"] == [VILLAGE_A]
    # The sibling county neither sees nor changes it.
    other = api_for(cast.county_b_admin)
    assert other.get(f"{PARTNERS}{partner.pk}/").status_code == 404
    assert other.delete(f"{PARTNERS}{partner.pk}/").status_code == 404
    assert api_for(cast.county_a_admin).delete(f"{PARTNERS}{partner.pk}/").status_code == 204


# --- participants ----------------------------------------------------------------------------


def test_it_adds_a_participant_and_refuses_one_twice(cast, sample):
    client = zh_api(cast.village_a_secretary)
    since = last_event_id()
    response = client.post(
        PARTICIPANTS,
        {"project": sample.project_a.pk, "household": sample.household_a2.pk, "is_worker": True},
        format="json",
    )
    # Household A2 is in the project already.
    assert response.status_code == 400, response.json()
    assert new_events(since) == []
    newcomer = registry.create_household(
        actor=None, village_code=VILLAGE_A, number="J009", main_cause="illness", registered_in=2016
    )
    data = api_created(
        client,
        PARTICIPANTS,
        {
            "project": sample.project_a.pk,
            "household": newcomer.pk,
            "is_worker": True,
            "joined_on": "2019-04-01",
        },
    )
    assert (data["region"], data["is_poor"], data["is_worker"], data["project_name"]) == (
        VILLAGE_A,
        True,
        True,
        "花椒专业合作社",
    )
    assert [e.action for e in new_events(since)] == [
        "registry.create_household",
        "projects.add_participant",
    ]
    patched = client.patch(
        f"{PARTICIPANTS}{data['id']}/",
        {"is_trainee": True, "left_on": "2020-12-31", "region": VILLAGE_A},
        format="json",
    )
    assert patched.status_code == 200, patched.json()
    assert (patched.json()["is_trainee"], patched.json()["left_on"]) == (True, "2020-12-31")
    with nothing_saved():
        elsewhere = client.patch(
            f"{PARTICIPANTS}{data['id']}/", {"region": "510821101001"}, format="json"
        )
        no_role = client.patch(
            f"{PARTICIPANTS}{data['id']}/",
            {"is_worker": False, "is_trainee": False},
            format="json",
        )
    assert api_refused(elsewhere) == {
        "region": [zh("This cannot be changed: make a new record instead.")]
    }
    assert api_refused(no_role) == {
        "detail": [
            zh("A participant is a shareholder, a worker or a trainee (or several of these).")
        ]
    }
    moved = client.patch(
        f"{PARTICIPANTS}{data['id']}/", {"project": sample.project_b.pk}, format="json"
    )
    assert api_refused(moved) == {"project": [no_such(sample.project_b.pk)]}
    assert client.delete(f"{PARTICIPANTS}{data['id']}/").status_code == 204


def test_it_refuses_a_participant_of_another_countys_project(cast, sample):
    with nothing_saved():
        response = zh_api(cast.county_b_admin).post(
            PARTICIPANTS,
            {"project": sample.project_a.pk, "name": "村民丁", "region": VILLAGE_B},
            format="json",
        )
    assert api_refused(response) == {"project": [no_such(sample.project_a.pk)]}


# --- dividend runs ---------------------------------------------------------------------------


def test_it_shows_a_run_with_payouts_that_add_up_to_what_was_distributed(cast, sample):
    data = api_for(cast.auditor).get(f"{RUNS}{sample.run_2018.pk}/").json()
    assert (data["status"], data["period"], data["profit"], data["region"]) == (
        "recorded",
        "2018",
        "20000.00",
        VILLAGE_A,
    )
    paid = sum(Decimal(p["total"]) for p in data["payouts"])
    assert paid == Decimal(data["distributed"])
    assert Decimal(data["distributed"]) + Decimal(data["reserve"]) + Decimal(
        data["collective"]
    ) - Decimal(data["reserve_drawn"]) == Decimal(data["profit"])
    sheet = api_for(cast.auditor).get(f"{RUNS}{sample.run_2018.pk}/payouts/").json()
    assert sheet["count"] == len(data["payouts"]) == 4
    assert sheet["results"] == data["payouts"]
    # Every shareholder, the trainee (no shares) not.
    assert [p["name"] for p in sheet["results"]] == [
        "入股户甲一",
        "入股户甲二",
        "入股户甲三",
        "村民丙",
    ]
    # Outside the caller's subtree the sheet is not there.
    response = api_for(cast.county_b_admin).get(f"{RUNS}{sample.run_2018.pk}/payouts/")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_it_approves_records_and_reverses_a_run_by_the_right_level(cast, sample):
    run = sample.run_2019_a
    secretary = zh_api(cast.village_a_secretary)
    with nothing_saved():
        by_village = secretary.post(f"{RUNS}{run.pk}/approve/")
    assert api_refused(by_village) == {
        "detail": [zh("Dividend runs are approved by the township or a higher level.")]
    }
    # The sibling county does not see it.
    assert zh_api(cast.county_b_admin).post(f"{RUNS}{run.pk}/approve/").json() == NOT_FOUND
    client = zh_api(cast.county_a_admin)
    with nothing_saved():
        early = client.post(f"{RUNS}{run.pk}/record/")
    assert api_refused(early) == {
        "detail": [zh("A dividend run is approved before it is recorded.")]
    }
    since = last_event_id()
    approved = client.post(f"{RUNS}{run.pk}/approve/")
    assert approved.status_code == 200, approved.json()
    assert (approved.json()["status"], approved.json()["approved_by"]) == (
        "approved",
        "county_a_admin",
    )
    with nothing_saved():
        twice = client.post(f"{RUNS}{run.pk}/approve/")
    assert api_refused(twice) == {"detail": [zh("This dividend run has already been approved.")]}
    # Four eyes: who approved it does not record it too (403, the run as it was).
    with nothing_saved():
        by_approver = client.post(f"{RUNS}{run.pk}/record/")
    assert api_refused(by_approver, 403) == {
        "detail": zh("You approved this dividend run; another user must record it.")
    }
    recorded = zh_api(cast.province_admin).post(f"{RUNS}{run.pk}/record/")
    assert recorded.json()["status"] == "recorded", recorded.json()
    assert (recorded.json()["approved_by"], recorded.json()["recorded_by"]) == (
        "county_a_admin",
        "province_admin",
    )
    with nothing_saved():
        discarded = client.post(f"{RUNS}{run.pk}/discard/")
    assert discarded.status_code == 400
    reversed_ = client.post(f"{RUNS}{run.pk}/reverse/", {"note": "利润数有误"}, format="json")
    assert reversed_.status_code == 201, reversed_.json()
    data = reversed_.json()
    assert (data["reverses"], data["status"], data["note"]) == (run.pk, "recorded", "利润数有误")
    assert Decimal(data["distributed"]) == -Decimal(recorded.json()["distributed"])
    assert [p["total"] for p in data["payouts"]] == [
        str(-Decimal(p["total"])) for p in recorded.json()["payouts"]
    ]
    assert new_events(since)[0].action == "projects.approve_dividend_run"
    with nothing_saved():
        again = client.post(f"{RUNS}{run.pk}/reverse/")
    assert api_refused(again) == {"detail": [zh("This dividend run has already been reversed.")]}


def test_it_refuses_each_step_to_who_took_an_earlier_one(cast, sample, township_a_admin):
    body = {
        "project": sample.project_a.pk,
        "period_start": "2020-01-01",
        "period_end": "2020-12-31",
        "profit": "12000.00",
    }
    county = zh_api(cast.county_a_admin)
    proposed = county.post(f"{RUNS}propose/", body, format="json")
    assert proposed.status_code == 201, proposed.json()
    pk = proposed.json()["id"]
    since = last_event_id()
    with nothing_saved():
        approved_by_proposer = county.post(f"{RUNS}{pk}/approve/")
    assert api_refused(approved_by_proposer, 403) == {
        "detail": zh("You proposed this dividend run; another user must approve it.")
    }
    # The sibling county sees nothing of it.
    with nothing_saved():
        by_sibling = zh_api(cast.county_b_admin).post(f"{RUNS}{pk}/approve/")
    assert (by_sibling.status_code, by_sibling.json()) == (404, NOT_FOUND)
    assert zh_api(cast.county_b_admin).get(f"{RUNS}{pk}/").status_code == 404
    assert county.get(f"{RUNS}{pk}/").json()["status"] == "proposed"
    assert new_events(since) == []
    township = zh_api(township_a_admin)
    assert township.post(f"{RUNS}{pk}/approve/").json()["status"] == "approved"
    for client, words in (
        (township, "You approved this dividend run; another user must record it."),
        (county, "You proposed this dividend run; another user must record it."),
    ):
        with nothing_saved():
            refused = client.post(f"{RUNS}{pk}/record/")
        assert api_refused(refused, 403) == {"detail": zh(words)}
    assert county.get(f"{RUNS}{pk}/").json()["status"] == "approved"
    recorded = zh_api(cast.province_admin).post(f"{RUNS}{pk}/record/").json()
    assert [recorded[k] for k in ("status", "proposed_by", "approved_by", "recorded_by")] == [
        "recorded",
        "county_a_admin",
        "township_a_admin",
        "province_admin",
    ]


def test_it_previews_a_run_and_saves_nothing(cast, sample):
    body = {
        "project": sample.project_a.pk,
        "period_start": "2020-01-01",
        "period_end": "2020-12-31",
        "profit": "12345.67",
    }
    with nothing_saved():
        response = zh_api(cast.village_a_secretary).post(f"{RUNS}preview/", body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["pool"] == "12345.67"
    paid = sum(Decimal(p["total"]) for p in data["payouts"])
    assert paid == Decimal(data["preferred_total"]) + Decimal(data["ordinary_total"])
    assert paid + Decimal(data["reserve"]) + Decimal(data["collective"]) - Decimal(
        data["reserve_drawn"]
    ) == Decimal("12345.67")
    assert {p["shareholder"] for p in data["payouts"]} == {
        sample.holder_a1.pk,
        sample.holder_a2.pk,
        sample.holder_a3.pk,
        sample.villager.pk,
    }
    # The same computation as the action's, figure for figure.
    run = actions.preview_dividends(
        project=sample.project_a,
        period_start=datetime.date(2020, 1, 1),
        period_end=datetime.date(2020, 12, 31),
        profit=Decimal("12345.67"),
    )
    assert [(p["shareholder"], p["total"]) for p in data["payouts"]] == [
        (p.shareholder, str(p.total)) for p in run.payouts
    ]
    # A project out of sight is not there; a period a recorded run pays for is refused.
    with nothing_saved():
        hidden = zh_api(cast.county_b_admin).post(f"{RUNS}preview/", body, format="json")
        paid_already = zh_api(cast.county_a_admin).post(
            f"{RUNS}preview/",
            body | {"period_start": "2018-01-01", "period_end": "2018-12-31"},
            format="json",
        )
    assert api_refused(hidden) == {"project": [no_such(sample.project_a.pk)]}
    assert api_refused(paid_already) == {
        "period": [
            zh(
                "A recorded dividend run already pays for %(period)s; reverse it first.",
                period="2018",
            )
        ]
    }


def test_it_proposes_a_run_for_approval(cast, sample):
    body = {
        "project": sample.project_a.pk,
        "period_start": "2020-01-01",
        "period_end": "2020-12-31",
        "profit": "8000",
        "note": "2020年度分红",
    }
    with nothing_saved():
        negative = zh_api(cast.county_a_admin).post(
            f"{RUNS}propose/", body | {"profit": "-1"}, format="json"
        )
        pending = zh_api(cast.county_a_admin).post(
            f"{RUNS}propose/",
            body | {"period_start": "2019-01-01", "period_end": "2019-12-31"},
            format="json",
        )
        by_auditor = zh_api(cast.auditor).post(f"{RUNS}propose/", body, format="json")
    assert api_refused(negative) == {"profit": [zh("Must not be negative.")]}
    assert api_refused(pending) == {
        "period": [
            zh(
                "A dividend run for %(period)s is awaiting approval; approve or discard it first.",
                period="2019",
            )
        ]
    }
    assert by_auditor.status_code == 403, by_auditor.json()
    since = last_event_id()
    data = api_created(zh_api(cast.village_a_secretary), f"{RUNS}propose/", body)
    assert (data["status"], data["period"], data["note"], data["proposed_by"]) == (
        "proposed",
        "2020",
        "2020年度分红",
        "village_a_secretary",
    )
    assert len(data["payouts"]) == 4
    assert [e.action for e in new_events(since)] == ["projects.propose_dividend_run"]


def test_it_discards_a_proposed_run(cast, sample):
    run = sample.run_2019_b
    assert api_for(cast.county_b_admin).post(f"{RUNS}{run.pk}/discard/").status_code == 204
    assert not DividendRun.objects.filter(pk=run.pk).exists()


def test_it_does_not_create_change_or_delete_runs_directly(cast, sample):
    client = api_for(cast.province_admin)
    with nothing_saved():
        assert client.post(RUNS, {}, format="json").status_code == 405
        assert client.patch(f"{RUNS}{sample.run_2018.pk}/", {}, format="json").status_code == 405
        assert client.delete(f"{RUNS}{sample.run_2018.pk}/").status_code == 405


# --- contracts -------------------------------------------------------------------------------


def test_it_writes_a_contract_through_the_actions(cast, sample):
    client = zh_api(cast.county_a_admin)
    contract = {
        "project": sample.project_a.pk,
        "buyer": "云南滇味食品有限公司",
        "buyer_place": "云南",
        "product": "花椒",
        "quantity": "500",
        "unit": "kg",
        "price": "58.50",
        "starts_on": "2020-01-01",
        "ends_on": "2022-12-31",
    }
    with nothing_saved():
        backwards = client.post(CONTRACTS, contract | {"ends_on": "2019-01-01"}, format="json")
        negative = client.post(CONTRACTS, contract | {"quantity": "-5"}, format="json")
        missing = client.post(CONTRACTS, contract | {"buyer": ""}, format="json")
    assert backwards.status_code == 400, backwards.json()
    assert negative.status_code == 400, negative.json()
    assert api_refused(missing) == {"buyer": ["该字段不能为空。"]}
    data = api_created(client, CONTRACTS, contract)
    assert (data["value"], data["status"], data["deliveries"], data["region"]) == (
        "29250.00",
        "active",
        [],
        VILLAGE_A,
    )
    made = PurchaseContract.objects.get(pk=data["id"])
    actions.record_delivery(
        actor=None,
        contract=made,
        delivered_on=datetime.date(2020, 9, 1),
        quantity=Decimal("200"),
        amount=Decimal("11700"),
    )
    url = f"{CONTRACTS}{made.pk}/"
    patched = client.patch(url, {"status": "completed"}, format="json").json()
    assert patched["status"] == "completed"
    assert patched["deliveries"][0]["amount"] == "11700.00"
    assert (
        api_for(cast.county_b_admin).patch(url, {"status": "draft"}, format="json").status_code
        == 404
    )


# --- the schema ------------------------------------------------------------------------------


def test_it_describes_every_projects_endpoint_without_a_warning(cast):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert list(GENERATOR_STATS._warn_cache) == []
    assert [e for e in GENERATOR_STATS._error_cache if "project" in e.lower()] == []
    for path in (
        "/api/v1/projects/",
        "/api/v1/projects/{id}/advance/",
        "/api/v1/partners/{id}/",
        "/api/v1/participants/",
        "/api/v1/dividend-runs/{id}/payouts/",
        "/api/v1/dividend-runs/preview/",
        "/api/v1/dividend-runs/propose/",
        "/api/v1/dividend-runs/{id}/approve/",
        "/api/v1/dividend-runs/{id}/record/",
        "/api/v1/dividend-runs/{id}/reverse/",
        "/api/v1/contracts/{id}/",
    ):
        assert path in schema["paths"], path
