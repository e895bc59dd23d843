"""Every write to helpers, pairings, household plans, visits, cap rules and proposals. Pages,
API, CLI, imports and the demo's small writes call these; each is atomic and audited.

Pairing is an administrator's act: `pair`, `end_pairing` and proposals need the beneficiary's
village in the actor's own subtree, and the helper in sight (so a county administrator pairs
only within the county). A helper changes only what they own: their visits, and the plans of
the households they are paired with (`ownership.py`).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts.roles import Action
from fupin.accounts.scoping import covers, ensure_in_scope
from fupin.audit.log import record, snapshot
from fupin.lib.deletion import delete_or_explain
from fupin.pairing import solver
from fupin.pairing.choices import MeasureStatus, PairingKind, ProposalStatus, Skill, Source
from fupin.pairing.models import (
    CapRule,
    Helper,
    HouseholdPlan,
    Measure,
    Pairing,
    Proposal,
    Visit,
)
from fupin.pairing.rules import cap_of, cap_rules, has_poor_tag, household_needs_helper
from fupin.party.models import Member
from fupin.regions.models import Region
from fupin.registry.models import Household, Person

if TYPE_CHECKING:
    from fupin.pairing.optimise import ProposalResult

HELPER_FIELDS = ["member", "user", "region", "expertise", "is_leader", "active"]
PAIRING_FIELDS = ["helper", "household", "member", "region", "kind", "started_on", "ended_on"]
PLAN_FIELDS = [
    "year",
    "situation",
    "problems",
    "responsibilities",
    "exit_target",
    "exit_deadline",
    "main_need",
]
MEASURE_FIELDS = [
    "category",
    "description",
    "is_main",
    "cost",
    "responsible_unit",
    "deadline",
    "status",
]
VISIT_FIELDS = ["helper", "household", "member", "visited_on", "done", "follow_ups"]


def _clean(obj: Any, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _sees(actor: Any, obj: Any) -> bool:
    return actor is None or type(obj).objects.for_user(actor).filter(pk=obj.pk).exists()


def _may_pair_in(actor: Any, village_code: str) -> None:
    if actor is not None and not covers(actor, village_code, Action.CHANGE):
        raise ValidationError(_("Only an administrator of this village's region may pair here."))


# Helpers ------------------------------------------------------------------------------------


def _skills(expertise: Iterable[str] | str) -> str:
    values = [s.strip() for s in expertise.split(",")] if isinstance(expertise, str) else expertise
    codes = [s for s in dict.fromkeys(values) if s]
    unknown = [s for s in codes if s not in Skill.values]
    if unknown:
        raise ValidationError(
            {"expertise": _("Unknown expertise: %(values)s.") % {"values": "、".join(unknown)}}
        )
    return ",".join(codes)


def _helper_region(actor: Any, helper: Helper, region_code: str) -> None:
    code = region_code.strip()
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError(
            {"region": _("There is no region with code “%(code)s”.") % {"code": code}}
        )
    if len(code) < 4:
        raise ValidationError({"region": _("A helper works in a city, county or below.")})
    if actor is not None and not covers(actor, code, Action.CHANGE):
        raise ValidationError(
            {
                "region": _("%(region)s is outside the regions you may change.")
                % {"region": region.name}
            }
        )
    helper.region = region
    helper.county_code = code[:6] if len(code) >= 6 else ""


def _check_not_poor(member: Member) -> None:
    today = datetime.date.today()
    poor_tag = Member.objects.filter(pk=member.pk).filter(has_poor_tag(today)).exists()
    registered = (
        Person.objects.filter(id_number=member.id_number)
        .exclude(household__status="exited")
        .exists()
    )
    if member.person_id is not None or poor_tag or registered:
        raise ValidationError(
            {
                "member": _("%(name)s is registered as poor and cannot be a helper.")
                % {"name": member.name}
            }
        )


def helper_snapshot(helper: Helper) -> dict[str, Any]:
    return snapshot(helper, HELPER_FIELDS)


@transaction.atomic
def register_helper(
    *,
    actor: Any,
    member: Member,
    region_code: str | None = None,
    expertise: Iterable[str] | str = (),
    is_leader: bool = False,
    user: Any = None,
) -> Helper:
    if not _sees(actor, member):
        raise ValidationError({"member": _("This member is outside the regions you may see.")})
    if Helper.objects.filter(member=member).exists():
        raise ValidationError(
            {"member": _("%(name)s is already a helper.") % {"name": member.name}}
        )
    _check_not_poor(member)
    helper = Helper(member=member, expertise=_skills(expertise), is_leader=is_leader, user=user)
    _helper_region(actor, helper, region_code or member.region_id)
    _check_user(helper)
    helper.save()
    record(
        actor=actor,
        action="pairing.register_helper",
        obj=helper,
        region_code=helper.region_id,
        after=helper_snapshot(helper),
    )
    ensure_in_scope(actor, helper, Action.CHANGE)
    return helper


def _check_user(helper: Helper) -> None:
    if helper.user_id is None:
        return
    taken = Helper.objects.filter(user_id=helper.user_id).exclude(pk=helper.pk).first()
    if taken is not None:
        raise ValidationError(
            {"user": _("This login already belongs to helper %(name)s.") % {"name": taken}}
        )


def _administers(actor: Any, helper: Helper) -> None:
    # Not the helper themselves: their leader flag and activity set their cap.
    if actor is not None and not covers(actor, helper.region_id, Action.CHANGE):
        raise ValidationError(_("Only an administrator of the helper's region may change this."))


@transaction.atomic
def update_helper(*, actor: Any, helper: Helper, **fields: Any) -> Helper:
    _administers(actor, helper)
    before = helper_snapshot(helper)
    region_code = fields.pop("region_code", None)
    for name, value in fields.items():
        if name not in ("expertise", "is_leader", "user", "active"):
            raise ValueError(f"{name} is not an editable helper field")
        setattr(helper, name, _skills(value) if name == "expertise" else value)
    if region_code is not None and region_code != helper.region_id:
        _helper_region(actor, helper, region_code)
    _check_user(helper)
    helper.save()
    record(
        actor=actor,
        action="pairing.update_helper",
        obj=helper,
        region_code=helper.region_id,
        before=before,
        after=helper_snapshot(helper),
    )
    ensure_in_scope(actor, helper, Action.CHANGE)
    return helper


@transaction.atomic
def delete_helper(*, actor: Any, helper: Helper) -> None:
    _administers(actor, helper)
    record(
        actor=actor,
        action="pairing.delete_helper",
        obj=helper,
        region_code=helper.region_id,
        before=helper_snapshot(helper),
    )
    delete_or_explain(helper)


# Cap rules ----------------------------------------------------------------------------------


@transaction.atomic
def set_cap_rule(
    *, actor: Any, region_code: str, primary_cap: int, leader_cap: int, secondary_cap: int
) -> CapRule:
    region = Region.objects.filter(code=region_code.strip()).first()
    if region is None:
        raise ValidationError(
            {"region": _("There is no region with code “%(code)s”.") % {"code": region_code}}
        )
    if actor is not None and not covers(actor, region.code, Action.CHANGE):
        raise ValidationError(
            {
                "region": _("%(region)s is outside the regions you may change.")
                % {"region": region.name}
            }
        )
    rule = CapRule.objects.filter(region=region).first() or CapRule(region=region)
    before = snapshot(rule, ["primary_cap", "leader_cap", "secondary_cap"]) if rule.pk else None
    rule.primary_cap, rule.leader_cap, rule.secondary_cap = primary_cap, leader_cap, secondary_cap
    _clean(rule, exclude=["region"])
    if rule.leader_cap < rule.primary_cap:
        raise ValidationError(
            {"leader_cap": _("A leader's cap is at least the ordinary primary cap.")}
        )
    rule.save()
    record(
        actor=actor,
        action="pairing.set_cap_rule",
        obj=rule,
        region_code=region.code,
        before=before,
        after=snapshot(rule, ["primary_cap", "leader_cap", "secondary_cap"]),
    )
    return rule


@transaction.atomic
def delete_cap_rule(*, actor: Any, rule: CapRule) -> None:
    if actor is not None and not covers(actor, rule.region_id, Action.CHANGE):
        raise ValidationError(_("This is outside the regions you are responsible for."))
    record(
        actor=actor,
        action="pairing.delete_cap_rule",
        obj=rule,
        region_code=rule.region_id,
        before=snapshot(rule, ["primary_cap", "leader_cap", "secondary_cap"]),
    )
    rule.delete()


# Pairings -----------------------------------------------------------------------------------


def pairing_snapshot(pairing: Pairing) -> dict[str, Any]:
    return snapshot(pairing, PAIRING_FIELDS)


def _beneficiary(
    household: Household | None, member: Member | None, past: bool = False
) -> tuple[str, str]:
    """The beneficiary's village code and name; refused unless it may have a helper now
    (`past`: it had one)."""
    if (household is None) == (member is None):
        raise ValidationError(_("Pair a helper with either a household or a poor party member."))
    if household is not None:
        if not past and not household_needs_helper(household.status):
            raise ValidationError(
                {
                    "household": _("Household %(household)s has exited poverty.")
                    % {"household": household}
                }
            )
        return household.village_id, str(household)
    assert member is not None
    today = datetime.date.today()
    if not past and not Member.objects.filter(pk=member.pk).filter(has_poor_tag(today)).exists():
        raise ValidationError(
            {"member": _("%(name)s is not a poor party member.") % {"name": member.name}}
        )
    if len(member.region_id) != 12:
        raise ValidationError(
            {"member": _("%(name)s does not live in a village.") % {"name": member.name}}
        )
    return member.region_id, member.name


def _current(household: Household | None, member: Member | None) -> Any:
    qs = Pairing.objects.filter(ended_on__isnull=True)
    return qs.filter(household=household) if household is not None else qs.filter(member=member)


def reaches(helper: Helper, village_code: str) -> bool:
    """The solver's locality rule: village, township, county; a city cadre the whole city."""
    return solver.locality(solver.Helper(id=0, region=helper.region_id), village_code) is not None


@transaction.atomic
def pair(
    *,
    actor: Any,
    helper: Helper,
    household: Household | None = None,
    member: Member | None = None,
    kind: str = PairingKind.PRIMARY,
    started_on: datetime.date | None = None,
    ended_on: datetime.date | None = None,
    source: str = Source.MANUAL,
) -> Pairing:
    """Pair a helper with a beneficiary. With `ended_on` it records a past pairing (history
    from an import): the helper still had to reach the village, but today's caps, current
    helpers and the beneficiary's status are not its business."""
    past = ended_on is not None
    village, name = _beneficiary(household, member, past=past)
    _may_pair_in(actor, village)
    if not _sees(actor, helper):
        raise ValidationError({"helper": _("This helper is outside the regions you may see.")})
    if not past and not helper.active:
        raise ValidationError({"helper": _("%(name)s no longer helps.") % {"name": helper}})
    if kind not in PairingKind.values:
        raise ValidationError({"kind": _("Unknown kind of pairing.")})
    if not reaches(helper, village):
        raise ValidationError(
            {
                "helper": _("%(helper)s works in %(region)s and cannot help in this village.")
                % {"helper": helper, "region": helper.region.name}
            }
        )
    if not past:
        _check_current(helper, household, member, kind, name)
    today = datetime.date.today()
    started_on = started_on or today
    if started_on > today:
        raise ValidationError({"started_on": _("A pairing cannot start in the future.")})
    if ended_on is not None and ended_on < started_on:
        raise ValidationError({"ended_on": _("A pairing cannot end before it started.")})
    if ended_on is not None and ended_on > today:
        raise ValidationError({"ended_on": _("A pairing cannot end in the future.")})
    pairing = Pairing.objects.create(
        helper=helper,
        household=household,
        member=member,
        region_id=village,
        county_code=village[:6],
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        source=source,
        made_by=_user(actor),
    )
    record(
        actor=actor,
        action="pairing.pair",
        obj=pairing,
        region_code=village,
        after=pairing_snapshot(pairing),
    )
    ensure_in_scope(actor, pairing, Action.CHANGE)
    return pairing


def _check_current(
    helper: Helper, household: Household | None, member: Member | None, kind: str, name: str
) -> None:
    """A new current pairing: not twice, one primary helper, within the helper's cap."""
    current = _current(household, member)
    if current.filter(helper=helper).exists():
        raise ValidationError(
            {
                "helper": _("%(helper)s is already paired with %(name)s.")
                % {"helper": helper, "name": name}
            }
        )
    if kind == PairingKind.PRIMARY and current.filter(kind=PairingKind.PRIMARY).exists():
        raise ValidationError(
            {
                "kind": _("%(name)s already has a primary helper: end that pairing first.")
                % {"name": name}
            }
        )
    cap = cap_of(helper, kind)
    load = helper.pairings.filter(ended_on__isnull=True, kind=kind).count()
    if load >= cap:
        raise ValidationError(
            {
                "helper": _(
                    "%(helper)s already has %(load)s beneficiaries of this kind; "
                    "the cap is %(cap)s."
                )
                % {"helper": helper, "load": load, "cap": cap}
            }
        )


@transaction.atomic
def end_pairing(*, actor: Any, pairing: Pairing, ended_on: datetime.date | None = None) -> Pairing:
    _may_pair_in(actor, pairing.region_id)
    if pairing.ended_on is not None:
        raise ValidationError(_("This pairing has already ended."))
    before = pairing_snapshot(pairing)
    ended_on = ended_on or datetime.date.today()
    if ended_on < pairing.started_on:
        raise ValidationError({"ended_on": _("A pairing cannot end before it started.")})
    if ended_on > datetime.date.today():
        raise ValidationError({"ended_on": _("A pairing cannot end in the future.")})
    pairing.ended_on = ended_on
    pairing.save(update_fields=["ended_on"])
    record(
        actor=actor,
        action="pairing.end_pairing",
        obj=pairing,
        region_code=pairing.region_id,
        before=before,
        after=pairing_snapshot(pairing),
    )
    return pairing


@transaction.atomic
def delete_pairing(*, actor: Any, pairing: Pairing) -> None:
    """For a pairing entered by mistake; a pairing that happened is ended, not deleted."""
    _may_pair_in(actor, pairing.region_id)
    record(
        actor=actor,
        action="pairing.delete_pairing",
        obj=pairing,
        region_code=pairing.region_id,
        before=pairing_snapshot(pairing),
    )
    pairing.delete()


# Household plans and measures ---------------------------------------------------------------


def plan_snapshot(plan: HouseholdPlan) -> dict[str, Any]:
    return snapshot(plan, PLAN_FIELDS)


def _plan_errors(plan: HouseholdPlan) -> None:
    _clean(plan, exclude=["household", "region"])
    if not 2000 <= plan.year <= datetime.date.today().year + 1:
        raise ValidationError({"year": _("Enter a year between 2000 and next year.")})
    if plan.exit_deadline and plan.exit_deadline.year < plan.year:
        raise ValidationError({"exit_deadline": _("The exit deadline is before the plan's year.")})


@transaction.atomic
def create_plan(*, actor: Any, household: Household, year: int, **fields: Any) -> HouseholdPlan:
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"unknown plan fields {sorted(unknown)}")
    if not _sees(actor, household):
        raise ValidationError(
            {"household": _("This household is outside the regions you may see.")}
        )
    plan = HouseholdPlan(
        household=household,
        region_id=household.village_id,
        county_code=household.county_code,
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
    plan.save()
    record(
        actor=actor,
        action="pairing.create_plan",
        obj=plan,
        region_code=plan.region_id,
        after=plan_snapshot(plan),
    )
    ensure_in_scope(actor, plan, Action.CHANGE)
    return plan


@transaction.atomic
def update_plan(*, actor: Any, plan: HouseholdPlan, **fields: Any) -> HouseholdPlan:
    ensure_in_scope(actor, plan, Action.CHANGE)
    before = plan_snapshot(plan)
    for name, value in fields.items():
        if name not in PLAN_FIELDS:
            raise ValueError(f"{name} is not an editable plan field")
        setattr(plan, name, value)
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
    plan.save()
    record(
        actor=actor,
        action="pairing.update_plan",
        obj=plan,
        region_code=plan.region_id,
        before=before,
        after=plan_snapshot(plan),
    )
    return plan


@transaction.atomic
def delete_plan(*, actor: Any, plan: HouseholdPlan) -> None:
    ensure_in_scope(actor, plan, Action.CHANGE)
    before = plan_snapshot(plan)
    before["measures"] = [snapshot(m, MEASURE_FIELDS) for m in plan.measures.all()]
    record(
        actor=actor,
        action="pairing.delete_plan",
        obj=plan,
        region_code=plan.region_id,
        before=before,
    )
    plan.delete()


def measure_snapshot(measure: Measure) -> dict[str, Any]:
    return snapshot(measure, MEASURE_FIELDS)


def _save_measure(measure: Measure) -> None:
    _clean(measure, exclude=["plan"])
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
    ensure_in_scope(actor, plan, Action.CHANGE)
    measure = Measure(
        plan=plan,
        region_code=plan.region_id,
        county_code=plan.county_code,
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
    ensure_in_scope(actor, measure, Action.CHANGE)
    before = measure_snapshot(measure)
    for name, value in fields.items():
        if name not in MEASURE_FIELDS:
            raise ValueError(f"{name} is not an editable measure field")
        setattr(measure, name, value.strip() if isinstance(value, str) else value)
    _save_measure(measure)
    record(
        actor=actor,
        action="pairing.update_measure",
        obj=measure,
        region_code=measure.region_code,
        before=before,
        after=measure_snapshot(measure),
    )
    return measure


@transaction.atomic
def delete_measure(*, actor: Any, measure: Measure) -> None:
    ensure_in_scope(actor, measure, Action.CHANGE)
    record(
        actor=actor,
        action="pairing.delete_measure",
        obj=measure,
        region_code=measure.region_code,
        before=measure_snapshot(measure),
    )
    measure.delete()


# Visits -------------------------------------------------------------------------------------


def visit_snapshot(visit: Visit) -> dict[str, Any]:
    return snapshot(visit, VISIT_FIELDS)


def _visit_errors(visit: Visit) -> None:
    _clean(visit, exclude=["helper", "household", "member", "region"])
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
        county_code=village[:6],
        visited_on=visited_on,
        done=done.strip(),
        follow_ups=follow_ups.strip(),
    )
    _visit_errors(visit)
    visit.save()
    record(
        actor=actor,
        action="pairing.record_visit",
        obj=visit,
        region_code=village,
        after=visit_snapshot(visit),
    )
    ensure_in_scope(actor, visit, Action.CHANGE)
    return visit


@transaction.atomic
def update_visit(*, actor: Any, visit: Visit, **fields: Any) -> Visit:
    ensure_in_scope(actor, visit, Action.CHANGE)
    before = visit_snapshot(visit)
    for name, value in fields.items():
        if name not in ("visited_on", "done", "follow_ups"):
            raise ValueError(f"{name} is not an editable visit field")
        setattr(visit, name, value.strip() if isinstance(value, str) else value)
    _visit_errors(visit)
    visit.save()
    record(
        actor=actor,
        action="pairing.update_visit",
        obj=visit,
        region_code=visit.region_id,
        before=before,
        after=visit_snapshot(visit),
    )
    return visit


@transaction.atomic
def delete_visit(*, actor: Any, visit: Visit) -> None:
    ensure_in_scope(actor, visit, Action.CHANGE)
    record(
        actor=actor,
        action="pairing.delete_visit",
        obj=visit,
        region_code=visit.region_id,
        before=visit_snapshot(visit),
    )
    visit.delete()


# Proposals ----------------------------------------------------------------------------------


@transaction.atomic
def save_proposal(
    *, actor: Any, region_code: str, result: "ProposalResult", rebalance: bool = False
) -> Proposal:
    """Keep what the optimiser proposes for a region until it is applied or discarded."""
    _may_pair_in(actor, region_code)
    summary = {
        "beneficiaries": result.beneficiaries,
        "assigned": result.assigned,
        "unassigned": result.unassigned,
        "cost_before": result.cost_before,
        "cost_after": result.cost_after,
        "seconds": round(result.seconds, 3),
        "histogram": {str(k): v for k, v in sorted(result.histogram.items())},
    }
    proposal = Proposal.objects.create(
        region_id=region_code,
        rebalance=rebalance,
        summary=summary,
        items=result.items,
        created_by=_user(actor),
    )
    record(
        actor=actor,
        action="pairing.propose",
        obj=proposal,
        region_code=region_code,
        after={**summary, "changes": len(result.items)},
    )
    return proposal


def _decide(actor: Any, proposal: Proposal, status: str) -> None:
    _may_pair_in(actor, proposal.region_id)
    if proposal.status != ProposalStatus.OPEN:
        raise ValidationError(
            _("This proposal was already %(status)s.") % {"status": proposal.get_status_display()}
        )
    proposal.status = status
    proposal.decided_by = _user(actor)
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])


@transaction.atomic
def discard_proposal(*, actor: Any, proposal: Proposal) -> None:
    _decide(actor, proposal, ProposalStatus.DISCARDED)
    record(
        actor=actor,
        action="pairing.discard_proposal",
        obj=proposal,
        region_code=proposal.region_id,
    )


@transaction.atomic
def apply_proposal(*, actor: Any, proposal: Proposal) -> int:
    """Make the proposed primary pairings and end the ones they replace, all or nothing.

    Refused when any pairing it replaces changed since it was proposed. Audited once for the
    proposal and once per village (with that village's changes), so a village's history shows
    them without one event per household of a province.
    """
    _decide(actor, proposal, ProposalStatus.APPLIED)
    changes = [item for item in proposal.items if item.get("new")]
    today = datetime.date.today()
    rows = _current_primary_rows(changes)
    current = {("household", h) if h else ("member", m): helper for _pk, h, m, helper in rows}
    stale = [i for i in changes if current.get((i["kind"], i["id"])) != (i.get("old") or None)]
    if stale:
        raise ValidationError(
            _(
                "Pairings changed since this proposal was made (%(count)s beneficiaries): "
                "propose again."
            )
            % {"count": len(stale)}
        )
    ended = 0
    replaced = [row[0] for row in rows]
    for start in range(0, len(replaced), 5000):
        ended += Pairing.objects.filter(pk__in=replaced[start : start + 5000]).update(
            ended_on=today
        )
    made_by = _user(actor)
    Pairing.objects.bulk_create(
        [
            Pairing(
                helper_id=item["new"],
                household_id=item["id"] if item["kind"] == "household" else None,
                member_id=item["id"] if item["kind"] == "member" else None,
                region_id=item["village"],
                county_code=item["village"][:6],
                kind=PairingKind.PRIMARY,
                started_on=today,
                source=Source.OPTIMISER,
                made_by=made_by,
            )
            for item in changes
        ],
        batch_size=5000,
    )
    _check_caps({item["new"] for item in changes})
    by_village: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in changes:
        by_village[item["village"]].append(
            {"kind": item["kind"], "id": item["id"], "old": item.get("old"), "new": item["new"]}
        )
    for village, village_rows in sorted(by_village.items()):
        record(
            actor=actor,
            action="pairing.apply_proposal_village",
            object_type="regions.region",
            object_id=village,
            object_repr=village,
            region_code=village,
            after={"proposal": proposal.pk, "pairings": village_rows},
        )
    record(
        actor=actor,
        action="pairing.apply_proposal",
        obj=proposal,
        region_code=proposal.region_id,
        after={"made": len(changes), "ended": ended},
    )
    return len(changes)


def _beneficiary_filters(items: list[dict[str, Any]]) -> tuple[list[int], list[int]]:
    households = [i["id"] for i in items if i["kind"] == "household"]
    members = [i["id"] for i in items if i["kind"] == "member"]
    return households, members


def _current_primary_rows(
    items: list[dict[str, Any]],
) -> list[tuple[int, int | None, int | None, int]]:
    households, members = _beneficiary_filters(items)
    rows: list[tuple[int, int | None, int | None, int]] = []
    current = Pairing.objects.filter(ended_on__isnull=True, kind=PairingKind.PRIMARY)
    fields = ("pk", "household_id", "member_id", "helper_id")
    for start in range(0, len(households), 5000):
        rows += current.filter(household_id__in=households[start : start + 5000]).values_list(
            *fields
        )
    for start in range(0, len(members), 5000):
        rows += current.filter(member_id__in=members[start : start + 5000]).values_list(*fields)
    return rows


def _check_caps(helper_ids: set[int]) -> None:
    """After applying: no helper over their primary cap (others may have paired meanwhile)."""
    ids = sorted(helper_ids)
    rules = cap_rules()
    for start in range(0, len(ids), 5000):
        loads = (
            Pairing.objects.filter(
                helper_id__in=ids[start : start + 5000],
                ended_on__isnull=True,
                kind=PairingKind.PRIMARY,
            )
            .values("helper_id")
            .annotate(n=Count("id"))
        )
        load = {row["helper_id"]: row["n"] for row in loads}
        for helper in Helper.objects.filter(pk__in=list(load)).select_related("region"):
            if load[helper.pk] > cap_of(helper, rules=rules):
                raise ValidationError(
                    _("Applying would put %(helper)s over the cap: propose again.")
                    % {"helper": helper}
                )
