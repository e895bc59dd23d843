"""The pairing's actions without HTTP: what they refuse (in Chinese, saving nothing), what they
audit, and what a helper owns."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.audit.models import AuditEvent
from fupin.lib.ids import make_resident_id
from fupin.pairing import actions, checks, rules
from fupin.pairing.models import Helper, HouseholdPlan, Measure, Pairing, Proposal, Visit
from fupin.pairing.optimise import ProposalResult
from fupin.pairing.solver import MAX_CAP
from fupin.party import actions as party_actions
from fupin.party.models import Member
from fupin.registry import actions as registry_actions
from fupin.registry.models import Household, Person
from fupin.testing import COUNTY_A, VILLAGE_A, VILLAGE_A2, VILLAGE_B, full_member, nothing_saved

TODAY = datetime.date.today()


def message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def new_household(village: str = VILLAGE_A, number: str = "N001", sequence: int = 701) -> Any:
    household = registry_actions.create_household(
        actor=None, village_code=village, number=number, main_cause="illness", registered_in=2014
    )
    registry_actions.add_person(
        actor=None,
        household=household,
        name="新户",
        id_number=make_resident_id(village[:6], datetime.date(1980, 5, 5), sequence),
        relation="head",
    )
    return household


def new_member(org: Any, village: str, sequence: int, name: str = "新党员") -> Member:
    return full_member(org, village, name, sequence)


def poor_member(pairing: Any, household: Household) -> Member:
    """A poor party member: their registry record is a person of `household`."""
    person = household.members.get()
    member = party_actions.register_member(
        actor=None,
        organisation=pairing.party.org_a
        if household.village_id == VILLAGE_A
        else pairing.party.org_a2,
        region_code=household.village_id,
        name=person.name,
        id_number=person.id_number,
        stage="full",
        joined_on=datetime.date(2005, 7, 1),
        full_on=datetime.date(2006, 7, 1),
    )
    party_actions.add_tag(actor=None, member=member, kind="poor", since=datetime.date(2015, 1, 1))
    return Member.objects.get(pk=member.pk)


# Helpers ------------------------------------------------------------------------------------


def test_it_registers_a_helper_with_audit(pairing, cast):
    member = new_member(pairing.party.org_a2, VILLAGE_A2, 801)
    helper = actions.register_helper(
        actor=cast.county_a_admin, member=member, expertise="jobs,health", is_leader=True
    )
    assert helper.region_id == VILLAGE_A2 and helper.county_code == COUNTY_A
    assert helper.skills == ["jobs", "health"]
    event = AuditEvent.objects.get(action="pairing.register_helper", object_id=str(helper.pk))
    assert event.actor == cast.county_a_admin and event.after["expertise"] == "jobs,health"


@pytest.mark.parametrize(
    "case",
    ["registered_poor", "tagged_poor", "already_helper", "bad_skill", "bad_region", "outside"],
)
def test_it_refuses_a_bad_helper_and_saves_nothing(pairing, cast, case):
    member = new_member(pairing.party.org_a2, VILLAGE_A2, 802)
    kwargs: dict[str, Any] = {"actor": cast.county_a_admin, "member": member}
    expected = {
        "registered_poor": "登记为贫困人口",
        "tagged_poor": "登记为贫困人口",
        "already_helper": "已是帮扶责任人",
        "bad_skill": "未知的专长",
        "bad_region": "没有区划代码为",
        "outside": "不在您可以修改的区域内",
    }[case]
    if case == "registered_poor":
        kwargs["member"] = poor_member(pairing, pairing.household_a2)
        party_actions.remove_tag(actor=None, tag=kwargs["member"].tags.get())
    elif case == "tagged_poor":
        kwargs["member"] = poor_member(pairing, pairing.household_a2)
    elif case == "already_helper":
        kwargs["member"] = pairing.party.member_a
    elif case == "bad_skill":
        kwargs["expertise"] = ["planting", "flying"]
    elif case == "bad_region":
        kwargs["region_code"] = "519999999999"
    else:
        kwargs["region_code"] = VILLAGE_B
    with nothing_saved(), pytest.raises(ValidationError) as error:
        actions.register_helper(**kwargs)
    assert expected in message(error.value)


def test_it_refuses_to_delete_a_member_who_helps(pairing, cast):
    with nothing_saved(), pytest.raises(ValidationError) as error:
        party_actions.delete_member(actor=cast.county_a_admin, member=pairing.party.member_a)
    assert "帮扶责任人" in message(error.value)


def test_it_refuses_to_delete_a_household_with_pairings(pairing, cast):
    with nothing_saved(), pytest.raises(ValidationError) as error:
        registry_actions.delete_household(actor=cast.county_a_admin, household=pairing.household_a)
    assert "结对" in message(error.value) or "帮扶" in message(error.value)


def test_it_refuses_to_delete_a_helper_with_pairings_but_deletes_an_idle_one(pairing, cast):
    with nothing_saved(), pytest.raises(ValidationError):
        actions.delete_helper(actor=cast.county_a_admin, helper=pairing.helper_a)
    idle = actions.register_helper(
        actor=None, member=new_member(pairing.party.org_a2, VILLAGE_A2, 803)
    )
    actions.delete_helper(actor=cast.county_a_admin, helper=idle)
    assert not Helper.objects.filter(pk=idle.pk).exists()
    assert AuditEvent.objects.filter(action="pairing.delete_helper").count() == 1


# Pairings -----------------------------------------------------------------------------------


def test_it_pairs_within_caps_and_audits(pairing, cast):
    household = new_household()
    made = actions.pair(actor=cast.county_a_admin, helper=pairing.helper_a, household=household)
    assert made.region_id == VILLAGE_A and made.made_by == cast.county_a_admin
    assert AuditEvent.objects.filter(action="pairing.pair", object_id=str(made.pk)).exists()
    # A second helper only as secondary.
    other = actions.register_helper(
        actor=None, member=new_member(pairing.party.org_a2, VILLAGE_A2, 804)
    )
    with nothing_saved(), pytest.raises(ValidationError) as error:
        actions.pair(actor=cast.county_a_admin, helper=other, household=household)
    assert "已有主帮扶责任人" in message(error.value)
    secondary = actions.pair(
        actor=cast.county_a_admin, helper=other, household=household, kind="secondary"
    )
    assert secondary.kind == "secondary"


def test_it_never_exceeds_a_helpers_cap(pairing, cast):
    actions.set_cap_rule(
        actor=cast.county_a_admin,
        region_code=COUNTY_A,
        primary_cap=2,
        leader_cap=3,
        secondary_cap=1,
    )
    actions.pair(actor=None, helper=pairing.helper_a, household=new_household(number="C1"))
    household = new_household(number="C2", sequence=702)
    with nothing_saved(), pytest.raises(ValidationError) as error:
        actions.pair(actor=None, helper=pairing.helper_a, household=household)
    assert "上限为2" in message(error.value)
    # A leader may take more.
    actions.update_helper(actor=None, helper=pairing.helper_a, is_leader=True)
    actions.pair(actor=None, helper=pairing.helper_a, household=household)
    assert rules.cap_of(Helper.objects.get(pk=pairing.helper_a.pk)) == 3


@pytest.mark.parametrize("field", ["primary_cap", "leader_cap", "secondary_cap"])
def test_it_refuses_a_cap_above_what_the_optimiser_can_honour(pairing, cast, field):
    # Past 100 places, leaving a household unpaired would cost the optimiser less than pairing
    # it with a helper who has room (pairing.solver's text): no rule may say so.
    caps = {"primary_cap": 5, "leader_cap": 7, "secondary_cap": 5, field: MAX_CAP + 1}
    with nothing_saved(), pytest.raises(ValidationError) as error:
        actions.set_cap_rule(actor=cast.county_a_admin, region_code=COUNTY_A, **caps)
    assert "小于或等于100" in message(error.value)


@pytest.mark.parametrize("case", ["exited", "not_poor_member", "out_of_reach", "future", "twice"])
def test_it_refuses_a_bad_pairing_and_saves_nothing(pairing, cast, case):
    household = new_household(number="B1")
    kwargs: dict[str, Any] = {"actor": None, "helper": pairing.helper_a, "household": household}
    expected = {
        "exited": "已脱贫",
        "not_poor_member": "不是贫困党员",
        "out_of_reach": "不能在这个村帮扶",
        "future": "不能晚于今天",
        "twice": "已与",
    }[case]
    if case == "exited":
        registry_actions.record_status(
            actor=None, household=household, year=TODAY.year, status="exited", reason="达标"
        )
        kwargs["household"] = Household.objects.get(pk=household.pk)
    elif case == "not_poor_member":
        kwargs.update(household=None, member=pairing.party.member_a2)
    elif case == "out_of_reach":
        kwargs["household"] = pairing.household_b
        pairing_b = pairing.pairing_b
        actions.end_pairing(actor=None, pairing=pairing_b)
    elif case == "future":
        kwargs["started_on"] = TODAY + datetime.timedelta(days=1)
    else:
        kwargs["household"] = pairing.household_a
        kwargs["kind"] = "secondary"
    with nothing_saved(), pytest.raises(ValidationError) as error:
        actions.pair(**kwargs)
    assert expected in message(error.value)


def test_it_lets_only_administrators_of_the_village_pair(pairing, cast):
    household = new_household(number="S9")
    for actor in (cast.county_b_admin, cast.auditor, cast.helper):
        with nothing_saved(), pytest.raises(ValidationError) as error:
            actions.pair(actor=actor, helper=pairing.helper_a, household=household)
        assert "只有" in message(error.value)
    # A county administrator does not see another county's helper.
    with nothing_saved(), pytest.raises(ValidationError) as error:
        actions.pair(actor=cast.county_a_admin, helper=pairing.helper_b, household=household)
    assert "不在您可以查看的区域内" in message(error.value)


def test_it_pairs_a_poor_member_and_a_city_cadre_reaches_the_city(pairing, cast):
    member = poor_member(pairing, new_household(number="M1"))
    cadre = actions.register_helper(
        actor=None, member=new_member(pairing.party.org_b, VILLAGE_B, 805), region_code="5108"
    )
    assert cadre.county_code == ""
    made = actions.pair(actor=None, helper=cadre, member=member)
    assert made.member == member and made.household is None
    assert actions.reaches(cadre, VILLAGE_A) and not actions.reaches(pairing.helper_b, VILLAGE_A)


def test_it_ends_a_pairing_once_and_not_before_it_began(pairing, cast):
    with nothing_saved(), pytest.raises(ValidationError) as error:
        actions.end_pairing(
            actor=cast.county_a_admin, pairing=pairing.pairing_a, ended_on=datetime.date(2020, 1, 1)
        )
    assert "开始之前" in message(error.value)
    ended = actions.end_pairing(actor=cast.county_a_admin, pairing=pairing.pairing_a)
    assert ended.ended_on == TODAY
    with pytest.raises(ValidationError):
        actions.end_pairing(actor=cast.county_a_admin, pairing=ended)
    assert AuditEvent.objects.filter(action="pairing.end_pairing").count() == 1


# Plans, measures, visits --------------------------------------------------------------------


def test_it_lets_a_helper_plan_for_their_household_only(pairing, cast):
    plan = actions.create_plan(actor=cast.helper, household=pairing.household_a, year=2025)
    assert plan.region_id == VILLAGE_A
    measure = actions.add_measure(
        actor=cast.helper, plan=plan, category="employment", description="介绍到县城务工"
    )
    assert measure.is_main, "the first measure is the main one"
    second = actions.add_measure(
        actor=cast.helper,
        plan=plan,
        category="health",
        description="慢病签约服务",
        cost=Decimal("200.50"),
        is_main=True,
    )
    assert list(plan.measures.filter(is_main=True)) == [second]
    assert rules.main_need(plan) == "health"
    with nothing_saved(), pytest.raises(ValidationError):
        actions.create_plan(actor=cast.helper, household=pairing.household_a2, year=2025)


@pytest.mark.parametrize("case", ["twice", "year", "deadline"])
def test_it_refuses_a_bad_plan(pairing, cast, case):
    kwargs: dict[str, Any] = {
        "actor": cast.county_a_admin,
        "household": pairing.household_a,
        "year": 2025,
    }
    expected = {"twice": "已有2024年", "year": "2000", "deadline": "早于"}[case]
    if case == "twice":
        kwargs["year"] = 2024
    elif case == "year":
        kwargs["year"] = 1999
    else:
        kwargs["exit_deadline"] = datetime.date(2024, 12, 31)
    with nothing_saved(), pytest.raises(ValidationError) as error:
        actions.create_plan(**kwargs)
    assert expected in message(error.value)


def test_it_refuses_a_negative_cost(pairing, cast):
    with nothing_saved(), pytest.raises(ValidationError):
        actions.add_measure(
            actor=None, plan=pairing.plan_a, category="industry", description="x", cost=Decimal(-1)
        )
    with nothing_saved(), pytest.raises(ValidationError):
        actions.add_measure(actor=None, plan=pairing.plan_a, category="magic", description="x")


def test_it_lets_a_helper_record_their_own_visits(pairing, cast):
    visit = actions.record_visit(
        actor=cast.helper,
        helper=pairing.helper_a,
        household=pairing.household_a,
        visited_on=TODAY,
        done="查看花椒苗长势",
    )
    assert visit.region_id == VILLAGE_A
    assert AuditEvent.objects.filter(action="pairing.record_visit", actor=cast.helper).exists()
    # Not as another helper.
    with nothing_saved(), pytest.raises(PermissionDenied):
        actions.record_visit(
            actor=cast.helper,
            helper=pairing.helper_b,
            household=pairing.household_b,
            visited_on=TODAY,
            done="冒充",
        )


@pytest.mark.parametrize("case", ["future", "not_paired", "before_pairing", "empty"])
def test_it_refuses_a_bad_visit(pairing, cast, case):
    kwargs: dict[str, Any] = {
        "actor": cast.helper,
        "helper": pairing.helper_a,
        "household": pairing.household_a,
        "visited_on": TODAY,
        "done": "走访",
    }
    expected = {
        "future": "不能晚于今天",
        "not_paired": "没有与",
        "before_pairing": "结对开始之前",
        "empty": "不能为空",
    }[case]
    if case == "future":
        kwargs["visited_on"] = TODAY + datetime.timedelta(days=1)
    elif case == "not_paired":
        kwargs["household"] = pairing.household_a2
    elif case == "before_pairing":
        kwargs["visited_on"] = datetime.date(2020, 1, 1)
    else:
        kwargs["done"] = "  "
    with nothing_saved(), pytest.raises(ValidationError) as error:
        actions.record_visit(**kwargs)
    assert expected in message(error.value)


# What a helper owns -------------------------------------------------------------------------


def test_it_shows_a_helper_only_what_they_own(pairing, cast):
    helper = cast.helper
    assert set(Household.objects.for_user(helper)) == {pairing.household_a}
    assert set(Person.objects.for_user(helper)) == set(pairing.household_a.members.all())
    assert set(Pairing.objects.for_user(helper)) == {pairing.pairing_a}
    assert set(Visit.objects.for_user(helper)) == {pairing.visit_a}
    assert set(HouseholdPlan.objects.for_user(helper)) == {pairing.plan_a}
    assert set(Measure.objects.for_user(helper)) == {pairing.measure_a}
    assert set(Helper.objects.for_user(helper)) == {pairing.helper_a}
    assert set(Member.objects.for_user(helper)) == {pairing.party.member_a}
    # An ended pairing no longer opens the household.
    actions.end_pairing(actor=None, pairing=pairing.pairing_a)
    assert not Household.objects.for_user(helper).exists()
    assert set(Pairing.objects.for_user(helper)) == {pairing.pairing_a}


def test_it_shows_the_sibling_county_nothing_of_county_a(pairing, cast):
    other = cast.county_b_admin
    assert set(Household.objects.for_user(other)) == {pairing.household_b}
    assert set(Pairing.objects.for_user(other)) == {pairing.pairing_b}
    assert set(HouseholdPlan.objects.for_user(other)) == {pairing.plan_b}
    assert set(Visit.objects.for_user(other)) == {pairing.visit_b}
    assert set(Helper.objects.for_user(other)) == {pairing.helper_b}


# Coverage and warnings ----------------------------------------------------------------------


def test_it_counts_coverage_and_over_cap_helpers(pairing, cast):
    member = poor_member(pairing, new_household(number="M2"))
    found = checks.coverage(COUNTY_A)
    assert found.households == 3  # household A, A2 and the new one
    assert found.members == 1
    assert set(found.unpaired_households) == {pairing.household_a2, member.person.household}
    assert list(found.unpaired_members) == [member]
    assert found.over_cap == []
    actions.pair(actor=None, helper=pairing.helper_a, member=member)
    actions.set_cap_rule(
        actor=None, region_code=VILLAGE_A, primary_cap=1, leader_cap=1, secondary_cap=1
    )
    # The cap was lowered after the pairings were made: helper A is now over it.
    over = checks.coverage(COUNTY_A).over_cap
    assert [(o.helper, o.load, o.cap) for o in over] == [(pairing.helper_a, 2, 1)]


def test_it_warns_of_pairings_without_a_visit_for_six_months(pairing, cast):
    pairings = Pairing.objects.all()
    assert set(checks.unvisited(pairings, datetime.date(2024, 9, 1))) == set()
    assert set(checks.unvisited(pairings, datetime.date(2024, 11, 1))) == {
        pairing.pairing_a,
        pairing.pairing_b,
    }
    actions.record_visit(
        actor=None,
        helper=pairing.helper_a,
        household=pairing.household_a,
        visited_on=datetime.date(2024, 10, 1),
        done="回访",
    )
    assert set(checks.unvisited(pairings, datetime.date(2024, 11, 1))) == {pairing.pairing_b}


# Proposals ----------------------------------------------------------------------------------


def result(items: list[dict[str, Any]]) -> ProposalResult:
    return ProposalResult(
        beneficiaries=2,
        assigned=2,
        unassigned=0,
        cost_before=2000,
        cost_after=40,
        seconds=0.1,
        histogram={1: 1, 2: 1},
        items=items,
    )


def proposal_for(pairing: Any, actor: Any) -> Proposal:
    new = pairing.helper_a
    items = [
        {"kind": "household", "id": pairing.household_a2.pk, "village": VILLAGE_A2, "old": None,
         "new": new.pk, "name": "", "old_name": "", "new_name": "", "reason": ""},
        {"kind": "household", "id": pairing.household_a.pk, "village": VILLAGE_A,
         "old": new.pk, "new": None, "name": "", "old_name": "", "new_name": "",
         "reason": "helpers_at_cap"},
    ]  # fmt: skip
    return actions.save_proposal(
        actor=actor, region_code=COUNTY_A, result=result(items), rebalance=False
    )


def test_it_applies_a_proposal_with_audit_per_village(pairing, cast):
    proposal = proposal_for(pairing, cast.county_a_admin)
    assert proposal.summary["cost_after"] == 40
    # Another administrator than who proposed it applies it (four eyes).
    made = actions.apply_proposal(actor=cast.province_admin, proposal=proposal)
    assert made == 1
    paired = Pairing.objects.get(household=pairing.household_a2, ended_on__isnull=True)
    assert paired.helper == pairing.helper_a and paired.source == "optimiser"
    assert Pairing.objects.get(pk=pairing.pairing_a.pk).ended_on is None, "kept: no new helper"
    village = AuditEvent.objects.get(action="pairing.apply_proposal_village")
    assert village.region_code == VILLAGE_A2 and village.actor == cast.province_admin
    assert AuditEvent.objects.filter(action="pairing.apply_proposal").count() == 1
    with pytest.raises(ValidationError) as error:
        actions.apply_proposal(actor=cast.province_admin, proposal=proposal)
    assert "已" in message(error.value)


def test_it_keeps_applying_a_proposal_to_another_user_than_who_made_it(pairing, cast, settings):
    proposal = proposal_for(pairing, cast.county_a_admin)
    events = AuditEvent.objects.count()
    for separation in ("strict", "proposer"):  # two steps: either way two users
        settings.DUTY_SEPARATION = {"51": separation}
        with nothing_saved(), pytest.raises(PermissionDenied) as error:
            actions.apply_proposal(actor=cast.county_a_admin, proposal=proposal)
        assert str(error.value) == "该结对方案由您提出，须由另一位用户应用。"
    # The sibling county's administrator may not touch it either.
    with nothing_saved(), pytest.raises(ValidationError):
        actions.apply_proposal(actor=cast.county_b_admin, proposal=proposal)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, AuditEvent.objects.count()) == (
        "open",
        None,
        events,
    )
    assert not Pairing.objects.filter(household=pairing.household_a2).exists()
    assert actions.apply_proposal(actor=cast.province_admin, proposal=proposal) == 1
    proposal.refresh_from_db()
    assert (proposal.created_by, proposal.decided_by) == (cast.county_a_admin, cast.province_admin)
    # Who made a proposal may still discard it: nothing changes by that.
    mine = proposal_for(pairing, cast.county_a_admin)
    actions.discard_proposal(actor=cast.county_a_admin, proposal=mine)
    assert Proposal.objects.get(pk=mine.pk).status == "discarded"


def test_it_refuses_a_stale_proposal_and_saves_nothing(pairing, cast):
    proposal = proposal_for(pairing, cast.county_a_admin)
    actions.pair(actor=None, helper=pairing.helper_a, household=pairing.household_a2)
    with nothing_saved(), pytest.raises(ValidationError) as error:
        actions.apply_proposal(actor=cast.province_admin, proposal=proposal)
    assert "重新" in message(error.value)
    assert Proposal.objects.get(pk=proposal.pk).status == "open"


def test_it_lets_only_who_may_pair_propose_apply_or_discard(pairing, cast):
    with nothing_saved(), pytest.raises(ValidationError):
        proposal_for(pairing, cast.county_b_admin)
    proposal = proposal_for(pairing, cast.county_a_admin)
    for actor in (cast.county_b_admin, cast.auditor, cast.helper, cast.village_a_secretary):
        with nothing_saved(), pytest.raises(ValidationError):
            actions.discard_proposal(actor=actor, proposal=proposal)
    actions.discard_proposal(actor=cast.province_admin, proposal=proposal)
    assert Proposal.objects.get(pk=proposal.pk).status == "discarded"


def test_it_records_a_past_pairing_without_todays_checks(pairing, cast):
    # Household A has a current primary helper; a past one is history, not a second current.
    other = actions.register_helper(
        actor=None, member=new_member(pairing.party.org_a2, VILLAGE_A2, 806)
    )
    past = actions.pair(
        actor=cast.county_a_admin,
        helper=other,
        household=pairing.household_a,
        started_on=datetime.date(2016, 1, 1),
        ended_on=datetime.date(2019, 12, 31),
    )
    assert not past.current
    with nothing_saved(), pytest.raises(ValidationError) as error:
        actions.pair(
            actor=cast.county_a_admin,
            helper=other,
            household=pairing.household_a2,
            started_on=datetime.date(2019, 1, 1),
            ended_on=datetime.date(2018, 1, 1),
        )
    assert "开始之前" in message(error.value)


def test_it_lets_no_helper_change_their_own_helper_record(pairing, cast):
    with nothing_saved(), pytest.raises(ValidationError) as error:
        actions.update_helper(actor=cast.helper, helper=pairing.helper_a, is_leader=True)
    assert "管理员" in message(error.value)
    with nothing_saved(), pytest.raises(ValidationError):
        actions.delete_helper(actor=cast.helper, helper=pairing.helper_a)
    assert not Helper.objects.get(pk=pairing.helper_a.pk).is_leader


def test_it_lets_a_helper_read_but_not_change_the_registry_or_the_roster(pairing, cast):
    with nothing_saved(), pytest.raises(PermissionDenied):
        registry_actions.record_status(
            actor=cast.helper, household=pairing.household_a, year=TODAY.year, status="exited"
        )
    with nothing_saved(), pytest.raises(PermissionDenied):
        party_actions.add_tag(
            actor=cast.helper,
            member=pairing.party.member_a,
            kind="wealth_leader",
            since=datetime.date(2020, 1, 1),
        )
    with nothing_saved(), pytest.raises(ValidationError):
        actions.end_pairing(actor=cast.helper, pairing=pairing.pairing_a)
