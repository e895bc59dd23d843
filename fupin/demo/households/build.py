"""The demo's households as rows: a village's households drawn from its own generator, written
in bulk, and the previous ones deleted in bulk (fupin.demo.households).

Millions of rows do not go through one ORM save each: rows are built as tuples and written
with COPY on PostgreSQL and executemany on SQLite, a few thousand households at a time.
Money is written as integer fen and land as hundredths of a mu, which is how HundredthsField
stores them.
"""

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.log import record
from fupin.demo.common import (
    Names,
    first_id,
    phone_number,
    rand_int,
    rand_uniform,
    reset_sequences,
    sqlite_cache,
)
from fupin.demo.households.families import (
    ATTRIBUTES,
    CAUSE,
    ETHNICITIES,
    EXITED,
    FIRST_YEAR,
    HOUSING,
    LAST_YEAR,
    NO_WORK,
    NOT_IN_SCHOOL,
    POOR,
    POVERTY_LINES,
    REFERENCE_YEAR,
    REGISTERED_IN,
    RELAPSED,
    STANDARDS,
    IdNumbers,
    causes,
    education_of,
    family,
    fill_members,
    history,
    incomes,
    political_of,
    work_of,
)
from fupin.lib.bulk import analyze, write_rows
from fupin.regions.choices import Level
from fupin.regions.codes import subtree_q
from fupin.regions.loader import PopulationRow
from fupin.regions.models import Region
from fupin.registry import actions as registry_actions
from fupin.registry.models import Household, IncomeRecord, Person, PovertyLine, StatusChange

PROVINCE = "51"

# Households per village, uniform: mean 168, × 3.24 people ≈ 543 people per village.
HOUSEHOLDS_PER_VILLAGE = (110, 226)
# Households generated and written per round trip (and held in memory at once).
BATCH = 5_000
# Village codes per DELETE statement (well below SQLite's 32,766 parameters).
DELETE_CHUNK = 500


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
        n = rand_int(rng, *per_village)
        for i in range(n):
            household_id = first_id + i
            attribute = ATTRIBUTES.pick(rng)
            members = family(rng, attribute, self.names)
            why = causes(rng, attribute, members)
            fill_members(rng, attribute, members, why)
            steps = history(rng, REGISTERED_IN.pick(rng), village.exited_in)
            size = len(members)
            land_each = 0.4 * rnd() if CAUSE.LAND in why else rand_uniform(rng, 0.3, 2.5)
            phone = phone_number(rng)
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
                work = work_of(rng, m)
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
                        education_of(rng, m),
                        m.schooling,
                        m.health,
                        m.labour,
                        work,
                        m.months,
                        medical,
                        m.age >= 16 and m.schooling == NOT_IN_SCHOOL and rnd() < 0.75,
                        medical and rnd() < 0.9,
                        political_of(rng, m),
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
    with sqlite_cache():
        result.deleted = delete_households([*village_codes, *clear])
        generator = Generator(seed, Names(seed))
        next_id = first_id(Household)
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
    reset_sequences(Household)
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
                share = rand_uniform(rng, *POOR_VILLAGE_INCIDENCE)
                population = max(registered, round(registered / share))
            else:
                population = rand_int(rng, *VILLAGE_POPULATION)
            rows.append(PopulationRow(code, population))
    return rows
