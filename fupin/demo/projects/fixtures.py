"""The programme's own examples on their real villages (平桥村, 光荣村, 兰武村, 灵山村, 雎水镇),
built through `fupin.projects.actions` so they are audited like any user's work
(fupin.demo.projects).
"""

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from fupin.demo.party.drafts import short_name
from fupin.demo.projects.generator import STAGE_LIST, WORKING, ProjectsResult
from fupin.party.choices import MembershipStatus
from fupin.party.choices import Stage as MemberStage
from fupin.party.models import Member
from fupin.projects.choices import (
    Asset,
    FundingSource,
    ProjectType,
    SetupModel,
    ShortfallRule,
)
from fupin.projects.models import (
    Project,
)
from fupin.regions.models import Region
from fupin.registry.models import Person

# The programme's own examples, on their real villages (codes of the bundled 2023 tree).
PINGQIAO = "511724231208"  # 大竹县川主乡平桥村: the Sichuan-pepper cooperative
GUANGRONG = "511133101213"  # 马边彝族自治县荣丁镇光荣村: the walnut demonstration garden
LANWU = "511322104206"  # 营山县黄渡镇兰武村: the vegetable cooperative
LINGSHAN = "511902122207"  # 巴州区枣林镇灵山村: the cooperative founded with 75万
JUSHUI = "510705110203"  # 绵阳市安州区雎水镇宝元村: the lotus project
FIXTURE_VILLAGES = [PINGQIAO, GUANGRONG, LANWU, LINGSHAN, JUSHUI]
DAZHU, QUXIAN = PINGQIAO[:6], "511725"
# Households drawn on a fixture village the demo did not make poor (enough for 120 people).
FIXTURE_HOUSEHOLDS = (130, 160)
PINGQIAO_SHAREHOLDERS = 120
PINGQIAO_PROFIT_2018 = Decimal("360000.00")
# Who works on the cooperative's dividend runs, each step by another user (four eyes,
# fupin.accounts.duties): 川主乡's administrator proposes, 大竹县's administrator approves, the
# county's finance officer records; and the sibling 渠县's administrator, who sees none of it.
FIXTURE_USERS = {
    "township_chuanzhu": ("township_admin", PINGQIAO[:9]),
    "county_dazhu": ("county_admin", DAZHU),
    "finance_dazhu": ("county_admin", DAZHU),
    "county_quxian": ("county_admin", QUXIAN),
}
PROPOSER, APPROVER, RECORDER = "township_chuanzhu", "county_dazhu", "finance_dazhu"


def _households(village: str, seed: int) -> None:
    """Registered households on a fixture village the demo left without any (the bulk path
    of the registry demo)."""
    from fupin.demo.households import build_households
    from fupin.registry.models import Household

    if not Household.objects.filter(village_id=village).exists():
        build_households(
            village_codes=[village], seed=seed, households_per_village=FIXTURE_HOUSEHOLDS
        )


def _working_people(village: str, n: int) -> list[Person]:
    people = list(
        Person.objects.filter(village_code=village, labour__in=WORKING)
        .select_related("household")
        .order_by("id")[:n]
    )
    return people


def _members(village: str, n: int, rng: random.Random, *, poor: bool = False) -> list[Member]:
    """`n` full members of the village for leaders (poor members with their registry record),
    registered through the party's actions where the demo has too few there."""
    from fupin.party import actions as party_actions
    from fupin.party.choices import OrgKind, OrgLevel, TagKind
    from fupin.party.models import Coverage

    found = Member.objects.filter(
        region_id=village, stage=MemberStage.FULL, status=MembershipStatus.NORMAL
    )
    if poor:
        found = found.filter(tags__kind=TagKind.POOR)
    chosen = list(found.order_by("id")[:n])
    if len(chosen) >= n:
        return chosen
    coverage = Coverage.objects.filter(region_id=village).select_related("organisation").first()
    if coverage is not None:
        organisation = coverage.organisation
    else:
        name = short_name(Region.objects.get(code=village).name)[0]
        organisation = party_actions.create_organisation(
            actor=None,
            name=f"中共{name}支部委员会",
            level=OrgLevel.BRANCH,
            kind=OrgKind.VILLAGE,
            region_codes=[village],
            founded_on=dt.date(2005, 7, 1),
        )
    taken = set(Member.objects.values_list("id_number", flat=True).filter(region_id=village))
    people = [
        p
        for p in Person.objects.filter(village_code=village, labour__in=WORKING).order_by("id")
        if p.id_number not in taken
        and not Member.objects.filter(id_number=p.id_number).exists()
        and (dt.date(2020, 12, 31) - p.birth_date).days > 30 * 365
    ]
    rng.shuffle(people)
    for person in people[: n - len(chosen)]:
        member = party_actions.register_member(
            actor=None,
            organisation=organisation,
            region_code=village,
            name=person.name,
            id_number=person.id_number,
            sex=person.sex,
            birth_date=person.birth_date,
            ethnicity=person.ethnicity,
            education=person.education,
            stage=MemberStage.FULL,
            joined_on=person.birth_date.replace(year=person.birth_date.year + 25),
            full_on=person.birth_date.replace(year=person.birth_date.year + 26),
        )
        if poor:
            party_actions.add_tag(
                actor=None, member=member, kind=TagKind.POOR, since=dt.date(2014, 10, 1)
            )
        chosen.append(member)
    return chosen


def _filed(project: Project, started: dt.date) -> None:
    """Take the project through every approval step, a fortnight apart (as the operator)."""
    from fupin.projects import actions

    day = started
    for stage in STAGE_LIST[1:]:
        day += dt.timedelta(days=14)
        actions.advance_project(actor=None, project=project, stage=stage, done_on=day)


def _led_project(village: str, leaders: list[Member], started: dt.date, **fields: Any) -> Project:
    """A fixture's project over its village, led by `leaders` and their organisation, filed
    with the county (`_filed`), through the action."""
    from fupin.projects import actions

    project = actions.create_project(
        actor=None,
        village_codes=[village],
        leaders=leaders,
        organisation=leaders[0].organisation if leaders else None,
        started_on=started,
        **fields,
    )
    _filed(project, started)
    return project


def _fixture_users(result: ProjectsResult) -> None:
    """The users of the cooperative's runs and of its sibling county (replaced on a rebuild)."""
    from fupin.accounts import actions as account_actions
    from fupin.accounts.models import User
    from fupin.demo.builder import DEMO_PASSWORD

    for user in User.objects.filter(username__in=list(FIXTURE_USERS)):
        account_actions.delete_user(actor=None, user=user)
    for username, (role, code) in FIXTURE_USERS.items():
        if Region.objects.filter(code=code).exists():
            account_actions.create_user(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                region_code=code,
                role=role,
            )
            result.users[username] = (role, code)


def _users(*usernames: str) -> list[Any]:
    """The fixture users by name, in order (None where the tree lacks their region: the
    operator's step then)."""
    from fupin.accounts.models import User

    found = {u.username: u for u in User.objects.filter(username__in=usernames)}
    return [found.get(name) for name in usernames]


def build_fixtures(*, seed: int, result: ProjectsResult) -> None:
    """The programme's examples on their real villages, through the projects' actions (each
    audited), where the region tree has the village. 平桥村's 2019 run is left to a user."""
    from fupin.projects import actions

    present = set(Region.objects.filter(code__in=FIXTURE_VILLAGES).values_list("code", flat=True))
    if PINGQIAO in present:
        _fixture_users(result)
    rng = random.Random(f"fupin-demo-fixtures:{seed}")
    for village in FIXTURE_VILLAGES:
        if village in present:
            _households(village, seed)

    if PINGQIAO in present:
        started = dt.date(2017, 3, 1)
        leaders = _members(PINGQIAO, 2, rng)
        project = _led_project(
            PINGQIAO,
            leaders,
            started,
            name="平桥村花椒专业合作社",
            type=ProjectType.COOPERATIVE,
            setup=SetupModel.BRANCH_COOPERATIVE,
            product="花椒",
            land_mu=Decimal("320"),
            share_price=Decimal("1"),
            land_price=Decimal("1000"),
            reserve_percent=Decimal("10"),
            collective_percent=Decimal("10"),
            preferred_rate=Decimal("8"),
            shortfall_rule=ShortfallRule.PRO_RATA,
            note="村党支部领办，贫困党员和贫困群众以土地、扶贫资金和现金入股，在合作社务工挣薪金、年底分红。",
        )
        actions.add_investment(
            actor=None,
            project=project,
            source=FundingSource.FISCAL,
            amount="600000",
            invested_on=started,
        )
        actions.add_investment(
            actor=None,
            project=project,
            source=FundingSource.PARTY_FEE,
            amount="50000",
            invested_on=started,
        )
        joined = dt.date(2017, 4, 1)
        collective = actions.add_participant(
            actor=None,
            project=project,
            name="平桥村股份经济合作社",
            region_code=PINGQIAO,
            is_shareholder=True,
            joined_on=joined,
        )
        actions.contribute(
            actor=None, participant=collective, asset=Asset.FUND, amount="300000", dated_on=joined
        )
        for i, person in enumerate(_working_people(PINGQIAO, PINGQIAO_SHAREHOLDERS)):
            participant = actions.add_participant(
                actor=None,
                project=project,
                person=person,
                is_shareholder=True,
                is_worker=i % 3 == 0,
                joined_on=joined,
            )
            actions.contribute(
                actor=None,
                participant=participant,
                asset=Asset.LAND,
                land_mu=Decimal(1 + i % 4) / 2,
                dated_on=joined,
            )
            actions.contribute(
                actor=None,
                participant=participant,
                asset=Asset.FUND,
                amount="5000",
                preferred=True,
                dated_on=joined,
            )
            if i % 4 == 0:
                actions.contribute(
                    actor=None,
                    participant=participant,
                    asset=Asset.CASH,
                    amount=str(1000 * (1 + i % 5)),
                    dated_on=joined,
                )
        for year, output in ((2017, "900000"), (2018, "1850000"), (2019, "2300000")):
            actions.record_project_year(
                actor=None,
                project=project,
                year=year,
                output_value=output,
                jobs=45,
                wages_paid=str(int(output) // 5),
            )
        # As a user would: three of them, one per step.
        proposer, approver, recorder = _users(PROPOSER, APPROVER, RECORDER)
        run = actions.propose_dividend_run(
            actor=proposer,
            project=project,
            period_start=dt.date(2018, 1, 1),
            period_end=dt.date(2018, 12, 31),
            profit=PINGQIAO_PROFIT_2018,
        )
        run = actions.approve_dividend_run(actor=approver, run=run)
        actions.record_dividend_run(actor=recorder, run=run)
        result.fixtures["pingqiao"] = {"village": project.region_id, "name": project.name}

    if GUANGRONG in present:
        started = dt.date(2016, 4, 1)
        leaders = _members(GUANGRONG, 5, rng)
        project = _led_project(
            GUANGRONG,
            leaders,
            started,
            name="光荣村核桃示范园",
            type=ProjectType.DEMONSTRATION_GARDEN,
            setup=SetupModel.BRANCH_COOPERATIVE,
            product="核桃",
            land_mu=Decimal("200"),
            note="5名党员带头示范种植核桃，带动贫困户发展。",
        )
        for person in _working_people(GUANGRONG, 20):
            actions.add_participant(
                actor=None,
                project=project,
                person=person,
                is_trainee=True,
                joined_on=dt.date(2016, 5, 1),
            )
        result.fixtures["guangrong"] = {"village": project.region_id, "name": project.name}

    if LANWU in present:
        started = dt.date(2017, 2, 1)
        leaders = _members(LANWU, 1, rng)
        project = _led_project(
            LANWU,
            leaders,
            started,
            name="兰武村蔬菜专业合作社",
            type=ProjectType.COOPERATIVE,
            setup=SetupModel.BRANCH_COOPERATIVE,
            product="苦瓜",
            land_mu=Decimal("100"),
            note="60户入社，种植苦瓜100亩，年产值150万元。",
        )
        households = (
            Person.objects.filter(village_code=LANWU)
            .values_list("household_id", flat=True)
            .distinct()
            .order_by("household_id")[:60]
        )
        from fupin.registry.models import Household

        for household in Household.objects.filter(pk__in=list(households)).order_by("pk"):
            actions.add_participant(
                actor=None,
                project=project,
                household=household,
                is_worker=True,
                joined_on=dt.date(2017, 3, 1),
            )
        for year in (2018, 2019):
            actions.record_project_year(
                actor=None,
                project=project,
                year=year,
                output_value="1500000",
                jobs=60,
                wages_paid="420000",
            )
        result.fixtures["lanwu"] = {"village": project.region_id, "name": project.name}

    if LINGSHAN in present:
        started = dt.date(2016, 9, 1)
        leaders = _members(LINGSHAN, 1, rng)
        project = _led_project(
            LINGSHAN,
            leaders,
            started,
            name="灵山村专业合作社",
            type=ProjectType.COOPERATIVE,
            setup=SetupModel.BRANCH_COOPERATIVE,
            product="中药材",
            land_mu=Decimal("120"),
            note="村党支部领办，投资75万元，18户入社，流转土地120亩。",
        )
        for source, amount in (
            (FundingSource.FISCAL, "500000"),
            (FundingSource.PARTY_FEE, "50000"),
            (FundingSource.SELF_RAISED, "200000"),
        ):
            actions.add_investment(
                actor=None, project=project, source=source, amount=amount, invested_on=started
            )
        from fupin.registry.models import Household

        for household in Household.objects.filter(village_id=LINGSHAN).order_by("pk")[:18]:
            actions.add_participant(
                actor=None,
                project=project,
                household=household,
                is_worker=True,
                joined_on=started,
            )
        result.fixtures["lingshan"] = {"village": project.region_id, "name": project.name}

    if JUSHUI in present:
        started = dt.date(2018, 3, 1)
        leaders = _members(JUSHUI, 2, rng, poor=True)
        project = _led_project(
            JUSHUI,
            leaders,
            started,
            name="雎水镇宝元村莲藕种植项目",
            type=ProjectType.FAMILY_FARM,
            setup=SetupModel.BRANCH_FAMILY_FARM,
            product="莲藕",
            land_mu=Decimal("30"),
            note="2名贫困党员领办，种植莲藕30亩，带动3名贫困群众务工，人均年增收1.2万元。",
        )
        leader_ids = {m.id_number for m in leaders}
        people = [p for p in _working_people(JUSHUI, 10) if p.id_number not in leader_ids][:3]
        for person in people:
            participant = actions.add_participant(
                actor=None,
                project=project,
                person=person,
                is_worker=True,
                joined_on=dt.date(2018, 3, 15),
            )
            for year in (2018, 2019):
                actions.record_participant_income(
                    actor=None, participant=participant, year=year, wages="12000"
                )
        result.fixtures["jushui"] = {"village": project.region_id, "name": project.name}
