"""The optimiser against a brute-force search of every pairing, on small instances."""

import itertools
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupin.pairing.solver import (
    CHANGE,
    HELPERS_AT_CAP,
    NO_HELPER_IN_REACH,
    Beneficiary,
    Helper,
    Problem,
    by_county,
    candidates,
    pairing_cost,
    solve,
    solve_all,
    solve_monolithic,
    total_cost,
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
    return Problem(helpers, beneficiaries, max_candidates=10)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_it_finds_the_cheapest_pairing(problem):
    solution = solve(problem)
    assert solution.total_cost == brute_force(problem)
    assert solution.total_cost == total_cost(
        problem.helpers, problem.beneficiaries, solution.assignments
    )
    loads = {h.id: 0 for h in problem.helpers}
    for helper_id in solution.assignments.values():
        loads[helper_id] += 1
    assert all(loads[h.id] <= h.cap for h in problem.helpers)
    assert set(solution.assignments) | set(solution.unassigned) == {
        b.id for b in problem.beneficiaries
    }


def test_it_balances_the_load_instead_of_filling_one_helper():
    helpers = [Helper(1, V1, cap=5), Helper(2, V1, cap=5)]
    beneficiaries = [Beneficiary(i, V1) for i in range(6)]
    solution = solve(Problem(helpers, beneficiaries))
    counts = sorted(list(solution.assignments.values()).count(h) for h in (1, 2))
    assert counts == [3, 3]


def test_it_covers_poor_members_first_and_says_why_others_are_left():
    helpers = [Helper(1, V1, cap=1)]
    beneficiaries = [Beneficiary(1, V1), Beneficiary(2, V1, is_member=True), Beneficiary(3, V4)]
    solution = solve(Problem(helpers, beneficiaries))
    assert solution.assignments == {2: 1}
    assert solution.unassigned == {1: HELPERS_AT_CAP, 3: NO_HELPER_IN_REACH}


def test_it_prefers_the_nearer_helper_and_the_matching_skill():
    helpers = [
        Helper(1, V3, skills=frozenset({"planting"})),
        Helper(2, V1),
        Helper(3, V2, skills=frozenset({"planting"})),
    ]
    solution = solve(Problem(helpers, [Beneficiary(1, V1, need="planting")]))
    # Same village without the skill (0 + 8) beats the same township with it (10 + 0).
    assert solution.assignments == {1: 2}


def test_it_keeps_current_helpers_when_rebalancing_unless_it_pays():
    helpers = [Helper(1, V1, cap=5), Helper(2, V1, cap=5)]
    beneficiaries = [Beneficiary(i, V1, current=1) for i in range(4)]
    solution = solve(Problem(helpers, beneficiaries, rebalance=True))
    # Moving one costs 20, and saves at most 3·3 − 3·0 = 9 of load: nobody moves.
    assert set(solution.assignments.values()) == {1}


def test_it_never_lets_a_county_helper_cross_the_county_line_but_a_city_cadre_may():
    helpers = [Helper(1, V1, cap=5), Helper(2, "5108", cap=1)]
    beneficiaries = [Beneficiary(1, V4), Beneficiary(2, V4)]
    solution = solve_all(Problem(helpers, beneficiaries), workers=1)
    assert list(solution.assignments.values()) == [2]
    assert len(solution.unassigned) == 1
    assert solution.total_cost == total_cost(helpers, beneficiaries, solution.assignments)


@pytest.mark.parametrize("workers", [1, 2])
def test_it_gives_the_same_answer_by_county_in_parallel(workers):
    rng = random.Random(4)
    villages = [V1, V2, V3, V4, "510824100002"]
    helpers = [Helper(i, rng.choice(villages), cap=rng.randint(1, 4)) for i in range(30)]
    beneficiaries = [
        Beneficiary(i, rng.choice(villages), is_member=rng.random() < 0.2) for i in range(90)
    ]
    whole = solve(Problem(helpers, beneficiaries, max_candidates=100))
    split = solve_all(Problem(helpers, beneficiaries, max_candidates=100), workers=workers)
    assert split.total_cost == whole.total_cost
    assert len(split.assignments) == len(whole.assignments)


# Villages of two cities: county 510821 (two townships) and 510824 of city 5108, county 511002
# of city 5110. City cadres of 5108 join its two counties into one part.
WIDE_VILLAGES = [V1, V2, V3, V4, "510824100002", "511002100001", "511002101001"]
WIDE_REGIONS = [*WIDE_VILLAGES, "510821", "510824", "511002", "5108", "5110"]


@st.composite
def wide_problems(draw):
    skills = ["planting", "jobs", "health"]
    n_helpers = draw(st.integers(0, 14))
    ids = draw(
        st.lists(st.integers(1, 10_000), min_size=n_helpers, max_size=n_helpers, unique=True)
    )
    helpers = [
        Helper(
            id=i,
            region=draw(st.sampled_from(WIDE_REGIONS)),
            cap=draw(st.integers(1, 4)),
            skills=frozenset(draw(st.sets(st.sampled_from(skills), max_size=2))),
            load=draw(st.integers(0, 2)),
        )
        for i in ids
    ]
    n = draw(st.integers(0, 30))
    b_ids = draw(st.lists(st.integers(1, 100_000), min_size=n, max_size=n, unique=True))
    rebalance = draw(st.booleans())
    beneficiaries = [
        Beneficiary(
            id=b,
            village=draw(st.sampled_from(WIDE_VILLAGES)),
            is_member=draw(st.booleans()),
            need=draw(st.sampled_from(["", *skills])),
            current=draw(st.sampled_from([None, *ids])) if rebalance and ids else None,
        )
        for b in b_ids
    ]
    return Problem(helpers, beneficiaries, rebalance, max_candidates=draw(st.integers(1, 4)))


@settings(max_examples=80, deadline=None)
@given(wide_problems(), st.randoms(use_true_random=False))
def test_it_splits_into_parts_that_give_the_monolithic_optimum(problem, rnd):
    whole = solve_monolithic(problem)
    split = solve_all(problem, workers=1)
    assert split.total_cost == whole.total_cost
    assert split.total_cost == total_cost(
        problem.helpers, problem.beneficiaries, split.assignments, problem.rebalance
    )
    # Caps hold, and everyone is assigned or has a reason.
    loads = {h.id: h.load for h in problem.helpers}
    for helper_id in split.assignments.values():
        loads[helper_id] += 1
    assert all(loads[h.id] <= max(h.cap, h.load) for h in problem.helpers)
    assert set(split.assignments) | set(split.unassigned) == {b.id for b in problem.beneficiaries}
    # The candidates do not depend on the order of the helpers and beneficiaries, nor on the
    # other parts: shuffled, and each part alone, give the same.
    shuffled = Problem(
        rnd.sample(problem.helpers, len(problem.helpers)),
        rnd.sample(problem.beneficiaries, len(problem.beneficiaries)),
        problem.rebalance,
        problem.max_candidates,
    )
    assert by_helper_id(shuffled) == by_helper_id(problem)
    assert solve_all(shuffled, workers=1).total_cost == whole.total_cost
    for part in by_county(problem):
        alone = by_helper_id(part)
        assert all(alone[b] == c for b, c in alone.items() if b in by_helper_id(problem))


def by_helper_id(problem):
    """Each beneficiary's candidates as (helper id, cost), sorted."""
    options = candidates(problem)
    return {
        b.id: sorted((problem.helpers[h].id, c) for h, c in options[i])
        for i, b in enumerate(problem.beneficiaries)
    }


def test_it_lets_a_busy_village_reach_the_county_cadres():
    # Six households of village 1, with three village helpers of one place each and four full
    # township helpers: enough candidates nearby, but no room. The county's cadres are added
    # (one per household), and take the other three.
    helpers = [Helper(i, V1, cap=1) for i in (1, 2, 3)]
    helpers += [Helper(i, V2, cap=2, load=2) for i in (4, 5, 6, 7)]
    helpers += [Helper(i, "510821") for i in (8, 9)]
    beneficiaries = [Beneficiary(i, V1) for i in range(6)]
    problem = Problem(helpers, beneficiaries, max_candidates=2)
    assert {h for h, _c in by_helper_id(problem)[0]} == set(range(1, 10))
    solution = solve(problem)
    assert not solution.unassigned
    counts = Counter(solution.assignments.values())
    assert counts[1] == counts[2] == counts[3] == 1
    assert counts[8] + counts[9] == 3
    # Alike beneficiaries are one node: the same optimum as a node each.
    assert solution.total_cost == solve_monolithic(problem).total_cost


def test_it_keeps_the_current_helper_a_candidate_when_rebalancing():
    helpers = [Helper(i, V1) for i in range(1, 8)] + [Helper(9, V4)]
    beneficiaries = [Beneficiary(1, V1, current=7), Beneficiary(2, V4, current=9)]
    problem = Problem(helpers, beneficiaries, rebalance=True, max_candidates=2)
    options = by_helper_id(problem)
    assert (7, 0) in options[1] and all(c == CHANGE for h, c in options[1] if h != 7)
    assert options[2] == [(9, 0)]
    assert solve(problem).assignments == {1: 7, 2: 9}
