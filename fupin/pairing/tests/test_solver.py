"""The optimiser against the two references that cannot be wrong in the same way: a brute-force
search of every pairing (tiny instances), and a plain bipartite min-cost flow (networkx, not
OR-Tools) with an arc from each beneficiary to every helper in reach and no pruning."""

import itertools
import random
from collections import Counter

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupin.pairing.solver import (
    HELPERS_AT_CAP,
    MAX_CAP,
    NO_HELPER_IN_REACH,
    SAME_CITY,
    Beneficiary,
    Helper,
    Problem,
    Solution,
    by_county,
    locality,
    pairing_cost,
    solve,
    solve_all,
    total_cost,
    unpaired_cost,
)

# Two villages of one township, a village of another township, a village of another county.
V1, V2, V3, V4 = "510821100001", "510821100002", "510821101001", "510824100001"


def brute_force(problem: Problem) -> int:
    """The least documented cost over every pairing that keeps every helper within its cap."""
    helpers = problem.helpers
    choices = [
        [None] + [h.id for h in helpers if pairing_cost(h, b, problem.rebalance) is not None]
        for b in problem.beneficiaries
    ]
    caps = {h.id: h.cap - h.load for h in helpers}
    best = None
    for combo in itertools.product(*choices):
        used = [h for h in combo if h is not None]
        if any(used.count(h) > caps[h] for h in set(used)):
            continue
        assignments = {
            b.id: h for b, h in zip(problem.beneficiaries, combo, strict=True) if h is not None
        }
        cost = total_cost(helpers, problem.beneficiaries, assignments, problem.rebalance)
        best = cost if best is None else min(best, cost)
    assert best is not None
    return best


def bipartite(problem: Problem) -> int:
    """The least cost of the full bipartite network: a node per beneficiary with an arc to every
    helper in reach at the pairing's cost, one per free place of each helper at its load cost,
    and one to the sink at the unpaired cost. Nothing pruned, nothing grouped."""
    graph = nx.DiGraph()
    graph.add_node("sink", demand=len(problem.beneficiaries))
    for b in problem.beneficiaries:
        graph.add_node(("b", b.id), demand=-1)
        graph.add_edge(("b", b.id), "sink", capacity=1, weight=unpaired_cost(b))
        for h in problem.helpers:
            cost = pairing_cost(h, b, problem.rebalance)
            if cost is not None:
                graph.add_edge(("b", b.id), ("h", h.id), capacity=1, weight=cost)
    for h in problem.helpers:
        for k in range(h.load, h.cap):
            graph.add_edge(("h", h.id), ("p", h.id, k), capacity=1, weight=3 * k)
            graph.add_edge(("p", h.id, k), "sink", capacity=1, weight=0)
    return nx.cost_of_flow(graph, nx.min_cost_flow(graph))


def assert_valid(problem: Problem, solution: Solution) -> None:
    """Caps hold, everyone is paired or has a true reason, and the cost is the documented one."""
    assert solution.total_cost == total_cost(
        problem.helpers, problem.beneficiaries, solution.assignments, problem.rebalance
    )
    loads = {h.id: h.load for h in problem.helpers}
    for helper_id in solution.assignments.values():
        loads[helper_id] += 1
    assert all(loads[h.id] <= max(h.cap, h.load) for h in problem.helpers)
    assert set(solution.assignments) | set(solution.unassigned) == {
        b.id for b in problem.beneficiaries
    }
    assert not set(solution.assignments) & set(solution.unassigned)
    for b in problem.beneficiaries:
        if b.id not in solution.unassigned:
            continue
        reach = sorted(
            (pairing_cost(h, b, problem.rebalance), h.id, h)
            for h in problem.helpers
            if locality(h, b.village) is not None
        )
        if not reach:
            assert solution.unassigned[b.id] == NO_HELPER_IN_REACH
            assert b.id not in solution.nearest
        else:
            # Only when every helper in reach is full after the solve.
            assert solution.unassigned[b.id] == HELPERS_AT_CAP
            assert all(loads[h.id] >= h.cap for _c, _i, h in reach)
            assert solution.nearest[b.id] == [i for _c, i, _h in reach[:3]]


villages = st.sampled_from([V1, V2, V3, V4, "5108"])


@st.composite
def problems(draw):
    helpers = [
        Helper(
            id=100 + i,
            region=draw(villages),
            cap=draw(st.integers(1, 3)),
            skills=frozenset(draw(st.sets(st.sampled_from(["planting", "jobs"]), max_size=1))),
            load=0,
        )
        for i in range(draw(st.integers(1, 3)))
    ]
    beneficiaries = [
        Beneficiary(
            id=i,
            village=draw(st.sampled_from([V1, V2, V3, V4])),
            is_member=draw(st.booleans()),
            need=draw(st.sampled_from(["", "planting", "jobs"])),
        )
        for i in range(draw(st.integers(0, 5)))
    ]
    return Problem(helpers, beneficiaries)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_it_finds_the_cheapest_pairing(problem):
    solution = solve(problem)
    assert solution.total_cost == brute_force(problem)
    assert_valid(problem, solution)


# Villages of two cities: county 510821 (two townships) and 510824 of city 5108, county 511002
# of city 5110. Helpers may also work in a township, a county's organs, a city's organs or the
# province's; a poor member may be registered at a township or county.
WIDE_VILLAGES = [V1, V2, V3, V4, "510824100002", "511002100001", "511002101001"]
WIDE_PLACES = [*WIDE_VILLAGES, "510821100", "510821", "511002"]
WIDE_REGIONS = [*WIDE_PLACES, "510824", "5108", "5110", "51"]
SKILLS = ["planting", "jobs", "health"]


@st.composite
def wide_problems(draw):
    """Problems with the hard shapes: villages whose own helpers are all full (load at cap)
    beside idle township, county, city and province helpers, members and households, skills
    that match or not, and current helpers when rebalancing."""
    n_helpers = draw(st.integers(0, 16))
    ids = draw(
        st.lists(st.integers(1, 10_000), min_size=n_helpers, max_size=n_helpers, unique=True)
    )
    helpers = []
    for i in ids:
        region = draw(st.sampled_from(WIDE_REGIONS))
        cap = draw(st.integers(1, 4))
        # Near helpers full more often than not; far ones idle more often than not.
        full = draw(st.booleans()) if len(region) == 12 else draw(st.integers(0, 3)) == 0
        load = cap if full else draw(st.integers(0, cap - 1))
        skills = frozenset(draw(st.sets(st.sampled_from(SKILLS), max_size=2)))
        helpers.append(Helper(i, region, cap, skills, load))
    n = draw(st.integers(0, 30))
    b_ids = draw(st.lists(st.integers(1, 100_000), min_size=n, max_size=n, unique=True))
    rebalance = draw(st.booleans())
    beneficiaries = [
        Beneficiary(
            id=b,
            village=draw(st.sampled_from(WIDE_PLACES)),
            is_member=draw(st.booleans()),
            need=draw(st.sampled_from(["", *SKILLS])),
            current=draw(st.sampled_from([None, *ids])) if rebalance and ids else None,
        )
        for b in b_ids
    ]
    return Problem(helpers, beneficiaries, rebalance)


@settings(max_examples=150, deadline=None)
@given(wide_problems(), st.randoms(use_true_random=False))
def test_it_gives_the_optimum_over_every_helper_in_reach(problem, rnd):
    whole = solve(problem)
    assert whole.total_cost == bipartite(problem)
    assert_valid(problem, whole)
    # The parts, in this process or shuffled, give the same optimum.
    split = solve_all(problem, workers=1)
    assert split.total_cost == whole.total_cost
    assert_valid(problem, split)
    shuffled = Problem(
        rnd.sample(problem.helpers, len(problem.helpers)),
        rnd.sample(problem.beneficiaries, len(problem.beneficiaries)),
        problem.rebalance,
    )
    assert solve_all(shuffled, workers=1).total_cost == whole.total_cost


@settings(max_examples=40, deadline=None)
@given(wide_problems())
def test_it_matches_brute_force_on_the_hard_shapes_too(problem):
    small = Problem(problem.helpers[:4], problem.beneficiaries[:4], problem.rebalance)
    assert solve(small).total_cost == brute_force(small)


def test_it_gives_a_full_village_the_idle_city_cadre():
    # The reproduction: ten village helpers all at their cap, an idle city cadre.
    village = "511827102215"
    helpers = [Helper(i, village, cap=5, load=5) for i in range(1, 11)]
    helpers.append(Helper(99, "5118", cap=5, load=0))
    solution = solve(Problem(helpers, [Beneficiary(1000, village)]))
    assert solution.assignments == {1000: 99}
    assert solution.total_cost == SAME_CITY


def test_it_reaches_idle_county_cadres_past_any_number_of_full_neighbours():
    helpers = [Helper(i, V1, cap=2, load=2) for i in range(1, 40)]
    helpers += [Helper(i, V2, cap=2, load=2) for i in range(40, 80)]
    helpers += [Helper(200, "510821", cap=3), Helper(201, "5108", cap=3)]
    beneficiaries = [Beneficiary(i, V1, is_member=i == 0) for i in range(7)]
    solution = solve(Problem(helpers, beneficiaries))
    counts = Counter(solution.assignments.values())
    assert counts == {200: 3, 201: 3}
    # The seventh is left, and told the truth: everybody in reach is full; the nearest named.
    (left,) = solution.unassigned
    assert left != 0  # the poor member is covered first
    assert solution.unassigned[left] == HELPERS_AT_CAP
    assert solution.nearest[left] == [1, 2, 3]
    assert solution.total_cost == bipartite(Problem(helpers, beneficiaries))


def test_it_balances_the_load_instead_of_filling_one_helper():
    helpers = [Helper(1, V1, cap=5), Helper(2, V1, cap=5)]
    beneficiaries = [Beneficiary(i, V1) for i in range(6)]
    solution = solve(Problem(helpers, beneficiaries))
    counts = sorted(list(solution.assignments.values()).count(h) for h in (1, 2))
    assert counts == [3, 3]


def test_it_shares_identical_helpers_round_robin():
    # Seven alike county cadres: one kind in the flow, and each gets its cheapest places.
    helpers = [Helper(i, "510821", cap=3) for i in range(1, 8)]
    beneficiaries = [Beneficiary(i, V1) for i in range(10)]
    solution = solve(Problem(helpers, beneficiaries))
    assert sorted(Counter(solution.assignments.values()).values()) == [1, 1, 1, 1, 2, 2, 2]
    assert solution.total_cost == bipartite(Problem(helpers, beneficiaries))


def test_it_covers_poor_members_first_and_says_why_others_are_left():
    helpers = [Helper(1, V1, cap=1)]
    beneficiaries = [Beneficiary(1, V1), Beneficiary(2, V1, is_member=True), Beneficiary(3, V4)]
    solution = solve(Problem(helpers, beneficiaries))
    assert solution.assignments == {2: 1}
    assert solution.unassigned == {1: HELPERS_AT_CAP, 3: NO_HELPER_IN_REACH}
    assert solution.nearest == {1: [1]}


def test_it_prefers_the_nearer_helper_and_the_matching_skill():
    helpers = [
        Helper(1, V3, skills=frozenset({"planting"})),
        Helper(2, V1),
        Helper(3, V2, skills=frozenset({"planting"})),
    ]
    solution = solve(Problem(helpers, [Beneficiary(1, V1, need="planting")]))
    # Same village without the skill (0 + 8) beats the same township with it (10 + 0).
    assert solution.assignments == {1: 2}


def test_it_prices_a_member_of_a_township_or_county_as_documented():
    # A poor member registered at a township: its own township's helper costs 0, a village
    # helper under it 10; one registered at the county pays 30 to anyone of the county.
    for region, expected in (("510821100", 0), (V1, 10), ("510821", 30)):
        problem = Problem([Helper(1, region)], [Beneficiary(1, "510821100", is_member=True)])
        assert solve(problem).total_cost == expected == bipartite(problem)
    problem = Problem([Helper(1, V1), Helper(2, "510821")], [Beneficiary(1, "510821")])
    assert solve(problem).total_cost == 0 == bipartite(problem)


def test_it_names_each_nearest_helper_once_for_a_member_of_the_province():
    # A beneficiary registered at the province's own code: only province cadres reach it.
    helpers = [Helper(1, "51", cap=1, load=1), Helper(2, "5108", cap=1), Helper(3, V1)]
    solution = solve(Problem(helpers, [Beneficiary(9, "51", is_member=True)]))
    assert solution.unassigned == {9: HELPERS_AT_CAP}
    assert solution.nearest == {9: [1]}


def test_it_keeps_current_helpers_when_rebalancing_unless_it_pays():
    helpers = [Helper(1, V1, cap=5), Helper(2, V1, cap=5)]
    beneficiaries = [Beneficiary(i, V1, current=1) for i in range(4)]
    solution = solve(Problem(helpers, beneficiaries, rebalance=True))
    # Moving one costs 20, and saves at most 3·3 − 3·0 = 9 of load: nobody moves.
    assert set(solution.assignments.values()) == {1}


def test_it_keeps_the_current_helper_even_when_it_has_equals():
    # Helper 7 has six identical neighbours; rebalancing keeps each beneficiary with its own.
    helpers = [Helper(i, V1) for i in range(1, 8)] + [Helper(9, V4)]
    beneficiaries = [Beneficiary(1, V1, current=7), Beneficiary(2, V4, current=9)]
    solution = solve(Problem(helpers, beneficiaries, rebalance=True))
    assert solution.assignments == {1: 7, 2: 9}
    assert solution.total_cost == 0


def test_it_never_lets_a_county_helper_cross_the_county_line_but_a_city_cadre_may():
    helpers = [Helper(1, V1, cap=5), Helper(2, "5108", cap=1)]
    beneficiaries = [Beneficiary(1, V4), Beneficiary(2, V4)]
    solution = solve_all(Problem(helpers, beneficiaries), workers=1)
    assert list(solution.assignments.values()) == [2]
    assert len(solution.unassigned) == 1
    assert solution.nearest == {(set(solution.unassigned)).pop(): [2]}
    assert solution.total_cost == total_cost(helpers, beneficiaries, solution.assignments)


@pytest.mark.parametrize("workers", [1, 2])
def test_it_gives_the_same_answer_by_county_in_parallel(workers):
    rng = random.Random(4)
    villages = [V1, V2, V3, V4, "510824100002"]
    helpers = [Helper(i, rng.choice(villages), cap=rng.randint(1, 4)) for i in range(30)]
    helpers += [Helper(100 + i, "510824", cap=2) for i in range(5)]
    beneficiaries = [
        Beneficiary(i, rng.choice(villages), is_member=rng.random() < 0.2) for i in range(90)
    ]
    whole = solve(Problem(helpers, beneficiaries))
    split = solve_all(Problem(helpers, beneficiaries), workers=workers)
    assert split.total_cost == whole.total_cost == bipartite(Problem(helpers, beneficiaries))
    assert len(split.assignments) == len(whole.assignments)


def test_it_splits_by_county_unless_a_city_cadre_joins_them():
    helpers = [Helper(1, V1), Helper(2, V4), Helper(3, "511002100001")]
    beneficiaries = [Beneficiary(1, V1), Beneficiary(2, V4), Beneficiary(3, "511002100001")]
    assert len(by_county(Problem(helpers, beneficiaries))) == 3
    parts = by_county(Problem([*helpers, Helper(4, "5108")], beneficiaries))
    assert sorted(len(p.beneficiaries) for p in parts) == [1, 2]
    assert len(by_county(Problem([*helpers, Helper(5, "51")], beneficiaries))) == 1


def test_it_refuses_a_cap_above_the_most_a_helper_may_carry():
    with pytest.raises(ValueError, match="cap"):
        solve(Problem([Helper(1, V1, cap=MAX_CAP + 1)], [Beneficiary(1, V1)]))
