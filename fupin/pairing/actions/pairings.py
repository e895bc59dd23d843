"""Pairings, made by hand or by applying the optimiser's proposal."""

import datetime
import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts.duties import refusal, require_another_user
from fupin.accounts.roles import Action
from fupin.accounts.scoping import can, require
from fupin.audit.actions import audited_delete, audited_update
from fupin.audit.log import acting_user, record, snapshot
from fupin.pairing import solver
from fupin.pairing.choices import PairingKind, ProposalStatus, Source
from fupin.pairing.models import (
    Helper,
    Pairing,
    Proposal,
    ProposalItem,
)
from fupin.pairing.rules import cap_of, cap_rules, has_poor_tag, household_needs_helper
from fupin.party.models import Member
from fupin.regions.models import with_county_codes
from fupin.registry.models import Household

if TYPE_CHECKING:
    from fupin.pairing.optimise import ProposalResult

from fupin.pairing.actions.common import (
    MADE_IT,
    ONLY_ADMINISTRATORS_PAIR,
    PAIRING_FIELDS,
)

# Items saved and read this many at a time: a province's proposal has hundreds of thousands.
CHUNK = 5000

# An item to apply: household, member, village, old helper, new helper.
Change = tuple[int | None, int | None, str, int | None, int]

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
    if not can(actor, Action.CHANGE, village):
        raise ValidationError(ONLY_ADMINISTRATORS_PAIR)
    if not can(actor, Action.VIEW, helper):
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
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        source=source,
        made_by=acting_user(actor),
    )
    record(
        actor=actor,
        action="pairing.pair",
        obj=pairing,
        region_code=village,
        after=pairing_snapshot(pairing),
    )
    require(actor, pairing, Action.CHANGE)
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
    if not can(actor, Action.CHANGE, pairing.region_id):
        raise ValidationError(ONLY_ADMINISTRATORS_PAIR)
    if pairing.ended_on is not None:
        raise ValidationError(_("This pairing has already ended."))
    ended_on = ended_on or datetime.date.today()
    if ended_on < pairing.started_on:
        raise ValidationError({"ended_on": _("A pairing cannot end before it started.")})
    if ended_on > datetime.date.today():
        raise ValidationError({"ended_on": _("A pairing cannot end in the future.")})
    return audited_update(
        actor,
        pairing,
        {"ended_on": ended_on},
        action="pairing.end_pairing",
        fields=pairing_snapshot,
        region_code=pairing.region_id,
        save=lambda p: p.save(update_fields=["ended_on"]),
    )


@transaction.atomic
def delete_pairing(*, actor: Any, pairing: Pairing) -> None:
    """For a pairing entered by mistake; a pairing that happened is ended, not deleted."""
    if not can(actor, Action.CHANGE, pairing.region_id):
        raise ValidationError(ONLY_ADMINISTRATORS_PAIR)
    audited_delete(
        actor,
        pairing,
        action="pairing.delete_pairing",
        fields=pairing_snapshot,
        region_code=pairing.region_id,
    )


# Proposals ----------------------------------------------------------------------------------


@transaction.atomic
def save_proposal(
    *, actor: Any, region_code: str, result: "ProposalResult", rebalance: bool = False
) -> Proposal:
    """Keep what the optimiser proposes for a region until it is applied or discarded."""
    if not can(actor, Action.CHANGE, region_code):
        raise ValidationError(ONLY_ADMINISTRATORS_PAIR)
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
        created_by=acting_user(actor),
    )
    for start in range(0, len(result.items), CHUNK):
        ProposalItem.objects.bulk_create(
            [ProposalItem.of(proposal, item) for item in result.items[start : start + CHUNK]]
        )
    record(
        actor=actor,
        action="pairing.propose",
        obj=proposal,
        region_code=region_code,
        after={**summary, "changes": len(result.items)},
    )
    return proposal


def another_applier(actor: Any, proposal: Proposal) -> str:
    """Why `actor` may not apply the proposal: they made it, and a region's pairings change
    under four eyes (fupin.accounts.duties); "" when they may. Discarding one's own is free."""
    return refusal(actor, proposal.region_id, [(proposal.created_by_id, MADE_IT)])


def require_another_applier(actor: Any, proposal: Proposal) -> None:
    """Raise SameUser (a 403) with `another_applier`'s words, if any."""
    require_another_user(actor, proposal.region_id, [(proposal.created_by_id, MADE_IT)])


def _decide(actor: Any, proposal: Proposal, status: str) -> None:
    if not can(actor, Action.CHANGE, proposal.region_id):
        raise ValidationError(ONLY_ADMINISTRATORS_PAIR)
    if proposal.status != ProposalStatus.OPEN:
        raise ValidationError(
            _("This proposal was already %(status)s.") % {"status": proposal.get_status_display()}
        )
    if status == ProposalStatus.APPLIED:
        require_another_applier(actor, proposal)
    proposal.status = status
    proposal.decided_by = acting_user(actor)
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
    them without one event per household of a province. Reads the items CHUNK at a time, a
    village after another, so a province's proposal is never in memory whole.
    """
    _decide(actor, proposal, ProposalStatus.APPLIED)
    changes = (
        ProposalItem.objects.filter(proposal=proposal, new_helper__isnull=False)
        .order_by("region_code", "pk")
        .values_list("household_id", "member_id", "region_code", "old_helper_id", "new_helper_id")
    )
    today = datetime.date.today()
    made_by = acting_user(actor)
    made = ended = stale = 0
    helpers: set[int] = set()
    village = ""  # the village whose audited rows are being gathered
    village_rows: list[dict[str, Any]] = []
    for chunk in _chunks(changes.iterator(chunk_size=CHUNK)):
        rows = _current_primary_rows(chunk)
        current = {(h, m): helper for _pk, h, m, helper in rows}
        stale += sum(1 for h, m, _v, old, _new in chunk if current.get((h, m)) != old)
        if stale:
            continue  # refused at the end, with the count of every stale beneficiary
        replaced = [row[0] for row in rows]
        ended += Pairing.objects.filter(pk__in=replaced).update(ended_on=today)
        Pairing.objects.bulk_create(
            with_county_codes(
                Pairing(
                    helper_id=new,
                    household_id=household,
                    member_id=member,
                    region_id=code,
                    kind=PairingKind.PRIMARY,
                    started_on=today,
                    source=Source.OPTIMISER,
                    made_by=made_by,
                )
                for household, member, code, _old, new in chunk
            )
        )
        made += len(chunk)
        helpers.update(new for *_rest, new in chunk)
        for household, member, code, old, new in chunk:
            if code != village:
                _record_village(actor, proposal, village, village_rows)
                village, village_rows = code, []
            kind, pk = ("household", household) if household else ("member", member)
            village_rows.append({"kind": kind, "id": pk, "old": old, "new": new})
    if stale:
        raise ValidationError(
            _(
                "Pairings changed since this proposal was made (%(count)s beneficiaries): "
                "propose again."
            )
            % {"count": stale}
        )
    _record_village(actor, proposal, village, village_rows)
    _check_caps(helpers)
    record(
        actor=actor,
        action="pairing.apply_proposal",
        obj=proposal,
        region_code=proposal.region_id,
        after={"made": made, "ended": ended},
    )
    return made


def _chunks(rows: Iterator[Change]) -> Iterator[list[Change]]:
    """`rows` CHUNK at a time."""
    while chunk := list(itertools.islice(rows, CHUNK)):
        yield chunk


def _record_village(actor: Any, proposal: Proposal, village: str, rows: list[Any]) -> None:
    """The audit event of one village's changes (none for no village)."""
    if not rows:
        return
    record(
        actor=actor,
        action="pairing.apply_proposal_village",
        object_type="regions.region",
        object_id=village,
        object_repr=village,
        region_code=village,
        after={"proposal": proposal.pk, "pairings": rows},
    )


def _current_primary_rows(
    chunk: list[Change],
) -> list[tuple[int, int | None, int | None, int]]:
    """(pk, household, member, helper) of the current primary pairings of a chunk's
    beneficiaries."""
    households = [h for h, *_rest in chunk if h]
    members = [m for _h, m, *_rest in chunk if m]
    current = Pairing.objects.filter(ended_on__isnull=True, kind=PairingKind.PRIMARY)
    fields = ("pk", "household_id", "member_id", "helper_id")
    rows: list[tuple[int, int | None, int | None, int]] = []
    if households:
        rows += current.filter(household_id__in=households).values_list(*fields)
    if members:
        rows += current.filter(member_id__in=members).values_list(*fields)
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
