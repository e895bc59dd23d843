"""The demo's pairing (结对帮扶): helpers, current pairings, household plans and visits.

Built on the demo's party members and registered households, so that the optimiser has real
work at every scale and the statistics have the programme's proportions (at scale 1 about
468,000 helpers, 50,000 poor members and 870,000 poor people paired, DESIGN §4):

- helpers: nine in ten of the county organs' cadres (one in ten of them working for the city's
  organs, with the city as their region), one in fifty village members and every wealth leader
  (a leader, with a cap of 7); never a registered poor person (a member linked to a registry
  record, or with a current poor tag). Each knows one or two skills;
- household plans (一户一策) for half of the households not exited: some name the main need,
  others have measures of the national categories, the first marked main;
- current primary pairings for about 40 % of the beneficiaries (households not exited and poor
  members), with a helper of their village where there is one with room, else a county cadre;
  one helper per county over their cap; the rest unpaired;
- an eighth of the households that exited from 2016 on keep the helper they had while poor (脱贫不
  脱帮扶): current pairings that started before the exit, counted among the poor people paired
  but not in the coverage of those who still need a helper;
- visits for half of the pairings.

Rows are tuples written with `write_rows` like the rest of the demo, with one summary audit
event per county. A rebuild clears every pairing row first (they point at members and
households).
"""

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, Max, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.log import record
from fupin.demo.common import delete_all, first_id, reset_sequences
from fupin.lib.bulk import analyze, write_rows
from fupin.pairing.choices import MeasureCategory, PairingKind, Skill, Source
from fupin.pairing.models import (
    DEFAULT_CAP,
    Helper,
    HouseholdPlan,
    Measure,
    Pairing,
    Proposal,
    ProposalItem,
    Visit,
)
from fupin.party.choices import MembershipStatus, Stage, TagKind
from fupin.party.models import Member, MemberTag
from fupin.regions.models import Region
from fupin.registry.choices import Status
from fupin.registry.models import Household, StatusChange

CADRE_SHARE, CITY_CADRE_SHARE, VILLAGER_SHARE = 0.9, 0.1, 0.02
PLAN_SHARE, NAMED_NEED_SHARE, PAIRED_SHARE, VISITED_SHARE = 0.5, 0.5, 0.4, 0.5
# Households exited from the programme's first pairings (2016) on that keep their helper.
KEPT_SHARE = 0.125
PLAN_YEAR = 2020
START = dt.date(2016, 3, 1)
END = dt.date(2020, 12, 31)
SKILLS = [str(s) for s in Skill.values]
LEADER_SKILLS = [Skill.PLANTING.value, Skill.LIVESTOCK.value, Skill.ECOMMERCE.value]
NEEDS = [Skill.PLANTING, Skill.JOBS, Skill.LIVESTOCK, Skill.HEALTH, Skill.EDUCATION]
NEED_WEIGHTS = [40, 25, 15, 12, 8]
CATEGORIES = [str(c) for c in MeasureCategory.values]
# Measures as the plans write them (data in Chinese, like the rest of the demo's rows).
MEASURES = {
    "industry": ("发展特色种植2亩", "县农业农村局"),
    "employment": ("推荐外出务工", "县人力资源和社会保障局"),
    "finance": ("申请扶贫小额信贷5万元", "县财政局"),
    "welfare_post": ("安排公益性岗位", "乡镇人民政府"),
    "health": ("家庭医生签约服务", "县卫生健康局"),
    "education": ("落实教育资助", "县教育局"),
    "housing": ("危房改造", "县住房和城乡建设局"),
    "drinking_water": ("安全饮水入户", "县水利局"),
    "relocation": ("易地扶贫搬迁", "县发展和改革局"),
    "social_security": ("纳入农村低保", "县民政局"),
    "ecology": ("生态护林员", "县林业局"),
    "training": ("参加实用技术培训", "县乡村振兴局"),
}
VISITS_DONE = [
    "了解生产生活情况，宣讲帮扶政策。",
    "帮助联系农技员，指导种植。",
    "核对收入，填写帮扶手册。",
]
FOLLOW_UPS = ["", "下月回访。", "协调解决饮水问题。"]

HELPER_COLUMNS = "id member region county_code expertise is_leader active created_at updated_at"
PAIRING_COLUMNS = "helper household member region county_code kind started_on source created_at"
PLAN_COLUMNS = (
    "id household region county_code year situation problems responsibilities exit_target "
    "main_need created_at updated_at"
)
MEASURE_COLUMNS = (
    "plan region_code county_code category description is_main cost responsible_unit status"
)
VISIT_COLUMNS = "helper household member region county_code visited_on done follow_ups created_at"
# Cleared in this order (each row's dependants first).
DELETE_ORDER: list[type[models.Model]] = [
    Visit,
    Measure,
    HouseholdPlan,
    Pairing,
    ProposalItem,
    Proposal,
    Helper,
]


@dataclass
class PairingResult:
    helpers: int = 0
    leaders: int = 0
    pairings: int = 0
    kept: int = 0
    over_cap: int = 0
    beneficiaries: int = 0
    unpaired: int = 0
    plans: int = 0
    measures: int = 0
    visits: int = 0


def clear_pairing() -> int:
    """Every pairing row (helpers, pairings, plans, measures, visits, proposals), in bulk,
    before the party and the households they point at are replaced. One summary audit event
    per county."""
    # By county (a city organ's cadre by city).
    helpers = dict(
        Helper.objects.annotate(county=Substr("region_id", 1, 6))
        .values("county")
        .annotate(n=Count("id"))
        .values_list("county", "n")
    )
    pairings = dict(
        Pairing.objects.values("county_code")
        .annotate(n=Count("id"))
        .values_list("county_code", "n")
    )
    delete_all(DELETE_ORDER)
    for county in sorted(set(helpers) | set(pairings)):
        record(
            actor=None,
            action="demo.delete_pairing",
            object_type="pairing.helper",
            object_repr=_("%(n)s demo helpers") % {"n": helpers.get(county, 0)},
            region_code=county,
            before={"helpers": helpers.get(county, 0), "pairings": pairings.get(county, 0)},
        )
    return sum(helpers.values())


class Pool:
    """Helpers of one village or county, drawn at random among those with room in constant
    time (a county has thousands of cadres and a province's demo pairs a million)."""

    def __init__(self) -> None:
        self.entries: list[list[int]] = []  # [helper id, load, cap], every helper
        self.open: list[list[int]] = []  # those with room

    def add(self, entry: list[int]) -> None:
        self.entries.append(entry)
        self.open.append(entry)

    def draw(self, rng: random.Random) -> list[int] | None:
        """A helper with room, their load counted up; None when all are full."""
        if not self.open:
            return None
        i = rng.randrange(len(self.open))
        entry = self.open[i]
        entry[1] += 1
        if entry[1] >= entry[2]:
            self.open[i] = self.open[-1]
            self.open.pop()
        return entry


def _day(rng: random.Random, first: dt.date, last: dt.date) -> str:
    return dt.date.fromordinal(rng.randint(first.toordinal(), last.toordinal())).isoformat()


def build_pairing(*, counties: Sequence[str], seed: int, user: Any = None) -> PairingResult:
    """Helpers, plans, pairings and visits on the demo's party counties (after the party and
    the households). `user` (the demo's helper login) becomes a paired helper of the first
    county. Call inside a transaction."""
    rng = random.Random(f"fupin-demo-pairing:{seed}")
    result = PairingResult()
    today = dt.date.today()
    now = timezone.now()
    first_county = counties[0] if counties else ""
    counties = sorted(counties)
    wanted = set(counties)

    # Who may help: full or probationary members in good standing, never a poor one.
    poor = set(
        MemberTag.objects.filter(kind=TagKind.POOR)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .values_list("member_id", flat=True)
        .order_by()
    )
    leaders = set(
        MemberTag.objects.filter(kind=TagKind.WEALTH_LEADER, until__isnull=True)
        .values_list("member_id", flat=True)
        .order_by()
    )
    members = (
        Member.objects.filter(
            county_code__in=counties,
            person__isnull=True,
            stage__in=[Stage.FULL, Stage.PROBATIONARY],
            status=MembershipStatus.NORMAL,
        )
        .order_by("id")
        .values_list("id", "region_id", "county_code")
    )
    helper_id = first_id(Helper)
    helper_rows: list[tuple[Any, ...]] = []
    # Helpers by village and by county (cadres): [helper id, load, cap]
    by_village: dict[str, Pool] = defaultdict(Pool)
    by_county: dict[str, Pool] = defaultdict(Pool)
    regions: dict[int, str] = {}
    per_county: dict[str, Counter[str]] = defaultdict(Counter)
    for pk, region, county in members:
        if pk in poor:
            continue
        is_leader = pk in leaders
        cadre = len(region) == 6
        if not is_leader and rng.random() >= (CADRE_SHARE if cadre else VILLAGER_SHARE):
            continue
        where = county[:4] if cadre and rng.random() < CITY_CADRE_SHARE else region
        skills = rng.sample(LEADER_SKILLS if is_leader else SKILLS, rng.randint(1, 2))
        cap = 7 if is_leader else DEFAULT_CAP
        helper_rows.append(
            (
                helper_id,
                pk,
                where,
                county if len(where) >= 6 else "",
                ",".join(skills),
                is_leader,
                True,
                now,
                now,
            )
        )
        regions[helper_id] = where
        entry = [helper_id, 0, cap]
        if cadre:
            if len(where) >= 6:
                by_county[county].add(entry)
        else:
            by_village[region].add(entry)
        per_county[county]["helpers"] += 1
        result.helpers += 1
        result.leaders += is_leader
        helper_id += 1
    write_rows(Helper, HELPER_COLUMNS.split(), helper_rows)

    # The beneficiaries: households not exited, poor members (village members).
    beneficiaries: list[tuple[str, int, str]] = [
        ("household", pk, village)
        for pk, village, county in Household.objects.exclude(status=Status.EXITED)
        .order_by("id")
        .values_list("id", "village_id", "county_code")
        if county in wanted
    ]
    beneficiaries += [
        ("member", pk, region)
        for pk, region in Member.objects.filter(pk__in=poor, county_code__in=counties)
        .order_by("id")
        .values_list("id", "region_id")
        if len(region) == 12
    ]
    result.beneficiaries = len(beneficiaries)

    # Plans for half of the households: a named main need, or measures (the first main).
    plan_id = first_id(HouseholdPlan)
    plan_rows: list[tuple[Any, ...]] = []
    measure_rows: list[tuple[Any, ...]] = []
    for kind, pk, village in beneficiaries:
        if kind != "household" or rng.random() >= PLAN_SHARE:
            continue
        named = rng.random() < NAMED_NEED_SHARE
        need = rng.choices(NEEDS, NEED_WEIGHTS)[0] if named else ""
        plan_rows.append(
            (
                plan_id,
                pk,
                village,
                village[:6],
                PLAN_YEAR,
                "家庭劳动力不足，收入来源单一。",
                "缺技术、缺资金。",
                "帮扶责任人每月走访一次，协调落实帮扶措施。",
                "人均纯收入稳定超过国家扶贫标准",
                str(need),
                now,
                now,
            )
        )
        if not named:
            for i in range(rng.randint(1, 3)):
                category = CATEGORIES[rng.randrange(len(CATEGORIES))]
                description, unit = MEASURES[category]
                measure_rows.append(
                    (
                        plan_id,
                        village,
                        village[:6],
                        category,
                        description,
                        i == 0,
                        rng.randint(5, 200) * 10000,  # hundredths of a yuan
                        unit,
                        "in_progress",
                    )
                )
        plan_id += 1
        per_county[village[:6]]["plans"] += 1
    write_rows(HouseholdPlan, PLAN_COLUMNS.split(), plan_rows)
    write_rows(Measure, MEASURE_COLUMNS.split(), measure_rows)
    result.plans, result.measures = len(plan_rows), len(measure_rows)

    # Current pairings for part of the beneficiaries, within the caps but for one helper a
    # county; visits for half of them.
    pairing_rows: list[tuple[Any, ...]] = []
    visit_rows: list[tuple[Any, ...]] = []
    waiting: dict[str, list[tuple[str, int, str]]] = defaultdict(list)

    def pair(entry: list[int], kind: str, pk: int, village: str, last: dt.date = END) -> None:
        household, member = (pk, None) if kind == "household" else (None, pk)
        started = _day(rng, START, last)
        county = village[:6]
        pairing_rows.append(
            (
                entry[0],
                household,
                member,
                village,
                county,
                PairingKind.PRIMARY.value,
                started,
                Source.IMPORT.value,
                now,
            )
        )
        per_county[county]["pairings"] += 1
        if rng.random() < VISITED_SHARE:
            for _i in range(rng.randint(1, 2)):
                visit_rows.append(
                    (
                        entry[0],
                        household,
                        member,
                        village,
                        county,
                        _day(rng, dt.date.fromisoformat(started), END),
                        VISITS_DONE[rng.randrange(len(VISITS_DONE))],
                        FOLLOW_UPS[rng.randrange(len(FOLLOW_UPS))],
                        now,
                    )
                )

    for kind, pk, village in beneficiaries:
        pool = by_village.get(village) or by_county.get(village[:6])
        drawn = pool.draw(rng) if rng.random() < PAIRED_SHARE and pool is not None else None
        if drawn is None:
            waiting[village].append((kind, pk, village))
            continue
        pair(drawn, kind, pk, village)
    # Households exited from 2016 on that kept their helper: a village helper with room, else
    # a county cadre; the pairing started before the exit (approved by October).
    exits = dict(
        StatusChange.objects.filter(
            county_code__in=counties, status=Status.EXITED, year__gte=START.year
        )
        .values("household_id")
        .annotate(last=Max("year"))
        .values_list("household_id", "last")
    )
    exited = Household.objects.filter(county_code__in=counties, status=Status.EXITED)
    for pk, village in exited.order_by("id").values_list("id", "village_id"):
        year = exits.get(pk)
        if year is None or rng.random() >= KEPT_SHARE:
            continue
        for pool in (by_village.get(village), by_county.get(village[:6])):
            drawn = pool.draw(rng) if pool is not None else None
            if drawn is not None:
                pair(drawn, "household", pk, village, last=min(dt.date(year, 10, 31), END))
                result.kept += 1
                break
    # In each county, the busiest village helper takes households beyond the cap.
    for county in counties:
        busiest = sorted(
            (e for v, pool in by_village.items() if v.startswith(county) for e in pool.entries),
            key=lambda e: (-e[1], e[0]),
        )
        for entry in busiest:
            village = regions[entry[0]]
            extra = entry[2] + 1 - entry[1]
            if len(waiting[village]) >= extra:
                for _i in range(extra):
                    entry[1] += 1
                    pair(entry, *waiting[village].pop())
                result.over_cap += 1
                break
    result.unpaired = sum(len(w) for w in waiting.values())
    write_rows(Pairing, PAIRING_COLUMNS.split(), pairing_rows)
    write_rows(Visit, VISIT_COLUMNS.split(), visit_rows)
    result.pairings, result.visits = len(pairing_rows), len(visit_rows)
    if user is not None and pairing_rows:
        first = next((row[0] for row in pairing_rows if row[4] == first_county), pairing_rows[0][0])
        Helper.objects.filter(pk=first).update(user=user)
    reset_sequences(Helper, HouseholdPlan)
    analyze(Helper, HouseholdPlan, Measure, Pairing, Visit)
    names = dict(Region.objects.filter(code__in=counties).values_list("code", "name"))
    for county in counties:
        if per_county[county]:
            record(
                actor=None,
                action="demo.create_pairing",
                object_type="pairing.helper",
                object_repr=f"{names.get(county, county)} ({county})",
                region_code=county,
                after=dict(per_county[county]),
            )
    return result
