"""A member's record over time: tags (poor member, wealth leader, returnee, young talent, ...)
and the steps of the development pipeline."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from fupin.accounts.roles import Action
from fupin.accounts.scoping import require
from fupin.audit.log import acting_user, record, snapshot
from fupin.party.actions.common import TAG_FIELDS, _clean
from fupin.party.choices import Stage, TagKind
from fupin.party.models import DevelopmentStep, Member, MemberTag
from fupin.party.rules import YOUNG_TALENT_AGE, age_on, check_step
from fupin.registry.models import Person


@transaction.atomic
def add_tag(
    *,
    actor: Any,
    member: Member,
    kind: str,
    since: datetime.date,
    until: datetime.date | None = None,
    came_from: str = "",
    founded: str = "",
    post: str = "",
    duties: str = "",
    unit: str = "",
    note: str = "",
) -> MemberTag:
    require(actor, member, Action.CHANGE)
    tag = MemberTag(
        member=member,
        region_code=member.region_id,
        kind=kind,
        since=since,
        until=until,
        came_from=came_from.strip(),
        founded=founded.strip(),
        post=post.strip(),
        duties=duties.strip(),
        unit=unit.strip(),
        note=note.strip(),
    )
    _clean(tag, exclude=["member"])
    errors: dict[str, str] = {}
    if until is not None and until < since:
        errors["until"] = _("The end is before the start.")
    open_same = member.tags.filter(kind=kind).filter(Q(until__isnull=True) | Q(until__gte=since))
    if open_same.exists():
        errors["kind"] = _("The member already has this tag for that time.")
    if kind == TagKind.POOR:
        person = Person.objects.filter(id_number=member.id_number).first()
        if person is None:
            errors["kind"] = _(
                "A poor member must be registered in the registry: no registered person has "
                "this member's ID number."
            )
        else:
            member.person = person
    if kind == TagKind.RETURNEE and not tag.came_from:
        errors["came_from"] = _("Say where the returnee came back from.")
    if kind == TagKind.POST_HOLDER and not tag.post:
        errors["post"] = _("Say which post the member holds.")
    if kind == TagKind.CADRE and not tag.unit:
        errors["unit"] = _("Say which organ the cadre comes from.")
    if kind == TagKind.YOUNG_TALENT:
        developed = member.joined_on or since
        if age_on(member.birth_date, developed) > YOUNG_TALENT_AGE:
            errors["kind"] = _(
                "Young talent is 35 or under when developed; this member was %(age)d."
            ) % {"age": age_on(member.birth_date, developed)}
    if errors:
        raise ValidationError(errors)
    tag.save()
    if kind == TagKind.POOR:
        member.save(update_fields=["person", "updated_at"])
    record(
        actor=actor,
        action="party.add_tag",
        obj=member,
        region_code=member.region_id,
        after=snapshot(tag, TAG_FIELDS),
    )
    return tag


@transaction.atomic
def remove_tag(*, actor: Any, tag: MemberTag) -> None:
    member = tag.member
    require(actor, member, Action.CHANGE)
    record(
        actor=actor,
        action="party.remove_tag",
        obj=member,
        region_code=member.region_id,
        before=snapshot(tag, TAG_FIELDS),
    )
    tag.delete()
    if tag.kind == TagKind.POOR and not member.tags.filter(kind=TagKind.POOR).exists():
        member.person = None
        member.save(update_fields=["person", "updated_at"])


# Development --------------------------------------------------------------------------------


@transaction.atomic
def record_step(
    *,
    actor: Any,
    member: Member,
    stage: str,
    on: datetime.date,
    approved_by: str = "",
    contacts: str = "",
) -> DevelopmentStep:
    """The member reaches the next stage of the development pipeline."""
    require(actor, member, Action.CHANGE)
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Choose a stage from the list.")})
    if on > datetime.date.today():
        raise ValidationError({"on": _("A step is recorded once it has happened.")})
    last = member.steps.order_by("-on", "-pk").first()
    previous_on: datetime.date | None
    current: str | None
    if last is not None:
        current, previous_on = last.stage, last.on
    elif stage == Stage.APPLICANT and member.stage == Stage.APPLICANT:
        # The application of someone registered as an applicant: the first dated step.
        current, previous_on = None, None
    else:
        # Registered part-way (an imported member): the form's dates stand for the steps.
        current, previous_on = member.stage, member.full_on or member.joined_on
    check_step(current=current, previous_on=previous_on, stage=stage, on=on, contacts=contacts)
    step = DevelopmentStep.objects.create(
        member=member,
        region_code=member.region_id,
        stage=stage,
        on=on,
        approved_by=approved_by.strip(),
        contacts=contacts.strip(),
        recorded_by=acting_user(actor),
    )
    before = {"stage": member.stage}
    member.stage = stage
    if stage == Stage.PROBATIONARY:
        member.joined_on = on
    elif stage == Stage.FULL:
        member.full_on = on
    member.save(update_fields=["stage", "joined_on", "full_on", "updated_at"])
    record(
        actor=actor,
        action="party.record_step",
        obj=member,
        region_code=member.region_id,
        before=before,
        after={"stage": stage, "on": on.isoformat(), "approved_by": step.approved_by},
    )
    return step
