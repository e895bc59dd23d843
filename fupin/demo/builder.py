"""The synthetic programme on the real region tree, for trying fupin out.

Deterministic for a seed: the same scale and seed give the same poor counties, villages,
users, registered households and party organisations and members. Everything is written through
the product's actions, like any other client, except the millions of household, person and
party member rows, which go through the bulk paths of `fupin.demo.households` and
`fupin.demo.party` (with one summary audit event per village or county), and the pairing
rows through `fupin.demo.pairing`, and the projects' through `fupin.demo.projects`.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import Substr

from fupin.accounts import actions as account_actions
from fupin.accounts.choices import Role
from fupin.accounts.models import User
from fupin.analytics import follow
from fupin.analytics.boundaries import load_bundled
from fupin.analytics.refresh import rebuild
from fupin.demo import guard
from fupin.demo.households import build_households, village_populations
from fupin.demo.pairing import build_pairing, clear_pairing
from fupin.demo.party import build_party, clear_party, party_counties
from fupin.demo.projects import ProjectsResult, build_projects, clear_projects
from fupin.regions import actions as region_actions
from fupin.regions.choices import Level
from fupin.regions.loader import BUNDLED, PoorRow, parse_regions
from fupin.regions.models import Region

# Sichuan's programme figures (DESIGN §1): 88 poor counties, 11,501 poor villages.
POOR_COUNTIES = 88
POOR_VILLAGES = 11_501
PROVINCE = "51"
DEMO_PASSWORD = "fupin-demo-2024"


@dataclass
class DemoResult:
    poor_counties: int = 0
    poor_villages: int = 0
    county_a: str = ""
    county_b: str = ""
    users: dict[str, tuple[str, str]] = field(default_factory=dict)  # username -> (role, code)
    households: int = 0
    people: int = 0
    party_counties: int = 0
    party_villages: int = 0
    party_organisations: int = 0
    party_members: int = 0
    poor_members: int = 0
    cadres: int = 0
    helpers: int = 0
    pairings: int = 0
    unpaired: int = 0
    plans: int = 0
    visits: int = 0
    projects: ProjectsResult = field(default_factory=ProjectsResult)


def ensure_regions() -> None:
    if not Region.objects.filter(code=PROVINCE).exists():
        rows = parse_regions(BUNDLED, {})
        region_actions.load_regions(actor=None, rows=rows, source=BUNDLED.name)


def pick_poor(scale: float, rng: random.Random) -> tuple[list[str], list[str]]:
    """Poor counties and villages: about 88 and 11,501 at scale 1, villages only inside the
    chosen counties (as in the real programme's concentration of poverty)."""
    villages_by_county: dict[str, list[str]] = defaultdict(list)
    for code, county in (
        Region.objects.filter(level=Level.VILLAGE, code__startswith=PROVINCE)
        .annotate(county=Substr("code", 1, 6))
        .values_list("code", "county")
        .order_by("code")
    ):
        villages_by_county[county].append(code)
    counties = sorted(villages_by_county)
    n_counties = min(len(counties), max(2, round(POOR_COUNTIES * scale)))
    chosen = sorted(rng.sample(counties, n_counties))
    candidates = [v for c in chosen for v in villages_by_county[c]]
    n_villages = min(len(candidates), max(1, round(POOR_VILLAGES * scale)))
    return chosen, sorted(rng.sample(candidates, n_villages))


def _first_village(county: str) -> str:
    villages = Region.objects.filter(level=Level.VILLAGE, code__startswith=county)
    return str(villages.order_by("code").values_list("code", flat=True)[0])


@transaction.atomic
def build(*, scale: float, seed: int) -> DemoResult:
    # The statistics follow each action's audit event; the demo writes in bulk, so it counts
    # the summary figures once, from everything it wrote.
    # The id ranges this build writes mark its records as the demo's (fupin.demo.guard).
    before = guard.highest_ids()
    with follow.paused():
        result = _build(scale=scale, seed=seed)
    guard.mark_built(before)
    rebuild()
    return result


def _build(*, scale: float, seed: int) -> DemoResult:
    rng = random.Random(seed)
    ensure_regions()
    counties, villages = pick_poor(scale, rng)
    # The previous build's villages: a rebuild clears their households too.
    previous = list(
        Region.objects.filter(level=Level.VILLAGE, is_poor=True).values_list("code", flat=True)
    )
    rows = [PoorRow(c, 2014, rng.choice([2017, 2018, 2019, 2020])) for c in counties]
    rows += [PoorRow(v, 2014, rng.choice([2016, 2017, 2018, 2019, 2020])) for v in villages]
    region_actions.mark_poor(actor=None, rows=rows, replace=True, source=f"demo seed {seed}")

    # County A and a sibling county B in the same city, poor too where the draw allows.
    county_a = counties[0]
    siblings = [c for c in counties[1:] if c[:4] == county_a[:4]] or list(
        Region.objects.filter(parent_id=county_a[:4], level=Level.COUNTY)
        .exclude(code=county_a)
        .order_by("code")
        .values_list("code", flat=True)
    )
    county_b = siblings[0] if siblings else counties[1]
    in_a = [v for v in villages if v.startswith(county_a)]
    village_a = in_a[0] if in_a else _first_village(county_a)
    cast = {
        "admin": (Role.PROVINCE_ADMIN, PROVINCE),
        "city_a": (Role.CITY_ADMIN, county_a[:4]),
        "county_a": (Role.COUNTY_ADMIN, county_a),
        "county_b": (Role.COUNTY_ADMIN, county_b),
        "township_a": (Role.TOWNSHIP_ADMIN, village_a[:9]),
        "secretary_a": (Role.VILLAGE_SECRETARY, village_a),
        "first_secretary_a": (Role.FIRST_SECRETARY, village_a),
        "helper_a": (Role.HELPER, county_a),
        "auditor": (Role.AUDITOR, PROVINCE),
    }
    # A rebuild replaces the demo users, so a new seed's counties get their own staff.
    for user in User.objects.filter(username__in=list(cast)):
        account_actions.delete_user(actor=None, user=user)
    result = DemoResult(len(counties), len(villages), county_a, county_b)
    for username, (role, code) in cast.items():
        account_actions.create_user(
            actor=None, username=username, password=DEMO_PASSWORD, region_code=code, role=role
        )
        result.users[username] = (role.value, code)
    # Projects and pairings point at members and households, members at registry people: the
    # previous projects and pairing rows go first, then the party's, before the households are
    # replaced.
    clear_projects()
    clear_pairing()
    clear_party()
    registry = build_households(village_codes=villages, seed=seed, clear=previous)
    result.households, result.people = registry.households, registry.people
    with_party = party_counties(counties, scale, seed)
    party = build_party(counties=with_party, seed=seed)
    result.party_counties, result.party_villages = party.counties, party.villages
    result.party_organisations, result.party_members = party.organisations, party.members
    result.poor_members, result.cadres = party.poor_members, party.cadres
    # The poverty incidence's denominator, for every village of those counties.
    region_actions.set_population(
        actor=None,
        rows=village_populations(with_party, seed),
        source=f"demo seed {seed}",
    )
    # County A first: the demo's helper login becomes one of its paired helpers.
    pairing = build_pairing(
        counties=[county_a, *(c for c in with_party if c != county_a)],
        seed=seed,
        user=User.objects.get(username="helper_a"),
    )
    result.helpers, result.pairings, result.unpaired = (
        pairing.helpers,
        pairing.pairings,
        pairing.unpaired,
    )
    result.plans, result.visits = pairing.plans, pairing.visits
    result.projects = build_projects(villages=villages, seed=seed)
    # The dashboards' maps: Sichuan's city and county boundaries shipped with fupin.
    load_bundled()
    return result
