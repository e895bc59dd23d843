"""The projects' actions without HTTP: approval steps by level, partners' credit codes, the
share register, dividend runs from proposal to reversal, contracts; bad input refused with
nothing saved; every write audited."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from fupin.audit.models import AuditEvent
from fupin.projects import actions, dividends
from fupin.projects.choices import RunStatus, Stage
from fupin.projects.models import DividendRun, Participant, ParticipantIncome
from fupin.projects.register import register
from fupin.projects.rules import parse_period
from fupin.registry.models import IncomeRecord
from fupin.testing import COUNTY_A, VILLAGE_A, Cast, ProjectsSample, nothing_saved

Y2019 = (datetime.date(2019, 1, 1), datetime.date(2019, 12, 31))
LATER = datetime.date(2019, 2, 1)


def propose(project: Any, actor: Any = None, profit: str = "30000.00", period: Any = Y2019) -> Any:
    return actions.propose_dividend_run(
        actor=actor, project=project, period_start=period[0], period_end=period[1], profit=profit
    )


def incomes(sample: ProjectsSample) -> dict[int, Decimal]:
    return dict(
        IncomeRecord.objects.filter(
            household__in=[sample.household_a1, sample.household_a2, sample.household_a3]
        ).values_list("household_id", "property_income")
    )


# Projects and approval ---------------------------------------------------------------------


def test_it_creates_a_project_with_its_first_step_and_an_audit_event(
    projects: ProjectsSample,
) -> None:
    project = projects.project_a
    assert project.stage == Stage.PROPOSED
    assert project.region_id == VILLAGE_A
    assert list(project.approvals.values_list("stage", flat=True)) == [Stage.PROPOSED]
    event = AuditEvent.objects.get(action="projects.create_project", object_id=str(project.pk))
    assert event.after is not None and event.after["villages"] == [VILLAGE_A]


@pytest.mark.parametrize(
    ("actor", "changes", "field"),
    [
        pytest.param(
            "county_a_admin",
            {"reserve_percent": Decimal("60"), "collective_percent": Decimal("50")},
            "collective_percent",
            id="a-charter-over-100-percent",
        ),
        pytest.param("county_b_admin", {}, "village_codes", id="a-village-out-of-scope"),
        pytest.param(
            "county_a_admin", {"village_codes": [COUNTY_A]}, "village_codes", id="not-a-village"
        ),
    ],
)
def test_it_refuses_a_bad_project(
    cast: Cast, projects: ProjectsSample, actor: str, changes: dict[str, Any], field: str
) -> None:
    with nothing_saved(), pytest.raises(ValidationError) as refused:
        actions.create_project(
            actor=getattr(cast, actor),
            **{
                "name": "新项目",
                "type": "cooperative",
                "setup": "branch_cooperative",
                "village_codes": [VILLAGE_A],
            }
            | changes,
        )
    assert field in refused.value.message_dict


def test_it_takes_the_approval_steps_in_order_each_by_its_level(
    cast: Cast, projects: ProjectsSample
) -> None:
    project = projects.project_a
    secretary = cast.village_a_secretary
    with nothing_saved(), pytest.raises(ValidationError):  # not the next step
        actions.advance_project(actor=secretary, project=project, stage=Stage.PUBLIC_NOTICE)
    for stage in (Stage.COMMITTEES, Stage.MEMBERS_MEETING, Stage.PUBLIC_NOTICE):
        actions.advance_project(actor=secretary, project=project, stage=stage)
    with nothing_saved(), pytest.raises(ValidationError) as refused:
        actions.advance_project(actor=secretary, project=project, stage=Stage.TOWNSHIP_REVIEW)
    assert "stage" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        actions.advance_project(
            actor=cast.county_b_admin, project=project, stage=Stage.TOWNSHIP_REVIEW
        )
    actions.advance_project(actor=cast.county_a_admin, project=project, stage=Stage.TOWNSHIP_REVIEW)
    actions.advance_project(actor=cast.county_a_admin, project=project, stage=Stage.FILED)
    project.refresh_from_db()
    assert project.stage == Stage.FILED
    assert project.approvals.count() == 6
    assert AuditEvent.objects.filter(action="projects.advance_project").count() == 5
    with pytest.raises(ValidationError):
        actions.advance_project(actor=None, project=project, stage=Stage.FILED)


def test_it_refuses_a_step_dated_in_the_future(projects: ProjectsSample) -> None:
    with nothing_saved(), pytest.raises(ValidationError) as refused:
        actions.advance_project(
            actor=None,
            project=projects.project_a,
            stage=Stage.COMMITTEES,
            done_on=datetime.date.today() + datetime.timedelta(days=1),
        )
    assert "done_on" in refused.value.message_dict


# Partners ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["91510821MA62A00011", "123", "91510821MA62A0001I", "ABCDEFGHIJKLMNOPQR"]
)
def test_it_refuses_an_invalid_credit_code(cast: Cast, projects: ProjectsSample, code: str) -> None:
    with nothing_saved(), pytest.raises(ValidationError) as refused:
        actions.create_partner(
            actor=cast.county_a_admin,
            kind="enterprise",
            name="无效代码公司",
            region_code=COUNTY_A,
            credit_code=code,
        )
    assert "credit_code" in refused.value.message_dict


def test_it_refuses_an_enterprise_without_a_code_or_with_a_taken_one(
    projects: ProjectsSample,
) -> None:
    for code in ("", projects.enterprise.credit_code):
        with nothing_saved(), pytest.raises(ValidationError) as refused:
            actions.create_partner(
                actor=None, kind="enterprise", name="某公司", region_code=COUNTY_A, credit_code=code
            )
        assert "credit_code" in refused.value.message_dict


def test_it_keeps_a_partner_that_supports_projects(projects: ProjectsSample) -> None:
    with nothing_saved(), pytest.raises(ValidationError):
        actions.delete_partner(actor=None, partner=projects.enterprise)
    actions.unlink_partner(actor=None, project=projects.project_a, partner=projects.enterprise)
    actions.delete_partner(actor=None, partner=projects.enterprise)
    assert AuditEvent.objects.filter(action="projects.delete_partner").count() == 1


# Participants and shares -------------------------------------------------------------------


def test_it_converts_land_funds_and_cash_into_shares_by_the_charter(
    projects: ProjectsSample,
) -> None:
    lines = {line.participant_id: line for line in register(projects.project_a)}
    a1 = lines[projects.holder_a1.pk]
    assert (a1.ordinary, a1.preferred, a1.preferred_value) == (
        Decimal("1600.00"),  # 2 亩 at 800 yuan a 亩, 1 yuan a share
        Decimal("2000.00"),
        Decimal("2000.00"),
    )
    assert projects.trainee.pk not in lines
    assert register(projects.project_a, datetime.date(2018, 3, 14)) == []


# The register closes on the day a recorded run paid on (the sample's 2018 run).
CLOSED = {"dated_on": datetime.date(2018, 6, 1)}


@pytest.mark.parametrize(
    "holder, kwargs, field",
    [
        ("holder_a3", {"asset": "cash", "amount": "-5"}, "amount"),
        ("holder_a3", {"asset": "cash", "amount": "0"}, "amount"),
        ("holder_a3", {"asset": "cash", "amount": "abc"}, "amount"),
        ("holder_a3", {"asset": "cash", "amount": "1.005"}, "amount"),
        ("holder_a3", {"asset": "land", "land_mu": "0"}, "land_mu"),
        ("holder_a3", {"asset": "gold", "amount": "5"}, "asset"),
        ("holder_a3", {"asset": "cash", "amount": "100"} | CLOSED, "dated_on"),
        # Project B's charter values no land.
        ("holder_b", {"asset": "land", "land_mu": "3"}, "land_mu"),
        # Preferred shares go only to poor households.
        ("villager", {"asset": "fund", "amount": "100", "preferred": True}, "preferred"),
    ],
)
def test_it_refuses_bad_contributions(
    projects: ProjectsSample, holder: str, kwargs: dict[str, Any], field: str
) -> None:
    participant = getattr(projects, holder)
    with nothing_saved(), pytest.raises(ValidationError) as refused:
        actions.contribute(actor=None, participant=participant, **{"dated_on": LATER} | kwargs)
    assert field in refused.value.message_dict


def test_it_gives_preferred_shares_only_under_a_charter_with_a_rate(
    projects: ProjectsSample,
) -> None:
    with nothing_saved(), pytest.raises(ValidationError):
        actions.contribute(
            actor=None,
            participant=projects.holder_b,
            asset="fund",
            amount="100",
            preferred=True,
            dated_on=LATER,
        )


def test_it_refuses_shares_for_someone_of_another_project(projects: ProjectsSample) -> None:
    with nothing_saved(), pytest.raises(ValidationError) as refused:
        actions.transfer_shares(
            actor=None,
            source=projects.holder_a3,
            target=projects.holder_b,
            shares="10",
            dated_on=LATER,
        )
    assert "target" in refused.value.message_dict


def test_it_transfers_and_withdraws_shares_dated(projects: ProjectsSample) -> None:
    out, into = actions.transfer_shares(
        actor=None,
        source=projects.villager,
        target=projects.holder_a3,
        shares="2500",
        dated_on=LATER,
    )
    assert (out.shares, into.shares, into.value) == (
        Decimal("-2500.00"),
        Decimal("2500.00"),
        Decimal("2500.00"),
    )
    actions.withdraw_shares(
        actor=None, participant=projects.villager, shares="500", dated_on=datetime.date(2019, 3, 1)
    )
    on = {line.participant_id: line.ordinary for line in register(projects.project_a, LATER)}
    assert on[projects.villager.pk] == Decimal("7500.00")
    now = {line.participant_id: line.ordinary for line in register(projects.project_a)}
    assert now[projects.villager.pk] == Decimal("7000.00")
    assert now[projects.holder_a3.pk] == Decimal("5500.00")
    with nothing_saved(), pytest.raises(ValidationError) as refused:
        actions.withdraw_shares(
            actor=None, participant=projects.villager, shares="7000.01", dated_on=LATER
        )
    assert "shares" in refused.value.message_dict


def test_it_adds_a_household_once_and_names_it_after_its_head(projects: ProjectsSample) -> None:
    assert projects.holder_a1.name == "入股户甲一"
    assert projects.holder_a1.is_poor and not projects.villager.is_poor
    with nothing_saved(), pytest.raises(ValidationError):
        actions.add_participant(
            actor=None,
            project=projects.project_a,
            household=projects.household_a1,
            is_worker=True,
        )


def test_it_does_not_let_a_sibling_county_add_its_household(
    cast: Cast, projects: ProjectsSample
) -> None:
    with nothing_saved(), pytest.raises(PermissionDenied):
        actions.add_participant(
            actor=cast.county_b_admin,
            project=projects.project_a,
            household=projects.household_b,
            is_shareholder=True,
        )
    with nothing_saved(), pytest.raises(ValidationError):
        actions.add_participant(
            actor=cast.county_a_admin,
            project=projects.project_a,
            household=projects.household_b,
            is_shareholder=True,
        )


# Dividend runs -----------------------------------------------------------------------------


def test_it_previews_what_the_pure_engine_computes(projects: ProjectsSample) -> None:
    run = actions.preview_dividends(
        project=projects.project_a, period_start=Y2019[0], period_end=Y2019[1], profit="30000"
    )
    lines = register(projects.project_a, Y2019[1])
    expected = dividends.compute(
        dividends.Charter(
            reserve_percent=Decimal(10),
            collective_percent=Decimal(5),
            preferred_rate=Decimal("0.06"),
        ),
        Decimal("30000"),
        [
            dividends.Holding(x.participant_id, x.ordinary, x.preferred, x.preferred_value)
            for x in lines
        ],
    )
    assert run == expected
    assert run.preferred_total == Decimal("420.00")  # 6% of 7,000 yuan of preferred funds
    assert DividendRun.objects.count() == 1  # nothing saved by a preview


def test_it_takes_a_run_from_proposal_to_record_with_the_right_levels(
    cast: Cast, projects: ProjectsSample
) -> None:
    before = incomes(projects)
    run = propose(projects.project_a, cast.village_a_secretary)
    assert run.status == RunStatus.PROPOSED
    assert run.reserve + run.collective + run.distributed == run.profit
    assert sum(p.total for p in run.payouts.all()) == run.distributed
    with nothing_saved(), pytest.raises(ValidationError):
        actions.approve_dividend_run(actor=cast.village_a_secretary, run=run)
    with pytest.raises(PermissionDenied):
        actions.approve_dividend_run(actor=cast.county_b_admin, run=run)
    with pytest.raises(ValidationError):  # recorded before it is approved
        actions.record_dividend_run(actor=cast.county_a_admin, run=run)
    actions.approve_dividend_run(actor=cast.county_a_admin, run=run)
    with nothing_saved(), pytest.raises(ValidationError) as twice:
        actions.approve_dividend_run(actor=cast.county_a_admin, run=run)
    assert twice.value.messages == [gettext("This dividend run has already been approved.")]
    # Four eyes: who approved it does not record it too.
    with nothing_saved(), pytest.raises(PermissionDenied):
        actions.record_dividend_run(actor=cast.county_a_admin, run=run)
    run = actions.record_dividend_run(actor=cast.province_admin, run=run)
    assert (run.status, run.proposed_by, run.approved_by, run.recorded_by) == (
        RunStatus.RECORDED,
        cast.village_a_secretary,
        cast.county_a_admin,
        cast.province_admin,
    )
    after = dict(
        IncomeRecord.objects.filter(year=2019).values_list("household_id", "property_income")
    )
    paid = {p.participant.household_id: p.total for p in run.payouts.select_related("participant")}
    for household in (projects.household_a1, projects.household_a2, projects.household_a3):
        assert after[household.pk] == paid[household.pk]
    assert incomes(projects) != before
    dividends_2019 = dict(
        ParticipantIncome.objects.filter(year=2019).values_list("participant_id", "dividends")
    )
    assert (
        dividends_2019[projects.villager.pk] == run.payouts.get(participant=projects.villager).total
    )
    with nothing_saved(), pytest.raises(ValidationError):
        actions.record_dividend_run(actor=cast.province_admin, run=run)
    with nothing_saved(), pytest.raises(ValidationError):
        actions.discard_dividend_run(actor=cast.county_a_admin, run=run)
    for action in ("propose", "approve", "record"):
        assert AuditEvent.objects.filter(action=f"projects.{action}_dividend_run").exists()


def refused_step(step: Any, actor: Any, run: Any) -> str:
    """The words of a step four eyes refuse; the run is as it was and nothing was written."""
    before = DividendRun.objects.filter(pk=run.pk).values().get()
    events = AuditEvent.objects.count()
    with nothing_saved(), pytest.raises(PermissionDenied) as refused:
        step(actor=actor, run=run)
    assert DividendRun.objects.filter(pk=run.pk).values().get() == before
    assert AuditEvent.objects.count() == events
    return str(refused.value)


def test_it_keeps_each_step_of_a_run_to_another_user(
    cast: Cast, projects: ProjectsSample, township_a_admin: Any
) -> None:
    # The county's administrator proposes; they may neither approve nor record it.
    run = propose(projects.project_a, cast.county_a_admin)
    proposed = gettext("You proposed this dividend run; another user must approve it.")
    assert refused_step(actions.approve_dividend_run, cast.county_a_admin, run) == proposed
    run = actions.approve_dividend_run(actor=township_a_admin, run=run)
    # Neither who approved nor who proposed it records it.
    approved = gettext("You approved this dividend run; another user must record it.")
    assert refused_step(actions.record_dividend_run, township_a_admin, run) == approved
    proposer = gettext("You proposed this dividend run; another user must record it.")
    assert refused_step(actions.record_dividend_run, cast.county_a_admin, run) == proposer
    # The sibling county's administrator does not reach it at all.
    with nothing_saved(), pytest.raises(PermissionDenied):
        actions.record_dividend_run(actor=cast.county_b_admin, run=run)
    run = actions.record_dividend_run(actor=cast.province_admin, run=run)
    assert (run.proposed_by, run.approved_by, run.recorded_by) == (
        cast.county_a_admin,
        township_a_admin,
        cast.province_admin,
    )
    assert run.payouts.exists() and ParticipantIncome.objects.filter(year=2019).exists()


def test_it_lets_the_approver_record_where_the_province_keeps_only_the_proposer_apart(
    cast: Cast, projects: ProjectsSample, settings: Any
) -> None:
    settings.DUTY_SEPARATION = {"51": "proposer"}
    run = propose(projects.project_a, cast.county_a_admin)
    refused_step(actions.approve_dividend_run, cast.county_a_admin, run)
    run = actions.approve_dividend_run(actor=cast.province_admin, run=run)
    refused_step(actions.record_dividend_run, cast.county_a_admin, run)
    run = actions.record_dividend_run(actor=cast.province_admin, run=run)
    assert (run.status, run.approved_by, run.recorded_by) == (
        RunStatus.RECORDED,
        cast.province_admin,
        cast.province_admin,
    )
    # Another province's choice is not this one's.
    settings.DUTY_SEPARATION = {"52": "proposer"}
    run = propose(projects.project_a, cast.county_a_admin, period=parse_period("2020"))
    run = actions.approve_dividend_run(actor=cast.province_admin, run=run)
    refused_step(actions.record_dividend_run, cast.province_admin, run)


def test_it_leaves_the_operators_commands_outside_four_eyes(projects: ProjectsSample) -> None:
    # The command line acts as no user (fupin dividends record, the demo, the samples).
    run = actions.approve_dividend_run(actor=None, run=propose(projects.project_a))
    assert actions.record_dividend_run(actor=None, run=run).status == RunStatus.RECORDED


def test_it_refuses_a_period_overlapping_a_recorded_or_pending_run(
    projects: ProjectsSample,
) -> None:
    with nothing_saved(), pytest.raises(ValidationError) as refused:
        propose(projects.project_a, period=parse_period("2018-07-01..2019-06-30"))
    assert "period" in refused.value.message_dict
    with nothing_saved(), pytest.raises(ValidationError):
        actions.preview_dividends(
            project=projects.project_a,
            period_start=datetime.date(2018, 12, 31),
            period_end=datetime.date(2018, 12, 31),
            profit="1",
        )
    propose(projects.project_a)
    with nothing_saved(), pytest.raises(ValidationError) as pending:
        propose(projects.project_a, period=parse_period("2019-06-01..2019-06-30"))
    assert "period" in pending.value.message_dict


@pytest.mark.parametrize("profit", ["-1", "abc", "10.001", "NaN", "Infinity"])
def test_it_refuses_a_bad_profit(projects: ProjectsSample, profit: str) -> None:
    with nothing_saved(), pytest.raises(ValidationError) as refused:
        propose(projects.project_a, profit=profit)
    assert "profit" in refused.value.message_dict


@pytest.mark.parametrize("text", ["19", "2019-13-01..2019-12-31", "2019-12-31..2019-01-01", ""])
def test_it_refuses_a_bad_period(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_period(text)
    assert "period" in refused.value.message_dict


def test_it_reverses_a_recorded_run_and_restores_every_balance(
    cast: Cast, projects: ProjectsSample
) -> None:
    original = projects.run_2018
    assert incomes(projects)  # the 2018 run paid the three households
    participant_before = {
        i.participant_id: i.dividends for i in ParticipantIncome.objects.filter(year=2018)
    }
    assert any(participant_before.values())
    with nothing_saved(), pytest.raises(ValidationError):
        actions.reverse_dividend_run(actor=cast.village_a_secretary, run=original)
    reversal = actions.reverse_dividend_run(
        actor=cast.county_a_admin, run=original, note="利润填错"
    )
    assert reversal.reverses == original
    assert reversal.profit == -original.profit
    assert {p.participant_id: p.total for p in reversal.payouts.all()} == {
        p.participant_id: -p.total for p in original.payouts.all()
    }
    assert set(incomes(projects).values()) == {Decimal("0.00")}
    assert set(ParticipantIncome.objects.filter(year=2018).values_list("dividends", flat=True)) == {
        Decimal("0.00")
    }
    with nothing_saved(), pytest.raises(ValidationError):
        actions.reverse_dividend_run(actor=cast.county_a_admin, run=original)
    with nothing_saved(), pytest.raises(ValidationError):
        actions.reverse_dividend_run(actor=cast.county_a_admin, run=reversal)
    # The period is open again for a corrected run.
    fixed = propose(projects.project_a, profit="18000.00", period=parse_period("2018"))
    assert fixed.status == RunStatus.PROPOSED


def test_it_discards_a_proposed_run(cast: Cast, projects: ProjectsSample) -> None:
    run = propose(projects.project_a, cast.village_a_secretary)
    actions.discard_dividend_run(actor=cast.village_a_secretary, run=run)
    assert not DividendRun.objects.filter(pk=run.pk).exists()
    assert AuditEvent.objects.filter(action="projects.discard_dividend_run").count() == 1


def test_it_keeps_a_project_that_paid_dividends(projects: ProjectsSample) -> None:
    with nothing_saved(), pytest.raises(ValidationError):
        actions.delete_project(actor=None, project=projects.project_a)
    actions.delete_project(actor=None, project=projects.project_b)
    assert not Participant.objects.filter(pk=projects.holder_b.pk).exists()


# Contracts ---------------------------------------------------------------------------------


def test_it_records_deliveries_within_the_contract(projects: ProjectsSample) -> None:
    contract = projects.contract_a
    actions.record_delivery(
        actor=None,
        contract=contract,
        delivered_on=datetime.date(2019, 9, 1),
        quantity="800",
        amount="48000",
    )
    assert contract.deliveries.count() == 1
    with nothing_saved(), pytest.raises(ValidationError) as refused:
        actions.record_delivery(
            actor=None,
            contract=contract,
            delivered_on=datetime.date(2022, 1, 1),
            quantity="1",
            amount="60",
        )
    assert "delivered_on" in refused.value.message_dict
    with nothing_saved(), pytest.raises(ValidationError) as refused:
        actions.update_contract(actor=None, contract=contract, ends_on=datetime.date(2018, 1, 1))
    assert "ends_on" in refused.value.message_dict


def test_it_lets_a_sibling_county_change_nothing(cast: Cast, projects: ProjectsSample) -> None:
    b = cast.county_b_admin
    for call in (
        lambda: actions.update_project(actor=b, project=projects.project_a, name="改名"),
        lambda: propose(projects.project_a, b),
        lambda: actions.create_contract(
            actor=b,
            project=projects.project_a,
            buyer="x",
            product="y",
            quantity="1",
            price="1",
            starts_on=LATER,
            ends_on=LATER,
        ),
        lambda: actions.record_participant_income(
            actor=b, participant=projects.holder_a1, year=2019, wages="100"
        ),
    ):
        with nothing_saved(), pytest.raises(PermissionDenied):
            call()
    assert projects.project_b.pk in {p.pk for p in type(projects.project_b).objects.for_user(b)}
    assert not Participant.objects.for_user(b).filter(project=projects.project_a).exists()
    assert not DividendRun.objects.for_user(b).exists()
    assert DividendRun.objects.for_user(cast.auditor).count() == 1


@pytest.mark.parametrize(
    "period, message",
    [
        ((datetime.date(1978, 1, 1), datetime.date(2100, 12, 31)), "分红期间最长为一年。"),
        ((datetime.date(2019, 1, 1), datetime.date(2020, 1, 1)), "分红期间最长为一年。"),
        ((datetime.date(2001, 1, 1), datetime.date(2001, 12, 31)), "分红期间早于项目开始"),
        ((datetime.date(2099, 1, 1), datetime.date(2099, 12, 31)), "分红期间不能晚于今年。"),
    ],
)
def test_it_refuses_a_period_that_would_close_the_register_wrongly(projects, period, message):
    # A run for 1978–2100 once closed a project's register for 123 years.
    with nothing_saved(), pytest.raises(ValidationError) as error:
        actions.preview_dividends(
            project=projects.project_a, period_start=period[0], period_end=period[1], profit="1"
        )
    assert message in str(error.value)
    # A year, and a year from mid-year, are fine.
    for start, end in ((2019, 1, 1), (2019, 12, 31)), ((2019, 7, 1), (2020, 6, 30)):
        actions.preview_dividends(
            project=projects.project_a,
            period_start=datetime.date(*start),
            period_end=datetime.date(*end),
            profit="1",
        )
