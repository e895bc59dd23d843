"""The projects demo's build: clearing the previous project rows, then the poor villages'
projects in bulk, their dividends in the households' property income, and the programme's
own examples (fupin.demo.projects).
"""

import random
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.log import record
from fupin.demo.common import Names, delete_all, first_id, rand_int, reset_sequences, sqlite_cache
from fupin.demo.households.families import per_capita_fen
from fupin.demo.party.drafts import short_name
from fupin.demo.projects.fixtures import build_fixtures
from fupin.demo.projects.generator import (
    BATCH,
    ENTERPRISE_SUFFIXES,
    ENTERPRISE_WORDS,
    ENTERPRISES,
    INDUSTRY_HOUSEHOLDS,
    LIVESTOCK_PRODUCTS,
    PARTNER_COLUMNS,
    PRODUCTS,
    RUN_YEARS,
    WORKING,
    Generator,
    Place,
    ProjectsResult,
    credit_code,
)
from fupin.lib.bulk import analyze, write_rows
from fupin.party.choices import MembershipStatus
from fupin.party.choices import Stage as MemberStage
from fupin.party.models import Member
from fupin.projects.choices import (
    PartnerKind,
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
from fupin.registry.models import IncomeRecord, Person

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
    delete_all(DELETE_ORDER)
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
    pk = first_id(Partner)
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
                    f"1{rand_int(rng, 30, 89)}{int(rng.random() * 1e8):08d}",
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
    with sqlite_cache():
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
    reset_sequences(Project, Participant, DividendRun, Partner)
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
