"""The shared cast of the test suite, built once per session on a small real region subtree
(the fixtures are in fupin/conftest.py).

Region tree (fupin/testdata/regions-small.csv): 四川省 51 › 广元市 5108 › county A 旺苍县 510821
and its sibling county B 苍溪县 510824, each with two townships of two villages.

Cast (STYLE.md): one user per role, plus a sibling county's administrator who must see and
change nothing of county A, and the anonymous visitor (no fixture: an unauthenticated client).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fupin.accounts import actions
from fupin.accounts.choices import Role
from fupin.accounts.models import User
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

# username -> (role, region). The names are the cast every test file refers to.
CAST: dict[str, tuple[Role, str]] = {
    "province_admin": (Role.PROVINCE_ADMIN, PROVINCE),
    "county_a_admin": (Role.COUNTY_ADMIN, COUNTY_A),
    "village_a_secretary": (Role.VILLAGE_SECRETARY, VILLAGE_A),
    "county_b_admin": (Role.COUNTY_ADMIN, COUNTY_B),
    "auditor": (Role.AUDITOR, COUNTY_A),
    "helper": (Role.HELPER, COUNTY_A),
}


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

    def all(self) -> dict[str, User | None]:
        """Every member, with None for the anonymous visitor."""
        return {**{name: getattr(self, name) for name in CAST}, "anonymous": None}


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

    def branch(name: str, village: str) -> Any:
        return party.create_organisation(
            actor=None,
            name=name,
            level="branch",
            kind="village",
            region_codes=[village],
            founded_on=datetime.date(2000, 7, 1),
        )

    org_a, org_a2, org_b = (
        branch("甲村党支部", VILLAGE_A),
        branch("甲二村党支部", VILLAGE_A2),
        branch("乙村党支部", VILLAGE_B),
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


def pair_the_helper_with(household: Any) -> Any:
    """Make the cast's helper own `household` (one not exited): a party member of its village,
    signing in as the cast's `helper`, helps in its county and is paired with it, through the
    party's and the pairing's actions. Called again, the same helper takes one more household.
    Returns the pairing."""
    import datetime

    from fupin.lib.ids import make_resident_id
    from fupin.pairing import actions as pairing
    from fupin.pairing.models import Helper
    from fupin.party import actions as party

    user = User.objects.get(username="helper")
    helper = Helper.objects.filter(user=user).first()
    if helper is None:
        village = household.village_id
        branch = party.create_organisation(
            actor=None,
            name="帮扶人党支部",
            level="branch",
            kind="village",
            region_codes=[village],
            founded_on=datetime.date(2000, 7, 1),
        )
        member = party.register_member(
            actor=None,
            organisation=branch,
            region_code=village,
            name="帮扶人",
            id_number=make_resident_id(village[:6], datetime.date(1980, 6, 6), 701),
            stage="full",
            joined_on=datetime.date(2005, 7, 1),
            full_on=datetime.date(2006, 7, 1),
        )
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
    holder_a1 = projects.add_participant(
        actor=None,
        project=project_a,
        household=household_a1,
        is_shareholder=True,
        is_worker=True,
        joined_on=started,
    )
    holder_a2 = projects.add_participant(
        actor=None,
        project=project_a,
        household=household_a2,
        is_shareholder=True,
        joined_on=started,
    )
    holder_a3 = projects.add_participant(
        actor=None,
        project=project_a,
        household=household_a3,
        is_shareholder=True,
        joined_on=started,
    )
    villager = projects.add_participant(
        actor=None,
        project=project_a,
        name="村民丙",
        region_code=VILLAGE_A,
        is_shareholder=True,
        joined_on=started,
    )
    trainee = projects.add_participant(
        actor=None,
        project=project_a,
        household=trainee_household,
        is_trainee=True,
        joined_on=started,
    )
    holder_b = projects.add_participant(
        actor=None,
        project=project_b,
        household=household_b,
        is_shareholder=True,
        joined_on=started,
    )
    paid_in = datetime.date(2018, 3, 15)
    projects.contribute(
        actor=None, participant=holder_a1, asset="land", land_mu=Decimal("2"), dated_on=paid_in
    )
    projects.contribute(
        actor=None,
        participant=holder_a1,
        asset="fund",
        amount=Decimal("2000"),
        preferred=True,
        dated_on=paid_in,
    )
    projects.contribute(
        actor=None,
        participant=holder_a2,
        asset="fund",
        amount=Decimal("5000"),
        preferred=True,
        dated_on=paid_in,
    )
    projects.contribute(
        actor=None, participant=holder_a3, asset="cash", amount=Decimal("3000"), dated_on=paid_in
    )
    projects.contribute(
        actor=None, participant=villager, asset="cash", amount=Decimal("10000"), dated_on=paid_in
    )
    projects.contribute(
        actor=None, participant=holder_b, asset="cash", amount=Decimal("2000"), dated_on=paid_in
    )
    projects.add_investment(
        actor=None,
        project=project_a,
        source="party_fee",
        amount=Decimal("100000"),
        invested_on=started,
    )
    projects.record_project_year(
        actor=None,
        project=project_a,
        year=2018,
        output_value=Decimal("320000"),
        jobs=10,
        wages_paid=Decimal("120000"),
    )
    projects.record_project_year(
        actor=None,
        project=project_a,
        year=2019,
        output_value=Decimal("500000"),
        jobs=12,
        wages_paid=Decimal("180000"),
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
