"""The demo's party organisations and members, on every village of the demo's counties.

The counties are the poor ones and 苍溪县 (510824) always — issue 4's acceptance test
reorganises its 三会村 area — and from scale 0.5 up others, drawn, until scale 1 covers all of
Sichuan: 34,412 villages with about 44 members each (1.5 million), of whom about 50,000 are poor
members taken from the registry, and about 13.6 cadres per village in the county organs
(468,000). The default demo (scale 0.1: 9 poor counties and 苍溪县, about 1,770 villages) has
about 81,000 members, 5,000 of them poor, and 24,000 cadres.

The tree of a county: a party committee per township (a 街道's is of kind community), under it
a branch per village or community (a general branch with party groups where it has more than
50 members), a few park committees over 3–5 poor villages of one township (their village
branches move under the park) and industry branches around a village's cooperative; beside
it the county organs' working committee (县直机关工委) with a branch or general branch per
organ. Every organisation has its coverage, a founding date and a secretary among its members.

五龙镇 (510824107) is left for the user: no park and no industry branch, and its villages keep
a plain branch of 24–46 members, so that a park committee over three of them can be created and
three branches merged into two general branches on the page.

Like `fupin.demo.households`, the rows are built as tuples from generators seeded by the demo
seed and the village or county code, and written with `write_rows`, one county at a time, with
one summary audit event per county. They keep every rule the actions enforce: ID numbers valid
and unique across the province (a poor member's is their registry record's, nobody else's is
in the registry), a member's region inside their organisation's coverage, development steps in
order with the minimum periods, young talent 35 or under when developed. Dates describe the
programme at the end of 2020, as the households do.

Names of organisations, posts, places and businesses are data in Chinese, as a real roster
holds them, not interface text.
"""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Count, Max
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.log import record
from fupin.demo.households import (
    ETHNICITIES,
    PHONE_PREFIXES,
    IdNumbers,
    Names,
    Weighted,
    _sqlite_cache,
)
from fupin.lib.bulk import analyze, write_rows
from fupin.pairing.models import Helper, Pairing, Visit
from fupin.party.actions import common_region
from fupin.party.checks import COMMITTEE_FROM
from fupin.party.choices import Channel, MembershipStatus, OrgKind, OrgLevel, ServiceKind, Stage
from fupin.party.choices import TagKind as Tag
from fupin.party.models import (
    Coverage,
    DevelopmentStep,
    Member,
    MemberTag,
    Organisation,
    Reorganisation,
    ReorganisationRegion,
    ServiceLog,
)
from fupin.party.rules import years_after
from fupin.projects import models as projects
from fupin.regions.choices import Level
from fupin.regions.codes import subtree_bounds
from fupin.regions.models import Region
from fupin.registry.choices import Education, Political, Sex
from fupin.registry.models import Household, Person

PROVINCE = "51"
CANGXI = "510824"
# 五龙镇 of 苍溪县: the 三会村 area the user reorganises (issue 4, "Done when").
WULONG = "510824107"
# Every date describes the programme as at its end, like the households' (REFERENCE_YEAR).
END = dt.date(2020, 12, 31)
# Members per village or community: 18–71, mean about 44 (1.5 million over 34,412 villages).
MEMBERS_LOW, MEMBERS_SPREAD = 18, 53
WULONG_MEMBERS = (24, 46)
# Members above which a village has a general branch with party groups (the checks' 50).
GENERAL_BRANCH_ABOVE = 50
# Members who joined before the programme joined by the end of 2014.
LAST_OLD_JOINING = dt.date(2014, 12, 31).toordinal()
# A general branch's members outside its committee sit in party groups of about 15.
GROUP_SIZE = 15
# Organ cadres per village of the county: 468,000 over the province's 34,412 villages.
CADRES_PER_VILLAGE = 468_000 / 34_412
CADRES_PER_ORGAN = 150
# Poor members per poor village, 2–7 (mean about 4.35: 50,000 over 11,501 poor villages).
POOR_LOW, POOR_SPREAD = 2, 5.7
# Chances: that the next three poor villages of a township (outside 五龙镇) form a park;
# that a village has an industry branch; that a village has a member wealth leader.
PARK_CHANCE = 0.12
INDUSTRY_CHANCE = 0.05
WEALTH_LEADER_POOR = 0.9
WEALTH_LEADER_OTHER = 0.3
# Returnees per village, by city: 巴中 reported 419 over its 1,809 villages.
RETURNEES = {"5119": 0.232, "5113": 0.04, "5117": 0.04, "5108": 0.03, "5116": 0.03}
RETURNEES_ELSEWHERE = 0.006
MIGRANT_CHANCE = 0.08
POST_HOLDER_CHANCE = 0.12
# Rows per write: members and their tags, steps and services of a few counties at most.
BATCH = 20_000
DELETE_ORDER: list[type[models.Model]] = [
    # The projects' and the pairing's rows point at members and organisations
    # (fupin.demo.projects.clear_projects and fupin.demo.pairing.clear_pairing clear them first
    # when the whole demo is rebuilt; clearing the party alone must not leave them dangling).
    projects.DividendPayout,
    projects.DividendRun,
    projects.ParticipantIncome,
    projects.ShareEntry,
    projects.Participant,
    projects.Delivery,
    projects.PurchaseContract,
    projects.Approval,
    projects.ProjectYear,
    projects.Investment,
    projects.ProjectVillage,
    projects.Project.leaders.through,
    projects.Project.partners.through,
    projects.Project,
    Visit,
    Pairing,
    Helper,
    MemberTag,
    DevelopmentStep,
    ServiceLog,
    ReorganisationRegion,
    Reorganisation.sources.through,
    Reorganisation.successors.through,
    Reorganisation,
    Coverage,
    Member,
    Organisation,
]

MALE, FEMALE = Sex.MALE.value, Sex.FEMALE.value
NORMAL = MembershipStatus.NORMAL.value
FULL, PROBATIONARY = Stage.FULL.value, Stage.PROBATIONARY.value
TARGET, ACTIVIST, APPLICANT = Stage.TARGET.value, Stage.ACTIVIST.value, Stage.APPLICANT.value
PIPELINE = [APPLICANT, ACTIVIST, TARGET, PROBATIONARY, FULL]
ED = Education
# Village members' stages: mostly full members, a few on the way (发展党员).
STAGES = Weighted({FULL: 92.5, PROBATIONARY: 3, TARGET: 1.2, ACTIVIST: 2, APPLICANT: 1.3})
# Full members developed during the programme (2015–2019) keep their dated steps.
DEVELOPED_CHANCE = 0.06
# Rural members are older than the people around them.
AGE_BANDS = Weighted({(21, 30): 8, (31, 45): 20, (46, 60): 32, (61, 75): 28, (76, 90): 12})
EDUCATION_BY_AGE = [
    (36, Weighted({ED.JUNIOR: 35, ED.SENIOR: 40, ED.COLLEGE: 25})),
    (56, Weighted({ED.PRIMARY: 15, ED.JUNIOR: 50, ED.SENIOR: 28, ED.COLLEGE: 7})),
    (71, Weighted({ED.PRIMARY: 40, ED.JUNIOR: 42, ED.SENIOR: 15, ED.COLLEGE: 3})),
    (999, Weighted({ED.ILLITERATE: 15, ED.PRIMARY: 55, ED.JUNIOR: 25, ED.SENIOR: 5})),
]
EDUCATION_AT_AGE = [next(w for below, w in EDUCATION_BY_AGE if age < below) for age in range(101)]
CADRE_EDUCATION = Weighted({ED.COLLEGE: 82, ED.SENIOR: 18})

# The programme's wording, as rosters hold it.
ORGANS = [
    "委办公室",
    "人民政府办公室",
    "委组织部",
    "委宣传部",
    "纪委监委",
    "发展和改革局",
    "教育局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "乡村振兴局",
    "卫生健康局",
    "民政局",
    "商务局",
    "文化广播电视和旅游局",
    "林业局",
    "市场监督管理局",
    "公安局",
]
PRODUCE = "猕猴桃 茶叶 柑橘 核桃 花椒 蔬菜 中药材 生猪 食用菌 油橄榄 蚕桑 李子 肉牛 土鸡".split()  # noqa: SIM905
BUSINESSES = ["专业合作社", "家庭农场", "种养殖场", "农家乐", "电商服务站", "加工厂"]
WORK_CITIES = [
    "广东省深圳市",
    "广东省东莞市",
    "广东省广州市",
    "浙江省杭州市",
    "浙江省宁波市",
    "江苏省苏州市",
    "福建省厦门市",
    "上海市",
    "北京市",
    "新疆乌鲁木齐市",
    "重庆市",
    "四川省成都市",
]
POSTS = {
    "政策宣传岗": "宣讲惠民政策，组织群众学习",
    "环境卫生监督岗": "督促农户保持庭院整洁，参与四好村创建",
    "矛盾纠纷调解岗": "调解邻里纠纷，及时上报矛盾隐患",
    "产业发展指导岗": "指导贫困户种养技术，帮助联系销路",
    "关爱帮扶岗": "联系留守老人和儿童，代办代购",
    "安全巡查岗": "巡查地质灾害点和用火用电安全",
}
COMMITTEE_POSTS = ["副书记", "组织委员", "宣传委员", "纪检委员", "青年委员", "妇女委员"]
MIGRANT_SERVICES = [ServiceKind.INFORMATION, ServiceKind.JOBS, ServiceKind.SALES]
MIGRANT_CHANNELS = Weighted({Channel.WECHAT: 55, Channel.PHONE: 35, Channel.QQ: 10})
POST_SERVICES = [
    ServiceKind.VOLUNTEER,
    ServiceKind.COMMITMENT,
    ServiceKind.MEDIATION,
    ServiceKind.FOUR_GOOD,
]
SERVICE_NOTES = {
    ServiceKind.INFORMATION: "转发务工地市场行情和用工信息",
    ServiceKind.JOBS: "介绍村民到务工企业就业",
    ServiceKind.SALES: "联系客商收购村里农产品",
    ServiceKind.VOLUNTEER: "参加村里义务劳动",
    ServiceKind.COMMITMENT: "兑现年初公开承诺事项",
    ServiceKind.MEDIATION: "调解邻里土地纠纷",
    ServiceKind.FOUR_GOOD: "参与四好村评比和院落整治",
}


def _int(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=int(rng.random() * ((last - first).days + 1)))


def _years_before(day: dt.date, years: int) -> dt.date:
    """The latest date whose `years_after(…, years)` is not after `day`."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def short_name(name: str) -> tuple[str, bool]:
    """A village or community committee's name as its branch is named, and whether it is a
    village: 新梁村村民委员会 → 新梁村, 水井坊社区居委会 → 水井坊社区."""
    for suffix in ("村村民委员会", "村村委员会", "村村委会", "村民委员会", "村委会"):
        if name.endswith(suffix):
            return name[: -len(suffix)] + "村", True
    for suffix in ("社区居民委员会", "社区居委会", "居民居委会", "居民委员会", "居委会"):
        if name.endswith(suffix):
            return name[: -len(suffix)] + "社区", False
    return name, False


@dataclass
class PartyResult:
    counties: int = 0
    villages: int = 0
    organisations: int = 0
    parks: int = 0
    industry_branches: int = 0
    # Members of village, community, park and industry organisations; cadres of organs.
    members: int = 0
    cadres: int = 0
    poor_members: int = 0
    wealth_leaders: int = 0
    returnees: int = 0
    migrants: int = 0
    young_talent: int = 0
    post_holders: int = 0
    reserve_cadres: int = 0
    tags: int = 0
    development_steps: int = 0
    service_logs: int = 0


@dataclass
class Org:
    id: int
    name: str
    level: str
    kind: str
    parent: "Org | None"
    coverage: list[str]
    founded: dt.date
    secretary: "Draft | None" = None
    committee: str = ""

    @property
    def region(self) -> str:
        return common_region(self.coverage)


class Draft:
    """One member while a village is drawn (slotted: two million are made at scale 1)."""

    __slots__ = (
        "address",
        "age",
        "birth",
        "contacts",
        "education",
        "ethnicity",
        "full",
        "id",
        "id_number",
        "joined",
        "lost",
        "migrant_to",
        "name",
        "org",
        "person",
        "phone",
        "post",
        "region",
        "sex",
        "stage",
        "status",
        "steps",
        "tags",
    )
    address: str
    age: int
    birth: dt.date
    education: str
    ethnicity: str
    id: int
    id_number: str
    name: str
    org: Org
    phone: str
    region: str
    sex: str
    stage: str

    def __init__(self) -> None:
        self.person: int | None = None
        self.post = ""
        self.migrant_to = ""
        self.status = NORMAL
        self.lost: dt.date | None = None
        self.joined: dt.date | None = None
        self.full: dt.date | None = None
        self.steps: list[tuple[str, dt.date]] = []
        self.contacts = ""
        self.tags: set[str] = set()


@dataclass(frozen=True)
class Place:
    code: str
    name: str  # as the branch is named: 新梁村, 乐园社区
    is_village: bool
    poor: bool


@dataclass
class Rows:
    organisations: list[tuple[Any, ...]] = field(default_factory=list)
    coverage: list[tuple[Any, ...]] = field(default_factory=list)
    members: list[tuple[Any, ...]] = field(default_factory=list)
    tags: list[tuple[Any, ...]] = field(default_factory=list)
    steps: list[tuple[Any, ...]] = field(default_factory=list)
    services: list[tuple[Any, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.members) + len(self.tags) + len(self.steps) + len(self.services)


ORGANISATION_COLUMNS = (  # noqa: SIM905
    "id name level kind parent region founded_on secretary committee_members note created_at "
    "updated_at"
).split()
COVERAGE_COLUMNS = "organisation region county_code".split()  # noqa: SIM905
MEMBER_COLUMNS = (  # noqa: SIM905
    "id organisation region county_code person name sex ethnicity id_number birth_date "
    "education stage joined_on full_on post phone address status lost_contact_on migrant_to "
    "created_at updated_at"
).split()
TAG_COLUMNS = (  # noqa: SIM905
    "member region_code county_code kind since came_from founded post duties unit note"
).split()
STEP_COLUMNS = "member region_code county_code stage on approved_by contacts".split()  # noqa: SIM905
SERVICE_COLUMNS = "member village county_code on kind channel note".split()  # noqa: SIM905


class CountyIds(IdNumbers):
    """The households' unique IDs of one county (`IdNumbers`), with the registry's IDs of
    that address code read by one plain query (four times faster than through the ORM)."""

    def __init__(self, county: str) -> None:
        self.county = county
        qn = connection.ops.quote_name
        column = qn("id_number")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {column} FROM {qn(Person._meta.db_table)} "
                f"WHERE {column} >= %s AND {column} < %s",
                subtree_bounds(county),
            )
            self.used = {row[0] for row in cursor.fetchall()}
        self.county_weight = sum(int(d) * w for d, w in zip(county, ID_WEIGHTS, strict=False))

    def new(self, rng: random.Random, birth: dt.date, sex: str) -> str:
        """As IdNumbers.new (the same draws, so the same numbers), with GB 11643's check
        character from precomputed weights of each part (make_resident_id per number took a
        tenth of the build)."""
        odd = 1 if sex == MALE else 0
        year, month, day = birth.year, birth.month, birth.day
        body = f"{self.county}{year}{month:02d}{day:02d}"
        weight = self.county_weight + YEAR_WEIGHT[year] + MONTH_WEIGHT[month] + DAY_WEIGHT[day]
        used = self.used
        while True:
            sequence = int(rng.random() * 500) * 2 + odd
            number = f"{body}{sequence:03d}{ID_CHECK[(weight + SEQUENCE_WEIGHT[sequence]) % 11]}"
            if number not in used:
                used.add(number)
                return number


def _weights(width: int, weights: tuple[int, ...], count: int) -> list[int]:
    """The weighted digit sum of every number below `count`, written with `width` digits."""
    return [
        sum(int(d) * w for d, w in zip(f"{n:0{width}d}", weights, strict=True))
        for n in range(count)
    ]


# GB 11643: digits 1–6 the county, 7–14 the birth date, 15–17 the order code.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
YEAR_WEIGHT = _weights(4, ID_WEIGHTS[6:10], 10_000)
MONTH_WEIGHT = _weights(2, ID_WEIGHTS[10:12], 13)
DAY_WEIGHT = _weights(2, ID_WEIGHTS[12:14], 32)
SEQUENCE_WEIGHT = _weights(3, ID_WEIGHTS[14:17], 1000)


class Generator:
    """Draws the organisations and members of one county after another, as rows."""

    def __init__(self, seed: int, first_org: int, first_member: int) -> None:
        self.seed = seed
        self.names = Names(seed)
        self.n_surnames = len(self.names.surnames)
        self.next_org, self.next_member = first_org, first_member
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.stamps = (now, now)
        self.rows = Rows()
        self.result = PartyResult()
        # Birth dates by age on 31 December 2020 (as the households' ages).
        self.jan_1 = {age: dt.date(END.year - age, 1, 1).toordinal() for age in range(0, 101)}
        self.ids: IdNumbers | None = None

    # Organisations and people -------------------------------------------------------------

    def org(
        self,
        name: str,
        level: str,
        kind: str,
        parent: Org | None,
        coverage: list[str],
        founded: dt.date,
    ) -> Org:
        org = Org(self.next_org, name, level, kind, parent, coverage, founded)
        self.next_org += 1
        return org

    def person(
        self, rng: random.Random, org: Org, region: str, sex: str, age: int, ethnicity: str
    ) -> Draft:
        assert self.ids is not None
        rnd = rng.random
        m = Draft()
        m.id = self.next_member
        self.next_member += 1
        m.org, m.region, m.sex, m.age, m.ethnicity = org, region, sex, age, ethnicity
        names = self.names
        m.name = names.surnames[int(rnd() * self.n_surnames)] + names.given_name(rng, sex)
        m.birth = dt.date.fromordinal(self.jan_1[age] + int(rnd() * 365))
        m.id_number = self.ids.new(rng, m.birth, sex)
        m.phone = f"{PHONE_PREFIXES[int(rnd() * 18)]}{int(rnd() * 1e8):08d}" if rnd() < 0.85 else ""
        m.address = ""
        return m

    def villager(
        self, rng: random.Random, org: Org, place: Place, township: str, ethnicities: Weighted
    ) -> Draft:
        """A member living in the village: stage first, then an age that fits it."""
        rnd = rng.random
        stage = STAGES.pick(rng)
        developed = stage != FULL or rnd() < DEVELOPED_CHANCE
        if developed:
            age = _int(rng, 24, 45)
            sex = MALE if rnd() < 0.6 else FEMALE
        else:
            low, high = AGE_BANDS.pick(rng)
            age = _int(rng, low, high)
            sex = MALE if rnd() < 0.74 else FEMALE
        m = self.person(rng, org, place.code, sex, age, ethnicities.pick(rng))
        m.address = f"{township}{place.name}{_int(rng, 1, 12)}组"
        m.education = EDUCATION_AT_AGE[age].pick(rng)
        if developed:
            self.develop(rng, m, stage)
        else:
            self.old_member(rng, m)
        return m

    def old_member(self, rng: random.Random, m: Draft) -> None:
        """A full member who joined before the programme (no steps recorded)."""
        rnd = rng.random
        latest = min(m.age - 1, 45)
        joined_age = 18 + int(rnd() * 5) if latest <= 22 else 20 + int(rnd() * (latest - 19))
        # 366 days a year: at least that many birthdays have passed (ordinals: millions).
        birth = m.birth.toordinal()
        joined = min(birth + 366 * joined_age + int(rnd() * 200), LAST_OLD_JOINING)
        joined = max(joined, birth + 366 * 18)
        m.stage, m.joined = FULL, dt.date.fromordinal(joined)
        m.full = dt.date.fromordinal(joined + 366 + int(rnd() * 40))

    def develop(self, rng: random.Random, m: Draft, stage: str) -> None:
        """Steps up to `stage`, dated backwards from the last so every period is kept: an
        activist for at least a year, a probationary member for one."""
        rnd = rng.random
        if stage == FULL:
            last = _day(rng, dt.date(2016, 3, 1), dt.date(2020, 11, 30))
        elif stage == PROBATIONARY:
            last = _day(rng, dt.date(2020, 1, 2), END)
        else:
            last = _day(rng, dt.date(2019, 9, 1), END)
        on: dict[str, dt.date] = {stage: last}
        day = last
        position = PIPELINE.index(stage)
        for earlier in reversed(PIPELINE[:position]):
            if earlier in (PROBATIONARY, ACTIVIST):
                day = _years_before(day, 1) - dt.timedelta(days=int(rnd() * 60))
            else:
                day -= dt.timedelta(days=30 + int(rnd() * 150))
            on[earlier] = day
        # 18 or older at the application (the age was drawn before the dates).
        if years_after(m.birth, 18) > on[APPLICANT]:
            m.age = END.year - on[APPLICANT].year + 19
            m.birth = dt.date.fromordinal(self.jan_1[m.age] + int(rnd() * 365))
            assert self.ids is not None
            m.id_number = self.ids.new(rng, m.birth, m.sex)
        m.stage = stage
        m.steps = [(s, on[s]) for s in PIPELINE[: position + 1]]
        m.joined = on.get(PROBATIONARY)
        m.full = on.get(FULL)

    def poor_member(
        self, rng: random.Random, org: Org, person: tuple[Any, ...], township: str, place: Place
    ) -> Draft:
        """A member who is a registered poor person: the registry's name, ID, sex and birth."""
        pk, _village, name, number, sex, birth, ethnicity, education, political, since = person
        m = Draft()
        m.id = self.next_member
        self.next_member += 1
        m.org, m.region, m.person, m.name, m.id_number = org, place.code, pk, name, number
        m.sex, m.birth, m.ethnicity, m.education = sex, birth, ethnicity, education
        m.age = END.year - birth.year
        rnd = rng.random
        m.phone = f"{PHONE_PREFIXES[int(rnd() * 18)]}{int(rnd() * 1e8):08d}" if rnd() < 0.7 else ""
        m.address = f"{township}{place.name}{_int(rng, 1, 12)}组"
        if political == Political.PROBATIONARY:
            m.stage = PROBATIONARY
            m.joined = max(_day(rng, dt.date(2020, 1, 2), END), years_after(birth, 18))
            m.joined = min(m.joined, END)
        else:
            self.old_member(rng, m)
        m.tags.add(Tag.POOR)
        self.tag(m, Tag.POOR, dt.date(since, 10, 8) + dt.timedelta(days=int(rnd() * 60)))
        return m

    # Rows -------------------------------------------------------------------------------------

    def tag(self, m: Draft, kind: str, since: dt.date, **fields: str) -> None:
        m.tags.add(kind)
        self.rows.tags.append(
            (
                m.id,
                m.region,
                m.region[:6],
                str(kind),
                since.isoformat(),
                fields.get("came_from", ""),
                fields.get("founded", ""),
                fields.get("post", ""),
                fields.get("duties", ""),
                fields.get("unit", ""),
                "",
            )
        )
        self.result.tags += 1

    def service(
        self, m: Draft, village: str, on: dt.date, kind: str, channel: str, note: str
    ) -> None:
        self.rows.services.append(
            (m.id, village, village[:6], on.isoformat(), str(kind), str(channel), note)
        )
        self.result.service_logs += 1

    def write_org(self, org: Org) -> None:
        secretary = org.secretary.id if org.secretary else None
        self.rows.organisations.append(
            (
                org.id,
                org.name,
                str(org.level),
                str(org.kind),
                org.parent.id if org.parent else None,
                org.region,
                org.founded.isoformat(),
                secretary,
                org.committee,
                "",
                *self.stamps,
            )
        )
        for code in org.coverage:
            self.rows.coverage.append((org.id, code, code[:6]))
        self.result.organisations += 1

    def write_members(
        self, rng: random.Random, members: Sequence[Draft], approvals: tuple[str, str]
    ) -> None:
        """The members' rows and their development steps: the branch approves activists and
        targets, the committee above probationary and full members; an activist's two
        contacts are full members of the same organisation."""
        branch, committee = approvals
        rows, steps = self.rows.members, self.rows.steps
        for m in members:
            if len(m.steps) > 1:
                pool = [o for o in members if o is not m and o.stage == FULL]
                pool = pool if len(pool) >= 2 else [o for o in members if o is not m] * 2
                a, b = rng.sample(pool, 2)
                m.contacts = f"{a.name}、{b.name}"
            rows.append(
                (
                    m.id,
                    m.org.id,
                    m.region,
                    m.region[:6],
                    m.person,
                    m.name,
                    m.sex,
                    m.ethnicity,
                    m.id_number,
                    m.birth.isoformat(),
                    m.education,
                    m.stage,
                    m.joined.isoformat() if m.joined else None,
                    m.full.isoformat() if m.full else None,
                    m.post,
                    m.phone,
                    m.address,
                    m.status,
                    m.lost.isoformat() if m.lost else None,
                    m.migrant_to,
                    *self.stamps,
                )
            )
            for stage, on in m.steps:
                contacts = m.contacts if stage == ACTIVIST else ""
                approver = committee if stage in (PROBATIONARY, FULL) else branch
                steps.append(
                    (m.id, m.region, m.region[:6], stage, on.isoformat(), approver, contacts)
                )
            self.result.development_steps += len(m.steps)

    def lead(self, rng: random.Random, org: Org, members: Sequence[Draft], title: str) -> None:
        """A secretary among the full members (one of 35–60 if there is one), and a committee
        where 7 or more full members elect one (checks.COMMITTEE_FROM)."""
        # Not one working away, out of contact or a no-post member (who holds no post).
        full = [
            m
            for m in members
            if m.stage == FULL
            and not m.migrant_to
            and not m.lost
            and m.status == NORMAL
            and Tag.POST_HOLDER not in m.tags
        ]
        if not full:
            full = [m for m in members if m.stage in (FULL, PROBATIONARY)] or list(members)
        prime = [m for m in full if 35 <= m.age <= 60] or full
        secretary = prime[int(rng.random() * len(prime))]
        secretary.post = title
        org.secretary = secretary
        voters = sum(m.stage == FULL for m in members)
        if org.level == OrgLevel.GROUP or voters < COMMITTEE_FROM:
            return
        others = [m for m in full if m is not secretary and not m.post]
        size = min(len(others), 4 if voters >= 30 else 2)
        chosen = [others[i] for i in sorted(rng.sample(range(len(others)), size))]
        for m, post in zip(chosen, COMMITTEE_POSTS, strict=False):
            m.post = post
        org.committee = "、".join(m.name for m in [secretary, *chosen])

    # Counties ---------------------------------------------------------------------------------

    def county(
        self, code: str, name: str, places: list[Place], poor: dict[str, list[tuple[Any, ...]]]
    ) -> dict[str, int]:
        """Every organisation and member of the county; returns what it added (its audit)."""
        rng = random.Random(f"fupin-demo-party:{self.seed}:{code}")
        before = asdict(self.result)
        self.ids = CountyIds(code)
        ethnicities = ETHNICITIES.get(code[:4], ETHNICITIES[""])
        self.organs(rng, code, name, len(places), ethnicities)
        townships = dict(
            Region.objects.filter(parent_id=code, level=Level.TOWNSHIP).values_list("code", "name")
        )
        by_township: dict[str, list[Place]] = defaultdict(list)
        for place in places:
            by_township[place.code[:9]].append(place)
        for township in sorted(by_township):
            name_of = townships.get(township, "")
            self.township(township, name_of, by_township[township], poor, ethnicities)
        self.result.counties += 1
        self.result.villages += len(places)
        after = asdict(self.result)
        return {
            key: after[key] - before[key]
            for key in (
                "villages",
                "organisations",
                "members",
                "cadres",
                "poor_members",
                "tags",
                "development_steps",
                "service_logs",
            )
        }

    def organs(
        self, rng: random.Random, county: str, name: str, villages: int, ethnicities: Weighted
    ) -> None:
        """The county organs' working committee and a branch per organ, of cadres who help
        poor villages (the programme's 46.8万)."""
        cadres = max(6, round(villages * CADRES_PER_VILLAGE * (0.85 + 0.3 * rng.random())))
        n_organs = min(len(ORGANS), max(3, round(cadres / CADRES_PER_ORGAN)))
        committee = self.org(
            f"中共{name}直属机关工作委员会",
            OrgLevel.COMMITTEE,
            OrgKind.ORGAN,
            None,
            [county],
            _day(rng, dt.date(1980, 1, 1), dt.date(1995, 12, 31)),
        )
        chosen = sorted(rng.sample(range(len(ORGANS)), n_organs))
        sizes = [1.0 + rng.random() for _i in chosen]
        total = sum(sizes)
        own = self.cadres(rng, committee, f"{name}直属机关工作委员会", 5, ethnicities)
        self.lead(rng, committee, own, "机关工委书记")
        self.write_org(committee)
        self.write_members(rng, own, (committee.name, committee.name))
        for i, size in zip(chosen, sizes, strict=True):
            unit = f"{name}{ORGANS[i]}"
            n = max(8, round((cadres - 5) * size / total))
            general = n > GENERAL_BRANCH_ABOVE
            org = self.org(
                f"中共{unit}机关{'总' if general else ''}支部委员会",
                OrgLevel.GENERAL_BRANCH if general else OrgLevel.BRANCH,
                OrgKind.ORGAN,
                committee,
                [county],
                _day(rng, dt.date(1984, 1, 1), dt.date(2005, 12, 31)),
            )
            members = self.cadres(rng, org, unit, n, ethnicities)
            self.lead(rng, org, members, "机关党总支书记" if general else "机关党支部书记")
            self.write_org(org)
            self.write_members(rng, members, (org.name, committee.name))

    def cadres(
        self, rng: random.Random, org: Org, unit: str, n: int, ethnicities: Weighted
    ) -> list[Draft]:
        county = org.coverage[0]
        out = []
        for _i in range(n):
            rnd = rng.random
            m = self.person(
                rng,
                org,
                county,
                MALE if rnd() < 0.62 else FEMALE,
                _int(rng, 24, 59),
                ethnicities.pick(rng),
            )
            m.education = CADRE_EDUCATION.pick(rng)
            m.address = f"{unit}"
            if rnd() < 0.04:
                self.develop(rng, m, PROBATIONARY)
            else:
                self.old_member(rng, m)
            since = max(years_after(m.birth, 22), dt.date(1985, 7, 1))
            self.tag(m, Tag.CADRE, _day(rng, since, dt.date(2020, 6, 30)), unit=unit)
            out.append(m)
        self.result.cadres += n
        return out

    def township(
        self,
        code: str,
        name: str,
        places: list[Place],
        poor: dict[str, list],
        ethnicities: Weighted,
    ) -> None:
        rng = random.Random(f"fupin-demo-party:{self.seed}:{code}")
        villages = sum(p.is_village for p in places)
        kind = OrgKind.VILLAGE if villages * 2 >= len(places) else OrgKind.COMMUNITY
        committee = self.org(
            f"中共{name}委员会",
            OrgLevel.COMMITTEE,
            kind,
            None,
            [code],
            _day(rng, dt.date(1950, 1, 1), dt.date(1958, 12, 31)),
        )
        # Its own members: the township organ's (乡镇机关党员).
        own = []
        for _i in range(_int(rng, 5, 10)):
            m = self.person(
                rng,
                committee,
                code,
                MALE if rng.random() < 0.65 else FEMALE,
                _int(rng, 25, 58),
                ethnicities.pick(rng),
            )
            m.education = CADRE_EDUCATION.pick(rng)
            m.address = f"{name}人民政府"
            self.old_member(rng, m)
            own.append(m)
        self.lead(rng, committee, own, "党委书记")
        self.write_org(committee)
        self.write_members(rng, own, (committee.name, committee.name))
        self.result.members += len(own)
        parent_of = self.parks(rng, committee, name, places, ethnicities)
        for place in places:
            self.village(
                place,
                parent_of.get(place.code, committee),
                committee,
                name,
                poor.get(place.code, []),
                ethnicities,
            )

    def parks(
        self,
        rng: random.Random,
        committee: Org,
        township: str,
        places: list[Place],
        ethnicities: Weighted,
    ) -> dict[str, Org]:
        """Park committees over 3–5 poor villages of the township (never in 五龙镇, which
        the user reorganises): the villages' branches move under the park."""
        parent_of: dict[str, Org] = {}
        if committee.coverage[0] == WULONG:
            return parent_of
        poor = [p for p in places if p.poor and p.is_village]
        start = 0
        while len(poor) - start >= 3:
            if rng.random() >= PARK_CHANCE:
                start += 3
                continue
            n = min(len(poor) - start, _int(rng, 3, 5))
            covered = poor[start : start + n]
            start += n
            produce = PRODUCE[int(rng.random() * len(PRODUCE))]
            park = self.org(
                f"{township}{produce}现代农业园区党委",
                OrgLevel.COMMITTEE,
                OrgKind.PARK,
                committee,
                [p.code for p in covered],
                _day(rng, dt.date(2015, 3, 1), dt.date(2019, 12, 31)),
            )
            if any(o.name == park.name for o in parent_of.values()):
                park.name = f"{covered[0].name}{produce}现代农业园区党委"
            staff = []
            for _i in range(_int(rng, 3, 6)):
                place = covered[int(rng.random() * n)]
                m = self.person(
                    rng,
                    park,
                    place.code,
                    MALE if rng.random() < 0.7 else FEMALE,
                    _int(rng, 28, 55),
                    ethnicities.pick(rng),
                )
                m.education = CADRE_EDUCATION.pick(rng)
                m.address = park.name[:-2] + "管理委员会"
                self.old_member(rng, m)
                staff.append(m)
            self.lead(rng, park, staff, "园区党委书记")
            self.write_org(park)
            self.write_members(rng, staff, (park.name, committee.name))
            self.result.members += len(staff)
            self.result.parks += 1
            for p in covered:
                parent_of[p.code] = park
        return parent_of

    def village(
        self,
        place: Place,
        parent: Org,
        committee: Org,
        township: str,
        poor_people: list[tuple[Any, ...]],
        ethnicities: Weighted,
    ) -> None:
        rng = random.Random(f"fupin-demo-party:{self.seed}:{place.code}")
        rnd = rng.random
        wulong = place.code.startswith(WULONG)
        if wulong:
            n = _int(rng, *WULONG_MEMBERS)
        else:
            n = MEMBERS_LOW + int(MEMBERS_SPREAD * (rnd() + rnd()) / 2)
        general = n > GENERAL_BRANCH_ABOVE
        kind = OrgKind.VILLAGE if place.is_village else OrgKind.COMMUNITY
        founded = _day(rng, dt.date(1952, 1, 1), dt.date(1990, 12, 31))
        if general:
            founded = _day(rng, dt.date(2005, 1, 1), dt.date(2019, 6, 30))
        branch = self.org(
            f"中共{place.name}{'总' if general else ''}支部委员会",
            OrgLevel.GENERAL_BRANCH if general else OrgLevel.BRANCH,
            kind,
            parent,
            [place.code],
            founded,
        )
        members: list[Draft] = []
        if place.poor and poor_people:
            k = min(len(poor_people), POOR_LOW + int(rnd() * POOR_SPREAD))
            for i in sorted(rng.sample(range(len(poor_people)), k)):
                members.append(self.poor_member(rng, branch, poor_people[i], township, place))
            self.result.poor_members += k
        while len(members) < n:
            members.append(self.villager(rng, branch, place, township, ethnicities))
        self.tags(rng, place, members)
        orgs: list[tuple[Org, list[Draft]]] = []
        if general:
            # The general branch's committee are its own members; the rest are in groups.
            self.lead(rng, branch, members, "党总支书记")
            secretary = branch.secretary
            assert secretary is not None
            own = [secretary, *(m for m in members if m.post and m is not secretary)]
            rest = [m for m in members if m not in own]
            groups = max(3, -(-len(rest) // GROUP_SIZE))
            orgs.append((branch, own))
            numerals = "一二三四五六七八九十"
            for g in range(groups):
                group = self.org(
                    f"{place.name}党总支第{numerals[g % 10]}{'' if g < 10 else g}党小组",
                    OrgLevel.GROUP,
                    kind,
                    branch,
                    [place.code],
                    _day(rng, branch.founded, dt.date(2019, 12, 31)),
                )
                in_group = rest[g::groups]
                for m in in_group:
                    m.org = group
                self.lead(rng, group, in_group, "党小组组长")
                orgs.append((group, in_group))
        else:
            self.lead(rng, branch, members, "党支部书记")
            orgs.append((branch, members))
        approvals = (branch.name, committee.name)
        for org, in_org in orgs:
            self.write_org(org)
            self.write_members(rng, in_org, approvals)
        self.result.members += len(members)
        if place.is_village and not wulong and rnd() < INDUSTRY_CHANCE:
            self.industry(rng, place, committee, township, ethnicities)

    def industry(
        self, rng: random.Random, place: Place, committee: Org, township: str, e: Weighted
    ) -> None:
        """An industry branch around a village's cooperative, led by a wealth leader."""
        produce = PRODUCE[int(rng.random() * len(PRODUCE))]
        org = self.org(
            f"中共{place.name}{produce}专业合作社支部委员会",
            OrgLevel.BRANCH,
            OrgKind.INDUSTRY,
            committee,
            [place.code],
            _day(rng, dt.date(2015, 1, 1), dt.date(2020, 6, 30)),
        )
        members = []
        for _i in range(_int(rng, 5, 12)):
            m = self.person(
                rng,
                org,
                place.code,
                MALE if rng.random() < 0.7 else FEMALE,
                _int(rng, 25, 60),
                e.pick(rng),
            )
            m.education = EDUCATION_BY_AGE[1][1].pick(rng)
            m.address = f"{township}{place.name}{_int(rng, 1, 12)}组"
            self.old_member(rng, m)
            members.append(m)
        self.lead(rng, org, members, "党支部书记")
        assert org.secretary is not None
        self.tag(
            org.secretary,
            Tag.WEALTH_LEADER,
            max(org.founded - dt.timedelta(days=200), org.secretary.full or org.founded),
            founded=f"{place.name}{produce}专业合作社",
        )
        self.result.wealth_leaders += 1
        self.write_org(org)
        self.write_members(rng, members, (org.name, committee.name))
        self.result.members += len(members)
        self.result.industry_branches += 1

    def tags(self, rng: random.Random, place: Place, members: list[Draft]) -> None:
        """Wealth leaders, returnees, migrants, young talent, posts and reserve cadres."""
        rnd = rng.random
        adults = [m for m in members if m.stage in (FULL, PROBATIONARY)]
        # Wealth leaders: in most poor villages, some recruited into the party (双向培养).
        chance = WEALTH_LEADER_POOR if place.poor else WEALTH_LEADER_OTHER
        if rnd() < chance:
            pool = [m for m in adults if 28 <= m.age <= 60 and Tag.POOR not in m.tags] or adults
            k = min(len(pool), 1 + (rnd() < 0.35) + (rnd() < 0.1))
            for m in rng.sample(pool, k):
                self.wealth_leader(rng, m, place)
        # Returnees (回引), concentrated in a few cities.
        if rnd() < RETURNEES.get(place.code[:4], RETURNEES_ELSEWHERE):
            pool = [m for m in adults if 25 <= m.age <= 50 and Tag.POOR not in m.tags]
            if pool:
                m = pool[int(rnd() * len(pool))]
                business = BUSINESSES[int(rnd() * len(BUSINESSES))]
                founded = f"{place.name}{PRODUCE[int(rnd() * len(PRODUCE))]}{business}"
                since = _day(rng, dt.date(2015, 1, 1), dt.date(2020, 6, 30))
                self.tag(
                    m,
                    Tag.RETURNEE,
                    since,
                    came_from=WORK_CITIES[int(rnd() * len(WORK_CITIES))],
                    founded=founded,
                )
                self.result.returnees += 1
                if Tag.WEALTH_LEADER not in m.tags and rnd() < 0.5:
                    self.wealth_leader(rng, m, place, since)
                if rnd() < 0.3:
                    self.reserve(rng, m)
        for m in members:
            r = rnd()
            if m.stage not in (FULL, PROBATIONARY):
                continue
            joined = m.joined
            # Young talent: developed at 35 or under during the programme.
            if (
                joined
                and joined.year >= 2015
                and m.age - (END.year - joined.year) <= 34
                and r < 0.8
            ):
                self.tag(m, Tag.YOUNG_TALENT, joined)
                self.result.young_talent += 1
                continue
            if m.tags or m.person:
                continue
            if r < MIGRANT_CHANCE and 20 <= m.age <= 55:
                self.migrant(rng, m, place)
            elif r < MIGRANT_CHANCE + POST_HOLDER_CHANCE and m.stage == FULL and m.age <= 75:
                self.post_holder(rng, m, place)
            elif r > 0.997 and m.stage == FULL:
                m.lost = _day(rng, dt.date(2016, 1, 1), dt.date(2020, 6, 30))
            elif r > 0.994 and m.stage == FULL:
                m.status = MembershipStatus.STOPPED.value
        # Reserve village cadres: young members, one or two a village in most villages.
        for _i in range((rnd() < 0.6) + (rnd() < 0.15)):
            pool = [m for m in adults if m.age <= 40 and Tag.RESERVE_CADRE not in m.tags]
            if pool:
                self.reserve(rng, pool[int(rnd() * len(pool))])

    def wealth_leader(
        self, rng: random.Random, m: Draft, place: Place, since: dt.date | None = None
    ) -> None:
        business = BUSINESSES[int(rng.random() * len(BUSINESSES))]
        produce = PRODUCE[int(rng.random() * len(PRODUCE))]
        if since is None:
            # A member developed during the programme was a wealth leader before joining.
            start = dt.date(2014, 1, 1)
            end = m.steps[0][1] if m.steps else dt.date(2020, 6, 30)
            since = _day(rng, start, max(start, end))
        self.tag(m, Tag.WEALTH_LEADER, since, founded=f"{place.name}{produce}{business}")
        self.result.wealth_leaders += 1

    def reserve(self, rng: random.Random, m: Draft) -> None:
        start = max(dt.date(2017, 1, 1), m.joined or dt.date(2017, 1, 1))
        self.tag(m, Tag.RESERVE_CADRE, _day(rng, min(start, END), END))
        self.result.reserve_cadres += 1

    def migrant(self, rng: random.Random, m: Draft, place: Place) -> None:
        """Works away and serves the home village from there, by WeChat, phone or QQ."""
        rnd = rng.random
        m.migrant_to = WORK_CITIES[int(rnd() * len(WORK_CITIES))]
        since = _day(rng, dt.date(2010, 1, 1), dt.date(2020, 3, 31))
        self.tag(m, Tag.MIGRANT, since)
        self.result.migrants += 1
        if rnd() < 0.4:
            first = max(since, dt.date(2016, 1, 1))
            for _i in range(_int(rng, 1, 3)):
                kind = MIGRANT_SERVICES[int(rnd() * 3)]
                on = _day(rng, first, END)
                self.service(
                    m, place.code, on, kind, MIGRANT_CHANNELS.pick(rng), SERVICE_NOTES[kind]
                )

    def post_holder(self, rng: random.Random, m: Draft, place: Place) -> None:
        """A no-post member given a post (设岗定责), some with their duties logged."""
        rnd = rng.random
        post = list(POSTS)[int(rnd() * len(POSTS))]
        since = _day(rng, dt.date(2016, 1, 1), dt.date(2020, 3, 31))
        self.tag(m, Tag.POST_HOLDER, since, post=post, duties=POSTS[post])
        self.result.post_holders += 1
        if rnd() < 0.25:
            for _i in range(_int(rng, 1, 2)):
                kind = POST_SERVICES[int(rnd() * 4)]
                on = _day(rng, since, END)
                self.service(m, place.code, on, kind, Channel.IN_PERSON, SERVICE_NOTES[kind])

    def flush(self) -> None:
        rows = self.rows
        write_rows(Organisation, ORGANISATION_COLUMNS, rows.organisations)
        write_rows(Coverage, COVERAGE_COLUMNS, rows.coverage)
        write_rows(Member, MEMBER_COLUMNS, rows.members)
        write_rows(MemberTag, TAG_COLUMNS, rows.tags)
        write_rows(DevelopmentStep, STEP_COLUMNS, rows.steps)
        write_rows(ServiceLog, SERVICE_COLUMNS, rows.services)
        self.rows = Rows()


# The build ------------------------------------------------------------------------------------


def party_counties(poor_counties: Sequence[str], scale: float, seed: int) -> list[str]:
    """The counties whose every village gets its organisations: the poor ones and 苍溪县;
    from scale 0.5 up, others drawn until scale 1 covers the whole province (the issue's 1.5
    million members and 468,000 cadres). The default demo (0.1) stays on the poor counties,
    so that it keeps within the foundation's minute (bench/party_demo.py)."""
    counties = sorted(
        set(
            Region.objects.filter(level=Level.VILLAGE, code__startswith=PROVINCE)
            .annotate(county=Substr("code", 1, 6))
            .values_list("county", flat=True)
            .order_by()
            .distinct()
        )
    )
    chosen = set(poor_counties) | ({CANGXI} & set(counties))
    rest = [c for c in counties if c not in chosen]
    extra = round(len(rest) * min(1.0, max(0.0, 2 * scale - 1)))
    rng = random.Random(f"fupin-demo-party:{seed}")
    return sorted(chosen | set(rng.sample(rest, extra)))


def _places(county: str) -> list[Place]:
    rows = Region.objects.filter(
        level=Level.VILLAGE, code__gte=county, code__lt=str(int(county) + 1)
    ).values_list("code", "name", "is_poor")
    out = []
    for code, name, is_poor in rows.order_by("code"):
        short, is_village = short_name(name)
        out.append(Place(code, short, is_village, is_poor))
    return out


def _poor_people(poor_villages: set[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Registered people of the poor villages who are party members (the registry's political
    status), by village: the poor members are drawn from them. One plain scan of the person
    table (an indexed query per county reads the rows in a scattered order, several times
    slower; the ORM's rows cost several times the query)."""
    qn = connection.ops.quote_name
    person, household = qn(Person._meta.db_table), qn(Household._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.{qn('id')}, p.{qn('village_code')}, p.{qn('name')}, "
            f"p.{qn('id_number')}, p.{qn('sex')}, p.{qn('birth_date')}, p.{qn('ethnicity')}, "
            f"p.{qn('education')}, p.{qn('political')}, h.{qn('registered_in')} "
            f"FROM {person} p JOIN {household} h ON h.{qn('id')} = p.{qn('household_id')} "
            f"WHERE p.{qn('political')} IN (%s, %s)",
            [Political.MEMBER.value, Political.PROBATIONARY.value],
        )
        rows = cursor.fetchall()
    out: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        village, birth, political = row[1], row[5], row[8]
        if village not in poor_villages:
            continue
        if isinstance(birth, str):
            birth = dt.date.fromisoformat(birth)
        # Old enough to have joined, and (a full member) to have passed the probation.
        if years_after(birth, 18 if political == Political.PROBATIONARY else 20) <= END:
            out[village].append((*row[:5], birth, *row[6:]))
    # In a stable order, whatever order the scan returned.
    for people in out.values():
        people.sort(key=lambda p: p[3])
    return out


def _first_id(model: type[models.Model]) -> int:
    """Organisations and members get their ids from us, so rows can point at each other in
    one batch (parents, secretaries, tags); never an id used before (audit events name it)."""
    table = model._meta.db_table
    highest = model._default_manager.aggregate(m=Max("id"))["m"] or 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"LOCK TABLE {connection.ops.quote_name(table)} IN SHARE ROW EXCLUSIVE MODE"
            )
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
            return max(int(cursor.fetchone()[0]), highest + 1)
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        return max(int(row[0]) if row else 0, highest) + 1


def clear_party() -> int:
    """Every party row, in bulk: organisations, members and all that hangs on them.

    A rebuild replaces the whole party side, not only the demo counties' (unlike the
    households): members move between organisations, organisations span counties and
    reorganisations link them, so a part could not be cleared without dangling history.
    Members point at registry people, so this runs before the households are replaced.
    Tables that later point at members or organisations must be added to DELETE_ORDER.
    One summary audit event per county.
    """
    members = dict(
        Member.objects.values("county_code").annotate(n=Count("id")).values_list("county_code", "n")
    )
    organisations = dict(
        Coverage.objects.values("county_code")
        .annotate(n=Count("organisation", distinct=True))
        .values_list("county_code", "n")
    )
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in DELETE_ORDER:
            cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}")
    for county in sorted(set(members) | set(organisations)):
        record(
            actor=None,
            action="demo.delete_party",
            object_type="party.member",
            object_repr=_("%(n)s demo party members") % {"n": members.get(county, 0)},
            region_code=county,
            before={
                "organisations": organisations.get(county, 0),
                "members": members.get(county, 0),
            },
        )
    return sum(members.values())


def build_party(*, counties: Sequence[str], seed: int) -> PartyResult:
    """Organisations and members on every village of `counties` (after `clear_party` and the
    households). Call inside a transaction. One summary audit event per county."""
    generator = Generator(seed, _first_id(Organisation), _first_id(Member))
    names = dict(Region.objects.filter(code__in=list(counties)).values_list("code", "name"))
    events: list[tuple[str, dict[str, int]]] = []
    places = {county: _places(county) for county in sorted(counties)}
    poor = _poor_people({p.code for each in places.values() for p in each if p.poor})
    with _sqlite_cache():
        for county, its_places in places.items():
            events.append((county, generator.county(county, names[county], its_places, poor)))
            if len(generator.rows) >= BATCH:
                generator.flush()
        generator.flush()
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Organisation, Member]):
            cursor.execute(sql)
    analyze(Organisation, Coverage, Member, MemberTag, DevelopmentStep, ServiceLog)
    for county, counts in events:
        record(
            actor=None,
            action="demo.create_party",
            object_type="party.member",
            object_repr=f"{names[county]} ({county})",
            region_code=county,
            after=counts,
        )
    return generator.result
