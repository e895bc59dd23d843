"""The party demo's build: which counties get their organisations, clearing the previous party
rows, and building the new ones county by county.
"""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from fupin.audit.log import record
from fupin.demo.common import (
    delete_all,
    first_id,
    reset_sequences,
    sqlite_cache,
)
from fupin.demo.party.drafts import END, PartyResult, Place, short_name
from fupin.demo.party.tree import BATCH, CANGXI, PROVINCE, Generator
from fupin.lib.bulk import analyze
from fupin.pairing.models import Helper, Pairing, Visit
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
from fupin.regions.models import Region
from fupin.registry.choices import Political
from fupin.registry.models import Household, Person

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
    delete_all(DELETE_ORDER)
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
    generator = Generator(seed, first_id(Organisation), first_id(Member))
    names = dict(Region.objects.filter(code__in=list(counties)).values_list("code", "name"))
    events: list[tuple[str, dict[str, int]]] = []
    places = {county: _places(county) for county in sorted(counties)}
    poor = _poor_people({p.code for each in places.values() for p in each if p.poor})
    with sqlite_cache():
        for county, its_places in places.items():
            events.append((county, generator.county(county, names[county], its_places, poor)))
            if len(generator.rows) >= BATCH:
                generator.flush()
        generator.flush()
    reset_sequences(Organisation, Member)
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
