"""The pairing optimiser (结对帮扶): which helper takes which beneficiary, for a whole county or
province at once. Pure Python over plain data, no Django: an action loads, solves and saves.

The cost of a pairing is an integer, the sum of:

- locality: 0 for the same village, 10 for the same township, 30 for the same county, 60 for
  elsewhere in the city (only a city organ's cadre, `Helper.region` a city code, reaches there);
  a helper never reaches beyond that;
- skill: 0 when the helper's expertise covers the beneficiary's main need (the household
  plan's main measure), or when no need is known; 8 otherwise;
- continuity (when rebalancing): 20 for moving a beneficiary away from its current helper;
- load: the k-th beneficiary of a helper (k = 0, 1, …, counting the pairings kept) costs
  3·k, so each further one costs more than the last (convex), and nobody is loaded while a
  helper within reach idles; a helper's cap is never exceeded;
- leaving a beneficiary unpaired costs 1,000, and 2,000 for a poor party member, so members
  are covered first when helpers are scarce. A cap is at most `MAX_CAP` (100) places, so the
  dearest pairing (60 + 8 + 20 + 3·99 = 385) is always cheaper than leaving someone unpaired:
  nobody is left while a helper in reach has room.

The optimum is over every helper in reach, exactly, as one min-cost flow (OR-Tools) routed up
the region tree rather than over every (beneficiary, helper) pair, since locality is a function
of the tree. Per need among the beneficiaries (a "class", '' when unknown), the network has:

- a hub node per township, county, city and the province on the way: up-arcs township → county
  (20), county → city (30), city → province (0), and down-arcs county → township at no cost;
  nothing goes down from a city, so a village helper never reaches another county;
- a region node per region where helpers work, under the hub of its township (a village's) or
  its own hub (a township, county, city or the province), reached from that hub at no cost;
- from a region node, an arc at no cost to each kind of helper there whose expertise covers
  the class (every kind for the class ''), and an arc at 8 to the region's "any skill" node,
  which reaches every kind there at no cost;
- a source per group of alike beneficiaries (same village, need, kind and current helper),
  supplying their number: into its own region's node at 0, into the hub of its township (or
  of its own region above a village) at 10 (30 from a county, 60 from a city or the province),
  to the sink at the unpaired cost, and, when rebalancing, 20 more into the tree and straight
  to its current helper at that pairing's cost;
- a node per kind of helper (the same region, expertise, cap and load; a current helper when
  rebalancing is a kind alone) with one arc to the sink per free place: the k-th at 3·k, with
  the kind's number of helpers as capacity.

Why it is exact. A path from a beneficiary at v to a helper at r climbs from v's entry hub to
the lowest hub that leads down to r, so it costs at least locality(r, v) — 10 to the township,
20 more to the county, 30 more to the city — and the cheapest path costs exactly that; the
skill is paid once, on the last arc, 0 or 8 as documented; the continuity arc likewise. So
every pairing that keeps the caps is a flow of the same cost, and every flow splits into paths
from groups to helpers, each costing at least its pairing: the least-cost flow is the least-
cost pairing over every helper in reach. Identical helpers as one kind change nothing: a kind
with u beneficiaries shared round-robin gives each of its helpers its cheapest places, which is
what the kind's arcs charge. `tests/test_solver.py` checks this against brute force and against
a plain bipartite min-cost flow (networkx) with an arc to every helper in reach.

Decomposition (DESIGN §4). A village, township or county helper reaches only its county; a
city organ's cadre reaches the counties of its city. So the problem falls apart exactly into
independent parts (the connected components of who may help whom): each county alone, except
that the counties of a city that has city cadres form one part with those cadres (and a
province cadre joins everything). The parts are solved in parallel worker processes, and
together they give the optimum of the whole (`solve` on the whole problem is the monolithic
solve they are compared with).
"""

import multiprocessing
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from ortools.graph.python import min_cost_flow

SAME_VILLAGE, SAME_TOWNSHIP, SAME_COUNTY, SAME_CITY = 0, 10, 30, 60
SKILL_MISMATCH = 8
CHANGE = 20
LOAD_STEP = 3
UNPAIRED = 1000
UNPAIRED_MEMBER = 2000
# The largest cap (the cap rules refuse more), so that pairing always beats leaving unpaired.
MAX_CAP = 100
# How many of the nearest helpers an unpaired beneficiary's item names.
NEAREST = 3

NO_HELPER_IN_REACH = "no_helper_in_reach"
HELPERS_AT_CAP = "helpers_at_cap"


class Helper(NamedTuple):
    id: int
    region: str  # where the helper works: a village, a county organ's county, a city organ's city
    cap: int = 5
    skills: frozenset[str] = frozenset()
    load: int = 0  # pairings kept (not part of this problem) that already use places


class Beneficiary(NamedTuple):
    id: int
    village: str
    is_member: bool = False  # a poor party member: covered first
    need: str = ""
    current: int | None = None  # the helper now, when rebalancing


@dataclass
class Problem:
    helpers: list[Helper]
    beneficiaries: list[Beneficiary]
    rebalance: bool = False


@dataclass
class Solution:
    assignments: dict[int, int] = field(default_factory=dict)  # beneficiary -> helper
    unassigned: dict[int, str] = field(default_factory=dict)  # beneficiary -> reason
    # Unassigned beneficiary -> the ids of the nearest helpers in reach (all at their cap).
    nearest: dict[int, list[int]] = field(default_factory=dict)
    total_cost: int = 0  # of the pairings and of the unpaired, as documented above

    def merge(self, other: "Solution") -> None:
        self.assignments.update(other.assignments)
        self.unassigned.update(other.unassigned)
        self.nearest.update(other.nearest)
        self.total_cost += other.total_cost


def locality(helper: Helper, village: str) -> int | None:
    """The locality cost, or None when the helper does not reach the village."""
    if len(helper.region) >= 6:
        if helper.region == village:
            return SAME_VILLAGE
        if village[:9] == helper.region[:9] and len(helper.region) >= 9:
            return SAME_TOWNSHIP
        return SAME_COUNTY if village[:6] == helper.region[:6] else None
    return SAME_CITY if village.startswith(helper.region) else None


def pairing_cost(helper: Helper, beneficiary: Beneficiary, rebalance: bool) -> int | None:
    place = locality(helper, beneficiary.village)
    if place is None:
        return None
    skill = 0 if not beneficiary.need or beneficiary.need in helper.skills else SKILL_MISMATCH
    moved = CHANGE if rebalance and beneficiary.current not in (None, helper.id) else 0
    return place + skill + moved


def unpaired_cost(beneficiary: Beneficiary) -> int:
    return UNPAIRED_MEMBER if beneficiary.is_member else UNPAIRED


def load_cost(k: int) -> int:
    """The cost of a helper's k-th beneficiary (k from 0)."""
    return LOAD_STEP * k


def _hub(code: str) -> str:
    """The hub a region hangs under: a village's township; any other region is its own."""
    return code[:9] if len(code) > 9 else code


def _entry(code: str) -> int:
    """What a beneficiary of a region pays to reach its hub, and so every helper there but
    those of its own region: a township's locality from a village or a township, a county's
    from a county, a city's from a city or the province."""
    if len(code) >= 9:
        return SAME_TOWNSHIP
    return SAME_COUNTY if len(code) == 6 else SAME_CITY


def _up(hub: str) -> tuple[str, int] | None:
    """The hub above a hub and the cost of the climb (None at the province)."""
    if len(hub) >= 9:
        return hub[:6], SAME_COUNTY - SAME_TOWNSHIP
    if len(hub) == 6:
        return hub[:4], SAME_CITY - SAME_COUNTY
    if len(hub) == 4:
        return hub[:2], 0
    return None


class _Arcs:
    """Arcs collected one by one and handed to OR-Tools as arrays."""

    def __init__(self) -> None:
        self.tails: list[int] = []
        self.heads: list[int] = []
        self.caps: list[int] = []
        self.costs: list[int] = []

    def add(self, tail: int, head: int, cap: int, cost: int) -> None:
        self.tails.append(tail)
        self.heads.append(head)
        self.caps.append(cap)
        self.costs.append(cost)

    def into(self, flow: Any) -> None:
        if self.tails:
            flow.add_arcs_with_capacity_and_unit_cost(
                np.array(self.tails, dtype=np.int32),
                np.array(self.heads, dtype=np.int32),
                np.array(self.caps, dtype=np.int64),
                np.array(self.costs, dtype=np.int64),
            )


def _groups(problem: Problem) -> list[list[int]]:
    """Alike beneficiaries (one village, need, kind and current helper), as their indices in id
    order; groups in the order of their first id."""
    alike: dict[tuple[str, str, bool, int | None], list[int]] = defaultdict(list)
    order = sorted(range(len(problem.beneficiaries)), key=lambda i: problem.beneficiaries[i].id)
    for i in order:
        b = problem.beneficiaries[i]
        alike[(b.village, b.need, b.is_member, b.current if problem.rebalance else None)].append(i)
    return list(alike.values())


def _kinds(problem: Problem) -> list[list[int]]:
    """Helpers that are alike for the flow (one region, expertise, cap and load), as their
    indices in id order. A current helper, when rebalancing, is a kind alone: keeping its
    beneficiaries costs less than giving them to its equals."""
    current = {b.current for b in problem.beneficiaries} if problem.rebalance else set()
    helpers = problem.helpers
    alike: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for i in sorted(range(len(helpers)), key=lambda i: helpers[i].id):
        h = helpers[i]
        if h.cap > MAX_CAP:
            raise ValueError(f"helper {h.id}: a cap of {h.cap} is above {MAX_CAP}")
        key = (h.id,) if h.id in current else (h.region, h.skills, h.cap, h.load)
        alike[key].append(i)
    return list(alike.values())


def solve(problem: Problem) -> Solution:
    """The cheapest pairing of a problem over every helper in reach, exactly (the module's
    text): one flow over the region tree, for a part or for the whole problem at once."""
    helpers, beneficiaries = problem.helpers, problem.beneficiaries
    solution = Solution()
    if not beneficiaries:
        return solution
    groups, kinds = _groups(problem), _kinds(problem)
    n_g, n_k = len(groups), len(kinds)
    sink = n_g + n_k
    ids: dict[tuple[str, ...], int] = {}

    def node(*key: str) -> int:
        found = ids.get(key)
        if found is None:
            found = ids[key] = sink + 1 + len(ids)
        return found

    supply = len(beneficiaries)
    classes = sorted({b.need for b in beneficiaries})
    arcs = _Arcs()
    # Helpers: each kind under its region's node, for every class.
    kinds_at: dict[str, list[int]] = defaultdict(list)
    for k, members in enumerate(kinds):
        kinds_at[helpers[members[0]].region].append(k)
    hubs: set[str] = set()
    for region, here in kinds_at.items():
        hub = _hub(region)
        anyone = node("A", region)
        for k in here:
            arcs.add(anyone, n_g + k, supply, 0)
        for need in classes:
            at = node("H", region, need)
            arcs.add(node("L", hub, need), at, supply, 0)
            arcs.add(at, anyone, supply, SKILL_MISMATCH if need else 0)
            if need:
                for k in here:
                    if need in helpers[kinds[k][0]].skills:
                        arcs.add(at, n_g + k, supply, 0)
        hubs.add(hub)
    # Beneficiaries: each group into its own region's node and its hub, or unpaired.
    unpaired = _Arcs()
    index_of = {h.id: i for i, h in enumerate(helpers)} if problem.rebalance else {}
    kind_of = {i: k for k, members in enumerate(kinds) for i in members} if index_of else {}
    for g, members in enumerate(groups):
        b = beneficiaries[members[0]]
        n = len(members)
        moved = CHANGE if problem.rebalance and b.current is not None else 0
        hub = _hub(b.village)
        hubs.add(hub)
        arcs.add(g, node("L", hub, b.need), n, _entry(b.village) + moved)
        if len(b.village) >= 6 and b.village in kinds_at:
            arcs.add(g, node("H", b.village, b.need), n, moved)
        if moved and b.current in index_of:
            mine = index_of[b.current]
            kept = pairing_cost(helpers[mine], b, True)
            if kept is not None:
                arcs.add(g, n_g + kind_of[mine], n, kept)
        unpaired.add(g, sink, n, unpaired_cost(b))
    # The hubs' climbs, and the way down from a county to its townships.
    todo = sorted(hubs)
    for hub in todo:
        above = _up(hub)
        if above is None:
            continue
        parent, climb = above
        for need in classes:
            arcs.add(node("L", hub, need), node("L", parent, need), supply, climb)
            if len(hub) == 9:
                arcs.add(node("L", parent, need), node("L", hub, need), supply, 0)
        if parent not in hubs:
            hubs.add(parent)
            todo.append(parent)
    n_internal = len(arcs.tails)
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs.into(flow)
    unpaired.into(flow)
    _places(flow, helpers, kinds, n_g, sink)
    n_nodes = sink + 1 + len(ids)
    supplies = np.zeros(n_nodes, dtype=np.int64)
    for g, members in enumerate(groups):
        supplies[g] = len(members)
    supplies[sink] = -supply
    flow.set_nodes_supplies(np.arange(n_nodes, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    _assign(solution, problem, groups, kinds, arcs, flow.flows(np.arange(n_internal)))
    _explain(solution, problem, groups)
    solution.total_cost = int(flow.optimal_cost())
    return solution


def _places(
    flow: Any, helpers: Sequence[Helper], kinds: list[list[int]], first: int, sink: int
) -> None:
    """One arc per free place of each kind of helper (node `first` + kind), at its load cost,
    with the kind's number of helpers as capacity."""
    heads = [helpers[members[0]] for members in kinds]
    free = np.fromiter((max(0, h.cap - h.load) for h in heads), np.int64, count=len(kinds))
    n = int(free.sum())
    if not n:
        return
    tails = np.repeat(np.arange(first, first + len(kinds), dtype=np.int32), free)
    # The k-th place of a kind (k from its load): its position among the kind's places.
    loads = np.fromiter((h.load for h in heads), np.int64, count=len(kinds))
    counts = np.fromiter((len(m) for m in kinds), np.int64, count=len(kinds))
    starts = np.cumsum(free) - free
    k = np.arange(n, dtype=np.int64) - np.repeat(starts, free) + np.repeat(loads, free)
    flow.add_arcs_with_capacity_and_unit_cost(
        tails, np.full(n, sink, dtype=np.int32), np.repeat(counts, free), LOAD_STEP * k
    )


def _assign(
    solution: Solution,
    problem: Problem,
    groups: list[list[int]],
    kinds: list[list[int]],
    arcs: _Arcs,
    amounts: np.ndarray,
) -> None:
    """Splits the flow into paths from groups to kinds of helpers, and gives each group's
    beneficiaries (in id order) to the helpers of the kinds their paths reach, round-robin
    within a kind (each helper its cheapest places)."""
    n_g, n_k = len(groups), len(kinds)
    out: dict[int, list[list[int]]] = defaultdict(list)
    for arc in np.flatnonzero(amounts).tolist():
        out[arcs.tails[arc]].append([arcs.heads[arc], int(amounts[arc])])
    arrivals: list[list[tuple[int, int]]] = [[] for _ in kinds]
    for g in range(n_g):
        starts = out.get(g, [])
        while starts:
            if not starts[-1][1]:
                starts.pop()
                continue
            path: list[list[int]] = []
            at = g
            while not n_g <= at < n_g + n_k:
                going = out[at]
                while not going[-1][1]:
                    going.pop()
                path.append(going[-1])
                at = going[-1][0]
            amount = min(step[1] for step in path)
            for step in path:
                step[1] -= amount
            arrivals[at - n_g].append((g, amount))
    helpers, beneficiaries = problem.helpers, problem.beneficiaries
    filled = [0] * n_g
    for k, came in enumerate(arrivals):
        members, turn = kinds[k], 0
        for g, amount in came:
            for i in groups[g][filled[g] : filled[g] + amount]:
                solution.assignments[beneficiaries[i].id] = helpers[members[turn % len(members)]].id
                turn += 1
            filled[g] += amount


def _explain(solution: Solution, problem: Problem, groups: list[list[int]]) -> None:
    """Why each unpaired beneficiary is left: nobody reaches it, or everybody who does is at
    their cap after the solve; and the nearest helpers it could have had."""
    helpers, beneficiaries = problem.helpers, problem.beneficiaries
    assigned = solution.assignments
    if len(assigned) == len(beneficiaries):
        return
    left = [[i for i in members if beneficiaries[i].id not in assigned] for members in groups]
    left = [members for members in left if members]
    if not left:
        return
    taken: dict[int, int] = defaultdict(int)
    for h_id in solution.assignments.values():
        taken[h_id] += 1
    # Helpers by where they reach: a county's own (any of its regions), a city's or province's.
    in_county: dict[str, list[Helper]] = defaultdict(list)
    wide: dict[str, list[Helper]] = defaultdict(list)
    for h in helpers:
        (in_county[h.region[:6]] if len(h.region) >= 6 else wide[h.region]).append(h)
    for members in left:
        b = beneficiaries[members[0]]
        reach = in_county.get(b.village[:6], []) if len(b.village) >= 6 else []
        for code in sorted({b.village[:4], b.village[:2]}):  # one, for a province's code
            reach = reach + wide.get(code, [])
        options = sorted(
            (cost, h.id, h)
            for h in reach
            if (cost := pairing_cost(h, b, problem.rebalance)) is not None
        )
        if any(h.load + taken[h.id] < h.cap for _c, _i, h in options):
            # Impossible at an optimum (the module's text): a bug, never a reason to give.
            raise RuntimeError(f"beneficiary {b.id} is left unpaired while a helper has room")
        reason = HELPERS_AT_CAP if options else NO_HELPER_IN_REACH
        nearest = [h_id for _c, h_id, _h in options[:NEAREST]]
        for i in members:
            solution.unassigned[beneficiaries[i].id] = reason
            if nearest:
                solution.nearest[beneficiaries[i].id] = nearest


def part_of(county: str, wide: Sequence[str]) -> str:
    """The part a county belongs to: the widest region of a city (or province) cadre that
    contains it, else the county itself."""
    return next((w for w in wide if county.startswith(w)), county)


def by_county(problem: Problem) -> list[Problem]:
    """The independent parts of a problem: each county alone (its villages' beneficiaries,
    the helpers of its villages, townships and organs), except that the counties of a city
    with city cadres form one part with them. Helpers and beneficiaries keep their order."""
    # Shortest first, so that a province-wide cadre's part swallows its cities'.
    wide = sorted({h.region for h in problem.helpers if len(h.region) < 6}, key=len)
    parts: dict[str, str] = {}  # county -> part

    def part(county: str) -> str:
        found = parts.get(county)
        if found is None:
            found = parts[county] = part_of(county, wide)
        return found

    helpers: dict[str, list[Helper]] = defaultdict(list)
    for helper in problem.helpers:
        helpers[part(helper.region[:6])].append(helper)
    beneficiaries: dict[str, list[Beneficiary]] = defaultdict(list)
    for b in problem.beneficiaries:
        beneficiaries[part(b.village[:6])].append(b)
    return [
        Problem(helpers[p], beneficiaries[p], problem.rebalance)
        for p in sorted(set(helpers) | set(beneficiaries))
    ]


# The parts being solved, inherited by forked workers (so that they are not pickled).
_PARTS: list[Problem] = []


def _solve_part(index: int) -> Solution:
    return solve(_PARTS[index])


def solve_all(problem: Problem, *, workers: int | None = None) -> Solution:
    """Every independent part (see `by_county`), in `workers` processes (None: one per core;
    1 solves in this process). The same optimum as solving the whole problem at once."""
    global _PARTS
    parts = [p for p in by_county(problem) if p.beneficiaries]
    solution = Solution()
    results: Iterable[Solution]
    if workers == 1 or len(parts) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        results = map(solve, parts)
    else:
        # The largest parts first, so that no worker is left with a big one at the end. The
        # workers are forked after the parts are set, and read them from memory.
        parts.sort(key=lambda p: -len(p.beneficiaries))
        _PARTS = parts
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                results = list(pool.map(_solve_part, range(len(parts)), chunksize=1))
        finally:
            _PARTS = []
    for result in results:
        solution.merge(result)
    return solution


def total_cost(
    helpers: Sequence[Helper],
    beneficiaries: Sequence[Beneficiary],
    assignments: dict[int, int],
    rebalance: bool = False,
) -> int:
    """The documented cost of a given pairing (for comparing a proposal with the current one)."""
    by_id = {h.id: h for h in helpers}
    load: dict[int, int] = {h.id: h.load for h in helpers}
    cost = 0
    for b in beneficiaries:
        h_id = assignments.get(b.id)
        if h_id is None:
            cost += unpaired_cost(b)
            continue
        pair = pairing_cost(by_id[h_id], b, rebalance)
        if pair is None:
            raise ValueError(f"helper {h_id} does not reach beneficiary {b.id}")
        cost += pair + load_cost(load[h_id])
        load[h_id] += 1
    return cost
