"""Every write to the party organisations and members. Pages, API, CLI, imports and the demo's
small writes call these; each is atomic and writes its AuditEvent.

An organisation may be changed only by a user whose subtree holds every region it covers
(`SpanningQuerySet`): a park committee across two counties belongs to both, and only the
level above both may change or reorganise it.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from fupin.accounts.roles import Action
from fupin.accounts.scoping import covers, ensure_in_scope
from fupin.audit.actions import audited_delete, audited_update
from fupin.audit.log import acting_user, record, snapshot
from fupin.lib.deletion import delete_or_explain
from fupin.lib.ids import mask_id, mask_phone
from fupin.party.choices import Stage, TagKind
from fupin.party.models import (
    Coverage,
    DevelopmentStep,
    Member,
    MemberTag,
    Organisation,
    Reorganisation,
    ReorganisationRegion,
    ServiceLog,
)
from fupin.party.rules import YOUNG_TALENT_AGE, age_on, check_member_dates, check_step
from fupin.regions.choices import Level
from fupin.regions.models import Region, with_county_codes
from fupin.registry.models import Person
from fupin.registry.rules import check_person_id

ORGANISATION_FIELDS = [
    "name",
    "level",
    "kind",
    "parent",
    "region",
    "founded_on",
    "closed_on",
    "secretary",
    "committee_members",
    "note",
]
EDITABLE_ORGANISATION_FIELDS = [
    "name",
    "level",
    "kind",
    "parent",
    "founded_on",
    "secretary",
    "committee_members",
    "note",
]
MEMBER_FIELDS = [
    "organisation",
    "region",
    "name",
    "sex",
    "ethnicity",
    "id_number",
    "birth_date",
    "education",
    "stage",
    "joined_on",
    "full_on",
    "post",
    "phone",
    "address",
    "status",
    "lost_contact_on",
    "migrant_to",
]
TAG_FIELDS = ["kind", "since", "until", "came_from", "founded", "post", "duties", "unit", "note"]
SERVICE_FIELDS = ["member", "village", "on", "kind", "channel", "note"]


def _clean(obj: Any, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def organisation_snapshot(organisation: Organisation) -> dict[str, Any]:
    data = snapshot(organisation, ORGANISATION_FIELDS)
    data["regions"] = sorted(organisation.coverage.values_list("region_id", flat=True))
    return data


def member_snapshot(member: Member) -> dict[str, Any]:
    data = snapshot(member, MEMBER_FIELDS)
    # The audit log is read by auditors: no ID, birth date or phone in it.
    data["id_number"] = mask_id(member.id_number)
    data["birth_date"] = member.birth_date.year if member.birth_date else None
    data["phone"] = mask_phone(member.phone) if member.phone else ""
    return data


# Organisations ------------------------------------------------------------------------------


def common_region(codes: list[str]) -> str:
    """The longest region code that every code starts with and that is a region."""
    prefix = codes[0]
    for code in codes[1:]:
        while not code.startswith(prefix):
            prefix = prefix[:-1]
    for length in (12, 9, 6, 4, 2):
        if len(prefix) >= length:
            return prefix[:length]
    return prefix


def regions_for(actor: Any, region_codes: list[str]) -> list[Region]:
    """The covered regions, refused unless each exists and lies in the actor's subtree."""
    codes = sorted({c.strip() for c in region_codes if c and c.strip()})
    if not codes:
        raise ValidationError({"region_codes": _("An organisation covers at least one region.")})
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError(
            {
                "region_codes": _("There is no region with code %(codes)s.")
                % {"codes": "、".join(missing)}
            }
        )
    outside = [c for c in codes if actor is not None and not covers(actor, c, Action.CHANGE)]
    if outside:
        raise ValidationError(
            {
                "region_codes": _("%(regions)s is outside the regions you may change.")
                % {"regions": "、".join(found[c].name for c in outside)}
            }
        )
    nested = [c for c in codes if any(o != c and c.startswith(o) for o in codes)]
    if nested:
        raise ValidationError(
            {
                "region_codes": _("%(regions)s lies inside another covered region.")
                % {"regions": "、".join(found[c].name for c in nested)}
            }
        )
    return [found[c] for c in codes]


def _check_parent(
    actor: Any, parent: Organisation | None, codes: list[str], own: Organisation | None
) -> None:
    if parent is None:
        return
    if actor is not None and not Organisation.objects.for_user(actor).filter(pk=parent.pk).exists():
        raise ValidationError(
            {"parent": _("The parent organisation is outside the regions you may see.")}
        )
    if not parent.is_open:
        raise ValidationError({"parent": _("The parent organisation is closed.")})
    if own is not None:
        ancestor: Organisation | None = parent
        while ancestor is not None:
            if ancestor.pk == own.pk:
                raise ValidationError(
                    {"parent": _("An organisation cannot be placed under itself.")}
                )
            ancestor = ancestor.parent
    parent_codes = list(parent.coverage.values_list("region_id", flat=True))
    outside = [c for c in codes if not any(c.startswith(p) for p in parent_codes)]
    if outside:
        names = Region.objects.filter(code__in=outside).values_list("name", flat=True)
        raise ValidationError(
            {
                "region_codes": _(
                    "%(regions)s is outside the coverage of the parent organisation %(parent)s."
                )
                % {"regions": "、".join(names), "parent": parent.name}
            }
        )


def _set_coverage(organisation: Organisation, regions: list[Region]) -> None:
    organisation.coverage.all().delete()
    Coverage.objects.bulk_create(
        with_county_codes(Coverage(organisation=organisation, region=r) for r in regions)
    )


@transaction.atomic
def create_organisation(
    *,
    actor: Any,
    name: str,
    level: str,
    kind: str,
    region_codes: list[str],
    parent: Organisation | None = None,
    founded_on: datetime.date | None = None,
    committee_members: str = "",
    note: str = "",
) -> Organisation:
    regions = regions_for(actor, region_codes)
    codes = [r.code for r in regions]
    organisation = Organisation(
        name=name.strip(),
        level=level,
        kind=kind,
        parent=parent,
        region_id=common_region(codes),
        founded_on=founded_on,
        committee_members=committee_members.strip(),
        note=note,
    )
    _clean(organisation, exclude=["region", "secretary"])
    _check_parent(actor, parent, codes, None)
    _check_name(organisation, codes)
    organisation.save()
    _set_coverage(organisation, regions)
    record(
        actor=actor,
        action="party.create_organisation",
        obj=organisation,
        region_code=organisation.region_id,
        after=organisation_snapshot(organisation),
    )
    ensure_in_scope(actor, organisation, Action.CHANGE)
    return organisation


def _check_name(organisation: Organisation, codes: list[str]) -> None:
    """Two open organisations of one name in one region would be told apart by nobody."""
    clash = Organisation.objects.filter(
        name=organisation.name, region_id=organisation.region_id, closed_on__isnull=True
    ).exclude(pk=organisation.pk)
    if organisation.closed_on is None and clash.exists():
        raise ValidationError(
            {
                "name": _("An open organisation named %(name)s already exists here.")
                % {"name": organisation.name}
            }
        )


@transaction.atomic
def update_organisation(
    *,
    actor: Any,
    organisation: Organisation,
    region_codes: list[str] | None = None,
    **fields: Any,
) -> Organisation:
    ensure_in_scope(actor, organisation, Action.CHANGE)
    if not organisation.is_open:
        raise ValidationError(_("A closed organisation is history and is not changed."))
    for name in fields:
        if name not in EDITABLE_ORGANISATION_FIELDS:
            raise ValueError(f"{name} is not an editable organisation field")
    regions: list[Region] = []

    def check(organisation: Organisation) -> None:
        nonlocal regions
        if region_codes is not None:
            regions = regions_for(actor, region_codes)
            codes = [r.code for r in regions]
        else:
            codes = list(organisation.coverage.values_list("region_id", flat=True))
        _check_organisation(actor, organisation, codes, region_codes is not None)

    def save(organisation: Organisation) -> None:
        organisation.save()
        if region_codes is not None:
            _set_coverage(organisation, regions)

    audited_update(
        actor,
        organisation,
        {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()},
        action="party.update_organisation",
        fields=organisation_snapshot,
        region_code=lambda o: o.region_id,
        check=check,
        save=save,
    )
    ensure_in_scope(actor, organisation, Action.CHANGE)
    return organisation


def _check_organisation(
    actor: Any, organisation: Organisation, codes: list[str], new_coverage: bool
) -> None:
    organisation.region_id = common_region(codes)
    _clean(organisation, exclude=["region"])
    _check_parent(actor, organisation.parent, codes, organisation)
    _check_name(organisation, codes)
    if (
        organisation.secretary is not None
        and organisation.secretary.organisation_id != organisation.pk
    ):
        raise ValidationError(
            {"secretary": _("The secretary must be a member of the organisation.")}
        )
    if new_coverage:
        stranded = organisation.members.exclude(_under_any("region__code", codes))
        if stranded.exists():
            raise ValidationError(
                {
                    "region_codes": _("%(n)d members live outside the new coverage.")
                    % {"n": stranded.count()}
                }
            )
        children = [
            child.name
            for child in organisation.children.filter(closed_on__isnull=True)
            if child.coverage.exclude(_under_any("region__code", codes)).exists()
        ]
        if children:
            raise ValidationError(
                {
                    "region_codes": _("The new coverage leaves out regions of %(children)s.")
                    % {"children": "、".join(children)}
                }
            )


def _under_any(field_name: str, codes: list[str]) -> Q:
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(**{f"{field_name}__startswith": code})
    return q


@transaction.atomic
def delete_organisation(*, actor: Any, organisation: Organisation) -> None:
    ensure_in_scope(actor, organisation, Action.CHANGE)
    if organisation.members.exists():
        raise ValidationError(
            _("%(name)s still has members: move them first, or reorganise.")
            % {"name": organisation.name}
        )
    if organisation.children.exists():
        raise ValidationError(
            _("%(name)s still has subordinate organisations.") % {"name": organisation.name}
        )
    if organisation.closed_by.exists() or organisation.created_by.exists():
        raise ValidationError(
            _("%(name)s is part of a reorganisation's history and is kept.")
            % {"name": organisation.name}
        )
    audited_delete(
        actor,
        organisation,
        action="party.delete_organisation",
        fields=organisation_snapshot,
        region_code=organisation.region_id,
        delete=_delete_organisation,
    )


def _delete_organisation(organisation: Organisation) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(secretary=None)
    organisation.delete()


@dataclass
class Successor:
    """An organisation a reorganisation creates."""

    name: str
    level: str
    kind: str
    region_codes: list[str] = field(default_factory=list)
    parent: Organisation | None = None
    founded_on: datetime.date | None = None


@transaction.atomic
def reorganise(
    *,
    actor: Any,
    sources: list[Organisation],
    successors: list[Successor],
    on: datetime.date,
    note: str = "",
) -> Reorganisation:
    """Merge or split: create the successors, move every member and every subordinate
    organisation of the sources to the first successor covering its region, close the sources.

    Merging three village branches into two general branches is one call with three sources
    and two successors. Refused whole when anything would be left without an organisation.
    """
    if not sources:
        raise ValidationError({"sources": _("Choose the organisations to reorganise.")})
    if not successors:
        raise ValidationError({"successors": _("Name at least one successor organisation.")})
    # Read afresh: a page's or a script's copy may predate another reorganisation.
    sources = list(Organisation.objects.filter(pk__in=[s.pk for s in sources]))
    for source in sources:
        ensure_in_scope(actor, source, Action.CHANGE)
        if not source.is_open:
            raise ValidationError(
                {"sources": _("%(name)s is already closed.") % {"name": source.name}}
            )
        if source.founded_on and on < source.founded_on:
            raise ValidationError(
                {"on": _("%(name)s was founded after that date.") % {"name": source.name}}
            )
    if on > datetime.date.today():
        raise ValidationError({"on": _("A reorganisation is recorded once it has happened.")})
    source_ids = {s.pk for s in sources}
    touched = {c for s in sources for c in s.coverage.values_list("region_id", flat=True)}
    created: list[Organisation] = []
    for successor in successors:
        parent = successor.parent
        if parent is not None and parent.pk in source_ids:
            raise ValidationError(
                {"successors": _("A successor cannot sit under an organisation being closed.")}
            )
        try:
            organisation = create_organisation(
                actor=actor,
                name=successor.name,
                level=successor.level,
                kind=successor.kind,
                region_codes=successor.region_codes,
                parent=parent,
                founded_on=successor.founded_on or on,
            )
        except ValidationError as e:
            raise ValidationError(
                {"successors": [f"{successor.name}: {m}" for m in e.messages]}
            ) from None
        created.append(organisation)
        touched |= set(organisation.coverage.values_list("region_id", flat=True))
    coverage = [(o, list(o.coverage.values_list("region_id", flat=True))) for o in created]

    def successor_for(code: str) -> Organisation | None:
        return next((o for o, codes in coverage if any(code.startswith(c) for c in codes)), None)

    # The sources as they were, with their member counts, for the history page.
    before = [
        {**organisation_snapshot(s), "id": s.pk, "members": s.members.count()} for s in sources
    ]
    moved = 0
    stranded: list[str] = []
    moves: dict[int, list[int]] = {}
    for member in Member.objects.filter(organisation__in=sources).only("pk", "name", "region_id"):
        target = successor_for(member.region_id)
        if target is None:
            stranded.append(member.name)
        else:
            moves.setdefault(target.pk, []).append(member.pk)
    children = Organisation.objects.filter(parent__in=sources, closed_on__isnull=True)
    child_moves: list[tuple[Organisation, Organisation]] = []
    for child in children:
        codes = list(child.coverage.values_list("region_id", flat=True))
        target = successor_for(codes[0]) if codes else None
        if target is None or any(successor_for(c) != target for c in codes):
            stranded.append(child.name)
        else:
            child_moves.append((child, target))
    if stranded:
        raise ValidationError(
            {
                "successors": _(
                    "No successor covers the region of %(count)d members or organisations "
                    "(%(names)s): they would be left without an organisation."
                )
                % {"count": len(stranded), "names": "、".join(stranded[:10])}
            }
        )
    for target_pk, member_ids in moves.items():
        moved += Member.objects.filter(pk__in=member_ids).update(organisation_id=target_pk)
    for child, target in child_moves:
        Organisation.objects.filter(pk=child.pk).update(parent=target)
    for source in sources:
        Organisation.objects.filter(pk=source.pk).update(closed_on=on, secretary=None)
    reorganisation = Reorganisation.objects.create(
        on=on, note=note, members_moved=moved, recorded_by=acting_user(actor)
    )
    reorganisation.sources.set(sources)
    reorganisation.successors.set(created)
    ReorganisationRegion.objects.bulk_create(
        ReorganisationRegion(reorganisation=reorganisation, region_id=code)
        for code in sorted(touched)
    )
    record(
        actor=actor,
        action="party.reorganise",
        obj=reorganisation,
        object_repr=" + ".join(s.name for s in sources)
        + " → "
        + " + ".join(o.name for o in created),
        region_code=common_region(sorted(touched)),
        before={"organisations": before},
        after={
            "organisations": [organisation_snapshot(o) for o in created],
            "members_moved": moved,
            "closed_on": on.isoformat(),
        },
    )
    return reorganisation


# Members ------------------------------------------------------------------------------------


def _member_errors(member: Member, *, entered_sex: str | None, entered_birth: Any) -> None:
    number, sex, birth, errors = check_person_id(member.id_number, entered_sex, entered_birth)
    member.id_number, member.sex, member.birth_date = number, sex, birth
    if "id_number" not in errors:
        other = (
            Member.objects.filter(id_number=number)
            .exclude(pk=member.pk)
            .select_related("organisation")
            .first()
        )
        if other is not None:
            errors["id_number"] = _(
                "This person is already a member of %(organisation)s: transfer them instead."
            ) % {"organisation": other.organisation.name}
    exclude = ["organisation", "region", "person"]
    if "id_number" in errors:
        exclude += ["sex", "birth_date"]
    try:
        _clean(member, exclude=exclude)
    except ValidationError as e:
        for name, messages in e.message_dict.items():
            errors.setdefault(name, messages[0])
    for name, message in check_member_dates(
        birth_date=member.birth_date if "id_number" not in errors else None,
        joined_on=member.joined_on,
        full_on=member.full_on,
        stage=member.stage,
    ).items():
        errors.setdefault(name, message)
    if member.lost_contact_on and member.lost_contact_on > datetime.date.today():
        errors.setdefault("lost_contact_on", _("The date is in the future."))
    if errors:
        raise ValidationError(errors)


def _place(actor: Any, member: Member, organisation: Organisation, region_code: str | None) -> None:
    """Put the member in an open organisation and a region it covers."""
    if not organisation.is_open:
        raise ValidationError(
            {"organisation": _("%(name)s is closed.") % {"name": organisation.name}}
        )
    if (
        actor is not None
        and not type(organisation).objects.for_user(actor).filter(pk=organisation.pk).exists()
    ):
        raise ValidationError(
            {"organisation": _("This organisation is outside the regions you may see.")}
        )
    codes = list(organisation.coverage.values_list("region_id", flat=True))
    code = (region_code or "").strip() or (codes[0] if len(codes) == 1 else "")
    if not code:
        raise ValidationError(
            {
                "region": _("%(name)s covers several regions: say which one the member lives in.")
                % {"name": organisation.name}
            }
        )
    if not any(code.startswith(c) for c in codes):
        raise ValidationError(
            {
                "region": _("%(code)s is not covered by %(name)s.")
                % {"code": code, "name": organisation.name}
            }
        )
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError(
            {"region": _("There is no region with code “%(code)s”.") % {"code": code}}
        )
    if actor is not None and not covers(actor, code, Action.CHANGE):
        raise ValidationError(
            {
                "region": _("%(region)s is outside the regions you may change.")
                % {"region": region.name}
            }
        )
    member.organisation = organisation
    member.region = region


@transaction.atomic
def register_member(
    *, actor: Any, organisation: Organisation, region_code: str | None = None, **fields: Any
) -> Member:
    entered_sex, entered_birth = fields.pop("sex", None), fields.pop("birth_date", None)
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise ValueError(f"unknown member fields {sorted(unknown)}")
    member = Member(**fields)
    _place(actor, member, organisation, region_code)
    _member_errors(member, entered_sex=entered_sex, entered_birth=entered_birth)
    member.save()
    record(
        actor=actor,
        action="party.register_member",
        obj=member,
        region_code=member.region_id,
        after=member_snapshot(member),
    )
    ensure_in_scope(actor, member, Action.CHANGE)
    return member


@transaction.atomic
def update_member(
    *, actor: Any, member: Member, region_code: str | None = None, **fields: Any
) -> Member:
    """Change a member's form; a new `organisation` (and `region_code`) transfers them."""
    ensure_in_scope(actor, member, Action.CHANGE)
    entered_sex, entered_birth = fields.pop("sex", None), fields.pop("birth_date", None)
    organisation = fields.pop("organisation", None)
    for name in fields:
        if name not in MEMBER_FIELDS or name == "region":
            raise ValueError(f"{name} is not an editable member field")

    def check(member: Member) -> None:
        if organisation is not None and organisation.pk != member.organisation_id:
            _place(actor, member, organisation, region_code)
            Organisation.objects.filter(secretary=member).exclude(pk=organisation.pk).update(
                secretary=None
            )
        elif region_code:
            _place(actor, member, member.organisation, region_code)
        _member_errors(member, entered_sex=entered_sex, entered_birth=entered_birth)
        if member.person_id and member.person and member.person.id_number != member.id_number:
            raise ValidationError(
                {"id_number": _("A poor member keeps the ID number of their registry record.")}
            )

    audited_update(
        actor,
        member,
        {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()},
        action="party.update_member",
        fields=member_snapshot,
        region_code=lambda m: m.region_id,
        check=check,
    )
    ensure_in_scope(actor, member, Action.CHANGE)
    return member


@transaction.atomic
def delete_member(*, actor: Any, member: Member) -> None:
    ensure_in_scope(actor, member, Action.CHANGE)
    audited_delete(
        actor,
        member,
        action="party.delete_member",
        fields=_member_with_tags,
        region_code=member.region_id,
        delete=_delete_member,
    )


def _member_with_tags(member: Member) -> dict[str, Any]:
    return {**member_snapshot(member), "tags": list(member.tags.values_list("kind", flat=True))}


def _delete_member(member: Member) -> None:
    Organisation.objects.filter(secretary=member).update(secretary=None)
    delete_or_explain(member)


# Tags ---------------------------------------------------------------------------------------


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
    ensure_in_scope(actor, member, Action.CHANGE)
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
    ensure_in_scope(actor, member, Action.CHANGE)
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
    ensure_in_scope(actor, member, Action.CHANGE)
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


# Service logs -------------------------------------------------------------------------------


@transaction.atomic
def record_service(
    *,
    actor: Any,
    member: Member,
    village_code: str,
    on: datetime.date,
    kind: str,
    channel: str = "in_person",
    note: str = "",
) -> ServiceLog:
    ensure_in_scope(actor, member, Action.VIEW)
    village = Region.objects.filter(pk=village_code, level=Level.VILLAGE).first()
    if village is None:
        raise ValidationError(
            {"village": _("There is no village with code “%(code)s”.") % {"code": village_code}}
        )
    if actor is not None and not covers(actor, village.code, Action.CHANGE):
        raise ValidationError(
            {
                "village": _("%(village)s is outside the regions you may change.")
                % {"village": village.name}
            }
        )
    service = ServiceLog(
        member=member,
        village=village,
        on=on,
        kind=kind,
        channel=channel,
        note=note.strip(),
        recorded_by=acting_user(actor),
    )
    _clean(service, exclude=["member", "village", "recorded_by"])
    if on > datetime.date.today():
        raise ValidationError({"on": _("A service is recorded once it has happened.")})
    service.save()
    record(
        actor=actor,
        action="party.record_service",
        obj=service,
        region_code=village.code,
        after=snapshot(service, SERVICE_FIELDS),
    )
    return service


@transaction.atomic
def delete_service(*, actor: Any, service: ServiceLog) -> None:
    ensure_in_scope(actor, service, Action.CHANGE)
    audited_delete(
        actor,
        service,
        action="party.delete_service",
        fields=SERVICE_FIELDS,
        region_code=service.village_id,
    )
