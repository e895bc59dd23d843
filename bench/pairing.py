"""Benchmark of the pairing optimiser (issues 5 and 16): `python bench/pairing.py [--scale 1]`,
and `python bench/pairing.py --demo` for every county of the scale-0.1 demo.

Prints one JSON line and exits 1 when a goal is missed. On a fresh SQLite file in a temporary
folder (or on DATABASE_URL), it writes, in bulk, what the pairing needs at Sichuan's size
(scale 1: every county; a smaller scale takes a share of the counties, whole): the region
tree, one organisation per county, about 470,000 helpers (village members, county organs'
cadres, a few cities' organ cadres), about 870,000 households not exited (with exited ones
besides) and 50,000 poor members, plans with a main need for 60 % of the households, and
current pairings for a quarter of the households (a few helpers over their cap).

Then it measures:
- `fupin pair --region 51 --dry-run --json` end to end (load, solve, diff) as a subprocess:
  its time and peak memory (the largest process, getrusage(RUSAGE_CHILDREN), and the sum over
  the process and its workers, sampled from /proc);
- on the problem it loads, in this process: our solve (the independent parts in 2 worker
  processes) against one monolithic solve of the same exact formulation (`solver.solve` on the
  whole province), and the largest county's part against the true reference: a plain
  bipartite min-cost flow with an arc from each beneficiary to every helper in reach (`reference`
  below, nothing pruned);
- that nobody is left unpaired while a helper in reach has room (`unpaired_with_room`, counted
  here independently of the solver).

With `--demo` it builds the demo province instead (`fupin demo --scale 0.1 --seed 1`) and
compares, for every county, what `fupin pair --region <county>` solves with the reference.

Goals: the same total cost as the reference and as the monolithic solve, our solve ≤ 0.5 × the
monolithic one, nobody unpaired while a helper in reach has room, peak memory ≤ 2 GB, end to
end under 60 s.
"""

import argparse
import datetime as dt
import io
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow

tmp = Path(tempfile.mkdtemp(prefix="fupin-bench-"))
os.environ.setdefault("FUPIN_DATA_DIR", str(tmp))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from fupin.lib.bulk import analyze, preparer, write_rows  # noqa: E402
from fupin.pairing import solver  # noqa: E402
from fupin.pairing.choices import Skill  # noqa: E402
from fupin.pairing.models import Helper, HouseholdPlan, Pairing  # noqa: E402
from fupin.pairing.optimise import load_problem  # noqa: E402
from fupin.party.models import Member, MemberTag, Organisation  # noqa: E402
from fupin.regions.actions import load_regions  # noqa: E402
from fupin.regions.choices import Level  # noqa: E402
from fupin.regions.loader import BUNDLED, parse_regions  # noqa: E402
from fupin.regions.models import Region  # noqa: E402
from fupin.registry.models import Household  # noqa: E402

PROVINCE = "51"
# Per village: households (10–40, mean 25: 870,000 over 34,412 villages), village helpers
# (3–9), poor members (0–3). County organs' cadres: 7.5 per village of the county. City organs'
# cadres: 400 in each of four cities.
HOUSEHOLDS, VILLAGE_HELPERS, POOR_MEMBERS = (10, 40), (3, 9), (0, 3)
CADRES_PER_VILLAGE = 7.5
CITIES_WITH_CADRES, CITY_CADRES = 4, 400
EXITED_SHARE, PLAN_SHARE, PAIRED_SHARE = 0.05, 0.6, 0.25
NEEDS = {
    Skill.PLANTING: 40,
    Skill.JOBS: 25,
    Skill.LIVESTOCK: 10,
    Skill.HEALTH: 10,
    Skill.EDUCATION: 5,
    Skill.HOUSING: 5,
    Skill.ECOMMERCE: 5,
}
RATIO_GOAL, PEAK_GOAL_MB, END_TO_END_GOAL_S = 0.5, 2048, 60.0
BATCH = 50_000


class Table:
    """Rows of one model as tuples: the model's defaults once, the varying columns per row."""

    def __init__(self, model: type[models.Model], varying: list[str], **fixed: Any) -> None:
        self.model = model
        self.columns = [
            f.name for f in model._meta.concrete_fields if f.name in varying or f.name != "id"
        ]
        now = timezone.now()
        times = {f: now for f in ("created_at", "updated_at") if f in self.columns}
        self.template = list(preparer(model, self.columns)({**times, **fixed}))
        self.places = [self.columns.index(v) for v in varying]
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0

    def add(self, *values: Any) -> None:
        row = self.template.copy()
        for place, value in zip(self.places, values, strict=True):
            row[place] = value
        self.rows.append(tuple(row))
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        write_rows(self.model, self.columns, self.rows)
        self.count += len(self.rows)
        self.rows = []


def build(scale: float, seed: int = 1) -> dict[str, int]:
    rng = random.Random(seed)
    villages_of: dict[str, list[str]] = defaultdict(list)
    for code in (
        Region.objects.filter(level=Level.VILLAGE, code__startswith=PROVINCE)
        .order_by("code")
        .values_list("code", flat=True)
    ):
        villages_of[code[:6]].append(code)
    counties = sorted(villages_of)
    counties = sorted(rng.sample(counties, max(1, round(len(counties) * scale))))
    cities = sorted({c[:4] for c in counties})
    cadre_cities = sorted(rng.sample(cities, min(CITIES_WITH_CADRES, len(cities))))
    skills = list(Skill.values)
    needs, weights = list(NEEDS), list(NEEDS.values())
    since = dt.date(2015, 1, 1).isoformat()

    organisations = Table(Organisation, ["id", "name", "region"], level="branch", kind="village")
    members = Table(
        Member,
        ["id", "organisation", "region", "county_code", "name", "id_number"],
        sex="male",
        birth_date=dt.date(1975, 1, 1),
        stage="full",
    )
    tags = Table(MemberTag, ["member", "region_code", "county_code"], kind="poor", since=since)
    helpers = Table(
        Helper, ["id", "member", "region", "county_code", "expertise", "is_leader"], active=True
    )
    households = Table(
        Household,
        ["id", "village", "county_code", "number", "status"],
        main_cause="illness",
        registered_in=2014,
    )
    plans = Table(HouseholdPlan, ["household", "region", "county_code", "main_need"], year=2020)
    pairings = Table(
        Pairing,
        ["helper", "household", "region", "county_code"],
        kind="primary",
        started_on=dt.date(2016, 3, 1),
        source="import",
    )
    member_id = helper_id = household_id = 0

    def new_member(org: int, region: str, county: str) -> int:
        nonlocal member_id
        member_id += 1
        members.add(member_id, org, region, county, f"党员{member_id}", f"M{member_id:017d}")
        return member_id

    def new_helper(org: int, region: str, county: str, leader: bool = False) -> int:
        nonlocal helper_id
        helper_id += 1
        expertise = ",".join(rng.sample(skills, rng.randint(1, 2)))
        helpers.add(helper_id, new_member(org, region, county), region, county, expertise, leader)
        return helper_id

    for org, county in enumerate(counties, start=1):
        organisations.add(org, f"{county}党委", county)
    organisations.flush()
    for org, county in enumerate(counties, start=1):
        for village in villages_of[county]:
            own = [
                new_helper(org, village, county, rng.random() < 0.05)
                for _ in range(rng.randint(*VILLAGE_HELPERS))
            ]
            for _ in range(rng.randint(*POOR_MEMBERS)):
                tags.add(new_member(org, village, county), village, county)
            load: dict[int, int] = defaultdict(int)
            for number in range(rng.randint(*HOUSEHOLDS)):
                household_id += 1
                exited = rng.random() < EXITED_SHARE
                households.add(
                    household_id, village, county, f"H{number:04d}", "exited" if exited else "poor"
                )
                if rng.random() < PLAN_SHARE:
                    plans.add(household_id, village, county, rng.choices(needs, weights)[0])
                if not exited and rng.random() < PAIRED_SHARE:
                    helper = own[rng.randrange(len(own))]
                    # A few helpers end up over their cap (6 or 7 of 5).
                    if load[helper] < 5 or rng.random() < 0.02:
                        load[helper] += 1
                        pairings.add(helper, household_id, village, county)
        for _ in range(round(len(villages_of[county]) * CADRES_PER_VILLAGE)):
            new_helper(org, county, county)
    for city in cadre_cities:
        org = 1 + counties.index(next(c for c in counties if c.startswith(city)))
        for _ in range(CITY_CADRES):
            new_helper(org, city, "")
    for table in (members, tags, helpers, households, plans, pairings):
        table.flush()
    analyze(Member, MemberTag, Helper, Household, HouseholdPlan, Pairing)
    return {
        "counties": len(counties),
        "helpers": helpers.count,
        "households": households.count,
        "poor_members": tags.count,
        "plans": plans.count,
        "pairings": pairings.count,
    }


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and its descendants, from /proc (MB)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21])
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        todo += [p for p, parent in parents.items() if parent == pid and p not in tree]
    return sum(rss.get(p, 0) for p in tree) * os.sysconf("SC_PAGE_SIZE") / 2**20


def end_to_end() -> tuple[dict[str, Any], float, float, float]:
    """`fupin pair --region 51 --dry-run --json` as a subprocess: its output, seconds, peak
    memory of its largest process and of it with its workers (MB)."""
    fupin = Path(sys.executable).parent / "fupin"
    command = [str(fupin), "pair", "--region", PROVINCE, "--dry-run", "--json", "--workers", "2"]
    peak = [0.0]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env=os.environ.copy())

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss_mb(process.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, _err = process.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    if process.returncode:
        raise SystemExit(f"fupin pair failed with status {process.returncode}")
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return json.loads(out.decode().strip().splitlines()[-1]), seconds, largest, peak[0]


def reference(problem: solver.Problem) -> int:
    """The least cost of the plain bipartite network: a source per set of alike beneficiaries
    (same village, need, kind and current helper: the same arcs, so their number is its
    supply) with an arc to every helper in reach at the pairing's documented cost, one arc per
    free place of each helper at its load cost, and one to the sink at the unpaired cost.
    Nothing is pruned; costs are computed here from the documented rules, not by the solver's
    network."""
    helpers = problem.helpers
    n_h = len(helpers)
    regions = np.array([h.region for h in helpers])
    townships = np.array([h.region[:9] if len(h.region) >= 9 else "" for h in helpers])
    reach: dict[str, list[int]] = defaultdict(list)  # county or city/province code -> helpers
    for i, h in enumerate(helpers):
        reach[h.region[:6] if len(h.region) >= 6 else h.region].append(i)
    alike: dict[tuple[str, str, bool, int | None], int] = defaultdict(int)
    for b in problem.beneficiaries:
        alike[(b.village, b.need, b.is_member, b.current if problem.rebalance else None)] += 1
    ids = np.array([h.id for h in helpers], dtype=np.int64)
    tails, heads, caps, costs = [], [], [], []
    sink = len(alike) + n_h
    supplies = np.zeros(sink + 1, dtype=np.int64)
    for g, ((village, need, member, current), n) in enumerate(alike.items()):
        near = np.array(reach.get(village[:6], []) if len(village) >= 6 else [], dtype=np.int64)
        wide = np.array(reach.get(village[:4], []) + reach.get(village[:2], []), dtype=np.int64)
        local = np.where(
            regions[near] == village,
            solver.SAME_VILLAGE,
            np.where(townships[near] == village[:9], solver.SAME_TOWNSHIP, solver.SAME_COUNTY),
        )
        found = np.concatenate([near, wide])
        cost = np.concatenate([local, np.full(len(wide), solver.SAME_CITY)])
        if need:
            lacks = np.array([need not in helpers[i].skills for i in found.tolist()], dtype=bool)
            cost = cost + solver.SKILL_MISMATCH * lacks
        if current is not None:
            cost = cost + solver.CHANGE * (ids[found] != current)
        tails.append(np.full(len(found) + 1, g))
        heads.append(np.append(len(alike) + found, sink))
        caps.append(np.full(len(found) + 1, n))
        unpaired = solver.UNPAIRED_MEMBER if member else solver.UNPAIRED
        costs.append(np.append(cost, unpaired))
        supplies[g] = n
    for i, h in enumerate(helpers):
        places = np.arange(h.load, h.cap)
        tails.append(np.full(len(places), len(alike) + i))
        heads.append(np.full(len(places), sink))
        caps.append(np.ones(len(places), dtype=np.int64))
        costs.append(solver.LOAD_STEP * places)
    supplies[sink] = -len(problem.beneficiaries)
    flow = min_cost_flow.SimpleMinCostFlow()
    if tails:
        flow.add_arcs_with_capacity_and_unit_cost(
            np.concatenate(tails).astype(np.int32),
            np.concatenate(heads).astype(np.int32),
            np.concatenate(caps).astype(np.int64),
            np.concatenate(costs).astype(np.int64),
        )
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    if flow.solve() != flow.OPTIMAL:
        raise SystemExit("the reference flow found no optimum")
    return int(flow.optimal_cost())


def unpaired_with_room(problem: solver.Problem, solution: solver.Solution) -> int:
    """Beneficiaries left unpaired although a helper in reach still has room after the solve
    (counted by county and by city or province cadres, independently of the solver)."""
    room: dict[str, int] = defaultdict(int)  # county, or a cadre's city or province -> places
    taken: dict[int, int] = defaultdict(int)
    for h_id in solution.assignments.values():
        taken[h_id] += 1
    for h in problem.helpers:
        free = max(0, h.cap - h.load - taken[h.id])
        room[h.region[:6] if len(h.region) >= 6 else h.region] += free
    return sum(
        1
        for b in problem.beneficiaries
        if b.id in solution.unassigned
        and (
            (len(b.village) >= 6 and room[b.village[:6]])
            or room[b.village[:4]]
            or room[b.village[:2]]
        )
    )


def timed(work: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def demo() -> None:
    """Every county of the scale-0.1 demo: what `fupin pair --region <county>` solves against
    the reference."""
    start = time.perf_counter()
    call_command("demo", scale=0.1, seed=1, verbosity=0, stdout=io.StringIO())
    build_s = time.perf_counter() - start
    counties = sorted(
        Region.objects.filter(level=Level.COUNTY, code__startswith=PROVINCE).values_list(
            "code", flat=True
        )
    )
    rows, ours_s, reference_s = [], 0.0, 0.0
    for county in counties:
        problem = load_problem(county).problem
        if not problem.beneficiaries:
            continue
        ours, took = timed(lambda: solver.solve_all(problem, workers=1))  # noqa: B023
        ours_s += took
        best, took = timed(lambda: reference(problem))  # noqa: B023
        reference_s += took
        rows.append((county, ours.total_cost, best, unpaired_with_room(problem, ours)))
    unequal = [r for r in rows if r[1] != r[2]]
    result = {
        "bench": "pairing-demo",
        "database": connection.vendor,
        "build_s": round(build_s, 1),
        "counties": len(rows),
        "cost": sum(r[1] for r in rows),
        "reference_cost": sum(r[2] for r in rows),
        "counties_unequal": [r[0] for r in unequal],
        "unpaired_with_room": sum(r[3] for r in rows),
        "solve_s": round(ours_s, 2),
        "reference_s": round(reference_s, 2),
        "time_ratio": round(ours_s / reference_s, 3) if reference_s else None,
    }
    result["ok"] = not unequal and not result["unpaired_with_room"]
    print(json.dumps(result))
    if not result["ok"]:
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--demo", action="store_true", help="every county of the 0.1 demo")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    load_regions(actor=None, rows=parse_regions(BUNDLED, {}), source="bench")
    try:
        if args.demo:
            demo()
        else:
            province(args.scale)
    finally:
        if os.environ["FUPIN_DATA_DIR"] == str(tmp):
            connection.close()
            shutil.rmtree(tmp, ignore_errors=True)  # a scale-1 database is over a gigabyte


def province(scale: float) -> None:
    start = time.perf_counter()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # A page cache large enough for the tables' indexes while they are written.
            cursor.execute("PRAGMA cache_size = -4000000")
    with transaction.atomic():
        counts = build(scale)
    build_s = time.perf_counter() - start
    print(f"built in {build_s:.0f} s: {counts}", file=sys.stderr)

    figures, e2e_s, largest_mb, tree_mb = end_to_end()
    print(f"fupin pair: {e2e_s:.1f} s, {figures}", file=sys.stderr)

    problem, load_s = timed(lambda: load_problem(PROVINCE).problem)
    ours, ours_s = timed(lambda: solver.solve_all(problem, workers=2))
    whole, mono_s = timed(lambda: solver.solve(problem))
    # The largest county's part (by beneficiaries) against the full bipartite reference.
    largest = max(solver.by_county(problem), key=lambda p: len(p.beneficiaries))
    part, part_s = timed(lambda: solver.solve(largest))
    best, reference_s = timed(lambda: reference(largest))
    print(f"largest part: {part_s:.2f} s, reference {reference_s:.2f} s", file=sys.stderr)

    result = {
        "bench": "pairing",
        "database": connection.vendor,
        "scale": scale,
        **counts,
        "build_s": round(build_s, 1),
        "beneficiaries": figures["beneficiaries"],
        "assigned": figures["assigned"],
        "unassigned": figures["unassigned"],
        "problem_helpers": len(problem.helpers),
        "problem_beneficiaries": len(problem.beneficiaries),
        "end_to_end_s": round(e2e_s, 2),
        "end_to_end_goal_s": END_TO_END_GOAL_S,
        "peak_process_mb": round(largest_mb),
        "peak_with_workers_mb": round(tree_mb),
        "peak_goal_mb": PEAK_GOAL_MB,
        "load_s": round(load_s, 2),
        "solve_s": round(ours_s, 2),
        "monolithic_s": round(mono_s, 2),
        "solve_ratio": round(ours_s / mono_s, 3),
        "ratio_goal": RATIO_GOAL,
        "cost": ours.total_cost,
        "monolithic_cost": whole.total_cost,
        "unpaired": len(ours.unassigned),
        "unpaired_with_room": unpaired_with_room(problem, ours),
        "largest_part_beneficiaries": len(largest.beneficiaries),
        "largest_part_helpers": len(largest.helpers),
        "largest_part_cost": part.total_cost,
        "largest_part_reference_cost": best,
        "largest_part_s": round(part_s, 2),
        "largest_part_reference_s": round(reference_s, 2),
    }
    result["ok"] = bool(
        ours_s <= RATIO_GOAL * mono_s
        and ours.total_cost == whole.total_cost == figures["total_cost"]
        and part.total_cost == best
        and result["unpaired_with_room"] == 0
        and largest_mb <= PEAK_GOAL_MB
        and tree_mb <= PEAK_GOAL_MB
        and e2e_s < END_TO_END_GOAL_S
    )
    print(json.dumps(result))
    if not result["ok"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
