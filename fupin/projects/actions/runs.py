"""Dividend runs (分红): preview, propose, approve (the township or above), record (the
dividends flow into participants' and households' income), discard, reverse.

A recorded run is never changed. A mistake is corrected by `reverse_dividend_run`, which
records a run with every amount negated (and takes the income back), after which a new run for
the period may be proposed.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.accounts.duties import refusal, require_another_user
from fupin.accounts.roles import Action
from fupin.accounts.scoping import require
from fupin.audit.log import acting_user, record, snapshot
from fupin.lib.bulk import update_rows, write_rows
from fupin.lib.fields import cents
from fupin.projects import dividends
from fupin.projects.actions.common import PROJECT_OUTSIDE, RUN_FIELDS
from fupin.projects.choices import RunStatus
from fupin.projects.models import (
    DividendPayout,
    DividendRun,
    Participant,
    ParticipantIncome,
    Project,
)
from fupin.projects.register import register
from fupin.projects.rules import can_approve_runs, money
from fupin.registry.actions import add_property_income

# Four eyes (fupin.accounts.duties): why a user may not take a run's step after an earlier one.
PROPOSED_NOT_APPROVED = gettext_lazy(
    "You proposed this dividend run; another user must approve it."
)
PROPOSED_NOT_RECORDED = gettext_lazy("You proposed this dividend run; another user must record it.")
APPROVED_NOT_RECORDED = gettext_lazy("You approved this dividend run; another user must record it.")


def _earlier_steps(run: DividendRun, *, recording: bool) -> list[tuple[int | None, Any]]:
    if not recording:
        return [(run.proposed_by_id, PROPOSED_NOT_APPROVED)]
    return [
        (run.proposed_by_id, PROPOSED_NOT_RECORDED),
        (run.approved_by_id, APPROVED_NOT_RECORDED),
    ]


def another_hand(actor: Any, run: DividendRun, *, recording: bool) -> str:
    """Why four eyes keep `actor` from approving (or recording) `run`, after taking one of its
    earlier steps; "" when they do not. The pages ask it to show or refuse a step."""
    return refusal(actor, run.project.region_id, _earlier_steps(run, recording=recording))


def require_another_hand(actor: Any, run: DividendRun, *, recording: bool) -> None:
    """Raise SameUser (a 403) with `another_hand`'s words, if any."""
    require_another_user(actor, run.project.region_id, _earlier_steps(run, recording=recording))


def charter_of(project: Project) -> dividends.Charter:
    try:
        return dividends.Charter(
            reserve_percent=Decimal(project.reserve_percent),
            collective_percent=Decimal(project.collective_percent),
            # The engine takes the rate as a fraction; the charter writes it in percent.
            preferred_rate=Decimal(project.preferred_rate).scaleb(-2),
            shortfall_rule=project.shortfall_rule,  # type: ignore[arg-type]
        )
    except ValueError:
        raise ValidationError(
            _(
                "The charter's percentages are not valid (the reserve fund and the village "
                "collective together take at most the whole profit)."
            )
        ) from None


def _a_year_after(day: datetime.date) -> datetime.date:
    """The same day a year later (29 February: 1 March)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return datetime.date(day.year + 1, 3, 1)


def _check_period(
    project: Project,
    start: datetime.date,
    end: datetime.date,
    *,
    pending_too: bool,
) -> None:
    if end < start:
        raise ValidationError({"period": _("The period ends before it starts.")})
    # A run closes the register for its period: a period of decades would close it for good.
    if end >= _a_year_after(start):
        raise ValidationError({"period": _("A dividend period is at most one year.")})
    if start.year < project.started_on.year:
        raise ValidationError(
            {
                "period": _("The period starts before the project (started %(date)s).")
                % {"date": project.started_on.isoformat()}
            }
        )
    if end.year > datetime.date.today().year:
        raise ValidationError({"period": _("The period ends after the current year.")})
    overlapping = DividendRun.objects.filter(
        project=project, period_start__lte=end, period_end__gte=start, reverses__isnull=True
    )
    # A recorded run that has been reversed no longer pays for its period.
    overlapping = overlapping.exclude(status=RunStatus.RECORDED, reversed_by__isnull=False)
    recorded = overlapping.filter(status=RunStatus.RECORDED).first()
    if recorded is not None:
        raise ValidationError(
            {
                "period": _(
                    "A recorded dividend run already pays for %(period)s; reverse it first."
                )
                % {"period": recorded.period_label}
            }
        )
    if pending_too:
        pending = overlapping.filter(~Q(status=RunStatus.RECORDED)).first()
        if pending is not None:
            raise ValidationError(
                {
                    "period": _(
                        "A dividend run for %(period)s is awaiting approval; approve or "
                        "discard it first."
                    )
                    % {"period": pending.period_label}
                }
            )


def preview_dividends(
    *,
    project: Project,
    period_start: datetime.date,
    period_end: datetime.date,
    profit: Any,
) -> dividends.Run:
    """The run the charter gives for `profit` over the register at the period's end. Nothing
    is saved. Payouts are by participant id."""
    amount = money(profit, "profit")
    _check_period(project, period_start, period_end, pending_too=False)
    charter = charter_of(project)
    holdings = [
        dividends.Holding(
            shareholder=line.participant_id,
            ordinary=line.ordinary,
            preferred=line.preferred,
            preferred_value=max(line.preferred_value, Decimal(0)),
        )
        for line in register(project, period_end)
        if line.ordinary > 0 or line.preferred > 0
    ]
    return dividends.compute(charter, amount, holdings)


def _save(project: Project, run: dividends.Run, row: DividendRun) -> DividendRun:
    counties = dict(Participant.objects.filter(project=project).values_list("pk", "county_code"))
    row.save()
    # A run pays up to a hundred thousand shareholders: the bulk path, not bulk_create.
    write_rows(
        DividendPayout,
        ["run", "participant", "county_code", "shares", "preferred", "ordinary", "total"],
        (
            (
                row.pk,
                p.shareholder,
                counties[p.shareholder],
                cents(p.shares),
                cents(p.preferred),
                cents(p.ordinary),
                cents(p.total),
            )
            for p in run.payouts
        ),
    )
    return row


def _row(project: Project, run: dividends.Run, **fields: Any) -> DividendRun:
    return DividendRun(
        project=project,
        profit=run.pool,
        reserve=run.reserve,
        reserve_drawn=run.reserve_drawn,
        collective=run.collective,
        preferred_total=run.preferred_total,
        ordinary_total=run.ordinary_total,
        shortfall=run.shortfall,
        reserve_percent=project.reserve_percent,
        collective_percent=project.collective_percent,
        preferred_rate=project.preferred_rate,
        shortfall_rule=project.shortfall_rule,
        **fields,
    )


@transaction.atomic
def propose_dividend_run(
    *,
    actor: Any,
    project: Project,
    period_start: datetime.date,
    period_end: datetime.date,
    profit: Any,
    note: str = "",
) -> DividendRun:
    """Save the previewed run for approval."""
    require(actor, project, Action.CHANGE, message=PROJECT_OUTSIDE)
    # Lock the project: two proposals for one period at once must not both pass the check.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    _check_period(project, period_start, period_end, pending_too=True)
    run = preview_dividends(
        project=project, period_start=period_start, period_end=period_end, profit=profit
    )
    row = _save(
        project,
        run,
        _row(
            project,
            run,
            period_start=period_start,
            period_end=period_end,
            status=RunStatus.PROPOSED,
            note=note.strip(),
            proposed_by=acting_user(actor),
        ),
    )
    record(
        actor=actor,
        action="projects.propose_dividend_run",
        obj=row,
        region_code=project.region_id,
        after={**snapshot(row, RUN_FIELDS), "payouts": len(run.payouts)},
    )
    return row


def _locked(run: DividendRun) -> DividendRun:
    return DividendRun.objects.select_for_update().select_related("project").get(pk=run.pk)


@transaction.atomic
def approve_dividend_run(*, actor: Any, run: DividendRun) -> DividendRun:
    row = _locked(run)
    require(actor, row.project, Action.CHANGE, message=PROJECT_OUTSIDE)
    if row.status != RunStatus.PROPOSED:
        raise ValidationError(_("This dividend run has already been approved."))
    if not can_approve_runs(actor, row.project):
        raise ValidationError(_("Dividend runs are approved by the township or a higher level."))
    require_another_hand(actor, row, recording=False)
    row.status = RunStatus.APPROVED
    row.approved_by = acting_user(actor)
    row.approved_at = timezone.now()
    row.save(update_fields=["status", "approved_by", "approved_at"])
    record(
        actor=actor,
        action="projects.approve_dividend_run",
        obj=row,
        region_code=row.project.region_id,
        before={"status": RunStatus.PROPOSED},
        after={"status": row.status},
    )
    return row


def _flow(actor: Any, row: DividendRun) -> None:
    """Add the run's payouts to the participants' dividends and their households' property
    income of the year the period ends in."""
    year = row.period_end.year
    # A reversing run's totals are negative: they take the income back.
    paid = dict(row.payouts.exclude(total=0).values_list("participant_id", "total"))
    if not paid:
        return
    # participant id -> (income row id, dividends so far) of the year's existing rows.
    existing = {
        participant: (pk, so_far)
        for participant, pk, so_far in ParticipantIncome.objects.filter(
            participant__project=row.project, year=year
        ).values_list("participant_id", "pk", "dividends")
    }
    write_rows(
        ParticipantIncome,
        ["participant", "year", "wages", "dividends", "other"],
        ((pk, year, 0, cents(total), 0) for pk, total in paid.items() if pk not in existing),
    )
    update_rows(
        ParticipantIncome,
        ["dividends"],
        (
            (cents(existing[pk][1] + total), existing[pk][0])
            for pk, total in paid.items()
            if pk in existing
        ),
    )
    by_household: dict[int, Decimal] = defaultdict(Decimal)
    households = Participant.objects.filter(
        project=row.project, household__isnull=False
    ).values_list("pk", "household_id")
    for pk, household in households:
        if pk in paid:
            by_household[household] += paid[pk]
    add_property_income(
        actor=actor,
        year=year,
        amounts=dict(by_household),
        reason=f"{row._meta.verbose_name} {row.pk}",
        region_code=row.project.region_id,
    )


@transaction.atomic
def record_dividend_run(*, actor: Any, run: DividendRun) -> DividendRun:
    """Record an approved run: from now on it is immutable, and its dividends are income."""
    row = _locked(run)
    require(actor, row.project, Action.CHANGE, message=PROJECT_OUTSIDE)
    if row.status == RunStatus.RECORDED:
        raise ValidationError(_("This dividend run is recorded and cannot be changed."))
    if row.status != RunStatus.APPROVED:
        raise ValidationError(_("A dividend run is approved before it is recorded."))
    if not can_approve_runs(actor, row.project):
        raise ValidationError(_("Dividend runs are approved by the township or a higher level."))
    require_another_hand(actor, row, recording=True)
    _check_period(row.project, row.period_start, row.period_end, pending_too=False)
    row.status = RunStatus.RECORDED
    row.recorded_by = acting_user(actor)
    row.recorded_at = timezone.now()
    row.save(update_fields=["status", "recorded_by", "recorded_at"])
    _flow(actor, row)
    record(
        actor=actor,
        action="projects.record_dividend_run",
        obj=row,
        region_code=row.project.region_id,
        before={"status": RunStatus.APPROVED},
        after={"status": row.status, "distributed": str(row.distributed)},
    )
    return row


@transaction.atomic
def discard_dividend_run(*, actor: Any, run: DividendRun) -> None:
    """Drop a run that is not recorded yet (a wrong profit, a changed register)."""
    row = _locked(run)
    require(actor, row.project, Action.CHANGE, message=PROJECT_OUTSIDE)
    if row.status == RunStatus.RECORDED:
        raise ValidationError(
            _("This dividend run is recorded and cannot be changed; reverse it instead.")
        )
    before = snapshot(row, RUN_FIELDS)
    pk, region = row.pk, row.project.region_id
    row.delete()
    record(
        actor=actor,
        action="projects.discard_dividend_run",
        object_type="projects.dividendrun",
        object_id=str(pk),
        object_repr=str(run),
        region_code=region,
        before=before,
    )


def saved_run(row: DividendRun) -> dividends.Run:
    """A saved run as the engine's Run, read back from its rows (what was recorded)."""
    return dividends.Run(
        pool=row.profit,
        reserve=row.reserve,
        collective=row.collective,
        shortfall=row.shortfall,
        preferred_total=row.preferred_total,
        ordinary_total=row.ordinary_total,
        reserve_drawn=row.reserve_drawn,
        payouts=tuple(
            dividends.Payout(
                shareholder=p.participant_id,
                shares=p.shares,
                preferred=p.preferred,
                ordinary=p.ordinary,
                total=p.total,
            )
            for p in row.payouts.order_by("participant_id")
        ),
    )


@transaction.atomic
def reverse_dividend_run(*, actor: Any, run: DividendRun, note: str = "") -> DividendRun:
    """Cancel a recorded run by recording its negation (the income is taken back)."""
    row = _locked(run)
    require(actor, row.project, Action.CHANGE, message=PROJECT_OUTSIDE)
    if row.status != RunStatus.RECORDED:
        raise ValidationError(_("Only a recorded dividend run is reversed; discard this one."))
    if row.reverses_id is not None:
        raise ValidationError(_("A reversing run is not reversed again."))
    if DividendRun.objects.filter(reverses=row).exists():
        raise ValidationError(_("This dividend run has already been reversed."))
    if not can_approve_runs(actor, row.project):
        raise ValidationError(_("Dividend runs are approved by the township or a higher level."))
    original = saved_run(row)
    now = timezone.now()
    user = acting_user(actor)
    negated = dividends.reverse(original)
    reversal = _save(
        row.project,
        negated,
        DividendRun(
            project=row.project,
            period_start=row.period_start,
            period_end=row.period_end,
            status=RunStatus.RECORDED,
            profit=negated.pool,
            reserve=negated.reserve,
            reserve_drawn=negated.reserve_drawn,
            collective=negated.collective,
            preferred_total=negated.preferred_total,
            ordinary_total=negated.ordinary_total,
            shortfall=negated.shortfall,
            # The charter the reversed run was computed under.
            reserve_percent=row.reserve_percent,
            collective_percent=row.collective_percent,
            preferred_rate=row.preferred_rate,
            shortfall_rule=row.shortfall_rule,
            reverses=row,
            note=note.strip(),
            proposed_by=user,
            approved_by=user,
            approved_at=now,
            recorded_by=user,
            recorded_at=now,
        ),
    )
    _flow(actor, reversal)
    record(
        actor=actor,
        action="projects.reverse_dividend_run",
        obj=row,
        region_code=row.project.region_id,
        after={"reversed_by": reversal.pk, "note": reversal.note},
    )
    return reversal
