"""The demo's demonstration industry projects (示范项目), partners, share registers and dividends.

On the demo's poor villages, after the households and the party: about 3 projects per poor
village (36,000 at scale 1 over Sichuan's 11,501 poor villages), each led by one or two party
members of its village and its branch, a few covering neighbouring poor villages of their
township (contiguous development); about 15 poor people each as shareholders, workers or
trainees (530,000 at scale 1), with the village collective and the leaders as non-poor
shareholders; about 4 leading enterprises per poor county (360 at scale 1, each with a valid
unified social credit code) and 3.7 industry households per poor village (43,000).

Share registers are contributions of land (亩 at the charter's price), assistance funds (the
preferred shares of poor households, 贫困户优先股, where the charter guarantees a rate) and
cash. Projects filed with the county before mid-2018 distribute their profit of 2018 and of
2019 in recorded dividend runs, computed by `fupin.projects.dividends.compute` over the
register at the period's end exactly as `preview_dividends` does; the payouts go to the
participants' yearly income and to their households' registry property income for the year
(with the per-capita income recomputed), as `record_dividend_run` does.

Like the rest of the demo the rows are tuples written with `write_rows`, with one summary audit
event per county; the programme's own examples (平桥村, 光荣村, 兰武村, 灵山村, 雎水镇) are
built on their real villages through `fupin.projects.actions`, so they are audited like any
user's work, and 平桥村's 2019 dividend run is left for a user to preview, approve and record.
Names of projects and businesses are data in Chinese.
"""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from fupin.audit.log import record
from fupin.demo.households import Names, Weighted, _sqlite_cache, per_capita_fen
from fupin.demo.party import _first_id, short_name
from fupin.lib.bulk import analyze, write_rows
from fupin.party.actions import common_region
from fupin.party.choices import MembershipStatus
from fupin.party.choices import Stage as MemberStage
from fupin.party.models import Member
from fupin.projects import dividends as engine
from fupin.projects.choices import (
    Asset,
    EntryKind,
    FundingSource,
    PartnerKind,
    ProjectType,
    RunStatus,
    SetupModel,
    ShortfallRule,
    Stage,
)
from fupin.projects.models import (
    Approval,
    Delivery,
    DividendPayout,
    DividendRun,
    Investment,
    Participant,
    ParticipantIncome,
    Partner,
    Project,
    ProjectVillage,
    ProjectYear,
    PurchaseContract,
    ShareEntry,
)
from fupin.regions.models import Region
from fupin.registry.choices import Labour
from fupin.registry.models import IncomeRecord, Person

# Projects per poor village: 2–4, about 3.13 (36,000 over 11,501 poor villages).
PROJECTS_PER_VILLAGE = Weighted({2: 22, 3: 43, 4: 35})
# Poor participants per project: 8–22, about 14.7 (530,000 over 36,000 projects).
POOR_PARTICIPANTS = (8, 22)
# Leading enterprises per poor county: 3–5, about 4.1 (360 over 88 poor counties).
ENTERPRISES = Weighted({3: 25, 4: 40, 5: 35})
# Industry households per poor village: 2–6, about 3.7 (43,000 over 11,501 poor villages).
INDUSTRY_HOUSEHOLDS = Weighted({2: 20, 3: 25, 4: 30, 5: 15, 6: 10})
CONTIGUOUS_CHANCE = 0.08
PREFERRED_CHANCE = 0.55  # projects whose charter has preferred shares for poor households
LOSS_CHANCE = 0.08  # a project year without a distributable profit: no run
LATER_CASH_CHANCE = 0.1  # shareholders adding cash in 2019 (the two registers differ)
RUN_YEARS = (2018, 2019)
# Filed projects started by mid-2018 (both runs); the others are younger and still in approval.
FILED_START = (dt.date(2015, 1, 1), dt.date(2018, 6, 30))
YOUNG_START = (dt.date(2019, 1, 1), dt.date(2020, 9, 30))
STAGES = Weighted(
    {
        Stage.FILED: 85,
        Stage.TOWNSHIP_REVIEW: 6,
        Stage.PUBLIC_NOTICE: 4,
        Stage.MEMBERS_MEETING: 3,
        Stage.COMMITTEES: 1.5,
        Stage.PROPOSED: 0.5,
    }
)
STAGE_LIST = [str(s) for s in Stage.values]
TYPES = Weighted(
    {
        ProjectType.COOPERATIVE: 45,
        ProjectType.FAMILY_FARM: 12,
        ProjectType.NURSERY: 6,
        ProjectType.AGRITOURISM: 6,
        ProjectType.ECOMMERCE: 6,
        ProjectType.DEMONSTRATION_GARDEN: 10,
        ProjectType.LIVESTOCK: 10,
        ProjectType.PROCESSING: 5,
    }
)
SETUPS = Weighted(
    {
        SetupModel.BRANCH_COOPERATIVE: 40,
        SetupModel.VILLAGE_ENTERPRISE: 20,
        SetupModel.BRANCH_FAMILY_FARM: 10,
        SetupModel.ORDER_BASED: 12,
        SetupModel.COLLECTIVE_ECONOMY: 18,
    }
)
# How the programme names its projects, by type.
SUFFIXES = {
    "cooperative": "专业合作社",
    "family_farm": "家庭农场",
    "nursery": "育苗基地",
    "agritourism": "乡村旅游示范点",
    "ecommerce": "电商服务站",
    "garden": "示范园",
    "livestock": "养殖场",
    "processing": "加工厂",
}
PRODUCTS = (  # noqa: SIM905
    "花椒 核桃 猕猴桃 茶叶 柑橘 蔬菜 中药材 食用菌 油橄榄 蚕桑 李子 脆红李 青花椒 魔芋 "
    "生猪 肉牛 山羊 土鸡 中蜂 莲藕"
).split()
LIVESTOCK_PRODUCTS = "生猪 肉牛 山羊 土鸡 中蜂".split()  # noqa: SIM905
ENTERPRISE_WORDS = (  # noqa: SIM905
    "鑫源 兴农 丰禾 金穗 绿源 巴山 蜀丰 瑞丰 天府 川润 惠农 富民 嘉禾 青山 秀水 康源"
).split()
ENTERPRISE_SUFFIXES = ["农业开发有限公司", "农业科技有限公司", "食品有限公司", "生态农业有限公司"]
FUNDING = Weighted(
    {
        FundingSource.FISCAL: 40,
        FundingSource.PARTY_FEE: 10,
        FundingSource.COLLECTIVE: 15,
        FundingSource.SELF_RAISED: 15,
        FundingSource.LOAN: 10,
        FundingSource.CROWDFUNDING: 2,
        FundingSource.OTHER: 3,
    }
)
WORKING = (Labour.ORDINARY.value, Labour.SKILLED.value, Labour.WEAK.value)
SHARE_PRICES = Weighted({100: 60, 1000: 25, 5000: 15})  # fen: 1, 10 and 50 yuan a share
# Rows per write.
BATCH = 50_000

PROJECT_COLUMNS = (  # noqa: SIM905
    "id name type setup region organisation product land_mu started_on stage share_price "
    "land_price reserve_percent collective_percent preferred_rate shortfall_rule note "
    "created_at updated_at"
).split()
VILLAGE_COLUMNS = "project region county_code".split()  # noqa: SIM905
PARTNER_COLUMNS = (  # noqa: SIM905
    "id kind name credit_code region county_code industry contact phone created_at updated_at"
).split()
INVESTMENT_COLUMNS = "project source amount invested_on".split()  # noqa: SIM905
YEAR_COLUMNS = "project year output_value jobs wages_paid".split()  # noqa: SIM905
APPROVAL_COLUMNS = "project stage done_on note".split()  # noqa: SIM905
PARTICIPANT_COLUMNS = (  # noqa: SIM905
    "id project household person name region county_code is_poor is_shareholder is_worker "
    "is_trainee joined_on"
).split()
INCOME_COLUMNS = "participant year wages dividends other".split()  # noqa: SIM905
ENTRY_COLUMNS = (  # noqa: SIM905
    "project participant county_code kind asset land_mu value shares preferred dated_on note "
    "created_at"
).split()
RUN_COLUMNS = (  # noqa: SIM905
    "id project period_start period_end status profit reserve reserve_drawn collective "
    "preferred_total ordinary_total shortfall reserve_percent collective_percent "
    "preferred_rate shortfall_rule note approved_at recorded_at created_at"
).split()
PAYOUT_COLUMNS = "run participant county_code shares preferred ordinary total".split()  # noqa: SIM905

# Cleared in this order (each row's dependants first).
DELETE_ORDER: list[type[models.Model]] = [
    DividendPayout,
    DividendRun,
    ParticipantIncome,
    ShareEntry,
    Participant,
    Delivery,
    PurchaseContract,
    Approval,
    ProjectYear,
    Investment,
    ProjectVillage,
    Project.leaders.through,
    Project.partners.through,
    Project,
    Partner.villages.through,
    Partner,
]


@dataclass
class ProjectsResult:
    projects: int = 0
    covered_villages: int = 0
    participants: int = 0
    poor_participants: int = 0
    shareholders: int = 0
    enterprises: int = 0
    industry_households: int = 0
    share_entries: int = 0
    runs: int = 0
    payouts: int = 0
    distributed: Decimal = Decimal("0.00")
    households_paid: int = 0
    income_records: int = 0  # registry income records given their dividends
    fixtures: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> village, name
    users: dict[str, tuple[str, str]] = field(default_factory=dict)


def clear_projects() -> int:
    """Every project row (projects, partners, participants, registers, runs, contracts), in
    bulk, before the party and the households they point at are replaced. One summary audit
    event per county. The households' property income is not taken back: the demo replaces
    those households next."""
    projects = dict(
        ProjectVillage.objects.values("county_code")
        .annotate(n=Count("project", distinct=True))
        .values_list("county_code", "n")
    )
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in DELETE_ORDER:
            cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}")
    for county in sorted(projects):
        record(
            actor=None,
            action="demo.delete_projects",
            object_type="projects.project",
            object_repr=_("%(n)s demo projects") % {"n": projects[county]},
            region_code=county,
            before={"projects": projects[county]},
        )
    return sum(projects.values())


def credit_code(county: str, serial: int) -> str:
    """A valid unified social credit code (GB 32100-2015) of an enterprise registered in
    `county`: 9 (market regulator) 1 (enterprise), the county's code, an organisation code
    with its GB 11714 check character, and the check character of the whole."""
    body = f"{serial:08d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
    organisation = body + {10: "X", 11: "0"}.get(check, str(check))
    code = f"91{county}{organisation}"
    return code + uscc.calc_check_digit(code)


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=int(rng.random() * ((last - first).days + 1)))


def _int(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def _fen(value: Decimal) -> int:
    return int(value.scaleb(2))


@dataclass
class Holder:
    """One participant while a project is drawn, with its contributions and income."""

    id: int
    household: int | None
    person: int | None
    name: str
    village: str
    poor: bool
    shareholder: bool
    worker: bool
    trainee: bool
    joined: dt.date
    # (dated_on, preferred, shares in hundredths, value in fen, asset, land in hundredths)
    entries: list[tuple[dt.date, bool, int, int, str, int]] = field(default_factory=list)
    wages: dict[int, int] = field(default_factory=dict)  # year -> fen
    dividends: dict[int, int] = field(default_factory=dict)  # year -> fen

    def holding(self, on: dt.date) -> engine.Holding | None:
        """What the register holds for this participant on `on` (as `register` sums it)."""
        ordinary = preferred = preferred_value = 0
        for dated, is_preferred, shares, value, _asset, _land in self.entries:
            if dated > on:
                continue
            if is_preferred:
                preferred += shares
                preferred_value += value
            else:
                ordinary += shares
        if not (ordinary or preferred):
            return None
        return engine.Holding(
            shareholder=self.id,
            ordinary=Decimal(ordinary).scaleb(-2),
            preferred=Decimal(preferred).scaleb(-2),
            preferred_value=Decimal(preferred_value).scaleb(-2),
        )


class Rows:
    def __init__(self) -> None:
        self.projects: list[tuple[Any, ...]] = []
        self.villages: list[tuple[Any, ...]] = []
        self.leaders: list[tuple[Any, ...]] = []
        self.links: list[tuple[Any, ...]] = []
        self.investments: list[tuple[Any, ...]] = []
        self.years: list[tuple[Any, ...]] = []
        self.approvals: list[tuple[Any, ...]] = []
        self.participants: list[tuple[Any, ...]] = []
        self.incomes: list[tuple[Any, ...]] = []
        self.entries: list[tuple[Any, ...]] = []
        self.runs: list[tuple[Any, ...]] = []
        self.payouts: list[tuple[Any, ...]] = []

    def __len__(self) -> int:
        return len(self.participants) + len(self.entries) + len(self.payouts)


@dataclass
class Place:
    """A poor village as the projects are drawn on it."""

    code: str
    name: str  # 平桥村
    neighbours: list[str]  # the other poor villages of its township
    people: list[tuple[int, int, str]]  # (person, household, name): its poor working people
    leaders: list[tuple[int, int, str]]  # (member, organisation, name): its full members
    enterprises: list[int]  # its county's
    industry: list[int]  # its own industry households


class Generator:
    """Draws the projects of each poor village, as rows, with the village's own generator."""

    def __init__(self, seed: int, result: ProjectsResult) -> None:
        self.seed = seed
        self.result = result
        self.rows = Rows()
        self.project_id = _first_id(Project)
        self.participant_id = _first_id(Participant)
        self.run_id = _first_id(DividendRun)
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        # Household id -> year -> fen of dividends, for the registry's property income.
        self.paid: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.per_county: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        # Partner id -> the villages of the projects it supports.
        self.served: dict[int, set[str]] = defaultdict(set)
        self.recorded_at = {
            year: connection.ops.adapt_datetimefield_value(
                dt.datetime(year + 1, 3, 15, 10, tzinfo=dt.UTC)
            )
            for year in RUN_YEARS
        }

    def village(self, place: Place) -> None:
        rng = random.Random(f"fupin-demo-projects:{self.seed}:{place.code}")
        pool = place.people[:]
        rng.shuffle(pool)
        products = rng.sample(PRODUCTS, PROJECTS_PER_VILLAGE.pick(rng))
        ids = [self.project(rng, place, product, pool) for product in products]
        for partner in place.industry:
            if rng.random() < 0.6:
                # An industry household supports one of its village's projects.
                self.rows.links.append((ids[int(rng.random() * len(ids))], partner))
            self.served[partner].add(place.code)
        self.per_county[place.code[:6]]["villages"] += 1

    def project(
        self, rng: random.Random, place: Place, product: str, pool: list[tuple[int, int, str]]
    ) -> int:
        rows, result = self.rows, self.result
        code, county = place.code, place.code[:6]
        pk = self.project_id
        self.project_id += 1
        kind = TYPES.pick(rng)
        if product in LIVESTOCK_PRODUCTS and kind not in ("cooperative", "processing"):
            kind = ProjectType.LIVESTOCK.value
        setup = SETUPS.pick(rng)
        covered = [code]
        if place.neighbours and rng.random() < CONTIGUOUS_CHANCE:
            setup = SetupModel.CONTIGUOUS.value
            covered += rng.sample(place.neighbours, min(len(place.neighbours), _int(rng, 1, 2)))
        stage = STAGES.pick(rng)
        filed = stage == Stage.FILED
        started = _day(rng, *(FILED_START if filed else YOUNG_START))
        share_price = SHARE_PRICES.pick(rng)
        land_price = _int(rng, 5, 15) * 100_00  # 500–1,500 yuan per 亩, in fen
        reserve = Decimal(_int(rng, 2, 4) * 5)  # %
        collective = Decimal(_int(rng, 1, 3) * 5)
        preferred_rate = Decimal(_int(rng, 5, 8) if rng.random() < PREFERRED_CHANCE else 0)
        rule = ShortfallRule.RESERVE_FIRST.value if rng.random() < 0.25 else ShortfallRule.PRO_RATA
        leaders = rng.sample(place.leaders, min(len(place.leaders), 1 if rng.random() < 0.6 else 2))
        rows.projects.append(
            (
                pk,
                f"{place.name}{product}{SUFFIXES[kind]}",
                kind,
                setup,
                common_region(covered),
                leaders[0][1] if leaders else None,
                product,
                _int(rng, 20, 400) * 100,  # 亩, in hundredths
                started.isoformat(),
                stage,
                share_price,
                land_price,
                reserve,
                collective,
                preferred_rate,
                str(rule),
                "",
                self.now,
                self.now,
            )
        )
        rows.villages.extend((pk, village, village[:6]) for village in covered)
        rows.leaders.extend((pk, member) for member, _org, _name in leaders)
        if place.enterprises and (
            setup in (SetupModel.VILLAGE_ENTERPRISE, SetupModel.ORDER_BASED) or rng.random() < 0.1
        ):
            enterprise = place.enterprises[int(rng.random() * len(place.enterprises))]
            rows.links.append((pk, enterprise))
            self.served[enterprise].update(covered)
        # Approval: proposed on the start date, each later step some days after the one before.
        day = started
        for step in STAGE_LIST[: STAGE_LIST.index(stage) + 1]:
            rows.approvals.append((pk, step, day.isoformat(), ""))
            day += dt.timedelta(days=_int(rng, 5, 30))
        result.projects += 1
        result.covered_villages += len(covered)
        self.per_county[county]["projects"] += 1

        # Participants: poor working people of the village, the collective and the leaders.
        holders: list[Holder] = []
        last_join = started + dt.timedelta(days=120)
        for _i in range(min(len(pool), _int(rng, *POOR_PARTICIPANTS))):
            person, household, name = pool.pop()
            shareholder = rng.random() < 0.85
            holder = self.holder(
                household=household,
                person=person,
                name=name,
                village=code,
                poor=True,
                shareholder=shareholder,
                worker=rng.random() < 0.5 or not shareholder,
                trainee=rng.random() < 0.2,
                joined=_day(rng, started, last_join),
            )
            if shareholder:
                self.contributions(rng, holder, land_price, share_price, preferred_rate > 0)
            holders.append(holder)
        others = [(f"{place.name}股份经济合作社", False, 5, 50)]
        others += [(name, True, 5, 30) for _m, _o, name in leaders]
        for name, worker, low, high in others:
            holder = self.holder(
                household=None,
                person=None,
                name=name,
                village=code,
                poor=False,
                shareholder=True,
                worker=worker,
                trainee=False,
                joined=started,
            )
            value = _int(rng, low, high) * 10_000_00
            asset = Asset.FUND.value if not worker else Asset.CASH.value
            holder.entries.append((started, False, value * 100 // share_price, value, asset, 0))
            holders.append(holder)

        # Money: investments, the yearly figures, the dividend runs of 2018 and 2019.
        capital = sum(e[3] for h in holders for e in h.entries)
        for source in sorted({FUNDING.pick(rng) for _i in range(_int(rng, 1, 3))}):
            rows.investments.append((pk, source, _int(rng, 5, 80) * 10_000_00, started.isoformat()))
        if filed:
            charter = engine.Charter(
                reserve_percent=reserve,
                collective_percent=collective,
                preferred_rate=preferred_rate.scaleb(-2),
                shortfall_rule=rule,  # type: ignore[arg-type]
            )
            self.years(rng, pk, started, capital, holders, charter)
        self.write_holders(pk, holders)
        return pk

    def holder(self, **fields: Any) -> Holder:
        holder = Holder(id=self.participant_id, **fields)
        self.participant_id += 1
        return holder

    def contributions(
        self, rng: random.Random, holder: Holder, land_price: int, share_price: int, preferred: bool
    ) -> None:
        """Land, assistance funds (preferred where the charter has a rate) or cash, at least
        one; a few add cash in 2019. Values are multiples of 50 yuan and the share prices
        divide them, so the shares are exact."""
        on = holder.joined
        entries = holder.entries
        if rng.random() < 0.6:
            mu = _int(rng, 1, 6) * 50  # 0.5–3 亩, in hundredths
            value = mu * land_price // 100
            entries.append((on, False, value * 100 // share_price, value, Asset.LAND.value, mu))
        if rng.random() < (0.6 if preferred else 0.3):
            value = _int(rng, 6, 12) * 500_00
            entries.append((on, preferred, value * 100 // share_price, value, Asset.FUND.value, 0))
        if not entries or rng.random() < 0.3:
            value = _int(rng, 1, 10) * 500_00
            entries.append((on, False, value * 100 // share_price, value, Asset.CASH.value, 0))
        if rng.random() < LATER_CASH_CHANCE:
            later = _day(rng, dt.date(2019, 1, 1), dt.date(2019, 6, 30))
            value = _int(rng, 1, 6) * 500_00
            entries.append((later, False, value * 100 // share_price, value, Asset.CASH.value, 0))

    def years(
        self,
        rng: random.Random,
        pk: int,
        started: dt.date,
        capital: int,
        holders: list[Holder],
        charter: engine.Charter,
    ) -> None:
        """Output, jobs and wages from the start year to 2019; a recorded run for 2018 and 2019
        unless the year made no distributable profit."""
        workers = [h for h in holders if h.worker and h.poor]
        by_id = {h.id: h for h in holders}
        for year in range(started.year, RUN_YEARS[-1] + 1):
            wages = 0
            for h in workers:
                if h.joined.year <= year:
                    h.wages[year] = _int(rng, 30, 150) * 100_00
                    wages += h.wages[year]
            others = _int(rng, 0, 6)
            output = capital * _int(rng, 25, 60) // 100 + wages
            jobs = sum(h.joined.year <= year for h in workers) + others
            self.rows.years.append((pk, year, output, jobs, wages + others * 1_800_000))
            if year not in RUN_YEARS or rng.random() < LOSS_CHANCE:
                continue
            profit = Decimal(capital * _int(rng, 40, 120) // 1000).scaleb(-2)
            end = dt.date(year, 12, 31)
            holdings = [x for x in (h.holding(end) for h in holders) if x is not None]
            self.run(pk, year, engine.compute(charter, profit, holdings), charter, by_id)

    def run(
        self,
        project: int,
        year: int,
        run: engine.Run,
        charter: engine.Charter,
        holders: dict[int, Holder],
    ) -> None:
        rows, result = self.rows, self.result
        pk = self.run_id
        self.run_id += 1
        stamp = self.recorded_at[year]
        rows.runs.append(
            (
                pk,
                project,
                dt.date(year, 1, 1).isoformat(),
                dt.date(year, 12, 31).isoformat(),
                RunStatus.RECORDED.value,
                _fen(run.pool),
                _fen(run.reserve),
                _fen(run.reserve_drawn),
                _fen(run.collective),
                _fen(run.preferred_total),
                _fen(run.ordinary_total),
                _fen(run.shortfall),
                charter.reserve_percent,
                charter.collective_percent,
                charter.preferred_rate.scaleb(2),
                charter.shortfall_rule,
                "",
                stamp,
                stamp,
                self.now,
            )
        )
        for p in run.payouts:
            holder = holders[p.shareholder]
            total = _fen(p.total)
            rows.payouts.append(
                (
                    pk,
                    p.shareholder,
                    holder.village[:6],
                    _fen(p.shares),
                    _fen(p.preferred),
                    _fen(p.ordinary),
                    total,
                )
            )
            if total > 0:
                holder.dividends[year] = holder.dividends.get(year, 0) + total
                if holder.household is not None:
                    self.paid[holder.household][year] += total
        result.runs += 1
        result.payouts += len(run.payouts)
        result.distributed += run.preferred_total + run.ordinary_total
        county = next(iter(holders.values())).village[:6]
        self.per_county[county]["runs"] += 1

    def write_holders(self, project: int, holders: list[Holder]) -> None:
        rows, result = self.rows, self.result
        for h in holders:
            county = h.village[:6]
            rows.participants.append(
                (
                    h.id,
                    project,
                    h.household,
                    h.person,
                    h.name,
                    h.village,
                    county,
                    h.poor,
                    h.shareholder,
                    h.worker,
                    h.trainee,
                    h.joined.isoformat(),
                )
            )
            for dated, preferred, shares, value, asset, land in h.entries:
                rows.entries.append(
                    (
                        project,
                        h.id,
                        county,
                        EntryKind.CONTRIBUTION.value,
                        asset,
                        land,
                        value,
                        shares,
                        preferred,
                        dated.isoformat(),
                        "",
                        self.now,
                    )
                )
            for year in RUN_YEARS:
                if year in h.wages or year in h.dividends:
                    rows.incomes.append(
                        (h.id, year, h.wages.get(year, 0), h.dividends.get(year, 0), 0)
                    )
            result.participants += 1
            result.poor_participants += h.poor
            result.shareholders += h.shareholder
            result.share_entries += len(h.entries)
            self.per_county[county]["participants"] += 1

    def flush(self) -> None:
        rows = self.rows
        write_rows(Project, PROJECT_COLUMNS, rows.projects)
        write_rows(ProjectVillage, VILLAGE_COLUMNS, rows.villages)
        write_rows(Project.leaders.through, ["project", "member"], rows.leaders)
        write_rows(Project.partners.through, ["project", "partner"], rows.links)
        write_rows(Approval, APPROVAL_COLUMNS, rows.approvals)
        write_rows(Investment, INVESTMENT_COLUMNS, rows.investments)
        write_rows(ProjectYear, YEAR_COLUMNS, rows.years)
        write_rows(Participant, PARTICIPANT_COLUMNS, rows.participants)
        write_rows(ShareEntry, ENTRY_COLUMNS, rows.entries)
        write_rows(DividendRun, RUN_COLUMNS, rows.runs)
        write_rows(DividendPayout, PAYOUT_COLUMNS, rows.payouts)
        write_rows(ParticipantIncome, INCOME_COLUMNS, rows.incomes)
        self.rows = Rows()


def _people(villages: Sequence[str]) -> dict[str, list[tuple[int, int, str]]]:
    """The working people (ordinary, skilled or weak labour) of the villages' registered
    households, by village, in id order: one plain query per chunk of villages."""
    qn = connection.ops.quote_name
    table = qn(Person._meta.db_table)
    out: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    codes = sorted(villages)
    with connection.cursor() as cursor:
        for start in range(0, len(codes), 500):
            chunk = codes[start : start + 500]
            cursor.execute(
                f"SELECT {qn('id')}, {qn('household_id')}, {qn('village_code')}, {qn('name')} "
                f"FROM {table} WHERE {qn('labour')} IN (%s, %s, %s) AND {qn('village_code')} "
                f"IN ({', '.join(['%s'] * len(chunk))}) ORDER BY {qn('id')}",
                [*WORKING, *chunk],
            )
            for pk, household, village, name in cursor.fetchall():
                out[village].append((pk, household, name))
    return out


def _leaders(villages: Sequence[str]) -> dict[str, list[tuple[int, int, str]]]:
    """Full members in good standing of each village, in id order: who may lead a project."""
    out: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    codes = sorted(villages)
    for start in range(0, len(codes), 500):
        rows = (
            Member.objects.filter(
                region_id__in=codes[start : start + 500],
                stage=MemberStage.FULL,
                status=MembershipStatus.NORMAL,
            )
            .order_by("id")
            .values_list("id", "organisation_id", "name", "region_id")
        )
        for pk, organisation, name, village in rows:
            out[village].append((pk, organisation, name))
    return out


def _partners(
    seed: int, villages: Sequence[str], names: dict[str, str], result: ProjectsResult
) -> tuple[dict[str, list[int]], dict[str, list[int]], list[tuple[Any, ...]]]:
    """Leading enterprises of each county and industry households of each village, as rows:
    (enterprises by county, industry households by village, partner rows)."""
    rng = random.Random(f"fupin-demo-partners:{seed}")
    people = Names(seed)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    pk = _first_id(Partner)
    rows: list[tuple[Any, ...]] = []
    enterprises: dict[str, list[int]] = defaultdict(list)
    industry: dict[str, list[int]] = defaultdict(list)
    serials: set[int] = set()
    for county in sorted({v[:6] for v in villages}):
        words = rng.sample(ENTERPRISE_WORDS, ENTERPRISES.pick(rng))
        for word in words:
            serial = int(rng.random() * 1e8)
            while serial in serials:
                serial = int(rng.random() * 1e8)
            serials.add(serial)
            product = PRODUCTS[int(rng.random() * len(PRODUCTS))]
            suffix = ENTERPRISE_SUFFIXES[int(rng.random() * len(ENTERPRISE_SUFFIXES))]
            contact = people.surname(rng) + people.given_name(rng, "male")
            rows.append(
                (
                    pk,
                    PartnerKind.ENTERPRISE.value,
                    f"{names.get(county, county)}{word}{suffix}",
                    credit_code(county, serial),
                    county,
                    county,
                    product,
                    contact,
                    f"0{int(rng.random() * 1e10):010d}"[:12],
                    now,
                    now,
                )
            )
            enterprises[county].append(pk)
            pk += 1
    result.enterprises = len(rows)
    for village in sorted(villages):
        for _i in range(INDUSTRY_HOUSEHOLDS.pick(rng)):
            sex = "male" if rng.random() < 0.8 else "female"
            person = people.surname(rng) + people.given_name(rng, sex)
            product = PRODUCTS[int(rng.random() * len(PRODUCTS))]
            trade = "养殖大户" if product in LIVESTOCK_PRODUCTS else "种植大户"
            rows.append(
                (
                    pk,
                    PartnerKind.INDUSTRY_HOUSEHOLD.value,
                    f"{person}（{product}{trade}）",
                    "",
                    village,
                    village[:6],
                    product,
                    person,
                    f"1{_int(rng, 30, 89)}{int(rng.random() * 1e8):08d}",
                    now,
                    now,
                )
            )
            industry[village].append(pk)
            pk += 1
    result.industry_households = len(rows) - result.enterprises
    return enterprises, industry, rows


def _per_capita(net: int, members: int) -> int:
    """registry.rules.per_capita in integer fen (half up, away from zero)."""
    if members <= 0:
        return 0
    each = per_capita_fen(abs(net), members)
    return each if net >= 0 else -each


def add_property_income(paid: dict[int, dict[int, int]]) -> int:
    """Add the dividends (household -> year -> fen) to the households' registry property
    income of the year, where the household has a record of it, and recompute its per-capita
    income (as `fupin.registry.actions.add_property_income` does, in bulk). Returns the number
    of records changed."""
    qn = connection.ops.quote_name
    table = qn(IncomeRecord._meta.db_table)
    households = sorted(paid)
    updates: list[tuple[int, int, int]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(households), 5000):
            chunk = households[start : start + 5000]
            cursor.execute(
                f"SELECT {qn('id')}, {qn('household_id')}, {qn('year')}, {qn('wage')}, "
                f"{qn('production')}, {qn('property_income')}, {qn('transfer')}, "
                f"{qn('costs')}, {qn('members')} FROM {table} "
                f"WHERE {qn('household_id')} IN ({', '.join(['%s'] * len(chunk))}) "
                f"AND {qn('year')} IN ({', '.join(['%s'] * len(RUN_YEARS))})",
                [*chunk, *RUN_YEARS],
            )
            for (
                pk,
                household,
                year,
                wage,
                production,
                prop,
                transfer,
                costs,
                members,
            ) in cursor.fetchall():
                amount = paid[household].get(year)
                if not amount:
                    continue
                prop += amount
                net = wage + production + prop + transfer - costs
                updates.append((prop, _per_capita(net, members), pk))
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE TEMP TABLE demo_income_update (property bigint, each bigint, id bigint) "
                "ON COMMIT DROP"
            )
            with cursor.copy("COPY demo_income_update FROM STDIN") as copy:
                for row in updates:
                    copy.write_row(row)
            cursor.execute(
                f"UPDATE {table} AS r SET {qn('property_income')} = u.property, "
                f"{qn('per_capita')} = u.each FROM demo_income_update u WHERE r.{qn('id')} = u.id"
            )
            cursor.execute("DROP TABLE demo_income_update")
        else:
            cursor.executemany(
                f"UPDATE {table} SET {qn('property_income')} = %s, {qn('per_capita')} = %s "
                f"WHERE {qn('id')} = %s",
                updates,
            )
    return len(updates)


def build_projects(*, villages: Sequence[str], seed: int) -> ProjectsResult:
    """Projects, partners, participants, registers and the 2018 and 2019 dividend runs on the
    demo's poor `villages` (after `clear_projects`, the households and the party). Call
    inside a transaction. One summary audit event per county."""
    result = ProjectsResult()
    villages = sorted(villages)
    regions = dict(
        Region.objects.filter(code__in={v[:6] for v in villages}).values_list("code", "name")
    )
    village_names: dict[str, str] = {}
    for start in range(0, len(villages), 500):
        village_names.update(
            Region.objects.filter(code__in=villages[start : start + 500]).values_list(
                "code", "name"
            )
        )
    by_township: dict[str, list[str]] = defaultdict(list)
    for v in villages:
        by_township[v[:9]].append(v)
    people = _people(villages)
    leaders = _leaders(villages)
    enterprises, industry, partner_rows = _partners(seed, villages, regions, result)
    write_rows(Partner, PARTNER_COLUMNS, partner_rows)
    generator = Generator(seed, result)
    with _sqlite_cache():
        for code in villages:
            generator.village(
                Place(
                    code=code,
                    name=short_name(village_names.get(code, code))[0],
                    neighbours=[v for v in by_township[code[:9]] if v != code],
                    people=people.get(code, []),
                    leaders=leaders.get(code, []),
                    enterprises=enterprises.get(code[:6], []),
                    industry=industry.get(code, []),
                )
            )
            if len(generator.rows) >= BATCH:
                generator.flush()
        generator.flush()
        write_rows(
            Partner.villages.through,
            ["partner", "region"],
            [(pk, v) for pk in sorted(generator.served) for v in sorted(generator.served[pk])],
        )
        changed = add_property_income(generator.paid)
    result.households_paid = len(generator.paid)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Project, Participant, DividendRun, Partner]
        ):
            cursor.execute(sql)
    analyze(
        Project,
        ProjectVillage,
        Partner,
        Participant,
        ShareEntry,
        DividendRun,
        DividendPayout,
        ParticipantIncome,
        IncomeRecord,
    )
    partners_per_county: dict[str, int] = defaultdict(int)
    for row in partner_rows:
        partners_per_county[row[5]] += 1
    for county in sorted(generator.per_county):
        counts = dict(generator.per_county[county])
        counts["partners"] = partners_per_county[county]
        record(
            actor=None,
            action="demo.create_projects",
            object_type="projects.project",
            object_repr=f"{regions.get(county, county)} ({county})",
            region_code=county,
            after=counts,
        )
    result.income_records = changed
    # After the sequences are set past the bulk rows: the actions take ids from them.
    build_fixtures(seed=seed, result=result)
    return result


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
# The county administrators of 大竹县 and of its sibling 渠县 (the cooperative's region).
FIXTURE_USERS = {"county_dazhu": DAZHU, "county_quxian": QUXIAN}


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


def _fixture_users(result: ProjectsResult) -> None:
    """The county administrators of 大竹县 and its sibling 渠县 (replaced on a rebuild)."""
    from fupin.accounts import actions as account_actions
    from fupin.accounts.choices import Role
    from fupin.accounts.models import User
    from fupin.demo.builder import DEMO_PASSWORD

    for user in User.objects.filter(username__in=list(FIXTURE_USERS)):
        account_actions.delete_user(actor=None, user=user)
    for username, code in FIXTURE_USERS.items():
        if Region.objects.filter(code=code).exists():
            account_actions.create_user(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                region_code=code,
                role=Role.COUNTY_ADMIN,
            )
            result.users[username] = (Role.COUNTY_ADMIN.value, code)


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
        project = actions.create_project(
            actor=None,
            name="平桥村花椒专业合作社",
            type=ProjectType.COOPERATIVE,
            setup=SetupModel.BRANCH_COOPERATIVE,
            village_codes=[PINGQIAO],
            leaders=leaders,
            organisation=leaders[0].organisation if leaders else None,
            product="花椒",
            land_mu=Decimal("320"),
            started_on=started,
            share_price=Decimal("1"),
            land_price=Decimal("1000"),
            reserve_percent=Decimal("10"),
            collective_percent=Decimal("10"),
            preferred_rate=Decimal("8"),
            shortfall_rule=ShortfallRule.PRO_RATA,
            note="村党支部领办，贫困党员和贫困群众以土地、扶贫资金和现金入股，在合作社务工挣薪金、年底分红。",
        )
        _filed(project, started)
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
        run = actions.propose_dividend_run(
            actor=None,
            project=project,
            period_start=dt.date(2018, 1, 1),
            period_end=dt.date(2018, 12, 31),
            profit=PINGQIAO_PROFIT_2018,
        )
        run = actions.approve_dividend_run(actor=None, run=run)
        actions.record_dividend_run(actor=None, run=run)
        result.fixtures["pingqiao"] = {"village": project.region_id, "name": project.name}

    if GUANGRONG in present:
        started = dt.date(2016, 4, 1)
        leaders = _members(GUANGRONG, 5, rng)
        project = actions.create_project(
            actor=None,
            name="光荣村核桃示范园",
            type=ProjectType.DEMONSTRATION_GARDEN,
            setup=SetupModel.BRANCH_COOPERATIVE,
            village_codes=[GUANGRONG],
            leaders=leaders,
            organisation=leaders[0].organisation if leaders else None,
            product="核桃",
            land_mu=Decimal("200"),
            started_on=started,
            note="5名党员带头示范种植核桃，带动贫困户发展。",
        )
        _filed(project, started)
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
        project = actions.create_project(
            actor=None,
            name="兰武村蔬菜专业合作社",
            type=ProjectType.COOPERATIVE,
            setup=SetupModel.BRANCH_COOPERATIVE,
            village_codes=[LANWU],
            leaders=leaders,
            organisation=leaders[0].organisation if leaders else None,
            product="苦瓜",
            land_mu=Decimal("100"),
            started_on=started,
            note="60户入社，种植苦瓜100亩，年产值150万元。",
        )
        _filed(project, started)
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
        project = actions.create_project(
            actor=None,
            name="灵山村专业合作社",
            type=ProjectType.COOPERATIVE,
            setup=SetupModel.BRANCH_COOPERATIVE,
            village_codes=[LINGSHAN],
            leaders=leaders,
            organisation=leaders[0].organisation if leaders else None,
            product="中药材",
            land_mu=Decimal("120"),
            started_on=started,
            note="村党支部领办，投资75万元，18户入社，流转土地120亩。",
        )
        _filed(project, started)
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
        project = actions.create_project(
            actor=None,
            name="雎水镇宝元村莲藕种植项目",
            type=ProjectType.FAMILY_FARM,
            setup=SetupModel.BRANCH_FAMILY_FARM,
            village_codes=[JUSHUI],
            leaders=leaders,
            organisation=leaders[0].organisation if leaders else None,
            product="莲藕",
            land_mu=Decimal("30"),
            started_on=started,
            note="2名贫困党员领办，种植莲藕30亩，带动3名贫困群众务工，人均年增收1.2万元。",
        )
        _filed(project, started)
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
