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
  are covered first when helpers are scarce.

It is solved exactly as a min-cost flow (OR-Tools): beneficiary (supply 1) → candidate helper
(the pairing's cost) → one arc per free place of the helper (its load cost) → sink, with an arc
beneficiary → sink at the unpaired cost, so a flow always exists. Beneficiaries that are alike
(same village, need, kind and current helper) have the same candidates and costs, so they are
one node with their number as supply (exactly the same optimum, a much smaller network).

Candidates. The beneficiaries of a village with one need consider their `max_candidates`
nearest helpers, and one more for each further beneficiary of the group: the helpers of the
village, then of its township, county and city, circle by circle until enough are found,
cheapest first (the skill's holders before the others of a circle). Of the cost level that
does not fit whole, they take a run of helpers by id from a place set by the village and the
need, so that villages spread over their equals. When all of them are nearer than the county,
as many of the county's (its organs' cadres) as there are beneficiaries in the group are
added, so that a village whose neighbours are busy still reaches the county's cadres. When
rebalancing, the current helper is a candidate too. Candidates depend only on the helpers that
reach the village and on ids, never on how the problem was cut up or ordered.

Decomposition (DESIGN §4). A village, township or county helper reaches only its county; a
city organ's cadre reaches the counties of its city. So the problem falls apart exactly into
independent parts (the connected components of who may help whom): each county alone, except
that the counties of a city that has city cadres form one part with those cadres. The parts
are solved in parallel worker processes, and together they give the monolithic optimum
(`solve_monolithic`, one node per beneficiary and no parts, is the plain formulation they are
compared with).
"""

import multiprocessing
import zlib
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
MAX_CANDIDATES = 10
# The circles searched for candidates, nearest first: village, township, county, city, province.
CIRCLES = (12, 9, 6, 4, 2)

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
    max_candidates: int = MAX_CANDIDATES


@dataclass
class Solution:
    assignments: dict[int, int] = field(default_factory=dict)  # beneficiary -> helper
    unassigned: dict[int, str] = field(default_factory=dict)  # beneficiary -> reason
    total_cost: int = 0  # of the pairings and of the unpaired, as documented above

    def merge(self, other: "Solution") -> None:
        self.assignments.update(other.assignments)
        self.unassigned.update(other.unassigned)
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


def _keys(region: str) -> list[str]:
    """The circle keys under which a helper working in `region` is found: a village, township
    or county helper by the prefixes of its region down to its county; a city (or province)
    cadre by its region only, since it reaches that whole region and no further."""
    if len(region) >= 6:
        return [region[:n] for n in CIRCLES if 6 <= n <= len(region)]
    return [region]


# A group's candidates: the cheapest helpers, that all count (index, cost); the further helpers
# of the next cost level, by id, with that cost; how many of those to take.
_Base = tuple[list[tuple[int, int]], list[int], int, int]

# The locality cost of the helpers first found in each circle.
_CIRCLE_COST = {12: SAME_VILLAGE, 9: SAME_TOWNSHIP, 6: SAME_COUNTY, 4: SAME_CITY, 2: SAME_CITY}


class _Candidates:
    """Candidate lists of one problem.

    Circle by circle (village, township, county, city), the helpers first found there all have
    the same locality cost, so a circle adds two cost levels: the helpers with the needed skill,
    then those without (8 more, less than the 10 to the next circle). Levels are taken whole
    while they fit; of the level that does not fit, a run of helpers by id, from a place set by
    the village and need (so that villages spread over their equals)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        helpers = problem.helpers
        near: dict[str, list[int]] = defaultdict(list)
        for i in sorted(range(len(helpers)), key=lambda i: helpers[i].id):
            for key in _keys(helpers[i].region):
                near[key].append(i)
        # A county's organ cadres (their region is the county), under the key "=county".
        for i in sorted(range(len(helpers)), key=lambda i: helpers[i].id):
            if len(helpers[i].region) == 6:
                near["=" + helpers[i].region].append(i)
        self.near = near
        self.split: dict[tuple[str, str], tuple[list[int], list[int]]] = {}

    def levels(self, key: str, need: str) -> tuple[list[int], list[int]]:
        """The helpers found under a circle key with the skill and without it, by id."""
        found = self.split.get((key, need))
        if found is None:
            everyone = self.near.get(key, [])
            if not need:
                found = (everyone, [])
            else:
                helpers = self.problem.helpers
                found = (
                    [h for h in everyone if need in helpers[h].skills],
                    [h for h in everyone if need not in helpers[h].skills],
                )
            self.split[(key, need)] = found
        return found

    def of(self, village: str, need: str, k: int, reach: int) -> list[tuple[int, int]]:
        """The `k` nearest helpers of a village for a need, cheapest first; and when they are
        all nearer than the county, `reach` more of the county's (its organs' cadres)."""
        seed = zlib.crc32(f"{village}:{need}".encode())
        chosen: list[tuple[int, int]] = []
        taken: set[int] = set()
        county_seen = False
        for length in CIRCLES:
            if len(chosen) >= k:
                break
            if len(village) < length:
                continue
            county_seen = length <= 6
            cost = _CIRCLE_COST[length]
            levels = self.levels(village[:length], need)
            for level, extra in zip(levels, (0, SKILL_MISMATCH), strict=True):
                # The circle's new helpers of this level (the inner circles' are taken).
                room = k - len(chosen)
                if len(level) - len(taken) > room:
                    new = _run(level, seed, room, taken)
                else:
                    new = [h for h in level if h not in taken] if taken else level
                    if len(new) > room:
                        new = _run(new, seed, room)
                chosen += [(h, cost + extra) for h in new]
                taken.update(new)
                if len(chosen) >= k:
                    break
        if not county_seen and len(village) >= 6 and reach:
            cadres = self.levels("=" + village[:6], need)
            for level, extra in zip(cadres, (0, SKILL_MISMATCH), strict=True):
                more = _run(level, seed, reach, taken)
                chosen += [(h, SAME_COUNTY + extra) for h in more]
                taken.update(more)
                reach -= len(more)
                if not reach:
                    break
        return chosen


def _run(
    level: list[int], seed: int, n: int, skip: set[int] | frozenset[int] = frozenset()
) -> list[int]:
    """`n` helpers of a level (not in `skip`), consecutive from a place set by `seed`."""
    n = min(n, len(level))
    if not n:
        return []
    start = seed % len(level)
    if not skip:
        run = level[start : start + n]
        return run + level[: n - len(run)] if len(run) < n else run
    run = []
    for step in range(len(level)):
        h = level[(start + step) % len(level)]
        if h not in skip:
            run.append(h)
            if len(run) == n:
                break
    return run


# Beneficiaries that are alike (one village, need, kind and current helper) share their
# candidates and are solved as one node: their indices in id order, and their candidates.
_Group = tuple[list[int], list[tuple[int, int]]]


def groups(problem: Problem) -> list[_Group]:
    """The beneficiaries grouped with their candidates (helper index, cost).

    A group of n beneficiaries considers its `max_candidates` nearest helpers, and one more for
    each further beneficiary (n − 1 more: as many as n beneficiaries choosing each their own
    run of equals would). When rebalancing, the current helper is a candidate too."""
    helpers = problem.helpers
    finder = _Candidates(problem)
    index_of = {h.id: i for i, h in enumerate(helpers)} if problem.rebalance else {}
    alike: dict[tuple[str, str, bool, int | None], list[int]] = defaultdict(list)
    order = sorted(range(len(problem.beneficiaries)), key=lambda i: problem.beneficiaries[i].id)
    for i in order:
        b = problem.beneficiaries[i]
        current = b.current if problem.rebalance else None
        alike[(b.village, b.need, b.is_member, current)].append(i)
    out: list[_Group] = []
    for (village, need, _member, current), members in alike.items():
        chosen = finder.of(village, need, problem.max_candidates + len(members) - 1, len(members))
        if current is not None:
            chosen = [(h, c if helpers[h].id == current else c + CHANGE) for h, c in chosen]
            mine = index_of.get(current)
            if mine is not None and all(h != mine for h, _ in chosen):
                kept = pairing_cost(helpers[mine], problem.beneficiaries[members[0]], True)
                if kept is not None:
                    chosen.append((mine, kept))
        out.append((members, chosen))
    return out


def candidates(problem: Problem) -> list[list[tuple[int, int]]]:
    """(helper index, cost) of each beneficiary's candidate helpers (see `groups`)."""
    out: list[list[tuple[int, int]]] = [[] for _ in problem.beneficiaries]
    for members, chosen in groups(problem):
        for i in members:
            out[i] = chosen
    return out


def _places(flow: Any, helpers: Sequence[Helper], first: int, sink: int) -> None:
    """One arc per free place of each helper (node `first` + index), at its load cost."""
    free = np.fromiter((max(0, h.cap - h.load) for h in helpers), np.int64, count=len(helpers))
    n = int(free.sum())
    if not n:
        return
    tails = np.repeat(np.arange(first, first + len(helpers), dtype=np.int32), free)
    # The k-th place of a helper (k from its load): its position among the helper's places.
    loads = np.fromiter((h.load for h in helpers), np.int64, count=len(helpers))
    starts = np.cumsum(free) - free
    k = np.arange(n, dtype=np.int64) - np.repeat(starts, free) + np.repeat(loads, free)
    flow.add_arcs_with_capacity_and_unit_cost(
        tails, np.full(n, sink, dtype=np.int32), np.ones(n, dtype=np.int64), LOAD_STEP * k
    )


def _network(
    helpers: Sequence[Helper], nodes: Sequence[tuple[int, int, list[tuple[int, int]]]]
) -> tuple[Any, np.ndarray, np.ndarray, int]:
    """A flow network: per node (supply, unpaired cost, candidates), an arc to each candidate
    helper (capacity the supply) and one to the sink; the helpers' places. Returns the solved
    flow, the tails and heads of the pairing arcs (arcs 0 … n − 1), and their number."""
    n_g, n_h = len(nodes), len(helpers)
    sink = n_g + n_h
    flow = min_cost_flow.SimpleMinCostFlow()
    counts = np.fromiter((len(c) for _s, _u, c in nodes), dtype=np.int64, count=n_g)
    supply = np.fromiter((s for s, _u, _c in nodes), dtype=np.int64, count=n_g)
    n_pairs = int(counts.sum())
    tails = np.repeat(np.arange(n_g, dtype=np.int32), counts)
    heads = np.fromiter((n_g + h for _s, _u, c in nodes for h, _ in c), np.int32, count=n_pairs)
    costs = np.fromiter((x for _s, _u, c in nodes for _, x in c), np.int64, count=n_pairs)
    if n_pairs:
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, np.repeat(supply, counts), costs)
    unpaired = np.fromiter((u for _s, u, _c in nodes), dtype=np.int64, count=n_g)
    flow.add_arcs_with_capacity_and_unit_cost(
        np.arange(n_g, dtype=np.int32), np.full(n_g, sink, dtype=np.int32), supply, unpaired
    )
    _places(flow, helpers, n_g, sink)
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_g] = supply
    supplies[sink] = -int(supply.sum())
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    return flow, tails, heads, n_pairs


def solve(problem: Problem) -> Solution:
    """The cheapest pairing of one problem, exactly (over the candidates), with alike
    beneficiaries as one node each."""
    helpers, beneficiaries = problem.helpers, problem.beneficiaries
    solution = Solution()
    if not beneficiaries:
        return solution
    grouped = groups(problem)
    nodes = [
        (len(members), unpaired_cost(beneficiaries[members[0]]), chosen)
        for members, chosen in grouped
    ]
    flow, tails, heads, n_pairs = _network(helpers, nodes)
    n_g = len(nodes)
    if n_pairs:
        amounts = flow.flows(np.arange(n_pairs, dtype=np.int32))
        used = np.flatnonzero(amounts)
        # Each group's units go to its beneficiaries in id order, cheapest helpers first.
        filled = [0] * n_g
        for arc in used.tolist():
            g = int(tails[arc])
            members = grouped[g][0]
            helper_id = helpers[int(heads[arc]) - n_g].id
            for i in members[filled[g] : filled[g] + int(amounts[arc])]:
                solution.assignments[beneficiaries[i].id] = helper_id
            filled[g] += int(amounts[arc])
    for members, chosen in grouped:
        reason = HELPERS_AT_CAP if chosen else NO_HELPER_IN_REACH
        for i in members:
            if beneficiaries[i].id not in solution.assignments:
                solution.unassigned[beneficiaries[i].id] = reason
    solution.total_cost = int(flow.optimal_cost())
    return solution


def solve_monolithic(problem: Problem) -> Solution:
    """The same problem as one flow with a node per beneficiary (no grouping, no parts): the
    plain formulation, for comparison (tests, bench/pairing.py)."""
    helpers, beneficiaries = problem.helpers, problem.beneficiaries
    solution = Solution()
    if not beneficiaries:
        return solution
    options = candidates(problem)
    nodes = [(1, unpaired_cost(b), options[i]) for i, b in enumerate(beneficiaries)]
    flow, tails, heads, n_pairs = _network(helpers, nodes)
    if n_pairs:
        used = np.flatnonzero(flow.flows(np.arange(n_pairs, dtype=np.int32)))
        for arc in used.tolist():
            b_id = beneficiaries[int(tails[arc])].id
            solution.assignments[b_id] = helpers[int(heads[arc]) - len(nodes)].id
    for i, b in enumerate(beneficiaries):
        if b.id not in solution.assignments:
            solution.unassigned[b.id] = HELPERS_AT_CAP if options[i] else NO_HELPER_IN_REACH
    solution.total_cost = int(flow.optimal_cost())
    return solution


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
        Problem(helpers[p], beneficiaries[p], problem.rebalance, problem.max_candidates)
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
