"""The demo's registered poor households and their members, on the demo's poor villages.

About 168 households of about 3.24 people per poor village, so Sichuan's 11,501 poor villages
(scale 1) hold about 1.93 million households and 6.25 million people (DESIGN §4), and scale
0.01 about 62,000 people. Everything is drawn from a random generator seeded by the demo seed
and the village code, so the same seed gives the same rows, village by village.

The families are meant to pass the registry's data-quality checks the way real rosters mostly
do: a household poor through illness has an ill member, one poor through schooling costs has
a pupil, five-guarantees households have nobody able to work, people without labour ability do
not work away, and a household still poor earns less than the line.

Millions of rows do not go through one ORM save each: rows are built as tuples and written
with COPY on PostgreSQL and executemany on SQLite, a few thousand households at a time.
Money is written as integer fen and land as hundredths of a mu, which is how HundredthsField
stores them. The hot loops use `rng.random()` arithmetic rather than randint/choice/uniform,
which cost several times more per call (millions of calls at scale 1).
"""

import bisect
import datetime as dt
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from faker import Faker

from fupin.audit.log import record
from fupin.lib.bulk import analyze, write_rows
from fupin.lib.ids import make_resident_id
from fupin.regions.choices import Level
from fupin.regions.codes import subtree_q
from fupin.regions.loader import PopulationRow
from fupin.regions.models import Region
from fupin.registry import actions as registry_actions
from fupin.registry.choices import (
    Attribute,
    Cause,
    Education,
    Ethnicity,
    Health,
    Housing,
    Labour,
    Political,
    Relation,
    Schooling,
    Sex,
    Standard,
    Status,
    WorkPlace,
)
from fupin.registry.models import Household, IncomeRecord, Person, PovertyLine, StatusChange

PROVINCE = "51"
# Demo data, not official figures: a line per year for the demo province (yuan per person),
# from the 2014 line to about 4,000 yuan in 2020 as DESIGN §2 describes.
POVERTY_LINES = {2014: 2800, 2015: 2855, 2016: 3100, 2017: 3300, 2018: 3500, 2019: 3750, 2020: 4000}
FIRST_YEAR, LAST_YEAR = 2014, 2020
# Ages, schooling and work describe the households as at the end of the programme.
REFERENCE_YEAR = LAST_YEAR
# Households per village, uniform: mean 168, × 3.24 people ≈ 543 people per village.
HOUSEHOLDS_PER_VILLAGE = (110, 226)
# Households generated and written per round trip (and held in memory at once).
BATCH = 5_000
# Village codes per DELETE statement (well below SQLite's 32,766 parameters).
DELETE_CHUNK = 500
# SQLite's page cache while the demo writes (KiB, negative): the person table's ID indexes
# take rows in random order and thrash the default 2 MB cache.
SQLITE_CACHE_KIB = 256 * 1024


def _int(rng: random.Random, low: int, high: int) -> int:
    """randint(low, high), at a fraction of its cost."""
    return low + int(rng.random() * (high - low + 1))


def _uniform(rng: random.Random, low: float, high: float) -> float:
    return low + (high - low) * rng.random()


class Weighted:
    """Values drawn with given relative weights (bisect on the cumulative sums)."""

    def __init__(self, weights: dict[Any, float]) -> None:
        # Plain strings, not the TextChoices members, go into the rows.
        self.values = [getattr(v, "value", v) for v in weights]
        self.cumulative: list[float] = []
        total = 0.0
        for w in weights.values():
            total += w
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


# Plausible frequencies for a registered poor population (roughly the 2014 registration's).
ATTRIBUTES = Weighted(
    {Attribute.GENERAL: 70, Attribute.DIBAO: 20, Attribute.WUBAO: 5, Attribute.DIBAO_POOR: 5}
)
STANDARDS = Weighted({Standard.NATIONAL: 95, Standard.PROVINCIAL: 4, Standard.CITY: 1})
# Sizes of households other than five-guarantees ones (mostly people living alone).
SIZES = Weighted({1: 10, 2: 23, 3: 25, 4: 21, 5: 11, 6: 6, 7: 3, 8: 1})
CAUSE_WEIGHTS: dict[str, float] = {
    Cause.ILLNESS: 40,
    Cause.DISABILITY: 6,
    Cause.SCHOOLING: 8,
    Cause.DISASTER: 3,
    Cause.LAND: 3,
    Cause.WATER: 1.5,
    Cause.SKILLS: 12,
    Cause.LABOUR: 8,
    Cause.FUNDS: 12,
    Cause.TRANSPORT: 2,
    Cause.MOTIVATION: 3,
    Cause.OTHER: 1.5,
}
CAUSES = Weighted(CAUSE_WEIGHTS)
CAUSES_NO_PUPIL = Weighted({c: w for c, w in CAUSE_WEIGHTS.items() if c != Cause.SCHOOLING})
WUBAO_CAUSES = Weighted({Cause.ILLNESS: 40, Cause.DISABILITY: 30, Cause.LABOUR: 30})
REGISTERED_IN = Weighted({2014: 88, 2015: 8, 2016: 4})
# How many years before its village was delisted a household exited.
EXIT_LEAD = Weighted({0: 55, 1: 30, 2: 10, 3: 5})
HOUSING = Weighted({Housing.SAFE: 80, Housing.GRADE_C: 12, Housing.GRADE_D: 8})
WORK_PLACES = Weighted({WorkPlace.COUNTY: 35, WorkPlace.PROVINCE: 30, WorkPlace.OUTSIDE: 35})
# Ethnic make-up of the poor counties: Aba (5132), Ganzi (5133), Liangshan (5134), the rest.
E = Ethnicity
ETHNICITIES = {
    "5132": Weighted({E.TIBETAN: 55, E.QIANG: 20, E.HAN: 20, E.HUI: 5}),
    "5133": Weighted({E.TIBETAN: 80, E.HAN: 18, E.YI: 2}),
    "5134": Weighted({E.YI: 55, E.HAN: 40, E.TIBETAN: 2, E.MIAO: 2, E.HUI: 1}),
    "": Weighted({E.HAN: 98, E.TUJIA: 1, E.MIAO: 0.5, E.HUI: 0.5}),
}
PHONE_PREFIXES = "133 135 136 137 138 139 150 151 152 157 158 159 180 182 183 187 188 189".split()  # noqa: SIM905
# What a pupil's education is recorded as, by the school they are in.
STUDY_EDUCATION = {
    school.value: education.value
    for school, education in [
        (Schooling.PRESCHOOL, Education.PRESCHOOL),
        (Schooling.PRIMARY, Education.PRIMARY),
        (Schooling.JUNIOR, Education.JUNIOR),
        (Schooling.SENIOR, Education.SENIOR),
        (Schooling.VOCATIONAL, Education.SENIOR),
        (Schooling.HIGHER_VOCATIONAL, Education.COLLEGE),
        (Schooling.UNIVERSITY, Education.COLLEGE),
    ]
}
# Education of people out of school, by age below which it applies.
ED = Education
EDUCATION_BY_AGE = [
    (23, Weighted({ED.PRIMARY: 15, ED.JUNIOR: 60, ED.SENIOR: 25})),
    (45, Weighted({ED.PRIMARY: 20, ED.JUNIOR: 55, ED.SENIOR: 20, ED.COLLEGE: 5})),
    (60, Weighted({ED.ILLITERATE: 15, ED.PRIMARY: 45, ED.JUNIOR: 35, ED.SENIOR: 5})),
    (999, Weighted({ED.ILLITERATE: 45, ED.PRIMARY: 45, ED.JUNIOR: 10})),
]


def _plain(choices: Any) -> SimpleNamespace:
    """A value list as plain strings: what the rows hold, and cheaper to reach in the hot
    loops than the members' `.value`."""
    return SimpleNamespace(**{m.name: m.value for m in choices})


REL, SCH, LAB, WORK = _plain(Relation), _plain(Schooling), _plain(Labour), _plain(WorkPlace)
EDU, POL, CAUSE, ATTR = _plain(Education), _plain(Political), _plain(Cause), _plain(Attribute)
HEAD, SPOUSE, SON, DAUGHTER = REL.HEAD, REL.SPOUSE, REL.SON, REL.DAUGHTER
MALE, FEMALE = Sex.MALE.value, Sex.FEMALE.value
NOT_IN_SCHOOL, NO_WORK, WUBAO = SCH.NONE, WORK.NONE, ATTR.WUBAO
HEALTHY, CHRONIC, SERIOUS = Health.HEALTHY.value, Health.CHRONIC.value, Health.SERIOUS.value
DISABLED = Health.DISABLED.value
POOR, EXITED, RELAPSED = Status.POOR.value, Status.EXITED.value, Status.RELAPSED.value


@dataclass(frozen=True, order=True)
class Village:
    code: str
    name: str
    exited_in: int
    township: str


@dataclass
class HouseholdsResult:
    households: int = 0
    people: int = 0
    status_changes: int = 0
    income_records: int = 0
    deleted: int = 0


class Member:
    """One person while a family is drawn (a plain slotted object: millions are made)."""

    __slots__ = ("age", "health", "labour", "months", "name", "relation", "schooling", "sex")

    def __init__(self, relation: str, sex: str, age: int, name: str) -> None:
        self.relation, self.sex, self.age, self.name = relation, sex, age, name
        self.schooling = NOT_IN_SCHOOL
        self.health = HEALTHY
        self.labour = LAB.NONE
        self.months = 0


class Names:
    """Chinese names from Faker's zh_CN tables (surnames by their real frequency), drawn once
    into pools by a Faker seeded with the demo seed; members then pick from the pools with
    the village's generator, far faster than a Faker call per person (~20 µs each)."""

    def __init__(self, seed: int, pool: int = 4096) -> None:
        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        self.surnames = [fake.last_name() for _i in range(pool)]
        self.given = {
            MALE: self._given(fake, fake.first_name_male, pool),
            FEMALE: self._given(fake, fake.first_name_female, pool),
        }

    @staticmethod
    def _given(fake: Faker, draw: Callable[[], str], pool: int) -> list[str]:
        out = []
        for _i in range(pool):
            name = draw()
            # Faker's zh_CN given names are mostly one character; rural names are often two.
            if len(name) == 1 and fake.random.random() < 0.5:
                name += draw()[0]
            out.append(name)
        return out

    def surname(self, rng: random.Random) -> str:
        return self.surnames[int(rng.random() * len(self.surnames))]

    def given_name(self, rng: random.Random, sex: str) -> str:
        pool = self.given[sex]
        return pool[int(rng.random() * len(pool))]


def family(rng: random.Random, attribute: str, names: Names) -> list[Member]:
    """The members of one household: relation, sex, age and name (head first)."""
    rnd = rng.random
    family_name = names.surname(rng)

    def member(relation: str, sex: str, age: int, surname: str = family_name) -> Member:
        return Member(relation, sex, age, surname + names.given_name(rng, sex))

    if attribute == WUBAO:
        # 五保: old (or disabled) people without family support, mostly living alone.
        age = _int(rng, 60, 88) if rnd() < 0.85 else _int(rng, 35, 59)
        members = [member(HEAD, MALE if rnd() < 0.75 else FEMALE, age)]
        if rnd() < 0.15:
            sex = MALE if rnd() < 0.5 else FEMALE
            members.append(member(REL.SIBLING, sex, max(30, age + _int(rng, -8, 8))))
        return members

    left = SIZES.pick(rng) - 1
    head_age = int(rng.triangular(30, 75, 52))
    head = member(HEAD, MALE if rnd() < 0.85 else FEMALE, head_age)
    members = [head]
    if left and rnd() < 0.85:
        gap = _int(rng, 0, 6)
        age = head_age - gap if head.sex == MALE else head_age + gap
        sex = FEMALE if head.sex == MALE else MALE
        members.append(member(SPOUSE, sex, min(max(age, 20), 90), names.surname(rng)))
        left -= 1
    if left and head_age <= 55 and rnd() < 0.3:
        for sex in (MALE, FEMALE)[: 2 if left >= 3 and rnd() < 0.4 else 1]:
            age = min(head_age + _int(rng, 22, 34), 95)
            surname = family_name if sex == MALE else names.surname(rng)
            members.append(member(REL.PARENT, sex, age, surname))
            left -= 1
    if left >= 2 and head_age >= 58 and rnd() < 0.7:
        # Three generations: a married son and his children.
        son_age = head_age - _int(rng, 24, 34)
        members.append(member(SON, MALE, son_age))
        left -= 1
        if left and rnd() < 0.8:
            age = max(20, son_age + _int(rng, -3, 3))
            members.append(member(REL.DAUGHTER_IN_LAW, FEMALE, age, names.surname(rng)))
            left -= 1
        for _i in range(left):
            sex = MALE if rnd() < 0.52 else FEMALE
            relation = REL.GRANDSON if sex == MALE else REL.GRANDDAUGHTER
            members.append(member(relation, sex, _int(rng, 0, max(0, son_age - 20))))
        return members
    for _i in range(left):
        sex = MALE if rnd() < 0.52 else FEMALE
        age = _int(rng, max(0, head_age - 40), head_age - 20)
        members.append(member(SON if sex == MALE else DAUGHTER, sex, age))
    return members


def _schooling(rng: random.Random, age: int) -> str:
    """In school or not, by age (nine years of compulsory schooling from 6)."""
    if age < 3:
        return NOT_IN_SCHOOL
    if age < 6:
        return SCH.PRESCHOOL if rng.random() < 0.8 else NOT_IN_SCHOOL
    if age < 12:
        return SCH.PRIMARY
    if age < 15:
        return SCH.JUNIOR
    r = rng.random()
    if age < 18:
        if r < 0.55:
            return SCH.SENIOR
        return SCH.VOCATIONAL if r < 0.8 else NOT_IN_SCHOOL
    if age < 23 and r < 0.25:
        return SCH.UNIVERSITY if r < 0.12 else SCH.HIGHER_VOCATIONAL
    return NOT_IN_SCHOOL


def _put_in_school(rng: random.Random, m: Member) -> None:
    if m.age < 6:
        m.schooling = SCH.PRESCHOOL
    elif m.age < 18:
        m.schooling = SCH.SENIOR if m.age >= 15 else _schooling(rng, m.age)
    else:
        m.schooling = SCH.UNIVERSITY if rng.random() < 0.5 else SCH.HIGHER_VOCATIONAL


def _health(rng: random.Random, age: int) -> str:
    r = rng.random()
    chronic = 0.02 + 0.003 * max(0, age - 30)
    if r < chronic:
        return CHRONIC
    if r < chronic + 0.01:
        return SERIOUS
    return DISABLED if r < chronic + 0.035 else HEALTHY


def _labour(rng: random.Random, m: Member, wubao: bool) -> str:
    if m.age < 16 or m.schooling != NOT_IN_SCHOOL:
        return LAB.NONE
    r = rng.random()
    if m.health == DISABLED or wubao:
        # Five-guarantees members are, by definition, unable to work.
        return LAB.LOST if r < 0.5 else LAB.WEAK if r < 0.8 else LAB.NONE
    if m.health == SERIOUS:
        return LAB.LOST if r < 0.6 else LAB.WEAK
    if m.age > 70:
        return LAB.WEAK if r < 0.5 else LAB.LOST if r < 0.7 else LAB.NONE
    if m.health == CHRONIC or m.age > 60:
        return LAB.WEAK if r < 0.65 else LAB.ORDINARY
    return LAB.SKILLED if r < 0.12 else LAB.ORDINARY


def _work(rng: random.Random, m: Member) -> str:
    """Where the member works away from home (nobody without labour ability does)."""
    r = rng.random()
    if m.labour in (LAB.ORDINARY, LAB.SKILLED):
        if r < (0.55 if m.age <= 50 else 0.35 if m.age <= 60 else 0.1):
            m.months = _int(rng, 3, 12)
            return str(WORK_PLACES.pick(rng))
    elif m.labour == LAB.WEAK and r < 0.1:
        m.months = _int(rng, 2, 6)
        return WORK.COUNTY
    return NO_WORK


def _education(rng: random.Random, m: Member) -> str:
    if m.schooling != NOT_IN_SCHOOL:
        return STUDY_EDUCATION[m.schooling]
    if m.age < 6:
        return EDU.PRESCHOOL
    if m.age < 16:
        return EDU.PRIMARY
    for below, weights in EDUCATION_BY_AGE:
        if m.age < below:
            return str(weights.pick(rng))
    raise AssertionError(m.age)


def _political(rng: random.Random, m: Member) -> str:
    r = rng.random()
    if m.age >= 25 and r < 0.04:
        return POL.MEMBER
    if m.age >= 18 and r < 0.043:
        return POL.PROBATIONARY
    if 14 <= m.age <= 28 and r < 0.25:
        return POL.LEAGUE
    return POL.MASSES


BOTH = {CAUSE.ILLNESS, CAUSE.DISABILITY}


def causes(rng: random.Random, attribute: str, members: list[Member]) -> list[str]:
    """The main cause and up to two others, each one the family can bear out."""
    if attribute == WUBAO:
        main = WUBAO_CAUSES.pick(rng)
        return [main, CAUSE.LABOUR] if main != CAUSE.LABOUR and rng.random() < 0.5 else [main]
    table = CAUSES if any(3 <= m.age <= 22 for m in members) else CAUSES_NO_PUPIL
    chosen = [table.pick(rng)]
    for chance in (0.55, 0.25):
        if rng.random() >= chance:
            break
        other = table.pick(rng)
        # One person alone cannot be both ill and disabled (health is one value).
        while other in chosen or (len(members) == 1 and {other, *chosen} >= BOTH):
            other = table.pick(rng)
        chosen.append(other)
    return chosen


def _one_of(rng: random.Random, members: list[Member], *keep: str) -> Member:
    """A member to bear out a cause: an adult if possible, not one whose health bears out
    another cause (`keep`)."""
    pool = [m for m in members if m.health not in keep]
    pool = [m for m in pool if m.age >= 16] or pool or members
    return pool[int(rng.random() * len(pool))]


def fill_members(rng: random.Random, attribute: str, members: list[Member], why: list[str]) -> None:
    """Schooling and health by age, then made to bear out the causes; labour follows."""
    for m in members:
        m.schooling = _schooling(rng, m.age)
        m.health = _health(rng, m.age)
    if CAUSE.SCHOOLING in why and all(m.schooling == NOT_IN_SCHOOL for m in members):
        pupils = [m for m in members if 3 <= m.age <= 22]
        _put_in_school(rng, pupils[int(rng.random() * len(pupils))])
    if CAUSE.ILLNESS in why and not any(m.health in (CHRONIC, SERIOUS) for m in members):
        _one_of(rng, members, DISABLED).health = CHRONIC if rng.random() < 0.6 else SERIOUS
    if CAUSE.DISABILITY in why and not any(m.health == DISABLED for m in members):
        _one_of(rng, members, CHRONIC, SERIOUS).health = DISABLED
    wubao = attribute == WUBAO
    for m in members:
        m.labour = _labour(rng, m, wubao)


def history(rng: random.Random, registered: int, village_exit: int) -> list[tuple[int, str]]:
    """(year, status) steps, registration first; each step allowed by rules.NEXT_STATUS."""
    steps = [(registered, POOR)]
    if rng.random() < 0.015:
        return steps  # still poor at the end of 2020
    # Exits began in earnest in 2016; a few households were out in 2015 already.
    earliest = max(registered + 1, 2015 if rng.random() < 0.05 else 2016)
    exit_year = min(max(village_exit - EXIT_LEAD.pick(rng), earliest), LAST_YEAR)
    steps.append((exit_year, EXITED))
    if exit_year < LAST_YEAR and rng.random() < 0.04:
        relapse = _int(rng, exit_year + 1, LAST_YEAR)
        steps.append((relapse, RELAPSED))
        if relapse < LAST_YEAR and rng.random() < 0.6:
            steps.append((_int(rng, relapse + 1, LAST_YEAR), EXITED))
    return steps


def per_capita_fen(net: int, members: int) -> int:
    """rules.per_capita in integer fen (half up) for a non-negative net income."""
    q, r = divmod(net, members)
    return q + (1 if 2 * r >= members else 0)


def incomes(
    rng: random.Random, attribute: str, size: int, workers: int, steps: list[tuple[int, str]]
) -> list[tuple[int, int, int, int, int, int, int]]:
    """(year, wage, production, property, transfer, costs, per capita), in fen, for every year
    from registration to 2020: below the year's line while poor or relapsed, above it once out
    (and rising with the years out)."""
    rnd = rng.random
    out = []
    transfer_share = 0.75 if attribute == WUBAO else 0.15 if attribute == ATTR.GENERAL else 0.4
    status, since = POOR, steps[0][0]
    changes = dict(steps)
    for year in range(steps[0][0], LAST_YEAR + 1):
        if year in changes:
            status, since = changes[year], year
        line = POVERTY_LINES[year] * 100
        if status == EXITED:
            factor = 1.05 + 0.45 * rnd() + 0.06 * (year - since)
        else:
            factor = 0.55 + 0.4 * rnd()
        net = int(line * factor) * size
        transfer = int(net * (transfer_share - 0.05 + 0.1 * rnd()))
        prop = int(net * (0.02 + 0.06 * rnd() if year >= 2017 else 0.02 * rnd()))
        wage = int((net - transfer - prop) * (0.4 + 0.3 * rnd())) if workers else 0
        costs = int((net - transfer - prop - wage) * (0.25 + 0.35 * rnd()))
        production = net - transfer - prop - wage + costs
        out.append((year, wage, production, prop, transfer, costs, per_capita_fen(net, size)))
    return out


class IdNumbers:
    """Unique resident IDs for one county: address code = the county, order code drawn, its
    last digit odd for men (GB 11643). IDs already in the registry with that address code
    (people outside the demo's villages) are never reused."""

    def __init__(self, county: str) -> None:
        self.county = county
        existing = Person.objects.filter(subtree_q("id_number", county))
        self.used = set(existing.values_list("id_number", flat=True))

    def new(self, rng: random.Random, birth: dt.date, sex: str) -> str:
        odd = 1 if sex == MALE else 0
        while True:
            number = make_resident_id(self.county, birth, int(rng.random() * 500) * 2 + odd)
            if number not in self.used:
                self.used.add(number)
                return number


# Column lists as words, one table per line (the rows below are tuples in this order).
HOUSEHOLD_COLUMNS = (  # noqa: SIM905
    "id village county_code number standard attribute main_cause other_cause_1 other_cause_2 "
    "phone bank_account arable_land housing safe_water electricity road_access registered_in "
    "status created_at updated_at"
).split()
PERSON_COLUMNS = (  # noqa: SIM905
    "household village_code county_code name id_number relation sex birth_date ethnicity "
    "education schooling health labour work_place work_months medical_insurance "
    "pension_insurance serious_illness_insurance political"
).split()
STATUS_COLUMNS = "household county_code year status reason approved_by recorded_at".split()  # noqa: SIM905
INCOME_COLUMNS = (  # noqa: SIM905
    "household county_code year wage production property_income transfer costs members per_capita"
).split()


class Rows:
    """One batch of rows, as tuples in the column order above."""

    def __init__(self) -> None:
        self.households: list[tuple[Any, ...]] = []
        self.people: list[tuple[Any, ...]] = []
        self.status: list[tuple[Any, ...]] = []
        self.incomes: list[tuple[Any, ...]] = []


class Generator:
    """Draws every household of a village, as rows, with the village's own generator."""

    def __init__(self, seed: int, names: Names) -> None:
        self.seed = seed
        self.names = names
        self.ids: IdNumbers | None = None
        adapt = connection.ops.adapt_datetimefield_value
        now = adapt(timezone.now())
        self.stamps = (now, now)
        # Changes are recorded in the last quarter of their year (not now: rows stay the same
        # for a seed).
        zone = ZoneInfo(settings.TIME_ZONE)
        self.recorded_at = {
            year: [
                adapt(dt.datetime(year, 10, 1, 9, tzinfo=zone) + dt.timedelta(days=day))
                for day in range(90)
            ]
            for year in range(FIRST_YEAR, LAST_YEAR + 1)
        }
        self.reasons = {
            POOR: _("registration"),
            EXITED: _("income steadily above the line, basic needs assured"),
            RELAPSED: _("income fell below the line again"),
        }
        # Birth dates by (age on 31 December of the reference year, day of that year).
        self.jan_1 = {age: dt.date(REFERENCE_YEAR - age, 1, 1).toordinal() for age in range(0, 101)}

    def village(
        self, village: Village, first_id: int, rows: Rows, per_village: tuple[int, int]
    ) -> int:
        """Appends the village's rows; returns how many households it has."""
        rng = random.Random(f"fupin-demo:{self.seed}:{village.code}")
        rnd = rng.random
        code, county = village.code, village.code[:6]
        # Villages come sorted by code, so a county's come together: one county's IDs in
        # memory at a time (scale 1: 6.25 million IDs would not fit comfortably).
        if self.ids is None or self.ids.county != county:
            self.ids = IdNumbers(county)
        ids = self.ids
        ethnicities = ETHNICITIES.get(county[:4], ETHNICITIES[""])
        n = _int(rng, *per_village)
        for i in range(n):
            household_id = first_id + i
            attribute = ATTRIBUTES.pick(rng)
            members = family(rng, attribute, self.names)
            why = causes(rng, attribute, members)
            fill_members(rng, attribute, members, why)
            steps = history(rng, REGISTERED_IN.pick(rng), village.exited_in)
            size = len(members)
            land_each = 0.4 * rnd() if CAUSE.LAND in why else _uniform(rng, 0.3, 2.5)
            phone = f"{PHONE_PREFIXES[int(rnd() * 18)]}{int(rnd() * 1e8):08d}"
            account = f"62{int(rnd() * 1e8):08d}{int(rnd() * 1e9):09d}"
            rows.households.append(
                (
                    household_id,
                    code,
                    county,
                    f"{i + 1:04d}",
                    STANDARDS.pick(rng),
                    attribute,
                    why[0],
                    why[1] if len(why) > 1 else "",
                    why[2] if len(why) > 2 else "",
                    phone if rnd() < 0.85 else "",
                    account if rnd() < 0.95 else "",
                    int(size * land_each * 100),
                    HOUSING.pick(rng),
                    rnd() < 0.9,
                    rnd() < 0.99,
                    rnd() < 0.85,
                    steps[0][0],
                    steps[-1][1],
                    *self.stamps,
                )
            )
            ethnicity = ethnicities.pick(rng)
            workers = 0
            for m in members:
                birth = dt.date.fromordinal(self.jan_1[m.age] + int(rnd() * 365))
                work = _work(rng, m)
                workers += work != NO_WORK
                medical = rnd() < 0.98
                rows.people.append(
                    (
                        household_id,
                        code,
                        county,
                        m.name,
                        ids.new(rng, birth, m.sex),
                        m.relation,
                        m.sex,
                        birth.isoformat(),
                        ethnicity,
                        _education(rng, m),
                        m.schooling,
                        m.health,
                        m.labour,
                        work,
                        m.months,
                        medical,
                        m.age >= 16 and m.schooling == NOT_IN_SCHOOL and rnd() < 0.75,
                        medical and rnd() < 0.9,
                        _political(rng, m),
                    )
                )
            for year, status in steps:
                rows.status.append(
                    (
                        household_id,
                        county,
                        year,
                        status,
                        self.reasons[status],
                        village.township if status != POOR else "",
                        self.recorded_at[year][int(rnd() * 90)],
                    )
                )
            for year, *amounts, each in incomes(rng, attribute, size, workers, steps):
                rows.incomes.append((household_id, county, year, *amounts, size, each))
        return n


def demo_villages(codes: Iterable[str]) -> list[Village]:
    """The villages with their delisting year and township name (the approving body)."""
    villages = list(
        Region.objects.filter(code__in=list(codes)).values_list("code", "name", "exited_in")
    )
    townships = dict(
        Region.objects.filter(code__in={c[:9] for c, _n, _e in villages}).values_list(
            "code", "name"
        )
    )
    return sorted(
        Village(code, name, exited or LAST_YEAR, townships.get(code[:9], ""))
        for code, name, exited in villages
    )


def ensure_poverty_lines() -> None:
    """The demo province's lines, through the action (audited), where they differ."""
    existing = dict(PovertyLine.objects.filter(province_id=PROVINCE).values_list("year", "amount"))
    for year, amount in POVERTY_LINES.items():
        if existing.get(year) != Decimal(amount):
            registry_actions.set_poverty_line(
                actor=None, province_code=PROVINCE, year=year, amount=Decimal(amount)
            )


def delete_households(village_codes: Iterable[str]) -> int:
    """Every household on these villages, with members, history and incomes, in bulk.

    Plain DELETE statements by village code: Django's delete() would load every household
    to cascade (millions of objects at scale 1). Tables that later point at households
    (pairings, plans, …) must be cleared here first; a foreign key still pointing at a
    household fails the transaction rather than leaving orphans.
    One summary audit event per county.
    """
    codes = sorted(set(village_codes))
    qn = connection.ops.quote_name
    household = qn(Household._meta.db_table)
    per_county: dict[str, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(codes), DELETE_CHUNK):
            chunk = codes[start : start + DELETE_CHUNK]
            where = f"{qn('village_code')} IN ({', '.join(['%s'] * len(chunk))})"
            cursor.execute(
                f"SELECT {qn('county_code')}, COUNT(*) FROM {household} WHERE {where} "
                f"GROUP BY {qn('county_code')}",
                chunk,
            )
            found = cursor.fetchall()
            if not found:
                continue
            for county, n in found:
                per_county[county] = per_county.get(county, 0) + n
            for child in (IncomeRecord, StatusChange, Person):
                cursor.execute(
                    f"DELETE FROM {qn(child._meta.db_table)} WHERE {qn('household_id')} IN "
                    f"(SELECT {qn('id')} FROM {household} WHERE {where})",
                    chunk,
                )
            cursor.execute(f"DELETE FROM {household} WHERE {where}", chunk)
    for county, n in sorted(per_county.items()):
        record(
            actor=None,
            action="demo.delete_households",
            object_type="registry.household",
            object_repr=_("%(n)s demo households") % {"n": n},
            region_code=county,
            before={"households": n},
        )
    return sum(per_county.values())


@contextmanager
def _sqlite_cache() -> Iterator[None]:
    """A larger SQLite page cache while the demo writes, and the old size afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        old = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {old}")


def _first_household_id() -> int:
    """Households get their ids from us, so members can point at them in the same batch.

    Never an id used before, not even by a deleted household (its audit events still name
    it): past the id sequence as well as the highest id. The sequence is set past ours after.
    """
    table = Household._meta.db_table
    highest = Household.objects.aggregate(m=Max("id"))["m"] or 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Nobody else takes ids until the demo's transaction ends.
            cursor.execute(
                f"LOCK TABLE {connection.ops.quote_name(table)} IN SHARE ROW EXCLUSIVE MODE"
            )
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
            return max(int(cursor.fetchone()[0]), highest + 1)
        # SQLite's AUTOINCREMENT keeps the highest id ever given in sqlite_sequence.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        return max(int(row[0]) if row else 0, highest) + 1


def _flush(rows: Rows, result: HouseholdsResult) -> None:
    write_rows(Household, HOUSEHOLD_COLUMNS, rows.households)
    write_rows(Person, PERSON_COLUMNS, rows.people)
    write_rows(StatusChange, STATUS_COLUMNS, rows.status)
    write_rows(IncomeRecord, INCOME_COLUMNS, rows.incomes)
    result.households += len(rows.households)
    result.people += len(rows.people)
    result.status_changes += len(rows.status)
    result.income_records += len(rows.incomes)


def build_households(
    *,
    village_codes: Sequence[str],
    seed: int,
    clear: Iterable[str] = (),
    households_per_village: tuple[int, int] = HOUSEHOLDS_PER_VILLAGE,
) -> HouseholdsResult:
    """Replace the households of `village_codes` (and clear those of `clear`) by a new draw.

    Call inside a transaction. Writes one summary audit event per village (so its secretary
    sees in the audit log where the roster came from), with the counts.
    """
    ensure_poverty_lines()
    result = HouseholdsResult()
    rows = Rows()
    events: list[tuple[Village, dict[str, int]]] = []
    with _sqlite_cache():
        result.deleted = delete_households([*village_codes, *clear])
        generator = Generator(seed, Names(seed))
        next_id = _first_household_id()
        villages = demo_villages(village_codes)
        for done, village in enumerate(villages, 1):
            people, status, income = len(rows.people), len(rows.status), len(rows.incomes)
            n = generator.village(village, next_id, rows, households_per_village)
            next_id += n
            counts = {
                "households": n,
                "people": len(rows.people) - people,
                "status_changes": len(rows.status) - status,
                "income_records": len(rows.incomes) - income,
            }
            events.append((village, counts))
            if len(rows.households) >= BATCH or done == len(villages):
                _flush(rows, result)
                rows = Rows()
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Household]):
            cursor.execute(sql)
    analyze(Household, Person, StatusChange, IncomeRecord)
    for village, counts in events:
        record(
            actor=None,
            action="demo.create_households",
            object_type="registry.household",
            object_repr=f"{village.name} ({village.code})",
            region_code=village.code,
            after=counts,
        )
    return result


# A village's registered rural population: a poor village's registered poor people were 12–30 %
# of it in 2014 (twice the province's incidence or more); another's 600–2,800 people.
POOR_VILLAGE_INCIDENCE = (0.12, 0.30)
VILLAGE_POPULATION = (600, 2_800)


def village_populations(counties: Sequence[str], seed: int) -> list[PopulationRow]:
    """The registered rural population of every village of `counties`, drawn for the seed (and
    never below the village's registered poor people)."""
    rng = random.Random(f"fupin-demo-population:{seed}")
    people: dict[str, int] = dict(
        Person.objects.filter(county_code__in=list(counties))
        .values("village_code")
        .annotate(n=Count("id"))
        .values_list("village_code", "n")
    )
    rows = []
    for county in sorted(counties):
        villages = Region.objects.filter(subtree_q("code", county), level=Level.VILLAGE)
        for code in villages.order_by("code").values_list("code", flat=True):
            registered = people.get(code, 0)
            if registered:
                share = _uniform(rng, *POOR_VILLAGE_INCIDENCE)
                population = max(registered, round(registered / share))
            else:
                population = _int(rng, *VILLAGE_POPULATION)
            rows.append(PopulationRow(code, population))
    return rows
