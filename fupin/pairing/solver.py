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

It is solved exactly as a min-cost flow (OR-Tools): source → beneficiary (1) → candidate helper
(the pairing's cost) → one arc per free place of the helper (its load cost) → sink, with an arc
beneficiary → sink at the unpaired cost, so a flow always exists. Each beneficiary considers its
`max_candidates` nearest helpers (village, then township, county, city). The problem splits by
county (DESIGN §4): counties are solved independently, in parallel worker processes; city
cadres then take what their cities' counties left.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from ortools.graph.python import min_cost_flow

SAME_VILLAGE, SAME_TOWNSHIP, SAME_COUNTY, SAME_CITY = 0, 10, 30, 60
SKILL_MISMATCH = 8
CHANGE = 20
LOAD_STEP = 3
UNPAIRED = 1000
UNPAIRED_MEMBER = 2000
MAX_CANDIDATES = 10

NO_HELPER_IN_REACH = "no_helper_in_reach"
HELPERS_AT_CAP = "helpers_at_cap"


@dataclass(frozen=True)
class Helper:
    id: int
    region: str  # where the helper works: a village, a county organ's county, a city organ's city
    cap: int = 5
    skills: frozenset[str] = frozenset()
    load: int = 0  # pairings kept (not part of this problem) that already use places


@dataclass(frozen=True)
class Beneficiary:
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


def candidates(problem: Problem) -> dict[int, list[tuple[int, int]]]:
    """(helper index, cost) of each beneficiary's nearest helpers, cheapest first."""
    # Helpers by the prefixes of their region: a village helper is found from its village,
    # township and county; a city cadre from its city.
    near: dict[str, list[int]] = defaultdict(list)
    for i, helper in enumerate(problem.helpers):
        for length in (12, 9, 6, 4):
            if len(helper.region) >= length:
                near[helper.region[:length]].append(i)
    out: dict[int, list[tuple[int, int]]] = {}
    for b_index, b in enumerate(problem.beneficiaries):
        seen: dict[int, int] = {}
        # Nearest first: the village's helpers, then wider circles, until enough are found.
        for length in (12, 9, 6, 4):
            for h in near.get(b.village[:length], ()):
                if h not in seen:
                    cost = pairing_cost(problem.helpers[h], b, problem.rebalance)
                    if cost is not None:
                        seen[h] = cost
            if len(seen) >= problem.max_candidates:
                break
        ranked = sorted(seen.items(), key=lambda item: (item[1], (item[0] + b_index) % len(seen)))
        chosen = ranked[: problem.max_candidates]
        if b.current is not None and all(problem.helpers[h].id != b.current for h, _ in chosen):
            chosen += [(h, c) for h, c in ranked if problem.helpers[h].id == b.current]
        out[b_index] = chosen
    return out


def solve(problem: Problem) -> Solution:
    """The cheapest pairing of one problem (a county), exactly."""
    helpers, beneficiaries = problem.helpers, problem.beneficiaries
    solution = Solution()
    if not beneficiaries:
        return solution
    options = candidates(problem)
    flow = min_cost_flow.SimpleMinCostFlow()
    n_b, n_h = len(beneficiaries), len(helpers)
    source, sink = n_b + n_h, n_b + n_h + 1
    pairing_arcs: dict[int, tuple[int, int]] = {}
    for b, beneficiary in enumerate(beneficiaries):
        flow.add_arc_with_capacity_and_unit_cost(source, b, 1, 0)
        flow.add_arc_with_capacity_and_unit_cost(b, sink, 1, unpaired_cost(beneficiary))
        for h, cost in options[b]:
            arc = flow.add_arc_with_capacity_and_unit_cost(b, n_b + h, 1, cost)
            pairing_arcs[arc] = (b, h)
    for h, helper in enumerate(helpers):
        for k in range(helper.load, helper.cap):
            flow.add_arc_with_capacity_and_unit_cost(n_b + h, sink, 1, load_cost(k))
    flow.set_node_supply(source, n_b)
    flow.set_node_supply(sink, -n_b)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    for arc, (b, h) in pairing_arcs.items():
        if flow.flow(arc):
            solution.assignments[beneficiaries[b].id] = helpers[h].id
    for b, beneficiary in enumerate(beneficiaries):
        if beneficiary.id not in solution.assignments:
            reason = HELPERS_AT_CAP if options[b] else NO_HELPER_IN_REACH
            solution.unassigned[beneficiary.id] = reason
    solution.total_cost = flow.optimal_cost()
    return solution


def by_county(problem: Problem) -> tuple[list[Problem], list[Helper]]:
    """County problems (helpers of a county or one of its villages), and the city helpers."""
    helpers: dict[str, list[Helper]] = defaultdict(list)
    city: list[Helper] = []
    for helper in problem.helpers:
        (helpers[helper.region[:6]] if len(helper.region) >= 6 else city).append(helper)
    beneficiaries: dict[str, list[Beneficiary]] = defaultdict(list)
    for b in problem.beneficiaries:
        beneficiaries[b.village[:6]].append(b)
    counties = sorted(set(helpers) | set(beneficiaries))
    return [
        Problem(helpers[c], beneficiaries[c], problem.rebalance, problem.max_candidates)
        for c in counties
    ], city


def solve_all(problem: Problem, *, workers: int | None = None) -> Solution:
    """Every county in parallel (`workers` processes; 1 solves in this process), then the
    city cadres over what each city's counties left unpaired."""
    counties, city_helpers = by_county(problem)
    solution = Solution()
    results: Iterable[Solution]
    if workers == 1 or len(counties) < 2:
        results = map(solve, counties)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(solve, counties, chunksize=max(1, len(counties) // 16)))
    for result in results:
        solution.merge(result)
    if city_helpers:
        left = [b for b in problem.beneficiaries if b.id in solution.unassigned]
        second = solve(Problem(city_helpers, left, problem.rebalance, problem.max_candidates))
        # The unpaired of the first pass are paid again in the second: count them once.
        solution.total_cost -= sum(unpaired_cost(b) for b in left)
        solution.merge(second)
        for b_id in second.assignments:
            solution.unassigned.pop(b_id, None)
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
