"""The optimiser on the database: loading a region's problem and proposing (nothing saved)."""

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest

from fupin.lib.ids import make_resident_id
from fupin.pairing import actions as pairing
from fupin.pairing import solver
from fupin.pairing.models import Helper, Pairing
from fupin.pairing.optimise import load_problem, propose, solver_id
from fupin.pairing.rules import cap_of
from fupin.party import actions as party
from fupin.registry import actions as registry
from fupin.registry.models import Person
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    PROVINCE,
    TOWNSHIP_A,
    VILLAGE_A,
    VILLAGE_A2,
    PairingSample,
    build_pairing_sample,
    nothing_saved,
)

# A second village of township A (same township as village A), a village of another township
# of county B.
VILLAGE_A3 = "510821100002"
VILLAGE_B2 = "510824102001"


@dataclass
class World:
    sample: PairingSample
    villager: Any  # village A, jobs
    leader: Any  # village A2, planting, a wealth leader (cap 7)
    cadre: Any  # a county A organ's cadre (region: the county)
    poor_member: Any  # a poor party member of village A2
    households: dict[str, Any]  # name -> household


def build_world() -> World:
    """The pairing sample plus helpers of several kinds and more households, through actions."""
    sample = build_pairing_sample()
    sequence = iter(range(700, 800))
    born = datetime.date(1972, 5, 5)

    def member(org: Any, village: str, name: str, **fields: Any) -> Any:
        return party.register_member(
            actor=None,
            organisation=org,
            region_code=village,
            name=name,
            id_number=fields.pop("id_number", None)
            or make_resident_id(village[:6], born, next(sequence)),
            stage="full",
            joined_on=datetime.date(2000, 7, 1),
            full_on=datetime.date(2001, 7, 1),
            **fields,
        )

    villager = pairing.register_helper(
        actor=None,
        member=member(sample.party.org_a, VILLAGE_A, "帮扶人丙"),
        expertise=["jobs"],
    )
    leader = pairing.register_helper(
        actor=None,
        member=member(sample.party.org_a2, VILLAGE_A2, "致富带头人丁"),
        expertise=["planting"],
        is_leader=True,
    )
    cadre = pairing.register_helper(
        actor=None,
        member=member(sample.party.org_a, VILLAGE_A, "县直干部戊"),
        region_code=COUNTY_A,
        expertise=["health", "policy"],
    )

    households = {}

    def household(village: str, number: str, head: str) -> Any:
        created = registry.create_household(
            actor=None,
            village_code=village,
            number=number,
            main_cause="illness",
            registered_in=2014,
        )
        registry.add_person(
            actor=None,
            household=created,
            name=head,
            id_number=make_resident_id(village[:6], datetime.date(1960, 1, 1), next(sequence)),
            relation="head",
        )
        households[number] = created
        return created

    for i in range(6):
        household(VILLAGE_A, f"A{i}", f"甲村户{i}")
    for i in range(4):
        household(VILLAGE_A3, f"C{i}", f"丙村户{i}")
    for i in range(5):
        household(VILLAGE_A2, f"D{i}", f"丁村户{i}")
    for i in range(3):
        household(VILLAGE_B2, f"E{i}", f"戊村户{i}")
    # A household whose plan needs jobs: the jobs helper of its village should take it.
    plan = pairing.create_plan(actor=None, household=households["A0"], year=2024, main_need="jobs")
    del plan
    # A poor party member, registered in the registry (his own household in village A2).
    poor_household = household(VILLAGE_A2, "P9", "贫困党员己")
    head = Person.objects.get(household=poor_household)
    poor_member = member(
        sample.party.org_a2, VILLAGE_A2, "贫困党员己", id_number=head.id_number, sex=head.sex
    )
    party.add_tag(actor=None, member=poor_member, kind="poor", since=datetime.date(2015, 1, 1))
    return World(sample, villager, leader, cadre, poor_member, households)


@pytest.fixture
def world(db: Any, cast: Any) -> World:
    return build_world()


def current_primary() -> list[Pairing]:
    return list(
        Pairing.objects.filter(ended_on__isnull=True, kind="primary").select_related("helper")
    )


def apply(region: str, rebalance: bool = False) -> Any:
    result = propose(region, rebalance=rebalance, workers=1)
    proposal = pairing.save_proposal(
        actor=None, region_code=region, result=result, rebalance=rebalance
    )
    pairing.apply_proposal(actor=None, proposal=proposal)
    return result


def assert_rules_hold() -> None:
    """No helper over their cap, none beyond their reach, one primary helper each."""
    pairings = current_primary()
    loads = Counter(p.helper_id for p in pairings)
    helpers = {h.pk: h for h in Helper.objects.filter(pk__in=list(loads))}
    for helper_id, load in loads.items():
        assert load <= cap_of(helpers[helper_id]), helpers[helper_id]
    for p in pairings:
        assert pairing.reaches(p.helper, p.region_id), (p.helper.region_id, p.region_id)
    beneficiaries = Counter((p.household_id, p.member_id) for p in pairings)
    assert max(beneficiaries.values()) == 1


def test_it_loads_the_unpaired_beneficiaries_with_their_needs_and_the_helpers_loads(world):
    loaded = load_problem(COUNTY_A)
    problem = loaded.problem
    sample = world.sample
    ids = {b.id for b in problem.beneficiaries}
    # Household A keeps helper A; household A2 waits; the poor member is a beneficiary.
    assert solver_id("household", sample.household_a.pk) not in ids
    assert solver_id("household", sample.household_a2.pk) in ids
    assert solver_id("household", world.households["E0"].pk) not in ids  # county B
    member = next(
        b for b in problem.beneficiaries if b.id == solver_id("member", world.poor_member.pk)
    )
    assert member.is_member and member.village == VILLAGE_A2
    assert loaded.kept == 1
    needs = {b.id: b.need for b in problem.beneficiaries}
    assert needs[solver_id("household", world.households["A0"].pk)] == "jobs"
    # Household A's plan says nothing of a need: its industry measure needs planting (but it is
    # paired already); household A2 has no plan.
    assert needs[solver_id("household", sample.household_a2.pk)] == ""
    helpers = {h.id: h for h in problem.helpers}
    assert set(helpers) == {
        sample.helper_a.pk,
        world.villager.pk,
        world.leader.pk,
        world.cadre.pk,
    }
    assert helpers[sample.helper_a.pk].load == 1
    assert helpers[sample.helper_a.pk].skills == frozenset({"planting", "ecommerce"})
    assert helpers[world.leader.pk].cap == 7
    assert helpers[world.cadre.pk].region == COUNTY_A
    # The ids are in order, so a county's problem is the same whichever way it is loaded.
    assert [b.id for b in problem.beneficiaries] == sorted(ids)
    assert [h.id for h in problem.helpers] == sorted(helpers)


def test_it_takes_plan_needs_from_the_main_measure_when_the_plan_names_none(world):
    household = world.households["A1"]
    plan = pairing.create_plan(actor=None, household=household, year=2023, main_need="finance")
    newer = pairing.create_plan(actor=None, household=household, year=2024)
    pairing.add_measure(actor=None, plan=newer, category="education", description="助学")
    pairing.add_measure(
        actor=None, plan=newer, category="health", description="慢病签约", is_main=True
    )
    del plan
    needs = {b.id: b.need for b in load_problem(COUNTY_A).problem.beneficiaries}
    # The latest plan counts; its main measure is the health one.
    assert needs[solver_id("household", household.pk)] == "health"


def test_it_resolves_caps_by_the_nearest_cap_rule(world):
    pairing.set_cap_rule(
        actor=None, region_code=COUNTY_A, primary_cap=3, leader_cap=4, secondary_cap=2
    )
    pairing.set_cap_rule(
        actor=None, region_code=VILLAGE_A, primary_cap=2, leader_cap=6, secondary_cap=2
    )
    helpers = {h.id: h for h in load_problem(COUNTY_A).problem.helpers}
    assert helpers[world.sample.helper_a.pk].cap == 2  # village A's rule
    assert helpers[world.leader.pk].cap == 4  # county A's, as a leader
    assert helpers[world.cadre.pk].cap == 3
    for helper in Helper.objects.filter(pk__in=list(helpers)):
        assert helpers[helper.pk].cap == cap_of(helper)


def test_it_leaves_out_inactive_helpers_and_takes_helpers_from_above_a_township(world):
    pairing.update_helper(actor=None, helper=world.villager, active=False)
    loaded = load_problem(TOWNSHIP_A)
    helpers = {h.id for h in loaded.problem.helpers}
    # The county's cadre reaches township A; village A2's leader works in another township.
    assert helpers == {world.sample.helper_a.pk, world.cadre.pk}
    assert {b.village[:9] for b in loaded.problem.beneficiaries} == {TOWNSHIP_A}


def test_it_proposes_every_pairing_it_can_within_caps_and_reach(world):
    result = propose(PROVINCE, workers=1)
    assert result.beneficiaries == 22 + 1  # households not exited, and the poor member
    assert result.assigned == result.beneficiaries
    assert result.unassigned == 0
    assert result.cost_after < result.cost_before
    assert sum(result.histogram.values()) == Helper.objects.count()
    news = {(i["kind"], i["id"]): i for i in result.items}
    # Everyone without a helper gets one, and nobody else appears (continuity).
    assert len(news) == result.beneficiaries - 2
    assert ("household", world.sample.household_a.pk) not in news
    assert news[("household", world.households["A0"].pk)]["new"] == world.villager.pk
    item = news[("member", world.poor_member.pk)]
    assert item["name"] == "贫困党员己" and item["village"] == VILLAGE_A2 and item["old"] is None
    assert news[("household", world.households["A1"].pk)]["name"] == "甲村户1"
    assert all(i["new_name"] for i in result.items)
    # County B's households go to the one helper there (helper B, cap 5, one kept).
    county_b = [i for i in result.items if i["village"].startswith(COUNTY_B)]
    assert {i["new"] for i in county_b} == {world.sample.helper_b.pk}
    apply(PROVINCE)
    assert_rules_hold()
    assert len(current_primary()) == result.beneficiaries


def test_it_says_why_beneficiaries_are_left_unpaired(world):
    # County B: a cap of 2 for helper B (who has household B) leaves two of the three waiting
    # households without room; county A without active helpers leaves its households unreached.
    pairing.set_cap_rule(
        actor=None, region_code=COUNTY_B, primary_cap=2, leader_cap=2, secondary_cap=2
    )
    for helper in (world.sample.helper_a, world.villager, world.leader, world.cadre):
        pairing.update_helper(actor=None, helper=helper, active=False)
    result = propose(PROVINCE, workers=1)
    reasons = Counter(i["reason"] for i in result.items)
    assert reasons == {
        "": 1,
        solver.HELPERS_AT_CAP: 2,
        solver.NO_HELPER_IN_REACH: 18,
    }
    assert result.unassigned == 20
    assert result.assigned == 3  # households A and B keep theirs, one more in county B
    unreached = [i for i in result.items if i["reason"] == solver.NO_HELPER_IN_REACH]
    assert {i["village"][:6] for i in unreached} == {COUNTY_A}
    assert all(i["new"] is None and i["new_name"] == "" for i in unreached)
    assert all(i["nearest"] == "" for i in unreached)
    # Those left in county B name the helper they could have had, who is full.
    full = [i for i in result.items if i["reason"] == solver.HELPERS_AT_CAP]
    assert {i["nearest"] for i in full} == {world.sample.helper_b.member.name}


def test_it_gives_a_village_whose_helpers_are_full_to_the_idle_county_cadre(world):
    # Village A's own helpers take one each; the county organ's cadre, idle, takes the rest:
    # nobody in county A is left while he has room.
    pairing.set_cap_rule(
        actor=None, region_code=VILLAGE_A, primary_cap=1, leader_cap=1, secondary_cap=1
    )
    result = propose(COUNTY_A, workers=1)
    new = Counter(i["new"] for i in result.items)
    assert new[world.cadre.pk] == 5  # his cap, all used
    loaded = load_problem(COUNTY_A).problem
    assert result.cost_after == solver.solve(loaded).total_cost
    left = [i for i in result.items if i["new"] is None]
    assert all(i["reason"] == solver.HELPERS_AT_CAP for i in left)


def test_it_solves_a_county_alone_as_it_does_inside_the_province(world):
    alone = propose(COUNTY_A, workers=1)
    inside = propose(PROVINCE, workers=2)
    in_a = [i for i in inside.items if i["village"].startswith(COUNTY_A)]
    key = lambda i: (i["kind"], i["id"])  # noqa: E731
    assert sorted(alone.items, key=key) == sorted(in_a, key=key)
    # And the province's decomposition costs what one monolithic solve does.
    problem = load_problem(PROVINCE).problem
    assert inside.cost_after == solver.solve(problem).total_cost


def test_it_keeps_current_pairings_unless_rebalancing(world):
    first = apply(COUNTY_A)
    assert first.unassigned == 0
    before = {p.pk: p.helper_id for p in current_primary()}
    again = propose(COUNTY_A, workers=1)
    assert again.items == []
    assert again.assigned == first.assigned and again.cost_before == again.cost_after == 0
    # Lower village A's cap to 2 after the pairing (helpers A and C are over it): a rebalance
    # moves what it must, covers the poor member first and keeps within every cap.
    pairing.set_cap_rule(
        actor=None, region_code=VILLAGE_A, primary_cap=2, leader_cap=2, secondary_cap=2
    )
    rebalanced = propose(COUNTY_A, rebalance=True, workers=1)
    # 19 beneficiaries, places for 2 + 2 + 7 + 5.
    assert rebalanced.beneficiaries == 19 and rebalanced.unassigned == 3
    unpaired = [i for i in rebalanced.items if i["new"] is None]
    assert len(unpaired) == 3 and all(i["kind"] == "household" for i in unpaired)
    assert all(i["reason"] == solver.HELPERS_AT_CAP for i in unpaired)
    assert all(i["old"] != i["new"] for i in rebalanced.items)
    loads_after = Counter(before.values())
    for i in rebalanced.items:
        loads_after[i["old"]] -= 1
        loads_after[i["new"]] += 1
    assert loads_after[world.sample.helper_a.pk] <= 2
    assert loads_after[world.villager.pk] <= 2
    assert loads_after[world.leader.pk] <= 7
    kept = [p for p in before.values() if p in (world.leader.pk, world.cadre.pk)]
    moved_from_kept = [i for i in rebalanced.items if i["old"] in (world.leader.pk, world.cadre.pk)]
    assert kept and not moved_from_kept  # continuity: pairings within the caps stay
    with nothing_saved():
        propose(COUNTY_A, rebalance=True, workers=1)


def test_it_counts_the_cost_of_moving_when_rebalancing(world):
    apply(COUNTY_A)
    loaded = load_problem(COUNTY_A, rebalance=True)
    problem = loaded.problem
    assert len(problem.beneficiaries) == 18 + 1
    assert all(b.current is not None for b in problem.beneficiaries)
    # Nobody moves when nothing is gained by it: the current pairing is already optimal.
    result = propose(COUNTY_A, rebalance=True, workers=1)
    assert result.items == []
    assert result.cost_before == result.cost_after
