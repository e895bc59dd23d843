"""The projects demo's drawing: a poor village's projects, their participants, share registers
and dividend runs, as rows (fupin.demo.projects).
"""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone
from stdnum.cn import uscc

from fupin.demo.common import (
    Weighted,
    first_id,
    rand_day,
    rand_int,
)
from fupin.lib.bulk import write_rows
from fupin.party.actions import common_region
from fupin.projects import dividends as engine
from fupin.projects.choices import (
    Asset,
    EntryKind,
    FundingSource,
    ProjectType,
    RunStatus,
    SetupModel,
    ShortfallRule,
    Stage,
)
from fupin.projects.models import (
    Approval,
    DividendPayout,
    DividendRun,
    Investment,
    Participant,
    ParticipantIncome,
    Project,
    ProjectVillage,
    ProjectYear,
    ShareEntry,
)
from fupin.registry.choices import Labour

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
        self.project_id = first_id(Project)
        self.participant_id = first_id(Participant)
        self.run_id = first_id(DividendRun)
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
            covered += rng.sample(place.neighbours, min(len(place.neighbours), rand_int(rng, 1, 2)))
        stage = STAGES.pick(rng)
        filed = stage == Stage.FILED
        started = rand_day(rng, *(FILED_START if filed else YOUNG_START))
        share_price = SHARE_PRICES.pick(rng)
        land_price = rand_int(rng, 5, 15) * 100_00  # 500–1,500 yuan per 亩, in fen
        reserve = Decimal(rand_int(rng, 2, 4) * 5)  # %
        collective = Decimal(rand_int(rng, 1, 3) * 5)
        preferred_rate = Decimal(rand_int(rng, 5, 8) if rng.random() < PREFERRED_CHANCE else 0)
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
                rand_int(rng, 20, 400) * 100,  # 亩, in hundredths
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
            day += dt.timedelta(days=rand_int(rng, 5, 30))
        result.projects += 1
        result.covered_villages += len(covered)
        self.per_county[county]["projects"] += 1

        # Participants: poor working people of the village, the collective and the leaders.
        holders: list[Holder] = []
        last_join = started + dt.timedelta(days=120)
        for _i in range(min(len(pool), rand_int(rng, *POOR_PARTICIPANTS))):
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
                joined=rand_day(rng, started, last_join),
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
            value = rand_int(rng, low, high) * 10_000_00
            asset = Asset.FUND.value if not worker else Asset.CASH.value
            holder.entries.append((started, False, value * 100 // share_price, value, asset, 0))
            holders.append(holder)

        # Money: investments, the yearly figures, the dividend runs of 2018 and 2019.
        capital = sum(e[3] for h in holders for e in h.entries)
        for source in sorted({FUNDING.pick(rng) for _i in range(rand_int(rng, 1, 3))}):
            rows.investments.append(
                (pk, source, rand_int(rng, 5, 80) * 10_000_00, started.isoformat())
            )
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
            mu = rand_int(rng, 1, 6) * 50  # 0.5–3 亩, in hundredths
            value = mu * land_price // 100
            entries.append((on, False, value * 100 // share_price, value, Asset.LAND.value, mu))
        if rng.random() < (0.6 if preferred else 0.3):
            value = rand_int(rng, 6, 12) * 500_00
            entries.append((on, preferred, value * 100 // share_price, value, Asset.FUND.value, 0))
        if not entries or rng.random() < 0.3:
            value = rand_int(rng, 1, 10) * 500_00
            entries.append((on, False, value * 100 // share_price, value, Asset.CASH.value, 0))
        if rng.random() < LATER_CASH_CHANCE:
            later = rand_day(rng, dt.date(2019, 1, 1), dt.date(2019, 6, 30))
            value = rand_int(rng, 1, 6) * 500_00
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
                    h.wages[year] = rand_int(rng, 30, 150) * 100_00
                    wages += h.wages[year]
            others = rand_int(rng, 0, 6)
            output = capital * rand_int(rng, 25, 60) // 100 + wages
            jobs = sum(h.joined.year <= year for h in workers) + others
            self.rows.years.append((pk, year, output, jobs, wages + others * 1_800_000))
            if year not in RUN_YEARS or rng.random() < LOSS_CHANCE:
                continue
            profit = Decimal(capital * rand_int(rng, 40, 120) // 1000).scaleb(-2)
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
