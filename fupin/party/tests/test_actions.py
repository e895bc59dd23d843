"""The party's actions without HTTP: scope, rules, reorganisation, audit; nothing partly saved."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.audit.models import AuditEvent
from fupin.lib.ids import make_resident_id
from fupin.party import actions
from fupin.party.actions import Successor
from fupin.party.checks import warnings_for
from fupin.party.models import Member, Organisation, Reorganisation
from fupin.party.tests.conftest import CHANGEABLE_ORGS, VISIBLE_MEMBERS, VISIBLE_ORGS
from fupin.registry import actions as registry
from fupin.testing import (
    COUNTY_A,
    TOWNSHIP_A,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    nothing_saved,
)

D = datetime.date
VILLAGE_A_BIS = "510821100002"  # the second village of township A


def _names(qs: Any, sample: Any) -> set[str]:
    """The sample's attribute names of the rows in `qs` (of one model)."""
    by_pk = {obj.pk: k for k, obj in vars(sample).items() if isinstance(obj, qs.model)}
    return {by_pk[pk] for pk in qs.values_list("pk", flat=True) if pk in by_pk}


def _messages(e: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(e.value.messages)


def test_it_shows_a_spanning_organisation_to_both_counties(cast, party):
    for name, user in cast.members().items():
        seen = _names(Organisation.objects.for_user(user), party)
        changeable = _names(Organisation.objects.for_user(user, "change"), party)
        assert seen == VISIBLE_ORGS[name], name
        assert changeable == CHANGEABLE_ORGS[name], name
        assert _names(Member.objects.for_user(user), party) == VISIBLE_MEMBERS[name], name


def test_it_lets_only_the_level_above_both_counties_change_the_park(cast, party):
    for user in (cast.county_a_admin, cast.county_b_admin):
        with nothing_saved(), pytest.raises(PermissionDenied):
            actions.update_organisation(actor=user, organisation=party.park, note="x")
    actions.update_organisation(actor=cast.province_admin, organisation=party.park, note="ok")
    assert Organisation.objects.get(pk=party.park.pk).note == "ok"


def test_it_creates_an_organisation_with_audit(cast, party):
    org = actions.create_organisation(
        actor=cast.county_a_admin,
        name="东河镇党委",
        level="committee",
        kind="village",
        region_codes=[TOWNSHIP_A],
    )
    assert org.region_id == TOWNSHIP_A
    event = AuditEvent.objects.get(action="party.create_organisation", object_id=str(org.pk))
    assert event.actor == cast.county_a_admin
    assert event.after["regions"] == [TOWNSHIP_A]


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        ([], "至少覆盖一个"),
        (["999999999999"], "没有代码为"),
        ([VILLAGE_B], "不在您可以修改的区域内"),
        ([TOWNSHIP_A, VILLAGE_A], "位于另一个覆盖区域之内"),
    ],
)
def test_it_refuses_bad_coverage(cast, party, codes, message):
    with nothing_saved(), pytest.raises(ValidationError) as e:
        actions.create_organisation(
            actor=cast.county_a_admin,
            name="新支部",
            level="branch",
            kind="village",
            region_codes=codes,
        )
    assert message in _messages(e)


def test_it_refuses_a_child_outside_its_parents_coverage(party):
    with nothing_saved(), pytest.raises(ValidationError) as e:
        actions.create_organisation(
            actor=None,
            name="越界党小组",
            level="group",
            kind="village",
            region_codes=[VILLAGE_B],
            parent=party.org_a,
        )
    assert "超出上级组织" in _messages(e)


def test_it_merges_three_branches_into_two_general_branches(cast, party):
    third = actions.create_organisation(
        actor=None,
        name="甲一村党支部",
        level="branch",
        kind="village",
        region_codes=[VILLAGE_A_BIS],
    )
    extra = actions.register_member(
        actor=None,
        organisation=third,
        name="新党员",
        id_number=make_resident_id(COUNTY_A, D(1980, 1, 1), 601),
        stage="full",
        joined_on=D(2005, 7, 1),
        full_on=D(2006, 7, 1),
    )
    result = actions.reorganise(
        actor=cast.county_a_admin,
        sources=[party.org_a, third, party.org_a2],
        successors=[
            Successor("东河社区党总支", "general_branch", "community", [VILLAGE_A, VILLAGE_A_BIS]),
            Successor("嘉川社区党总支", "general_branch", "community", [VILLAGE_A2]),
        ],
        on=D(2016, 5, 1),
        note="合并",
    )
    first, second = result.successors.order_by("name")[1], result.successors.order_by("name")[0]
    assert {first.name, second.name} == {"东河社区党总支", "嘉川社区党总支"}
    assert Member.objects.get(pk=party.member_a.pk).organisation.name == "东河社区党总支"
    assert Member.objects.get(pk=extra.pk).organisation.name == "东河社区党总支"
    assert Member.objects.get(pk=party.member_a2.pk).organisation.name == "嘉川社区党总支"
    assert result.members_moved == 3
    closed = Organisation.objects.filter(pk__in=[party.org_a.pk, third.pk, party.org_a2.pk])
    assert set(closed.values_list("closed_on", flat=True)) == {D(2016, 5, 1)}
    assert set(party.org_a.closed_by.all()) == {result}
    # The history reads both ways, and the audit log has the step and each new organisation.
    assert Reorganisation.objects.for_user(cast.county_a_admin).filter(pk=result.pk).exists()
    assert not Reorganisation.objects.for_user(cast.county_b_admin).filter(pk=result.pk).exists()
    assert AuditEvent.objects.filter(action="party.reorganise").count() == 1
    assert AuditEvent.objects.filter(action="party.create_organisation").count() >= 2


def test_it_refuses_a_merge_that_strands_members(cast, party):
    with nothing_saved(), pytest.raises(ValidationError) as e:
        actions.reorganise(
            actor=cast.county_a_admin,
            sources=[party.org_a, party.org_a2],
            successors=[Successor("东河党总支", "general_branch", "village", [VILLAGE_A])],
            on=D(2016, 5, 1),
        )
    assert "党员甲二" in _messages(e)


def test_it_refuses_to_reorganise_what_spans_beyond_the_actor(cast, party):
    with nothing_saved(), pytest.raises(PermissionDenied):
        actions.reorganise(
            actor=cast.county_a_admin,
            sources=[party.park],
            successors=[Successor("新园区党委", "committee", "park", [VILLAGE_A2])],
            on=D(2016, 5, 1),
        )


def test_it_refuses_a_closed_source_and_a_future_date(cast, party):
    actions.reorganise(
        actor=None,
        sources=[party.org_a],
        successors=[Successor("甲村党总支", "general_branch", "village", [VILLAGE_A])],
        on=D(2016, 5, 1),
    )
    with nothing_saved(), pytest.raises(ValidationError) as e:
        actions.reorganise(
            actor=None,
            sources=[party.org_a],
            successors=[Successor("又一支部", "branch", "village", [VILLAGE_A])],
            on=D(2017, 5, 1),
        )
    assert "已撤销" in _messages(e)
    with nothing_saved(), pytest.raises(ValidationError):
        actions.reorganise(
            actor=None,
            sources=[party.org_a2],
            successors=[Successor("未来支部", "branch", "village", [VILLAGE_A2])],
            on=datetime.date.today() + datetime.timedelta(days=3),
        )


def test_it_registers_a_member_with_the_id_giving_sex_and_birth(cast, party):
    number = make_resident_id(COUNTY_A, D(1990, 2, 3), 611)
    member = actions.register_member(
        actor=cast.village_a_secretary,
        organisation=party.org_a,
        name="王五",
        id_number=number,
        stage="probationary",
        joined_on=D(2020, 7, 1),
    )
    assert member.birth_date == D(1990, 2, 3) and member.region_id == VILLAGE_A
    assert member.county_code == COUNTY_A
    event = AuditEvent.objects.get(action="party.register_member", object_id=str(member.pk))
    assert number not in str(event.after) and "1990-02-03" not in str(event.after)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"id_number": "51082119900203123"}, "id_number", "18"),
        ({"id_number": make_resident_id(COUNTY_A, D(1975, 3, 3), 501)}, "id_number", "甲村党支部"),
        ({"stage": "probationary", "joined_on": None}, "joined_on", "入党时间"),
        (
            {"stage": "full", "joined_on": D(2020, 1, 1), "full_on": D(2020, 6, 1)},
            "full_on",
            "一年",
        ),
        ({"stage": "activist", "joined_on": D(2020, 1, 1)}, "joined_on", "党员"),
        ({"joined_on": D(2000, 1, 1)}, "joined_on", "18"),
    ],
)
def test_it_refuses_a_bad_member(party, fields, field, message):
    data = {
        "name": "坏数据",
        "id_number": make_resident_id(COUNTY_A, D(1990, 2, 3), 621),
        "stage": "full",
        "joined_on": D(2015, 7, 1),
        "full_on": D(2016, 7, 1),
        **fields,
    }
    with nothing_saved(), pytest.raises(ValidationError) as e:
        actions.register_member(actor=None, organisation=party.org_a, **data)
    assert field in e.value.message_dict
    assert message in " ".join(e.value.message_dict[field])


def test_it_refuses_a_member_outside_the_organisation_or_the_actor(cast, party):
    number = make_resident_id(COUNTY_A, D(1990, 2, 3), 631)
    with nothing_saved(), pytest.raises(ValidationError) as e:
        actions.register_member(
            actor=None, organisation=party.park, name="甲", id_number=number, stage="applicant"
        )
    assert "region" in e.value.message_dict  # the park covers two villages: which one?
    with nothing_saved(), pytest.raises(ValidationError) as e:
        actions.register_member(
            actor=None,
            organisation=party.org_a,
            region_code=VILLAGE_B,
            name="甲",
            id_number=number,
            stage="applicant",
        )
    assert "region" in e.value.message_dict
    with nothing_saved(), pytest.raises(ValidationError) as e:
        actions.register_member(
            actor=cast.county_b_admin,
            organisation=party.org_a,
            name="甲",
            id_number=number,
            stage="applicant",
        )
    assert "organisation" in e.value.message_dict
    # County A's administrator puts a member in the park, in its own village only.
    member = actions.register_member(
        actor=cast.county_a_admin,
        organisation=party.park,
        region_code=VILLAGE_A2,
        name="甲",
        id_number=number,
        stage="applicant",
    )
    assert member.county_code == COUNTY_A
    with nothing_saved(), pytest.raises(ValidationError):
        actions.update_member(
            actor=cast.county_a_admin,
            member=member,
            organisation=party.park,
            region_code=VILLAGE_B,
        )


def test_it_transfers_a_member_and_audits_it(cast, party):
    actions.update_member(
        actor=cast.county_a_admin,
        member=party.member_a,
        organisation=party.org_a2,
        region_code=VILLAGE_A2,
    )
    member = Member.objects.get(pk=party.member_a.pk)
    assert member.organisation == party.org_a2 and member.region_id == VILLAGE_A2
    event = AuditEvent.objects.get(action="party.update_member", object_id=str(member.pk))
    assert event.before["organisation"] == party.org_a.pk
    assert event.after["organisation"] == party.org_a2.pk


def registered_as_poor(member: Any, number: str) -> Any:
    """`member` as the head of household `number` of village A in the registry."""
    household = registry.create_household(
        actor=None, village_code=VILLAGE_A, number=number, main_cause="illness", registered_in=2014
    )
    return registry.add_person(
        actor=None,
        household=household,
        name=member.name,
        id_number=member.id_number,
        relation="head",
    )


def test_it_tags_a_poor_member_only_when_registered(party):
    with nothing_saved(), pytest.raises(ValidationError) as e:
        actions.add_tag(actor=None, member=party.member_a, kind="poor", since=D(2014, 1, 1))
    assert "建档立卡" in _messages(e)
    person = registered_as_poor(party.member_a, "P01")
    actions.add_tag(actor=None, member=party.member_a, kind="poor", since=D(2014, 1, 1))
    assert Member.objects.get(pk=party.member_a.pk).person == person


def test_it_checks_the_tags_details(party):
    cases = [
        ({"kind": "returnee"}, "came_from"),
        ({"kind": "post_holder"}, "post"),
        ({"kind": "cadre"}, "unit"),
        ({"kind": "young_talent"}, "kind"),  # born 1975, joined 2000: 25 — allowed below
        ({"kind": "wealth_leader", "until": D(2013, 1, 1)}, "until"),
    ]
    for extra, field in cases[:3] + cases[4:]:
        with nothing_saved(), pytest.raises(ValidationError) as e:
            actions.add_tag(actor=None, member=party.member_a, since=D(2014, 1, 1), **extra)
        assert field in e.value.message_dict, extra
    actions.add_tag(actor=None, member=party.member_a, kind="young_talent", since=D(2000, 7, 1))
    old = actions.register_member(
        actor=None,
        organisation=party.org_a,
        name="老党员",
        id_number=make_resident_id(COUNTY_A, D(1950, 1, 1), 641),
        stage="full",
        joined_on=D(1990, 7, 1),
        full_on=D(1991, 7, 1),
    )
    with nothing_saved(), pytest.raises(ValidationError) as e:
        actions.add_tag(actor=None, member=old, kind="young_talent", since=D(1990, 7, 1))
    assert "35" in _messages(e)
    actions.add_tag(actor=None, member=party.member_a, kind="wealth_leader", since=D(2014, 1, 1))
    with nothing_saved(), pytest.raises(ValidationError):
        actions.add_tag(
            actor=None, member=party.member_a, kind="wealth_leader", since=D(2015, 1, 1)
        )


def test_it_walks_the_development_pipeline_in_order(cast, party):
    person = actions.register_member(
        actor=cast.village_a_secretary,
        organisation=party.org_a,
        name="吴三礼",
        id_number=make_resident_id(COUNTY_A, D(1985, 4, 4), 651),
        stage="applicant",
    )
    steps = [
        ("applicant", D(2015, 3, 1), ""),
        ("activist", D(2015, 6, 1), "张三、李四"),
        ("target", D(2016, 6, 1), ""),
        ("probationary", D(2016, 12, 1), ""),
        ("full", D(2017, 12, 1), ""),
    ]
    for stage, on, contacts in steps:
        actions.record_step(
            actor=cast.village_a_secretary,
            member=person,
            stage=stage,
            on=on,
            approved_by="甲村党支部",
            contacts=contacts,
        )
    person.refresh_from_db()
    assert person.stage == "full"
    assert (person.joined_on, person.full_on) == (D(2016, 12, 1), D(2017, 12, 1))
    assert (
        AuditEvent.objects.filter(action="party.record_step", object_id=str(person.pk)).count() == 5
    )


@pytest.mark.parametrize(
    ("done", "step", "field"),
    [
        (
            [],
            ("activist", D(2015, 6, 1), "张三、李四"),
            None,
        ),  # skipping the application is fine? no:
        ([("applicant", D(2015, 3, 1), "")], ("target", D(2016, 6, 1), ""), "stage"),
        ([("applicant", D(2015, 3, 1), "")], ("activist", D(2015, 1, 1), "张三、李四"), "on"),
        ([("applicant", D(2015, 3, 1), "")], ("activist", D(2015, 6, 1), "张三"), "contacts"),
        (
            [("applicant", D(2015, 3, 1), ""), ("activist", D(2015, 6, 1), "张三 李四")],
            ("target", D(2016, 5, 31), ""),
            "on",
        ),
        (
            [
                ("applicant", D(2015, 3, 1), ""),
                ("activist", D(2015, 6, 1), "张三 李四"),
                ("target", D(2016, 6, 1), ""),
                ("probationary", D(2016, 7, 1), ""),
            ],
            ("full", D(2017, 6, 30), ""),
            "on",
        ),
    ],
)
def test_it_refuses_steps_out_of_order_or_too_soon(party, done, step, field):
    person = actions.register_member(
        actor=None,
        organisation=party.org_a,
        name="申请人",
        id_number=make_resident_id(COUNTY_A, D(1985, 4, 4), 661),
        stage="applicant",
    )
    for stage, on, contacts in done:
        actions.record_step(actor=None, member=person, stage=stage, on=on, contacts=contacts)
    stage, on, contacts = step
    if field is None:
        # Registered as an applicant without a dated application: the next step may follow.
        actions.record_step(actor=None, member=person, stage=stage, on=on, contacts=contacts)
        return
    with nothing_saved(), pytest.raises(ValidationError) as e:
        actions.record_step(actor=None, member=person, stage=stage, on=on, contacts=contacts)
    assert field in e.value.message_dict


def test_it_logs_services_in_scope(cast, party):
    service = actions.record_service(
        actor=cast.village_a_secretary,
        member=party.member_a,
        village_code=VILLAGE_A,
        on=D(2016, 3, 1),
        kind="sales",
        channel="wechat",
        note="帮销核桃",
    )
    assert service.county_code == COUNTY_A
    with nothing_saved(), pytest.raises(ValidationError):
        actions.record_service(
            actor=cast.village_a_secretary,
            member=party.member_a,
            village_code=VILLAGE_B,
            on=D(2016, 3, 1),
            kind="sales",
        )
    with nothing_saved(), pytest.raises(PermissionDenied):
        actions.record_service(
            actor=cast.county_b_admin,
            member=party.member_a,
            village_code=VILLAGE_B,
            on=D(2016, 3, 1),
            kind="sales",
        )
    with nothing_saved(), pytest.raises(ValidationError):
        actions.record_service(
            actor=None,
            member=party.member_a,
            village_code=VILLAGE_A,
            on=D(2016, 3, 1),
            kind="nonsense",
        )
    actions.delete_service(actor=cast.county_a_admin, service=service)
    assert AuditEvent.objects.filter(action="party.delete_service").count() == 1


def test_it_deletes_only_an_empty_organisation(cast, party):
    with nothing_saved(), pytest.raises(ValidationError):
        actions.delete_organisation(actor=cast.county_a_admin, organisation=party.org_a)
    actions.delete_member(actor=cast.county_a_admin, member=party.member_a)
    actions.delete_organisation(actor=cast.county_a_admin, organisation=party.org_a)
    assert not Organisation.objects.filter(pk=party.org_a.pk).exists()
    assert AuditEvent.objects.filter(action="party.delete_organisation").count() == 1


def test_it_warns_about_branch_sizes(party):
    warnings = warnings_for([party.org_a, party.park])
    assert "至少需要3名正式党员" in warnings[party.org_a.pk][0]
    assert party.park.pk not in warnings  # a committee has no branch minimum


def test_it_changes_coverage_only_where_members_and_children_still_fit(cast, party):
    township = actions.create_organisation(
        actor=None, name="东河镇党委", level="committee", kind="village", region_codes=[TOWNSHIP_A]
    )
    actions.update_organisation(actor=None, organisation=party.org_a, parent=township)
    with nothing_saved(), pytest.raises(ValidationError) as e:
        actions.update_organisation(actor=None, organisation=township, region_codes=[VILLAGE_A_BIS])
    assert "甲村党支部" in _messages(e)
    with nothing_saved(), pytest.raises(ValidationError) as e:
        actions.update_organisation(
            actor=None, organisation=party.org_a, region_codes=[VILLAGE_A_BIS]
        )
    assert "1" in _messages(e)  # the one member lives in village A
    actions.update_organisation(
        actor=None, organisation=party.org_a, region_codes=[VILLAGE_A, VILLAGE_A_BIS]
    )
    assert set(party.org_a.coverage.values_list("region_id", flat=True)) == {
        VILLAGE_A,
        VILLAGE_A_BIS,
    }
    assert Organisation.objects.get(pk=party.org_a.pk).region_id == TOWNSHIP_A


def test_it_keeps_the_sources_member_counts_in_the_history(party):
    result = actions.reorganise(
        actor=None,
        sources=[party.org_a],
        successors=[Successor("甲村党总支", "general_branch", "village", [VILLAGE_A])],
        on=D(2016, 5, 1),
    )
    event = AuditEvent.objects.get(action="party.reorganise", object_id=str(result.pk))
    assert event.before["organisations"][0]["id"] == party.org_a.pk
    assert event.before["organisations"][0]["members"] == 1


def test_it_refuses_a_parent_the_actor_cannot_see(cast, party):
    with nothing_saved(), pytest.raises(ValidationError) as e:
        actions.create_organisation(
            actor=cast.county_b_admin,
            name="乙村党小组",
            level="group",
            kind="village",
            region_codes=[VILLAGE_B],
            parent=party.org_a,
        )
    assert "parent" in e.value.message_dict


def test_it_counts_members_proper_not_applicants(party):
    from fupin.party.models import with_member_count

    actions.register_member(
        actor=None,
        organisation=party.org_a,
        name="申请人",
        id_number=make_resident_id(COUNTY_A, D(1995, 4, 4), 671),
        stage="applicant",
    )
    counts = dict(
        with_member_count(
            Organisation.objects.filter(pk__in=[party.org_a.pk, party.org_b.pk])
        ).values_list("pk", "member_count")
    )
    assert counts == {party.org_a.pk: 1, party.org_b.pk: 1}


def test_it_keeps_the_registry_record_of_a_poor_member(cast, party):
    person = registered_as_poor(party.member_a, "P02")
    household = person.household
    actions.add_tag(actor=None, member=party.member_a, kind="poor", since=D(2014, 1, 1))
    for delete in (
        lambda: registry.delete_person(actor=cast.county_a_admin, person=person),
        lambda: registry.delete_household(actor=cast.county_a_admin, household=household),
    ):
        with nothing_saved(), pytest.raises(ValidationError) as e:
            delete()
        assert "党员甲" in _messages(e)
