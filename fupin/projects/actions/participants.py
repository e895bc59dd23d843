"""Participants, their yearly income from the project, and the share register's entries:
contributions, transfers and withdrawals."""

import datetime
from decimal import Decimal
from typing import Any

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
from fupin.audit.log import acting_user, record, snapshot
from fupin.lib.deletion import delete_or_explain
from fupin.projects.actions.common import (
    ENTRY_FIELDS,
    NO_SUCH_RECORD,
    PARTICIPANT_FIELDS,
    PROJECT_OUTSIDE,
    check_fields,
)
from fupin.projects.choices import Asset, EntryKind, RunStatus
from fupin.projects.models import (
    DividendRun,
    Participant,
    ParticipantIncome,
    Project,
    ShareEntry,
)
from fupin.projects.register import holdings
from fupin.projects.rules import CENT, money, shares_for
from fupin.regions.choices import Level
from fupin.regions.models import Region
from fupin.registry.models import Household, Person
from fupin.registry.rules import check_year

EDITABLE_FIELDS = ["name", "is_shareholder", "is_worker", "is_trainee", "joined_on", "left_on"]


def participant_snapshot(participant: Participant) -> dict[str, Any]:
    return snapshot(participant, PARTICIPANT_FIELDS)


def _village(actor: Any, project: Project, code: str) -> Region:
    region = Region.objects.filter(code=(code or "").strip(), level=Level.VILLAGE).first()
    if region is None:
        raise ValidationError({"region_code": _("There is no village with this code.")})
    if not can(actor, Action.VIEW, region.code):
        raise ValidationError({"region_code": _("There is no village with this code.")})
    return region


@transaction.atomic
def add_participant(
    *,
    actor: Any,
    project: Project,
    household: Household | None = None,
    person: Person | None = None,
    name: str = "",
    region_code: str = "",
    is_shareholder: bool = False,
    is_worker: bool = False,
    is_trainee: bool = False,
    joined_on: datetime.date | None = None,
) -> Participant:
    """Add a household (its head's name), a person, or a named participant (a non-poor
    villager, the village collective) to a project."""
    require(actor, project, Action.CHANGE, message=PROJECT_OUTSIDE)
    if person is not None:
        if not can(actor, Action.VIEW, person):
            raise ValidationError({"person": NO_SUCH_RECORD})
        household = person.household
    if household is not None and not can(actor, Action.VIEW, household):
        raise ValidationError({"household": NO_SUCH_RECORD})
    if household is not None:
        region = household.village
        if not name and person is None:
            head = household.members.order_by("pk").filter(relation="head").first()
            name = head.name if head else household.number
        name = name or (person.name if person else "")
    else:
        region = _village(actor, project, region_code)
    if not (is_shareholder or is_worker or is_trainee):
        raise ValidationError(
            _("A participant is a shareholder, a worker or a trainee (or several of these).")
        )
    duplicate = Participant.objects.filter(project=project)
    if person is not None:
        duplicate = duplicate.filter(person=person)
    elif household is not None:
        duplicate = duplicate.filter(household=household, person__isnull=True)
    else:
        duplicate = duplicate.none()
    if duplicate.exists():
        raise ValidationError(_("This participant is already in the project."))
    participant = Participant(
        project=project,
        household=household,
        person=person,
        name=(name or "").strip(),
        region=region,
        is_poor=household is not None,
        is_shareholder=is_shareholder,
        is_worker=is_worker,
        is_trainee=is_trainee,
        joined_on=joined_on or datetime.date.today(),
    )
    check_fields(participant)
    audited_create(
        actor,
        participant,
        action="projects.add_participant",
        fields=participant_snapshot,
        region_code=project.region_id,
    )
    return participant


@transaction.atomic
def update_participant(*, actor: Any, participant: Participant, **fields: Any) -> Participant:
    require(actor, participant.project, Action.CHANGE, message=PROJECT_OUTSIDE)
    check_known(fields, EDITABLE_FIELDS, "participant")
    return audited_update(
        actor,
        participant,
        stripped(fields),
        action="projects.update_participant",
        fields=participant_snapshot,
        region_code=participant.project.region_id,
        check=_check_participant,
    )


def _check_participant(participant: Participant) -> None:
    if not (participant.is_shareholder or participant.is_worker or participant.is_trainee):
        raise ValidationError(
            _("A participant is a shareholder, a worker or a trainee (or several of these).")
        )
    if participant.left_on and participant.left_on < participant.joined_on:
        raise ValidationError({"left_on": _("The participant left before joining.")})
    held = holdings(participant.project, participant=participant)
    if not participant.is_shareholder and any(shares for shares, _v in held.values()):
        raise ValidationError(
            {"is_shareholder": _("This participant holds shares; transfer or withdraw them first.")}
        )
    check_fields(participant)


@transaction.atomic
def delete_participant(*, actor: Any, participant: Participant) -> None:
    """Remove a participant entered by mistake; one with share entries or dividends is kept
    (mark them as left instead)."""
    project = participant.project
    require(actor, project, Action.CHANGE, message=PROJECT_OUTSIDE)
    audited_delete(
        actor,
        participant,
        action="projects.delete_participant",
        fields=participant_snapshot,
        region_code=project.region_id,
        delete=_delete_participant,
        object_repr=participant.name,
    )


def _delete_participant(participant: Participant) -> None:
    participant.incomes.all().delete()
    delete_or_explain(participant)


@transaction.atomic
def record_participant_income(
    *, actor: Any, participant: Participant, year: int, wages: Any = 0, other: Any = 0
) -> ParticipantIncome:
    """A participant's wages and other income from the project in a year. Dividends are
    written by the dividend runs, never by hand."""
    require(actor, participant.project, Action.CHANGE, message=PROJECT_OUTSIDE)
    check_year(year)
    income, _created = ParticipantIncome.objects.get_or_create(participant=participant, year=year)
    fields = ["year", "wages", "dividends", "other"]
    before = snapshot(income, fields)
    income.wages = money(wages, "wages")
    income.other = money(other, "other")
    income.save()
    record(
        actor=actor,
        action="projects.record_participant_income",
        obj=participant,
        region_code=participant.project.region_id,
        before=before,
        after=snapshot(income, fields),
    )
    return income


# The share register ---------------------------------------------------------------------


def _check_date(project: Project, dated_on: datetime.date | None) -> datetime.date:
    """Entries are dated, not in the future, and after the last recorded dividend run: the
    register a recorded run paid on is closed (a backdated entry would rewrite it)."""
    if dated_on is None:
        raise ValidationError({"dated_on": _("Enter the date.")})
    if dated_on > datetime.date.today():
        raise ValidationError({"dated_on": _("The date cannot be in the future.")})
    closed = (
        DividendRun.objects.filter(project=project, status=RunStatus.RECORDED)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    if closed is not None and dated_on <= closed:
        raise ValidationError(
            {
                "dated_on": _(
                    "The register up to %(date)s has been paid on by a recorded dividend run; "
                    "date the entry after it."
                )
                % {"date": closed}
            }
        )
    return dated_on


def _check_preferred(participant: Participant, preferred: bool) -> None:
    if not preferred:
        return
    if not participant.project.preferred_rate:
        raise ValidationError({"preferred": _("This project's charter has no preferred shares.")})
    if not participant.is_poor:
        raise ValidationError(
            {"preferred": _("Preferred shares are for registered poor households only.")}
        )


def _held(participant: Participant, preferred: bool, on: datetime.date | None) -> Decimal:
    held = holdings(participant.project, on, participant)
    return held.get((participant.pk, preferred), (Decimal(0), Decimal(0)))[0] or Decimal(0)


def _value_of(participant: Participant, preferred: bool, shares: Decimal) -> Decimal:
    """The paid-in value that leaves with `shares` (its proportion of what was paid in)."""
    held = holdings(participant.project, participant=participant).get((participant.pk, preferred))
    if not held or not held[0]:
        return Decimal(0)
    return (held[1] * shares / held[0]).quantize(CENT)


def _save_entry(actor: Any, entry: ShareEntry, action: str) -> ShareEntry:
    entry.created_by = acting_user(actor)
    entry.save()
    record(
        actor=actor,
        action=action,
        obj=entry.participant,
        region_code=entry.project.region_id,
        after=snapshot(entry, ENTRY_FIELDS),
    )
    return entry


def _mark_shareholder(participant: Participant) -> None:
    if not participant.is_shareholder:
        participant.is_shareholder = True
        participant.save(update_fields=["is_shareholder"])


@transaction.atomic
def contribute(
    *,
    actor: Any,
    participant: Participant,
    asset: str,
    dated_on: datetime.date | None,
    amount: Any = None,
    land_mu: Any = None,
    preferred: bool = False,
    note: str = "",
) -> ShareEntry:
    """A share contribution (入股): land at the charter's yuan per 亩, or assistance funds or
    cash in yuan, converted into shares at the charter's yuan per share."""
    project = participant.project
    require(actor, project, Action.CHANGE, message=PROJECT_OUTSIDE)
    dated_on = _check_date(project, dated_on)
    _check_preferred(participant, preferred)
    if asset == Asset.LAND:
        mu = money(land_mu if land_mu not in (None, "") else 0, "land_mu", positive=True)
        if not project.land_price:
            raise ValidationError(
                {"land_mu": _("The charter sets no value per mu of land; set it first.")}
            )
        value = (mu * project.land_price).quantize(CENT)
    elif asset in (Asset.FUND, Asset.CASH):
        mu = Decimal(0)
        value = money(amount if amount not in (None, "") else 0, "amount", positive=True)
    else:
        raise ValidationError({"asset": _("Land, assistance funds or cash.")})
    shares = shares_for(value, project.share_price)
    if shares <= 0:
        raise ValidationError(
            {
                "amount": _("This buys no share at %(price)s yuan a share.")
                % {"price": project.share_price}
            }
        )
    _mark_shareholder(participant)
    entry = ShareEntry(
        project=project,
        participant=participant,
        kind=EntryKind.CONTRIBUTION,
        asset=asset,
        land_mu=mu,
        value=value,
        shares=shares,
        preferred=preferred,
        dated_on=dated_on,
        note=note.strip(),
    )
    return _save_entry(actor, entry, "projects.contribute")


def _shares(value: Any) -> Decimal:
    return money(value, "shares", positive=True)


def _check_enough(
    participant: Participant, preferred: bool, shares: Decimal, on: datetime.date
) -> None:
    # Enough on the date and from then on (a later entry may already have taken some).
    if shares > min(_held(participant, preferred, on), _held(participant, preferred, None)):
        raise ValidationError(
            {"shares": _("%(name)s does not hold that many shares.") % {"name": participant.name}}
        )


@transaction.atomic
def transfer_shares(
    *,
    actor: Any,
    source: Participant,
    target: Participant,
    shares: Any,
    dated_on: datetime.date | None,
    preferred: bool = False,
    note: str = "",
) -> tuple[ShareEntry, ShareEntry]:
    """Move shares from one participant of a project to another (two entries)."""
    project = source.project
    require(actor, project, Action.CHANGE, message=PROJECT_OUTSIDE)
    if target.project_id != source.project_id:
        raise ValidationError({"target": _("Both participants must be in the same project.")})
    if target.pk == source.pk:
        raise ValidationError({"target": _("Shares are transferred to someone else.")})
    dated_on = _check_date(project, dated_on)
    count = _shares(shares)
    _check_preferred(target, preferred)
    _check_enough(source, preferred, count, dated_on)
    value = _value_of(source, preferred, count)
    _mark_shareholder(target)
    out = _save_entry(
        actor,
        ShareEntry(
            project=project,
            participant=source,
            kind=EntryKind.TRANSFER_OUT,
            value=-value,
            shares=-count,
            preferred=preferred,
            dated_on=dated_on,
            note=note.strip(),
        ),
        "projects.transfer_shares",
    )
    into = _save_entry(
        actor,
        ShareEntry(
            project=project,
            participant=target,
            kind=EntryKind.TRANSFER_IN,
            value=value,
            shares=count,
            preferred=preferred,
            dated_on=dated_on,
            counterpart=out,
            note=note.strip(),
        ),
        "projects.transfer_shares",
    )
    out.counterpart = into
    out.save(update_fields=["counterpart"])
    return out, into


@transaction.atomic
def withdraw_shares(
    *,
    actor: Any,
    participant: Participant,
    shares: Any,
    dated_on: datetime.date | None,
    preferred: bool = False,
    note: str = "",
) -> ShareEntry:
    """A participant withdraws shares (退股), taking back their proportion of what was paid in."""
    project = participant.project
    require(actor, project, Action.CHANGE, message=PROJECT_OUTSIDE)
    dated_on = _check_date(project, dated_on)
    count = _shares(shares)
    _check_enough(participant, preferred, count, dated_on)
    value = _value_of(participant, preferred, count)
    entry = ShareEntry(
        project=project,
        participant=participant,
        kind=EntryKind.WITHDRAWAL,
        value=-value,
        shares=-count,
        preferred=preferred,
        dated_on=dated_on,
        note=note.strip(),
    )
    return _save_entry(actor, entry, "projects.withdraw_shares")
