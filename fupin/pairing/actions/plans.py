"""Household plans (一户一策), their measures, and visits."""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.accounts.roles import Action
from fupin.accounts.scoping import can, require
from fupin.audit.actions import (
    audited_create,
    audited_delete,
    audited_update,
    check_known,
    stripped,
)
from fupin.audit.log import record, snapshot
from fupin.pairing.choices import MeasureStatus
from fupin.pairing.models import (
    Helper,
    HouseholdPlan,
    Measure,
    Pairing,
    Visit,
)
from fupin.party.models import Member
from fupin.registry.models import Household

if TYPE_CHECKING:
    pass

from fupin.pairing.actions.common import (
    MEASURE_FIELDS,
    PLAN_FIELDS,
    VISIT_FIELDS,
    check_fields,
)

# Household plans and measures ---------------------------------------------------------------


def plan_snapshot(plan: HouseholdPlan) -> dict[str, Any]:
    return snapshot(plan, PLAN_FIELDS)


def _plan_errors(plan: HouseholdPlan) -> None:
    check_fields(plan, exclude=["household", "region"])
    if not 2000 <= plan.year <= datetime.date.today().year + 1:
        raise ValidationError({"year": _("Enter a year between 2000 and next year.")})
    if plan.exit_deadline and plan.exit_deadline.year < plan.year:
        raise ValidationError({"exit_deadline": _("The exit deadline is before the plan's year.")})


@transaction.atomic
def create_plan(*, actor: Any, household: Household, year: int, **fields: Any) -> HouseholdPlan:
    check_known(fields, PLAN_FIELDS, "plan")
    if not can(actor, Action.VIEW, household):
        raise ValidationError(
            {"household": _("This household is outside the regions you may see.")}
        )
    plan = HouseholdPlan(
        household=household,
        region_id=household.village_id,
        year=year,
        **fields,
    )
    _plan_errors(plan)
    if HouseholdPlan.objects.filter(household=household, year=plan.year).exists():
        raise ValidationError(
            {
                "year": _("Household %(household)s already has a plan for %(year)s.")
                % {"household": household, "year": plan.year}
            }
        )
    audited_create(
        actor,
        plan,
        action="pairing.create_plan",
        fields=plan_snapshot,
        region_code=plan.region_id,
    )
    require(actor, plan, Action.CHANGE)
    return plan


@transaction.atomic
def update_plan(*, actor: Any, plan: HouseholdPlan, **fields: Any) -> HouseholdPlan:
    require(actor, plan, Action.CHANGE)
    check_known(fields, PLAN_FIELDS, "plan")
    return audited_update(
        actor,
        plan,
        fields,
        action="pairing.update_plan",
        fields=plan_snapshot,
        region_code=plan.region_id,
        check=_check_plan,
    )


def _check_plan(plan: HouseholdPlan) -> None:
    _plan_errors(plan)
    if (
        HouseholdPlan.objects.filter(household=plan.household_id, year=plan.year)
        .exclude(pk=plan.pk)
        .exists()
    ):
        raise ValidationError(
            {
                "year": _("Household %(household)s already has a plan for %(year)s.")
                % {"household": plan.household, "year": plan.year}
            }
        )


def _plan_with_measures(plan: HouseholdPlan) -> dict[str, Any]:
    return {
        **plan_snapshot(plan),
        "measures": [snapshot(m, MEASURE_FIELDS) for m in plan.measures.all()],
    }


@transaction.atomic
def delete_plan(*, actor: Any, plan: HouseholdPlan) -> None:
    require(actor, plan, Action.CHANGE)
    audited_delete(
        actor,
        plan,
        action="pairing.delete_plan",
        fields=_plan_with_measures,
        region_code=plan.region_id,
    )


def measure_snapshot(measure: Measure) -> dict[str, Any]:
    return snapshot(measure, MEASURE_FIELDS)


def _save_measure(measure: Measure) -> None:
    check_fields(measure, exclude=["plan"])
    if measure.is_main:
        # One main measure per plan: marking one unmarks the others.
        Measure.objects.filter(plan=measure.plan_id, is_main=True).exclude(pk=measure.pk).update(
            is_main=False
        )
    measure.save()


@transaction.atomic
def add_measure(
    *,
    actor: Any,
    plan: HouseholdPlan,
    category: str,
    description: str,
    cost: Decimal = Decimal(0),
    responsible_unit: str = "",
    deadline: datetime.date | None = None,
    status: str = MeasureStatus.PLANNED,
    is_main: bool = False,
) -> Measure:
    require(actor, plan, Action.CHANGE)
    measure = Measure(
        plan=plan,
        region_code=plan.region_id,
        category=category,
        description=description.strip(),
        cost=cost,
        responsible_unit=responsible_unit.strip(),
        deadline=deadline,
        status=status,
        is_main=is_main or not plan.measures.exists(),
    )
    _save_measure(measure)
    record(
        actor=actor,
        action="pairing.add_measure",
        obj=measure,
        region_code=measure.region_code,
        after=measure_snapshot(measure),
    )
    return measure


@transaction.atomic
def update_measure(*, actor: Any, measure: Measure, **fields: Any) -> Measure:
    require(actor, measure, Action.CHANGE)
    check_known(fields, MEASURE_FIELDS, "measure")
    return audited_update(
        actor,
        measure,
        stripped(fields),
        action="pairing.update_measure",
        fields=measure_snapshot,
        region_code=measure.region_code,
        save=_save_measure,
    )


@transaction.atomic
def delete_measure(*, actor: Any, measure: Measure) -> None:
    require(actor, measure, Action.CHANGE)
    audited_delete(
        actor,
        measure,
        action="pairing.delete_measure",
        fields=measure_snapshot,
        region_code=measure.region_code,
    )


# Visits -------------------------------------------------------------------------------------


def visit_snapshot(visit: Visit) -> dict[str, Any]:
    return snapshot(visit, VISIT_FIELDS)


def _visit_errors(visit: Visit) -> None:
    check_fields(visit, exclude=["helper", "household", "member", "region"])
    if visit.visited_on > datetime.date.today():
        raise ValidationError({"visited_on": _("A visit cannot be in the future.")})
    pairings = Pairing.objects.filter(
        helper=visit.helper_id, household=visit.household_id, member=visit.member_id
    )
    if not pairings.exists():
        raise ValidationError(
            {
                "helper": _("%(helper)s is not paired with this beneficiary.")
                % {"helper": visit.helper}
            }
        )
    if not pairings.filter(started_on__lte=visit.visited_on).exists():
        raise ValidationError({"visited_on": _("The visit is before the pairing started.")})


@transaction.atomic
def record_visit(
    *,
    actor: Any,
    helper: Helper,
    household: Household | None = None,
    member: Member | None = None,
    visited_on: datetime.date,
    done: str,
    follow_ups: str = "",
) -> Visit:
    if (household is None) == (member is None):
        raise ValidationError(_("A visit is to either a household or a poor party member."))
    village = household.village_id if household is not None else member.region_id  # type: ignore[union-attr]
    visit = Visit(
        helper=helper,
        household=household,
        member=member,
        region_id=village,
        visited_on=visited_on,
        done=done.strip(),
        follow_ups=follow_ups.strip(),
    )
    _visit_errors(visit)
    audited_create(
        actor,
        visit,
        action="pairing.record_visit",
        fields=visit_snapshot,
        region_code=village,
    )
    require(actor, visit, Action.CHANGE)
    return visit


@transaction.atomic
def update_visit(*, actor: Any, visit: Visit, **fields: Any) -> Visit:
    require(actor, visit, Action.CHANGE)
    check_known(fields, ("visited_on", "done", "follow_ups"), "visit")
    return audited_update(
        actor,
        visit,
        stripped(fields),
        action="pairing.update_visit",
        fields=visit_snapshot,
        region_code=visit.region_id,
        check=_visit_errors,
    )


@transaction.atomic
def delete_visit(*, actor: Any, visit: Visit) -> None:
    require(actor, visit, Action.CHANGE)
    audited_delete(
        actor,
        visit,
        action="pairing.delete_visit",
        fields=visit_snapshot,
        region_code=visit.region_id,
    )
