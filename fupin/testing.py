"""The shared cast of the test suite, built once per session on a small real region subtree
(the fixtures are in fupin/conftest.py).

Region tree (fupin/testdata/regions-small.csv): 四川省 51 › 广元市 5108 › county A 旺苍县 510821
and its sibling county B 苍溪县 510824, each with two townships of two villages.

Cast (STYLE.md): one user per role, plus a sibling county's administrator who must see and
change nothing of county A, and the anonymous visitor (no fixture: an unauthenticated client).
"""

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fupin.accounts import actions
from fupin.accounts.choices import Role
from fupin.accounts.models import User
from fupin.audit.models import AuditEvent
from fupin.regions.actions import load_regions
from fupin.regions.loader import parse_regions

SMALL_REGIONS = Path(__file__).parent / "testdata" / "regions-small.csv"
PASSWORD = "Cast-password-2024"

PROVINCE = "51"
CITY = "5108"
COUNTY_A = "510821"
COUNTY_B = "510824"
TOWNSHIP_A = "510821100"
VILLAGE_A = "510821100001"
VILLAGE_A2 = "510821101001"
VILLAGE_B = "510824100001"

# Every fact of a household and of a person, reported (the values the models once defaulted
# to): tests about something else start from a complete registration, as unknown facts are
# warnings of their own on the data-quality page.
REPORTED_HOUSEHOLD: dict[str, Any] = {
    "arable_land": Decimal("1.00"),
    "housing": "safe",
    "safe_water": True,
    "electricity": True,
    "road_access": True,
}
REPORTED_PERSON: dict[str, Any] = {
    "ethnicity": "01",
    "education": "junior",
    "schooling": "none",
    "health": "healthy",
    "labour": "ordinary",
    "work_place": "none",
    "work_months": 0,
    "medical_insurance": True,
    "pension_insurance": False,
    "serious_illness_insurance": False,
    "political": "masses",
}

# username -> (role, region). The names are the cast every test file refers to.
CAST: dict[str, tuple[Role, str]] = {
    "province_admin": (Role.PROVINCE_ADMIN, PROVINCE),
    "county_a_admin": (Role.COUNTY_ADMIN, COUNTY_A),
    "village_a_secretary": (Role.VILLAGE_SECRETARY, VILLAGE_A),
    "county_b_admin": (Role.COUNTY_ADMIN, COUNTY_B),
    "auditor": (Role.AUDITOR, COUNTY_A),
    "helper": (Role.HELPER, COUNTY_A),
}

# Four eyes keep whoever proposed or approved a dividend run from its later steps
# (fupin.accounts.duties), and the cast has two users who may approve in county A (its county's
# and the province's administrators). The third, made per test by the `township_a_admin`
# fixture, stays out of CAST so that the suites going through the cast are unchanged.
TOWNSHIP_A_ADMIN = ("township_a_admin", Role.TOWNSHIP_ADMIN, TOWNSHIP_A)


def make_township_a_admin() -> User:
    username, role, code = TOWNSHIP_A_ADMIN
    return actions.create_user(
        actor=None, username=username, password=PASSWORD, region_code=code, role=role
    )


def build_small_world() -> None:
    """The region subtree and the cast, through the product's own actions."""
    load_regions(actor=None, rows=parse_regions(SMALL_REGIONS, {}), source=SMALL_REGIONS.name)
    for username, (role, code) in CAST.items():
        actions.create_user(
            actor=None, username=username, password=PASSWORD, region_code=code, role=role
        )


def build_registry_sample() -> None:
    """A household with its head in village A and one in village B, through the registry's
    actions: the tests that look at every list of the product need a record on each side."""
    import datetime

    from fupin.lib.ids import make_resident_id
    from fupin.registry import actions as registry

    for village, name in ((VILLAGE_A, "样本甲"), (VILLAGE_B, "样本乙")):
        household = registry.create_household(
            actor=None,
            village_code=village,
            number="S001",
            main_cause="illness",
            registered_in=2014,
        )
        registry.add_person(
            actor=None,
            household=household,
            name=name,
            id_number=make_resident_id(village[:6], datetime.date(1970, 1, 1), 1),
            relation="head",
        )


@dataclass
class Cast:
    province_admin: User
    county_a_admin: User
    village_a_secretary: User
    county_b_admin: User
    auditor: User
    helper: User

    def members(self) -> dict[str, User]:
        """Every member who signs in (all but the anonymous visitor)."""
        return {name: getattr(self, name) for name in CAST}

    def all(self) -> dict[str, User | None]:
        """Every member, with None for the anonymous visitor."""
        return {**self.members(), "anonymous": None}


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def row_counts() -> dict[str, int]:
    """Rows of every table of records of the product (and of API tokens), by model label. The
    statistics' summary rows are left out: they follow the records after each commit."""
    models = [
        m
        for m in apps.get_models()
        if m.__module__.startswith("fupin.") and m._meta.app_label != "analytics"
    ] + [Token]
    return {m._meta.label_lower: m._default_manager.count() for m in models}


def rows_changed(before: dict[str, int]) -> dict[str, int]:
    """How many rows each table gained (or lost) since `before = row_counts()`."""
    return {k: n - before[k] for k, n in row_counts().items() if n != before[k]}


@contextmanager
def nothing_saved() -> Iterator[None]:
    """Assert that the block, refused, left every table exactly as many rows as it found."""
    before = row_counts()
    yield
    assert row_counts() == before


# Party organisations: a village branch on each side of the county line, a second county-A
# branch, and a park committee spanning village A2 (county A) and village B (county B).
PARK_VILLAGES = (VILLAGE_A2, VILLAGE_B)


def village_branch(name: str, village: str) -> Any:
    """A village's party branch (founded 1 July 2000), through the party's actions."""
    import datetime

    from fupin.party import actions as party

    return party.create_organisation(
        actor=None,
        name=name,
        level="branch",
        kind="village",
        region_codes=[village],
        founded_on=datetime.date(2000, 7, 1),
    )


@dataclass
class PartySample:
    org_a: Any
    org_a2: Any
    org_b: Any
    park: Any
    member_a: Any
    member_a2: Any
    member_b: Any
    member_park: Any


def build_party_sample() -> PartySample:
    """The sample through the party's actions; each member has a phone and a valid ID."""
    import datetime

    from fupin.lib.ids import make_resident_id
    from fupin.party import actions as party

    org_a, org_a2, org_b = (
        village_branch("甲村党支部", VILLAGE_A),
        village_branch("甲二村党支部", VILLAGE_A2),
        village_branch("乙村党支部", VILLAGE_B),
    )
    park = party.create_organisation(
        actor=None,
        name="两县园区党委",
        level="committee",
        kind="park",
        region_codes=list(PARK_VILLAGES),
        founded_on=datetime.date(2015, 1, 1),
    )

    def member(org: Any, village: str, name: str, sequence: int) -> Any:
        return party.register_member(
            actor=None,
            organisation=org,
            region_code=village,
            name=name,
            id_number=make_resident_id(village[:6], datetime.date(1975, 3, 3), sequence),
            stage="full",
            joined_on=datetime.date(2000, 7, 1),
            full_on=datetime.date(2001, 7, 1),
            phone="13912345678",
        )

    return PartySample(
        org_a=org_a,
        org_a2=org_a2,
        org_b=org_b,
        park=park,
        member_a=member(org_a, VILLAGE_A, "党员甲", 501),
        member_a2=member(org_a2, VILLAGE_A2, "党员甲二", 502),
        member_b=member(org_b, VILLAGE_B, "党员乙", 503),
        member_park=member(park, VILLAGE_A2, "园区党员", 504),
    )


def household_with_head(village: str, number: str, head: str, sequence: int, born: Any) -> Any:
    """A poor household (main cause illness, registered 2014) with its head, through the
    registry's actions; `sequence` makes the head's ID number unique."""
    from fupin.lib.ids import make_resident_id
    from fupin.registry import actions as registry

    created = registry.create_household(
        actor=None, village_code=village, number=number, main_cause="illness", registered_in=2014
    )
    registry.add_person(
        actor=None,
        household=created,
        name=head,
        id_number=make_resident_id(village[:6], born, sequence),
        relation="head",
    )
    return created


# Pairing: the cast's helper is party member A's helper record, paired with household A;
# household A2 (county A) waits for a helper; member B helps household B across the line.
@dataclass
class PairingSample:
    party: PartySample
    helper_a: Any  # member A, village A, signs in as the cast's helper
    helper_b: Any  # member B, village B
    household_a: Any  # village A, paired with helper A, with a plan and a visit
    household_a2: Any  # village A2, not paired
    household_b: Any  # village B, paired with helper B, with a plan and a visit
    pairing_a: Any
    pairing_b: Any
    plan_a: Any
    plan_b: Any
    measure_a: Any
    visit_a: Any
    visit_b: Any


def build_pairing_sample() -> PairingSample:
    """The sample through the pairing's own actions (and the party's and registry's)."""
    import datetime

    from fupin.pairing import actions as pairing

    party = build_party_sample()

    def household(village: str, number: str, head: str, sequence: int) -> Any:
        return household_with_head(village, number, head, sequence, datetime.date(1968, 2, 2))

    household_a = household(VILLAGE_A, "P001", "帮扶户甲", 601)
    household_a2 = household(VILLAGE_A2, "P002", "帮扶户甲二", 602)
    household_b = household(VILLAGE_B, "P003", "帮扶户乙", 603)
    helper_a = pairing.register_helper(
        actor=None,
        member=party.member_a,
        expertise=["planting", "ecommerce"],
        user=User.objects.get(username="helper"),
    )
    helper_b = pairing.register_helper(actor=None, member=party.member_b, expertise=["livestock"])
    started = datetime.date(2024, 3, 1)
    pairing_a = pairing.pair(actor=None, helper=helper_a, household=household_a, started_on=started)
    pairing_b = pairing.pair(actor=None, helper=helper_b, household=household_b, started_on=started)

    def plan(of: Any) -> Any:
        return pairing.create_plan(
            actor=None,
            household=of,
            year=2024,
            situation="一家三口，户主患慢性病。",
            problems="缺技术、缺资金。",
            responsibilities="帮扶责任人每月走访一次。",
            exit_target="2025年人均纯收入超过国家扶贫标准",
            exit_deadline=datetime.date(2025, 12, 31),
        )

    plan_a, plan_b = plan(household_a), plan(household_b)
    measure_a = pairing.add_measure(
        actor=None,
        plan=plan_a,
        category="industry",
        description="发展花椒种植3亩",
        cost=Decimal("1500.00"),
        responsible_unit="县农业农村局",
        deadline=datetime.date(2024, 10, 31),
    )

    def visit(helper: Any, of: Any) -> Any:
        return pairing.record_visit(
            actor=None,
            helper=helper,
            household=of,
            visited_on=datetime.date(2024, 4, 1),
            done="了解种植进展，宣讲政策。",
            follow_ups="联系农技员上门指导。",
        )

    return PairingSample(
        party=party,
        helper_a=helper_a,
        helper_b=helper_b,
        household_a=household_a,
        household_a2=household_a2,
        household_b=household_b,
        pairing_a=pairing_a,
        pairing_b=pairing_b,
        plan_a=plan_a,
        plan_b=plan_b,
        measure_a=measure_a,
        visit_a=visit(helper_a, household_a),
        visit_b=visit(helper_b, household_b),
    )


def full_member(organisation: Any, village: str, name: str, sequence: int, born: Any = None) -> Any:
    """A full member of `organisation` living in `village` (joined 2005, full 2006), through
    the party's actions; born on 1 January 1980 unless told, `sequence` makes the ID unique."""
    import datetime

    from fupin.lib.ids import make_resident_id
    from fupin.party import actions as party

    return party.register_member(
        actor=None,
        organisation=organisation,
        region_code=village,
        name=name,
        id_number=make_resident_id(village[:6], born or datetime.date(1980, 1, 1), sequence),
        stage="full",
        joined_on=datetime.date(2005, 7, 1),
        full_on=datetime.date(2006, 7, 1),
    )


def pair_the_helper_with(household: Any) -> Any:
    """Make the cast's helper own `household` (one not exited): a party member of its village,
    signing in as the cast's `helper`, helps in its county and is paired with it, through the
    party's and the pairing's actions. Called again, the same helper takes one more household.
    Returns the pairing."""
    import datetime

    from fupin.pairing import actions as pairing
    from fupin.pairing.models import Helper

    user = User.objects.get(username="helper")
    helper = Helper.objects.filter(user=user).first()
    if helper is None:
        village = household.village_id
        branch = village_branch("帮扶人党支部", village)
        member = full_member(branch, village, "帮扶人", 701, born=datetime.date(1980, 6, 6))
        helper = pairing.register_helper(
            actor=None, member=member, region_code=village[:6], user=user
        )
    return pairing.pair(actor=None, helper=helper, household=household)


# Projects: a Sichuan-pepper cooperative in village A with three poor households and a
# villager as shareholders (land, preferred assistance funds, cash), a 2018 dividend run
# recorded, and a livestock cooperative in village B with household B.
ENTERPRISE_CREDIT_CODE = "91510821MA62A0001X"


@dataclass
class ProjectsSample:
    party: PartySample
    enterprise: Any  # county A, a leading enterprise with a valid credit code
    grower: Any  # village A, an industry household
    project_a: Any  # the cooperative in village A (charter with preferred shares)
    project_b: Any  # the cooperative in village B
    household_a1: Any
    household_a2: Any
    household_a3: Any
    household_b: Any
    holder_a1: Any  # land and preferred funds; also a worker
    holder_a2: Any  # preferred funds
    holder_a3: Any  # cash
    villager: Any  # a non-poor villager with cash shares
    trainee: Any  # in the project as a trainee only, no shares
    holder_b: Any
    contract_a: Any
    run_2018: Any  # recorded


def build_projects_sample(party: PartySample | None = None) -> ProjectsSample:
    """The sample through the projects' own actions (and the party's and registry's), on the
    given party sample or a new one."""
    import datetime

    from fupin.projects import actions as projects

    party = party or build_party_sample()

    def household(village: str, number: str, head: str, sequence: int) -> Any:
        return household_with_head(village, number, head, sequence, datetime.date(1966, 3, 3))

    household_a1 = household(VILLAGE_A, "J001", "入股户甲一", 701)
    household_a2 = household(VILLAGE_A, "J002", "入股户甲二", 702)
    household_a3 = household(VILLAGE_A, "J003", "入股户甲三", 703)
    trainee_household = household(VILLAGE_A, "J004", "学员户甲四", 704)
    household_b = household(VILLAGE_B, "J101", "入股户乙", 705)
    enterprise = projects.create_partner(
        actor=None,
        kind="enterprise",
        name="旺苍县椒香农业有限公司",
        region_code=COUNTY_A,
        credit_code=ENTERPRISE_CREDIT_CODE,
        industry="花椒加工",
        village_codes=[VILLAGE_A],
    )
    grower = projects.create_partner(
        actor=None,
        kind="industry_household",
        name="种植大户李某",
        region_code=VILLAGE_A,
        industry="花椒种植",
        village_codes=[VILLAGE_A],
    )
    started = datetime.date(2018, 3, 1)
    project_a = projects.create_project(
        actor=None,
        name="花椒专业合作社",
        type="cooperative",
        setup="branch_cooperative",
        village_codes=[VILLAGE_A],
        leaders=[party.member_a],
        organisation=party.org_a,
        partners=[enterprise, grower],
        product="花椒",
        land_mu=Decimal("50.00"),
        started_on=started,
        share_price=Decimal("1.00"),
        land_price=Decimal("800.00"),
        reserve_percent=Decimal("10"),
        collective_percent=Decimal("5"),
        preferred_rate=Decimal("6"),
    )
    project_b = projects.create_project(
        actor=None,
        name="生猪养殖合作社",
        type="livestock",
        setup="branch_cooperative",
        village_codes=[VILLAGE_B],
        leaders=[party.member_b],
        organisation=party.org_b,
        product="生猪",
        started_on=started,
    )

    def join(project: Any, **fields: Any) -> Any:
        return projects.add_participant(actor=None, project=project, joined_on=started, **fields)

    holder_a1 = join(project_a, household=household_a1, is_shareholder=True, is_worker=True)
    holder_a2 = join(project_a, household=household_a2, is_shareholder=True)
    holder_a3 = join(project_a, household=household_a3, is_shareholder=True)
    villager = join(project_a, name="村民丙", region_code=VILLAGE_A, is_shareholder=True)
    trainee = join(project_a, household=trainee_household, is_trainee=True)
    holder_b = join(project_b, household=household_b, is_shareholder=True)

    def pay_in(participant: Any, asset: str, **fields: Any) -> None:
        projects.contribute(
            actor=None,
            participant=participant,
            asset=asset,
            dated_on=datetime.date(2018, 3, 15),
            **fields,
        )

    pay_in(holder_a1, "land", land_mu=Decimal("2"))
    pay_in(holder_a1, "fund", amount=Decimal("2000"), preferred=True)
    pay_in(holder_a2, "fund", amount=Decimal("5000"), preferred=True)
    pay_in(holder_a3, "cash", amount=Decimal("3000"))
    pay_in(villager, "cash", amount=Decimal("10000"))
    pay_in(holder_b, "cash", amount=Decimal("2000"))
    projects.add_investment(
        actor=None,
        project=project_a,
        source="party_fee",
        amount=Decimal("100000"),
        invested_on=started,
    )
    for year, output, jobs, wages in (
        (2018, "320000", 10, "120000"),
        (2019, "500000", 12, "180000"),
    ):
        projects.record_project_year(
            actor=None,
            project=project_a,
            year=year,
            output_value=Decimal(output),
            jobs=jobs,
            wages_paid=Decimal(wages),
        )
    contract_a = projects.create_contract(
        actor=None,
        project=project_a,
        buyer="成都川味调料有限公司",
        buyer_place="成都",
        product="花椒",
        quantity=Decimal("2000"),
        unit="kg",
        price=Decimal("60"),
        starts_on=datetime.date(2019, 1, 1),
        ends_on=datetime.date(2021, 12, 31),
    )
    run = projects.propose_dividend_run(
        actor=None,
        project=project_a,
        period_start=datetime.date(2018, 1, 1),
        period_end=datetime.date(2018, 12, 31),
        profit=Decimal("20000.00"),
    )
    projects.approve_dividend_run(actor=None, run=run)
    run = projects.record_dividend_run(actor=None, run=run)
    return ProjectsSample(
        party=party,
        enterprise=enterprise,
        grower=grower,
        project_a=project_a,
        project_b=project_b,
        household_a1=household_a1,
        household_a2=household_a2,
        household_a3=household_a3,
        household_b=household_b,
        holder_a1=holder_a1,
        holder_a2=holder_a2,
        holder_a3=holder_a3,
        villager=villager,
        trainee=trainee,
        holder_b=holder_b,
        contract_a=contract_a,
        run_2018=run,
    )


# --- helpers every test file used to paste for itself -----------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_FOUND_PAGE = "此处没有内容，或超出了您负责的区划范围。"
NO_ACCESS_PAGE = "您的角色无权访问此页面。"


def zh(message: str, **params: object) -> str:
    """The Chinese of a message of the product, as the catalogue has it; fails when the
    catalogue leaves it untranslated (run `make messages`)."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    assert text != message and CJK.search(text), f"untranslated: {message!r}"
    return text % params if params else text


def zh_api(user: User | None) -> APIClient:
    """An API client for `user` that asks for answers in Chinese."""
    client = api_for(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="zh-hans")
    return client


def no_such(pk: object) -> str:
    """DRF's Chinese for a primary key that names no record the caller may see."""
    return f"无效主键 “{pk}” － 对象不存在。"


def not_a_choice(value: object) -> str:
    """DRF's Chinese for a value outside a field's choices."""
    return f"“{value}” 不是合法选项。"


def with_pks(values: dict[str, Any], pks: dict[str, str]) -> dict[str, Any]:
    """`values` with each key of `pks` ("{org_a}") replaced by the id it stands for: the
    parameters of a test name records by key, as their ids are not known before it runs."""
    return {k: int(pks[v]) if isinstance(v, str) and v in pks else v for k, v in values.items()}


def expand(errors: dict[str, Any], pks: dict[str, str]) -> dict[str, Any]:
    """The errors an API answers, from the errors a test expects: messages given as (msgid,
    params) are read from the catalogue, and the keys of `pks` in the others are filled in
    with their ids. A field's messages are a list, a dict of lists (a nested field), or one
    (msgid, params) (a refusal of scope, 403, is one message, not a list)."""

    def one(message: Any) -> str:
        if isinstance(message, tuple):
            msgid, params = message
            if params is None:
                return zh(msgid)
            keys = [k.split(")")[0] for k in msgid.split("%(")[1:]]
            values = params if isinstance(params, tuple) else (params,)
            return zh(msgid, **dict(zip(keys, values, strict=True)))
        for key, pk in pks.items():
            message = message.replace(key, pk)
        return str(message)

    return {
        field: {k: [one(m) for m in v] for k, v in ms.items()}
        if isinstance(ms, dict)
        else one(ms)
        if isinstance(ms, tuple)
        else [one(m) for m in ms]
        for field, ms in errors.items()
    }


def last_event_id() -> int:
    """The id of the newest audit event (0 when there is none): `new_events` reads from it."""
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def new_events(since: int) -> list[AuditEvent]:
    """The audit events written after `since = last_event_id()`, oldest first."""
    return list(AuditEvent.objects.filter(id__gt=since).order_by("id"))


def rows(response: Any) -> list[dict[str, Any]]:
    """The results of a paged API list that answered 200."""
    assert response.status_code == 200, response.content
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def ids(response: Any) -> set[int]:
    """The ids of the results of a paged API list."""
    return {r["id"] for r in rows(response)}


def api_created(client: APIClient, url: str, body: dict[str, Any]) -> Any:
    """POST `body` to `url` as JSON: the JSON of the record the API created (201)."""
    response = client.post(url, body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def api_refused(response: Any, status: int = 400) -> Any:
    """The JSON of an API answer that refused with `status`."""
    assert response.status_code == status, response.content
    return response.json()


def main(response: Any) -> str:
    """The page below the header (the header names the signed-in user)."""
    return str(response.content.decode().split("<main>", 1)[1])


def bad_filter(user: User, url: str, message: str) -> Any:
    """The list page at `url`, whose filter is bad, as `user` gets it: the page (200) that
    explains `message` above the list."""
    response = client_for(user).get(url)
    assert response.status_code == 200
    assert message in main(response), message
    return response


def linked(response: Any, path: str) -> list[str]:
    """The text of the links to the detail pages under `path` ("/party/members/") from the
    rows of a list page that answered 200, in order."""
    assert response.status_code == 200
    return re.findall(rf'<a href="{path}\d+/">([^<]+)</a>', main(response))


def names(sample: Any, keys: Iterable[str]) -> set[str]:
    """The names of the records of a sample (a PartySample, say) by their keys."""
    return {getattr(sample, k).name for k in keys}


def main_ok(response: Any) -> str:
    """The page below the header of a response that answered 200."""
    assert response.status_code == 200, response.status_code
    return main(response)


def assert_sent_to_login(response: Any, url: str) -> None:
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def delete_through_the_page(user: User, url: str, back_to: str, message: str) -> AuditEvent:
    """POST to the delete page `url` as `user`: it must send them to `back_to`, saying
    `message`, and write one audit event, returned."""
    since = last_event_id()
    response = client_for(user).post(url, follow=True)
    assert response.redirect_chain == [(back_to, 302)]
    assert message in main(response)
    [event] = new_events(since)
    return event


def log_in(page: Any, base: str, username: str, path: str, lands_on: str | None = None) -> None:
    """Open `path` of the live server at `base` in a browser page (Playwright): sent to the
    login page, sign in there as `username` and land on `lands_on` (`path`, unless told)."""
    page.goto(f"{base}{path}")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{lands_on or path}")


def form_refused(client: Client, url: str, data: dict[str, Any], message: str) -> None:
    """POST `data` to a form page: it must answer the form again with `message` among its
    errors, and save nothing."""
    with nothing_saved():
        response = client.post(url, data)
    assert response.status_code == 200, url
    page = main(response)
    assert message in page, (url, message)
    assert "errorlist" in page or 'class="errors' in page


def command_output(*args: object) -> str:
    """What `fupin ARGS…` prints (stripped)."""
    out = StringIO()
    call_command(*[str(a) for a in args], stdout=out)
    return out.getvalue().strip()


def command_refused(*args: object) -> str:
    """The message of a command that refuses, having saved nothing."""
    with nothing_saved(), pytest.raises(CommandError) as e:
        call_command(*[str(a) for a in args], stdout=StringIO())
    return str(e.value)


def import_refused(*args: object) -> tuple[int, dict[str, Any]]:
    """The exit status and the JSON printed by a refused `fupin import … --json`, which
    saved nothing."""
    out = StringIO()
    with nothing_saved(), pytest.raises(CommandError) as e:
        call_command(*[str(a) for a in args], stdout=out)
    return e.value.returncode, json.loads(out.getvalue())


# Title, header and help row of an import template: the first record is on row 4, as Excel
# numbers it.
FIRST_ROW = 4


def filled_template(
    path: Path,
    schema: Any,
    rows: Iterable[Mapping[str, Any] | None],
    *,
    columns: Sequence[str] | None = None,
) -> Path:
    """The import template of `schema` filled in by hand (in Excel, WPS or LibreOffice): the
    title merged over the header, required columns marked *, the help row, then `rows` from
    row 4 (label -> value; None leaves a blank row), in `columns` (the schema's, unless told).

    A value is written as a person leaves it: str as text, int, float and Decimal as
    numbers, a date as a real date cell, None as nothing."""
    import datetime

    import xlsxwriter

    labels = list(columns or [c.label for c in schema.columns])
    required = {c.label for c in schema.columns if c.required}
    helps = {c.label: c.help for c in schema.columns if c.help}
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(str(schema.title)[:31])
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    ws.merge_range(0, 0, 0, len(labels) - 1, str(schema.title))
    for c, label in enumerate(labels):
        ws.write_string(1, c, f"*{label}" if label in required else label)
        if label in helps:
            ws.write_string(2, c, helps[label])
    for r, row in enumerate(rows, start=FIRST_ROW - 1):
        for c, label in enumerate(labels):
            value = (row or {}).get(label)
            if value is None:
                continue
            if isinstance(value, datetime.date):
                ws.write_datetime(r, c, value, dates)
            elif isinstance(value, int | float | Decimal):
                ws.write_number(r, c, float(value))
            else:
                ws.write_string(r, c, value)
    book.close()
    return path


def read_rows(path: Path) -> list[list[Any]]:
    """Every row of the first sheet of a workbook, as calamine (the imports' reader) reads it."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        rows: list[list[Any]] = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        return rows
    finally:
        book.close()


def error(row: int, column: str, value: str, message: str) -> dict[str, Any]:
    """An error of an import job, as the job keeps it."""
    return {"row": row, "column": column, "value": value, "message": message}


def import_through_the_page(user: User, kind: str, path: Path, capture: Any) -> Any:
    """Upload `path` on the import page of `kind` as `user`, to be saved, and run the job
    (`capture` is django_capture_on_commit_callbacks; jobs run at once in tests): the job,
    which the page redirects to."""
    from fupin.imports.models import ImportJob

    with capture(execute=True), path.open("rb") as f:
        response = client_for(user).post(f"/imports/new/{kind}/", {"upload": f, "commit": "on"})
    assert response.status_code == 302, main(response)
    job = ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert response["Location"] == job.get_absolute_url() and job.kind == kind
    return job


def csv_rows(response: Any) -> list[list[str]]:
    """The rows of a streamed .csv download (with the BOM Excel needs to read UTF-8)."""
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8").removeprefix("\ufeff"))))


def xlsx_text(content: bytes) -> str:
    """The strings and cells of the first sheet of an .xlsx download, as XML text."""
    book = zipfile.ZipFile(io.BytesIO(content))
    assert book.testzip() is None
    names = book.namelist()
    shared = book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in names else ""
    return shared + book.read("xl/worksheets/sheet1.xml").decode()


def snapshot(obj: Any) -> dict[str, Any]:
    """Every field of `obj` as the database has it now."""
    return model_to_dict(type(obj)._base_manager.get(pk=obj.pk))


# --- generic suites: declare a model's pages and endpoint, get the checks for the whole cast --

Key = str  # "a": the record in village A (county A), "a2" in village A2, "b" in county B
# Who sees and who changes records a, a2 and b, by the scope rules of
# STYLE.md: a county's administrator nothing of the sibling county, the auditor reads, the
# helper reads only what they are paired with (nothing, unless the suite says so).
SEES: dict[str, set[Key]] = {
    "province_admin": {"a", "a2", "b"},
    "county_a_admin": {"a", "a2"},
    "village_a_secretary": {"a"},
    "county_b_admin": {"b"},
    "auditor": {"a", "a2"},
    "helper": set(),
}
CHANGES: dict[str, set[Key]] = {
    "province_admin": {"a", "a2", "b"},
    "county_a_admin": {"a", "a2"},
    "village_a_secretary": {"a"},
    "county_b_admin": {"b"},
    "auditor": set(),
    "helper": set(),
}
# Roles that may not change records at all: a write page answers them 403 wherever it is.
READ_ONLY_ROLES = frozenset({"auditor", "helper"})


def a_record(records: dict[Key, Any]) -> Any:
    """Record a of a suite (or its first record, where the suite names them otherwise)."""
    return records["a"] if "a" in records else next(iter(records.values()))


class Suite:
    """What the page and API suites share: the records, and who sees and changes which.

    A test class declares `build()` (or a `records` fixture), which makes the record in
    village A, the one in county B and any other its `sees` names ("a2" in village A2)
    through the product's actions, and overrides `sees`/`changes` where its model departs
    from the rules (a helper paired with record a sees it). `no_view` names the roles that
    may not read this model at all (403 rather than 404)."""

    sees: ClassVar[dict[str, set[Key]]] = SEES
    changes: ClassVar[dict[str, set[Key]]] = CHANGES
    no_view: ClassVar[frozenset[str]] = frozenset()
    read_only: ClassVar[frozenset[str]] = READ_ONLY_ROLES
    # What a read-only role gets for a write: the pages say 403 (the role may not), the API
    # 404 (it finds nothing it may change).
    read_only_status: ClassVar[int] = 403

    def build(self) -> dict[Key, Any]:
        """{"a": the record in village A, "b": the one in county B}, and any other the
        suite's `sees` and `changes` name (say "a2" in village A2)."""
        raise NotImplementedError

    @pytest.fixture
    def records(self, cast: Cast) -> dict[Key, Any]:
        return self.build()

    def read_status(self, name: str, key: Key) -> int:
        if name in self.no_view:
            return 403
        return 200 if key in self.sees[name] else 404

    def write_status(self, name: str, key: Key) -> int:
        if name in self.read_only:
            return self.read_only_status
        return 200 if key in self.changes[name] else 404

    def writer(self, cast: Cast) -> User:
        """A member of the cast who may change record a (county A's administrator)."""
        return cast.county_a_admin


class PageSuite(Suite):
    """The pages of one model for the whole cast: declare `list_url`, the URL names of the
    detail page and, where the model has them, of its edit and delete pages (one `pk`
    argument), `text(obj)` that the list, the detail page and the exports show of a record,
    and the forms: `edit_form(obj)` and `bad_edit_form(obj)`, `add_url` with `add_form()` and
    `bad_add_form()`. Each check runs only where its declarations are there."""

    list_url: ClassVar[str]
    detail: ClassVar[str]
    edit: ClassVar[str | None] = None
    delete: ClassVar[str | None] = None
    add_url: ClassVar[str | None] = None
    exports: ClassVar[bool] = True
    # A delete page that removes the row (rather than ending or closing the record).
    delete_removes: ClassVar[bool] = True
    # Whether record a, as built, may be deleted (an organisation with members may not).
    deletable: ClassVar[bool] = True

    def text(self, obj: Any) -> str:
        return str(obj)

    def edit_form(self, obj: Any) -> dict[str, Any] | None:
        """A valid POST to the edit page of `obj` (None: the suite saves no edit)."""
        return None

    def bad_edit_form(self, obj: Any) -> dict[str, Any] | None:
        """A POST the edit page of `obj` must refuse (None: the suite tries none)."""
        return None

    def add_form(self) -> dict[str, Any] | None:
        """A valid POST to `add_url`, in county A (None: the suite adds nothing)."""
        return None

    def bad_add_form(self) -> dict[str, Any] | None:
        """A POST `add_url` must refuse (None: the suite tries none)."""
        return None

    def url(self, name: str, obj: Any) -> str:
        return reverse(name, args=[obj.pk])

    def write_urls(self, obj: Any) -> list[str]:
        """Every page that changes `obj`: its edit and delete pages, and (overridden) the
        pages that add or change the records it holds."""
        return [self.url(n, obj) for n in (self.edit, self.delete) if n]

    def write_posts(self, obj: Any) -> list[tuple[str, dict[str, Any]]]:
        """A valid POST to each page of `write_urls`, the deletes last."""
        edit = [(self.url(self.edit, obj), self.edit_form(obj) or {})] if self.edit else []
        return edit + ([(self.url(self.delete, obj), {})] if self.delete else [])

    def test_it_sends_the_anonymous_visitor_to_sign_in(self, records: dict[Key, Any]) -> None:
        urls = [
            self.list_url,
            self.url(self.detail, a_record(records)),
            *self.write_urls(a_record(records)),
        ]
        urls += [self.add_url] if self.add_url else []
        for url in urls:
            assert_sent_to_login(Client().get(url), url)
        posts = self.write_posts(a_record(records))
        posts += [(self.add_url, self.add_form() or {})] if self.add_url else []
        with nothing_saved():
            for url, data in posts:
                assert_sent_to_login(Client().post(url, data), url)

    def test_it_lists_to_each_member_of_the_cast_the_records_in_their_scope(
        self, cast: Cast, records: dict[Key, Any]
    ) -> None:
        for name, user in cast.members().items():
            response = client_for(user).get(self.list_url)
            if name in self.no_view:
                assert response.status_code == 403, name
                continue
            assert response.status_code == 200, name
            page = main(response)
            for key, obj in records.items():
                shown = self.url(self.detail, obj) in page
                assert shown is (key in self.sees[name]), (name, key)

    def test_it_opens_the_detail_page_by_scope(self, cast: Cast, records: dict[Key, Any]) -> None:
        for name, user in cast.members().items():
            for key, obj in records.items():
                response = client_for(user).get(self.url(self.detail, obj))
                expected = self.read_status(name, key)
                assert response.status_code == expected, (name, key)
                if expected == 200:
                    assert self.text(obj) in main(response), (name, key)
                else:
                    assert self.text(obj) not in main(response), (name, key)
                    message = NOT_FOUND_PAGE if expected == 404 else NO_ACCESS_PAGE
                    assert message in response.content.decode(), (name, key)

    def test_it_exports_to_each_member_of_the_cast_the_records_in_their_scope(
        self, cast: Cast, records: dict[Key, Any]
    ) -> None:
        if not self.exports:
            return
        for name, user in cast.members().items():
            if name in self.no_view:
                continue
            client = client_for(user)
            text = "\n".join(
                ",".join(r) for r in csv_rows(client.get(self.list_url + "?export=csv"))
            )
            xlsx = client.get(self.list_url + "?export=xlsx")
            assert xlsx.status_code == 200 and xlsx["Content-Type"] == XLSX, name
            sheet = xlsx_text(xlsx.content)
            for key, obj in records.items():
                seen = key in self.sees[name]
                assert (self.text(obj) in text) is seen, (name, key, "csv")
                assert (self.text(obj) in sheet) is seen, (name, key, "xlsx")

    def test_it_opens_the_write_pages_only_to_who_may_change_the_record(
        self, cast: Cast, records: dict[Key, Any]
    ) -> None:
        for name, user in cast.members().items():
            for key, obj in records.items():
                for url in self.write_urls(obj):
                    response = client_for(user).get(url)
                    expected = self.write_status(name, key)
                    assert response.status_code == expected, (name, url, key)
                    if expected == 403:
                        assert NO_ACCESS_PAGE in response.content.decode(), (name, url, key)
                    if expected != 200:
                        assert self.text(obj) not in main(response), (name, url, key)

    def test_it_opens_the_add_page_to_roles_that_change_records(
        self, cast: Cast, records: dict[Key, Any]
    ) -> None:
        if not self.add_url:
            return
        for name, user in cast.members().items():
            response = client_for(user).get(self.add_url)
            assert response.status_code == (403 if name in self.read_only else 200), name
            if name in self.read_only:
                with nothing_saved():
                    response = client_for(user).post(self.add_url, self.add_form() or {})
                assert response.status_code == 403, name

    def test_it_refuses_writes_out_of_scope_and_changes_nothing(
        self, cast: Cast, records: dict[Key, Any]
    ) -> None:
        for name, user in cast.members().items():
            for key, obj in records.items():
                if key in self.changes[name]:
                    continue
                posts = self.write_posts(obj)
                before, since = snapshot(obj), last_event_id()
                for url, data in posts:
                    with nothing_saved():
                        response = client_for(user).post(url, data)
                    assert response.status_code == self.write_status(name, key), (name, url)
                assert new_events(since) == [] and snapshot(obj) == before, (name, key)

    def test_it_saves_an_edit_and_audits_it(self, cast: Cast, records: dict[Key, Any]) -> None:
        obj = a_record(records)
        data = self.edit_form(obj)
        if not self.edit or data is None:
            return
        since = last_event_id()
        response = client_for(self.writer(cast)).post(self.url(self.edit, obj), data)
        assert response.status_code == 302, main(response)
        assert new_events(since), "no audit event"

    def test_it_refuses_a_bad_edit_and_changes_nothing(
        self, cast: Cast, records: dict[Key, Any]
    ) -> None:
        obj = a_record(records)
        data = self.bad_edit_form(obj)
        if not self.edit or data is None:
            return
        before, since = snapshot(obj), last_event_id()
        with nothing_saved():
            response = client_for(self.writer(cast)).post(self.url(self.edit, obj), data)
        assert response.status_code == 200
        assert "errorlist" in main(response) or 'class="errors' in main(response)
        assert snapshot(obj) == before and new_events(since) == []

    def test_it_deletes_and_audits_it(self, cast: Cast, records: dict[Key, Any]) -> None:
        if not self.delete or not self.deletable:
            return
        obj = a_record(records)
        since = last_event_id()
        response = client_for(self.writer(cast)).post(self.url(self.delete, obj))
        assert response.status_code == 302, main(response)
        assert new_events(since), "no audit event"
        if self.delete_removes:
            assert not type(obj)._base_manager.filter(pk=obj.pk).exists()

    def test_it_adds_a_record_and_audits_it(self, cast: Cast, records: dict[Key, Any]) -> None:
        data = self.add_form()
        if not self.add_url or data is None:
            return
        before, since = row_counts(), last_event_id()
        response = client_for(self.writer(cast)).post(self.add_url, data)
        assert response.status_code == 302, main(response)
        assert rows_changed(before), "nothing saved"
        assert new_events(since), "no audit event"

    def test_it_refuses_a_bad_new_record_and_saves_nothing(
        self, cast: Cast, records: dict[Key, Any]
    ) -> None:
        data = self.bad_add_form()
        if not self.add_url or data is None:
            return
        since = last_event_id()
        with nothing_saved():
            response = client_for(self.writer(cast)).post(self.add_url, data)
        assert response.status_code == 200
        assert "errorlist" in main(response) or 'class="errors' in main(response)
        assert new_events(since) == []


class ApiSuite(Suite):
    """One endpoint of /api/v1/ for the whole cast: declare `endpoint` (its list URL) and,
    where the endpoint writes, `patch(obj)` and `bad_patch(obj)`, `create()` and
    `bad_create()` (payloads in county A, sent as JSON), and `deletes`."""

    endpoint: ClassVar[str]
    deletes: ClassVar[bool] = False
    read_only_status: ClassVar[int] = 404

    def patch(self, obj: Any) -> dict[str, Any] | None:
        """A valid PATCH of `obj` (None: the endpoint changes nothing)."""
        return None

    def bad_patch(self, obj: Any) -> dict[str, Any] | None:
        """A PATCH of `obj` the endpoint must refuse with 400 (None: the suite tries none)."""
        return None

    def create(self) -> dict[str, Any] | None:
        """A valid POST to the endpoint, in county A (None: the endpoint creates nothing)."""
        return None

    def bad_create(self) -> dict[str, Any] | None:
        """A POST the endpoint must refuse with 400 (None: the suite tries none)."""
        return None

    def item(self, obj: Any) -> str:
        return f"{self.endpoint}{obj.pk}/"

    def extra_writes(self, obj: Any) -> list[tuple[str, str, dict[str, Any]]]:
        """Other valid writes about `obj` (method, URL, body), such as a POST to one of its
        actions: refused like the patch and the delete to whoever may not change it."""
        return []

    def test_it_answers_401_without_credentials(self, records: dict[Key, Any]) -> None:
        for url in (self.endpoint, self.item(a_record(records))):
            response = APIClient().get(url)
            assert response.status_code == 401, url
            assert response.json() == {"detail": "身份认证信息未提供。"}

    def test_it_refuses_writes_without_credentials(self, records: dict[Key, Any]) -> None:
        obj = a_record(records)
        calls = [("post", self.endpoint), ("patch", self.item(obj)), ("delete", self.item(obj))]
        with nothing_saved():
            for method, url in calls:
                response = getattr(APIClient(), method)(url, {}, format="json")
                assert response.status_code == 401, (method, url)

    def test_it_lists_to_each_member_of_the_cast_the_records_in_their_scope(
        self, cast: Cast, records: dict[Key, Any]
    ) -> None:
        for name, user in cast.members().items():
            response = api_for(user).get(self.endpoint + "?limit=1000")
            if name in self.no_view:
                assert response.status_code == 403, name
                continue
            found = ids(response)
            for key, obj in records.items():
                assert (obj.pk in found) is (key in self.sees[name]), (name, key)

    def test_it_retrieves_by_scope(self, cast: Cast, records: dict[Key, Any]) -> None:
        for name, user in cast.members().items():
            for key, obj in records.items():
                response = api_for(user).get(self.item(obj))
                assert response.status_code == self.read_status(name, key), (name, key)
                if response.status_code == 200:
                    assert response.json()["id"] == obj.pk
                elif response.status_code == 404:
                    assert response.json() == {"detail": "未找到。"}

    def test_it_refuses_writes_out_of_scope_and_changes_nothing(
        self, cast: Cast, records: dict[Key, Any]
    ) -> None:
        for name, user in cast.members().items():
            for key, obj in records.items():
                if key in self.changes[name]:
                    continue
                calls = self.extra_writes(obj)
                if (data := self.patch(obj)) is not None:
                    calls.append(("patch", self.item(obj), data))
                if self.deletes:
                    calls.append(("delete", self.item(obj), {}))
                before, since = snapshot(obj), last_event_id()
                for method, url, data in calls:
                    with nothing_saved():
                        response = getattr(api_for(user), method)(url, data, format="json")
                    assert response.status_code == self.write_status(name, key), (name, url)
                assert new_events(since) == [] and snapshot(obj) == before, (name, key)

    def test_it_patches_and_audits_it(self, cast: Cast, records: dict[Key, Any]) -> None:
        obj = a_record(records)
        if (data := self.patch(obj)) is None:
            return
        since = last_event_id()
        response = api_for(self.writer(cast)).patch(self.item(obj), data, format="json")
        assert response.status_code == 200, response.content
        assert new_events(since), "no audit event"

    def test_it_refuses_a_bad_patch_with_400_and_changes_nothing(
        self, cast: Cast, records: dict[Key, Any]
    ) -> None:
        obj = a_record(records)
        if (data := self.bad_patch(obj)) is None:
            return
        before, since = snapshot(obj), last_event_id()
        with nothing_saved():
            response = api_for(self.writer(cast)).patch(self.item(obj), data, format="json")
        assert response.status_code == 400, response.content
        assert snapshot(obj) == before and new_events(since) == []

    def test_it_deletes_and_audits_it(self, cast: Cast, records: dict[Key, Any]) -> None:
        if not self.deletes:
            return
        obj = a_record(records)
        since = last_event_id()
        response = api_for(self.writer(cast)).delete(self.item(obj))
        assert response.status_code == 204, response.content
        assert not type(obj)._base_manager.filter(pk=obj.pk).exists()
        assert new_events(since), "no audit event"

    def test_it_creates_and_audits_it(self, cast: Cast, records: dict[Key, Any]) -> None:
        if (data := self.create()) is None:
            return
        since = last_event_id()
        response = api_for(self.writer(cast)).post(self.endpoint, data, format="json")
        assert response.status_code == 201, response.content
        assert new_events(since), "no audit event"

    def test_it_refuses_a_bad_new_record_with_400_and_saves_nothing(
        self, cast: Cast, records: dict[Key, Any]
    ) -> None:
        if (data := self.bad_create()) is None:
            return
        since = last_event_id()
        with nothing_saved():
            response = api_for(self.writer(cast)).post(self.endpoint, data, format="json")
        assert response.status_code == 400, response.content
        assert new_events(since) == []
