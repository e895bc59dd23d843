"""The demo's families: who lives in a registered poor household, why it is poor, how its
status went year by year and what it earned (fupin.demo.households draws them, village by
village).

The families are meant to pass the registry's data-quality checks the way real rosters mostly
do: a household poor through illness has an ill member, one poor through schooling costs has
a pupil, five-guarantees households have nobody able to work, people without labour ability do
not work away, and a household still poor earns less than the line.
"""

import datetime as dt
import random
from types import SimpleNamespace
from typing import Any

from fupin.demo.common import FEMALE, MALE, Names, Weighted, rand_int
from fupin.lib.ids import make_resident_id
from fupin.regions.codes import subtree_q
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
    Standard,
    Status,
    WorkPlace,
)
from fupin.registry.models import Person

# Demo data, not official figures: a line per year for the demo province (yuan per person),
# from the 2014 line to about 4,000 yuan in 2020 as DESIGN §2 describes.
POVERTY_LINES = {2014: 2800, 2015: 2855, 2016: 3100, 2017: 3300, 2018: 3500, 2019: 3750, 2020: 4000}
FIRST_YEAR, LAST_YEAR = 2014, 2020
# Ages, schooling and work describe the households as at the end of the programme.
REFERENCE_YEAR = LAST_YEAR

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

NOT_IN_SCHOOL, NO_WORK, WUBAO = SCH.NONE, WORK.NONE, ATTR.WUBAO
HEALTHY, CHRONIC, SERIOUS = Health.HEALTHY.value, Health.CHRONIC.value, Health.SERIOUS.value
DISABLED = Health.DISABLED.value
POOR, EXITED, RELAPSED = Status.POOR.value, Status.EXITED.value, Status.RELAPSED.value


class Member:
    """One person while a family is drawn (a plain slotted object: millions are made)."""

    __slots__ = ("age", "health", "labour", "months", "name", "relation", "schooling", "sex")

    def __init__(self, relation: str, sex: str, age: int, name: str) -> None:
        self.relation, self.sex, self.age, self.name = relation, sex, age, name
        self.schooling = NOT_IN_SCHOOL
        self.health = HEALTHY
        self.labour = LAB.NONE
        self.months = 0


def family(rng: random.Random, attribute: str, names: Names) -> list[Member]:
    """The members of one household: relation, sex, age and name (head first)."""
    rnd = rng.random
    family_name = names.surname(rng)

    def member(relation: str, sex: str, age: int, surname: str = family_name) -> Member:
        return Member(relation, sex, age, surname + names.given_name(rng, sex))

    if attribute == WUBAO:
        # 五保: old (or disabled) people without family support, mostly living alone.
        age = rand_int(rng, 60, 88) if rnd() < 0.85 else rand_int(rng, 35, 59)
        members = [member(HEAD, MALE if rnd() < 0.75 else FEMALE, age)]
        if rnd() < 0.15:
            sex = MALE if rnd() < 0.5 else FEMALE
            members.append(member(REL.SIBLING, sex, max(30, age + rand_int(rng, -8, 8))))
        return members

    left = SIZES.pick(rng) - 1
    head_age = int(rng.triangular(30, 75, 52))
    head = member(HEAD, MALE if rnd() < 0.85 else FEMALE, head_age)
    members = [head]
    if left and rnd() < 0.85:
        gap = rand_int(rng, 0, 6)
        age = head_age - gap if head.sex == MALE else head_age + gap
        sex = FEMALE if head.sex == MALE else MALE
        members.append(member(SPOUSE, sex, min(max(age, 20), 90), names.surname(rng)))
        left -= 1
    if left and head_age <= 55 and rnd() < 0.3:
        for sex in (MALE, FEMALE)[: 2 if left >= 3 and rnd() < 0.4 else 1]:
            age = min(head_age + rand_int(rng, 22, 34), 95)
            surname = family_name if sex == MALE else names.surname(rng)
            members.append(member(REL.PARENT, sex, age, surname))
            left -= 1
    if left >= 2 and head_age >= 58 and rnd() < 0.7:
        # Three generations: a married son and his children.
        son_age = head_age - rand_int(rng, 24, 34)
        members.append(member(SON, MALE, son_age))
        left -= 1
        if left and rnd() < 0.8:
            age = max(20, son_age + rand_int(rng, -3, 3))
            members.append(member(REL.DAUGHTER_IN_LAW, FEMALE, age, names.surname(rng)))
            left -= 1
        for _i in range(left):
            sex = MALE if rnd() < 0.52 else FEMALE
            relation = REL.GRANDSON if sex == MALE else REL.GRANDDAUGHTER
            members.append(member(relation, sex, rand_int(rng, 0, max(0, son_age - 20))))
        return members
    for _i in range(left):
        sex = MALE if rnd() < 0.52 else FEMALE
        age = rand_int(rng, max(0, head_age - 40), head_age - 20)
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


def work_of(rng: random.Random, m: Member) -> str:
    """Where the member works away from home (nobody without labour ability does)."""
    r = rng.random()
    if m.labour in (LAB.ORDINARY, LAB.SKILLED):
        if r < (0.55 if m.age <= 50 else 0.35 if m.age <= 60 else 0.1):
            m.months = rand_int(rng, 3, 12)
            return str(WORK_PLACES.pick(rng))
    elif m.labour == LAB.WEAK and r < 0.1:
        m.months = rand_int(rng, 2, 6)
        return WORK.COUNTY
    return NO_WORK


def education_of(rng: random.Random, m: Member) -> str:
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


def political_of(rng: random.Random, m: Member) -> str:
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
        relapse = rand_int(rng, exit_year + 1, LAST_YEAR)
        steps.append((relapse, RELAPSED))
        if relapse < LAST_YEAR and rng.random() < 0.6:
            steps.append((rand_int(rng, relapse + 1, LAST_YEAR), EXITED))
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
