"""The optimiser against a brute-force search of every pairing, on small instances."""

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupin.pairing.solver import (
    HELPERS_AT_CAP,
    NO_HELPER_IN_REACH,
    Beneficiary,
    Helper,
    Problem,
    pairing_cost,
    solve,
    solve_all,
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
