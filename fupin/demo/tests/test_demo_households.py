"""`fupin demo` registers households and people on the demo's poor villages, in bulk.

The test database holds the small subtree (two counties of four villages), so at --scale 0.01
all eight villages are poor and get about 168 households each (see test_demo.py).
"""

import datetime
import json
import random
import statistics
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fupin.audit.models import AuditEvent
from fupin.demo.households import POVERTY_LINES, IdNumbers, Names, family, per_capita_fen
from fupin.lib.ids import make_resident_id, parse_resident_id
from fupin.regions.choices import Level
from fupin.regions.models import Region
from fupin.registry import actions
from fupin.registry.actions import HOUSEHOLD_FIELDS, INCOME_FIELDS, PERSON_FIELDS
from fupin.registry.models import Household, IncomeRecord, Person, PovertyLine, StatusChange
from fupin.registry.quality import counts_for
from fupin.registry.rules import NEXT_STATUS, age_on, check_person_id, per_capita
from fupin.testing import COUNTY_A

pytestmark = pytest.mark.django_db
END = datetime.date(2020, 12, 31)


def demo(*args: str) -> dict:
    out = StringIO()
    call_command("demo", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def demo_villages() -> set[str]:
    return set(
        Region.objects.filter(level=Level.VILLAGE, is_poor=True).values_list("code", flat=True)
    )


def fingerprint() -> dict[str, list[tuple]]:
    """Every demo row with its content but not its row id or creation time, in a stable order."""
    key = ["village_id", "number"]
    # The fields the registry's actions write, the village and the number first.
    fields = [f for f in HOUSEHOLD_FIELDS if f not in ("village", "number")]
    households = Household.objects.order_by(*key).values_list(*key, "county_code", *fields)
    people = Person.objects.order_by("village_code", "household__number", "id").values_list(
        "village_code",
        "household__number",
        "county_code",
        *PERSON_FIELDS,
    )
    history = StatusChange.objects.order_by(
        "household__village_id", "household__number", "year", "id"
    ).values_list(
        "household__village_id",
        "household__number",
        "county_code",
        "year",
        "status",
        "reason",
        "approved_by",
        "recorded_at",
    )
    incomes = IncomeRecord.objects.order_by(
        "household__village_id", "household__number", "year"
    ).values_list(
        "household__village_id",
        "household__number",
        "county_code",
        "year",
        *INCOME_FIELDS,
        "members",
        "per_capita",
    )
    return {
        "households": list(households),
        "people": list(people),
        "history": list(history),
        "incomes": list(incomes),
    }


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """One demo at --scale 0.01 for the read-only tests of this module (rolled back after)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            data = demo("--scale", "0.01", "--seed", "5")
            yield data
            transaction.set_rollback(True)


def test_it_registers_households_on_every_demo_village(built):
    villages = demo_villages()
    assert len(villages) == 8
    per_village = Counter(Household.objects.values_list("village_id", flat=True))
    assert set(per_village) == villages
    assert all(110 <= n <= 226 for n in per_village.values())
    assert built["households"] == Household.objects.count() == sum(per_village.values())
    assert built["people"] == Person.objects.count()
    # About 3.2 people per household: 6.25 million people in about 2 million households.
    assert 3.0 <= built["people"] / built["households"] <= 3.45
    # Numbers run 0001, 0002, … in each village.
    for village, n in per_village.items():
        numbers = Household.objects.filter(village_id=village).values_list("number", flat=True)
        assert sorted(numbers) == [f"{i:04d}" for i in range(1, n + 1)]


def test_it_gives_valid_unique_ids_with_the_county_as_address_code(built):
    people = list(
        Person.objects.values_list("id_number", "county_code", "village_code", "sex", "birth_date")
    )
    numbers = [p[0] for p in people]
    assert len(set(numbers)) == len(numbers)
    for number, county, village, sex, birth in people:
        rid = parse_resident_id(number)
        assert rid.address_code == county == village[:6]
        assert (rid.sex, rid.birth_date) == (sex, birth)
        assert check_person_id(number, sex, birth)[3] == {}


def test_it_draws_families_of_one_to_eight_with_plausible_ages(built):
    members = defaultdict(list)
    for household_id, relation, sex, birth in Person.objects.values_list(
        "household_id", "relation", "sex", "birth_date"
    ):
        members[household_id].append((relation, sex, age_on(birth, END)))
    attributes = dict(Household.objects.values_list("pk", "attribute"))
    sizes = Counter(len(m) for m in members.values())
    assert set(sizes) <= set(range(1, 9))
    assert {1, 2, 3, 4, 5, 6} <= set(sizes)
    assert 3.0 <= statistics.mean(len(m) for m in members.values()) <= 3.45
    for pk, family_members in members.items():
        heads = [m for m in family_members if m[0] == "head"]
        assert len(heads) == 1
        _, head_sex, head_age = heads[0]
        assert 30 <= head_age <= 88 if attributes[pk] != "wubao" else 35 <= head_age <= 88
        for relation, sex, age in family_members:
            assert 0 <= age <= 100
            if relation == "spouse":
                assert sex != head_sex and abs(age - head_age) <= 6
            if relation in ("son", "daughter"):
                assert 20 <= head_age - age <= 40
            if relation == "parent":
                assert 22 <= age - head_age <= 34
            if relation in ("grandson", "granddaughter"):
                assert head_age - age >= 44
    assert len(members) == len(attributes), "every household has members"


def test_it_draws_causes_and_attributes_at_plausible_frequencies(built):
    households = list(Household.objects.values_list("main_cause", "attribute"))
    n = len(households)
    causes = Counter(c for c, _a in households)
    attributes = Counter(a for _c, a in households)
    assert 0.33 <= causes["illness"] / n <= 0.47
    assert {"disability", "schooling", "skills", "labour", "funds"} <= set(causes)
    assert 0.63 <= attributes["general"] / n <= 0.77
    assert 0.15 <= attributes["dibao"] / n <= 0.25
    assert 0.02 <= attributes["wubao"] / n <= 0.08
    assert attributes["dibao_poor"] > 0


def test_it_keeps_health_labour_and_schooling_consistent_with_age_and_cause(built):
    by_household = defaultdict(list)
    for row in Person.objects.values(
        "household_id", "birth_date", "schooling", "health", "labour", "work_place", "work_months"
    ):
        by_household[row["household_id"]].append(row)
    for h in Household.objects.all():
        people = by_household[h.pk]
        if "illness" in h.causes:
            assert any(p["health"] in ("chronic", "serious") for p in people)
        if "disability" in h.causes:
            assert any(p["health"] == "disabled" for p in people)
        if "schooling" in h.causes:
            assert any(p["schooling"] != "none" for p in people)
        for p in people:
            age = age_on(p["birth_date"], END)
            if age < 16:
                assert p["labour"] == "none" and p["work_place"] == "none"
            if 6 <= age < 15:
                assert p["schooling"] in ("primary", "junior")
            if age >= 23:
                assert p["schooling"] == "none"
            if p["labour"] in ("lost", "none"):
                assert p["work_place"] == "none" and p["work_months"] == 0
            if h.attribute == "wubao":
                assert p["labour"] not in ("ordinary", "skilled")


def test_it_writes_status_histories_that_follow_the_rules(built):
    history = defaultdict(list)
    for household_id, year, status in StatusChange.objects.order_by("year", "id").values_list(
        "household_id", "year", "status"
    ):
        history[household_id].append((year, status))
    exit_years = Counter()
    relapsed = 0
    for h in Household.objects.all():
        steps = history[h.pk]
        assert steps[0] == (h.registered_in, "poor")
        for (year, status), (next_year, next_status) in pairwise(steps):
            assert next_status in NEXT_STATUS[status]
            assert next_year > year
        assert h.status == steps[-1][1]
        assert all(2014 <= year <= 2020 for year, _s in steps)
        exits = [year for year, status in steps if status == "exited"]
        if exits:
            exit_years[exits[0]] += 1
        relapsed += any(status == "relapsed" for _y, status in steps)
    n = len(history)
    assert n == Household.objects.count()
    # Most households exit between 2016 and 2020; a few never do, a few relapse.
    assert sum(exit_years[y] for y in range(2016, 2021)) / n >= 0.85
    assert 0 < relapsed / n < 0.08
    assert 0 < Household.objects.filter(status="poor").count() / n < 0.05


def test_it_records_incomes_around_each_years_line(built):
    lines = dict(PovertyLine.objects.filter(province_id="51").values_list("year", "amount"))
    assert lines == {year: Decimal(amount) for year, amount in POVERTY_LINES.items()}
    assert lines[2014] == Decimal(2800) and lines[2020] == Decimal(4000)
    history = defaultdict(list)
    for household_id, year, status in StatusChange.objects.order_by("year", "id").values_list(
        "household_id", "year", "status"
    ):
        history[household_id].append((year, status))
    sizes = Counter(Person.objects.values_list("household_id", flat=True))
    registered = dict(Household.objects.values_list("pk", "registered_in"))
    years = defaultdict(list)
    for income in IncomeRecord.objects.order_by("year"):
        years[income.household_id].append(income.year)
        assert income.members == sizes[income.household_id]
        assert income.per_capita == per_capita(income.net, income.members)
        amounts = [income.wage, income.production, income.property_income, income.transfer]
        assert all(a >= 0 for a in [*amounts, income.costs])
        status = [s for y, s in history[income.household_id] if y <= income.year][-1]
        line = lines[income.year]
        if status == "exited":
            assert line < income.per_capita < 3 * line
        else:
            assert line / 2 < income.per_capita <= line
    for pk, first in registered.items():
        assert years[pk] == list(range(first, 2021))


def test_it_leaves_few_warnings_for_the_data_quality_checks(built):
    counts = counts_for("51")
    assert sum(counts.values()) <= 0.01 * built["households"], counts


def test_it_logs_one_summary_event_per_village(built):
    events = AuditEvent.objects.filter(action="demo.create_households")
    assert sorted(e.region_code for e in events) == sorted(demo_villages())
    assert sum(e.after["households"] for e in events) == built["households"]
    assert sum(e.after["people"] for e in events) == built["people"]
    assert sum(e.after["status_changes"] for e in events) == StatusChange.objects.count()
    assert sum(e.after["income_records"] for e in events) == IncomeRecord.objects.count()
    assert all(e.actor_name == "system" for e in events)


def test_it_writes_in_bulk_not_row_by_row():
    with CaptureQueriesContext(connection) as queries:
        data = demo("--scale", "0.01", "--seed", "3")
    # ~1,300 households, ~4,300 people and ~9,000 income rows: a save per row would be ~15,000.
    # The programme's five example projects go through the actions (audited), a few hundred.
    assert data["households"] > 1000
    assert len(queries) < 700, len(queries)


def test_it_gives_identical_rows_for_the_same_seed_and_replaces_the_previous_build():
    first = demo("--scale", "0.01", "--seed", "3")
    rows = fingerprint()
    first_ids = set(Household.objects.values_list("pk", flat=True))
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True)[0]

    again = demo("--scale", "0.01", "--seed", "3")

    assert again == first
    assert fingerprint() == rows
    assert not set(Household.objects.values_list("pk", flat=True)) & first_ids, "new ids"
    deleted = AuditEvent.objects.filter(action="demo.delete_households", id__gt=last_event)
    assert sum(e.before["households"] for e in deleted) == first["households"]
    assert {e.region_code for e in deleted} == {"510821", "510824"}

    other = demo("--scale", "0.01", "--seed", "4")
    assert Household.objects.count() == other["households"]
    assert Person.objects.count() == other["people"]
    other_rows = fingerprint()
    assert other_rows["people"] != rows["people"]
    assert other_rows["households"] != rows["households"]


def test_it_clears_the_previous_seeds_villages_and_nothing_else():
    demo("--scale", "0.0001", "--seed", "2")
    (village_2,) = demo_villages()
    demo("--scale", "0.0001", "--seed", "1")
    (village_1,) = demo_villages()
    assert set(Household.objects.values_list("village_id", flat=True)) == {village_1}
    # A household on a village neither draw chose, entered by someone else.
    other = sorted(
        set(Region.objects.filter(level=Level.VILLAGE).values_list("code", flat=True))
        - {village_1, village_2}
    )[0]
    kept = actions.create_household(
        actor=None, village_code=other, number="K1", main_cause="funds", registered_in=2015
    )

    # Somebody else's household: the demo goes ahead only when told to (fupin.demo.guard).
    demo("--scale", "0.0001", "--seed", "2", "--replace-everything")

    assert set(Household.objects.values_list("village_id", flat=True)) == {village_2, other}
    assert Household.objects.filter(pk=kept.pk).exists()


def test_it_never_reuses_an_id_registered_outside_the_demo():
    birth = datetime.date(1980, 6, 1)
    h = actions.create_household(
        actor=None, village_code="510821100002", number="X1", main_cause="funds", registered_in=2014
    )
    taken = make_resident_id(COUNTY_A, birth, 2 * 7 + 1)
    actions.add_person(actor=None, household=h, name="甲", id_number=taken, relation="head")

    class Draws(random.Random):
        """Order codes 7 (taken) and then 8, for a man born on `birth`."""

        def __init__(self) -> None:
            super().__init__(0)
            self.values = iter([7.5 / 500, 8.5 / 500])

        def random(self) -> float:
            return next(self.values)

    ids = IdNumbers(COUNTY_A)
    assert taken in ids.used
    assert ids.new(Draws(), birth, "male") == make_resident_id(COUNTY_A, birth, 2 * 8 + 1)


def test_it_draws_the_same_families_for_the_same_seed():
    def draw(seed: int) -> list[tuple]:
        rng, names = random.Random(seed), Names(seed, pool=64)
        return [
            (m.relation, m.sex, m.age, m.name)
            for attribute in ["general", "wubao", "dibao"] * 20
            for m in family(rng, attribute, names)
        ]

    assert draw(1) == draw(1)
    assert draw(1) != draw(2)
    assert all(len(name) in (2, 3, 4) for *_rest, name in draw(3))


@pytest.mark.parametrize("net, members", [(0, 1), (1, 2), (3, 2), (5, 3), (400_000, 3), (7, 7)])
def test_it_rounds_per_capita_income_like_the_rules(net, members):
    assert Decimal(per_capita_fen(net, members)) / 100 == per_capita(Decimal(net) / 100, members)


def test_it_writes_each_table_in_one_statement_per_batch():
    """executemany on SQLite (Django logs it once, as "N times: INSERT …"), COPY on
    PostgreSQL (which Django does not log at all): never an INSERT per row."""
    with CaptureQueriesContext(connection) as queries:
        data = demo("--scale", "0.0001", "--seed", "1")  # one village: a single batch

    inserts = [q["sql"] for q in queries if q["sql"].split(": ", 1)[-1].startswith("INSERT")]
    people = [sql for sql in inserts if '"registry_person"' in sql]
    if connection.vendor == "sqlite":
        assert len(people) == 1
        assert people[0].startswith(f'{data["people"]} times: INSERT INTO "registry_person"')
    else:
        assert people == []
    assert Person.objects.count() == data["people"]
