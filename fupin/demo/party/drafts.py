"""The party demo's members as they are drawn, and as the rows they are written as: one member,
one organisation, their tags, steps and services, and the unique ID numbers of a county.
"""

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from fupin.demo.common import (
    FEMALE,
    MALE,
    Names,
    Weighted,
    phone_number,
    rand_day,
    rand_int,
)
from fupin.demo.households.families import IdNumbers
from fupin.lib.bulk import write_rows
from fupin.party.actions import common_region
from fupin.party.checks import COMMITTEE_FROM
from fupin.party.choices import MembershipStatus, OrgLevel, Stage
from fupin.party.choices import TagKind as Tag
from fupin.party.models import (
    Coverage,
    DevelopmentStep,
    Member,
    MemberTag,
    Organisation,
    ServiceLog,
)
from fupin.party.rules import years_after
from fupin.regions.codes import subtree_bounds
from fupin.registry.choices import Education, Political
from fupin.registry.models import Person

# Every date describes the programme as at its end, like the households' (REFERENCE_YEAR).
END = dt.date(2020, 12, 31)

# Members who joined before the programme joined by the end of 2014.
LAST_OLD_JOINING = dt.date(2014, 12, 31).toordinal()

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


COMMITTEE_POSTS = ["副书记", "组织委员", "宣传委员", "纪检委员", "青年委员", "妇女委员"]


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


class People:
    """Draws members and writes organisations and members as rows; the organisation
    trees of fupin.demo.party.tree are drawn with it, one county after another."""

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
        m.phone = phone_number(rng) if rnd() < 0.85 else ""
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
            age = rand_int(rng, 24, 45)
            sex = MALE if rnd() < 0.6 else FEMALE
        else:
            low, high = AGE_BANDS.pick(rng)
            age = rand_int(rng, low, high)
            sex = MALE if rnd() < 0.74 else FEMALE
        m = self.person(rng, org, place.code, sex, age, ethnicities.pick(rng))
        m.address = f"{township}{place.name}{rand_int(rng, 1, 12)}组"
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
            last = rand_day(rng, dt.date(2016, 3, 1), dt.date(2020, 11, 30))
        elif stage == PROBATIONARY:
            last = rand_day(rng, dt.date(2020, 1, 2), END)
        else:
            last = rand_day(rng, dt.date(2019, 9, 1), END)
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
        m.phone = phone_number(rng) if rnd() < 0.7 else ""
        m.address = f"{township}{place.name}{rand_int(rng, 1, 12)}组"
        if political == Political.PROBATIONARY:
            m.stage = PROBATIONARY
            m.joined = max(rand_day(rng, dt.date(2020, 1, 2), END), years_after(birth, 18))
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

    def settle(
        self,
        rng: random.Random,
        org: Org,
        members: Sequence[Draft],
        title: str,
        approvals: tuple[str, str],
    ) -> None:
        """An organisation whose members are all drawn: its leaders (`lead`), then its rows and
        its members' (`write_org`, `write_members`)."""
        self.lead(rng, org, members, title)
        self.write_org(org)
        self.write_members(rng, members, approvals)

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

    def flush(self) -> None:
        rows = self.rows
        write_rows(Organisation, ORGANISATION_COLUMNS, rows.organisations)
        write_rows(Coverage, COVERAGE_COLUMNS, rows.coverage)
        write_rows(Member, MEMBER_COLUMNS, rows.members)
        write_rows(MemberTag, TAG_COLUMNS, rows.tags)
        write_rows(DevelopmentStep, STEP_COLUMNS, rows.steps)
        write_rows(ServiceLog, SERVICE_COLUMNS, rows.services)
        self.rows = Rows()
