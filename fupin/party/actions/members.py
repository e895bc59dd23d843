"""Members: registering, placing in an organisation and a region, changing and deleting."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.accounts.roles import Action
from fupin.accounts.scoping import can, regions_in_scope, require
from fupin.audit.actions import (
    audited_create,
    audited_delete,
    audited_update,
    check_known,
    stripped,
)
from fupin.lib.deletion import delete_or_explain
from fupin.party.actions.common import MEMBER_FIELDS, _clean, member_snapshot
from fupin.party.models import Member, Organisation
from fupin.party.rules import check_member_dates
from fupin.registry.rules import check_person_id


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
    if not can(actor, Action.VIEW, organisation):
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
    region = regions_in_scope(actor, code, field="region")
    member.organisation = organisation
    member.region = region


@transaction.atomic
def register_member(
    *, actor: Any, organisation: Organisation, region_code: str | None = None, **fields: Any
) -> Member:
    entered_sex, entered_birth = fields.pop("sex", None), fields.pop("birth_date", None)
    check_known(fields, MEMBER_FIELDS, "member")
    member = Member(**fields)
    _place(actor, member, organisation, region_code)
    _member_errors(member, entered_sex=entered_sex, entered_birth=entered_birth)
    audited_create(
        actor,
        member,
        action="party.register_member",
        fields=member_snapshot,
        region_code=member.region_id,
    )
    require(actor, member, Action.CHANGE)
    return member


@transaction.atomic
def update_member(
    *, actor: Any, member: Member, region_code: str | None = None, **fields: Any
) -> Member:
    """Change a member's form; a new `organisation` (and `region_code`) transfers them."""
    require(actor, member, Action.CHANGE)
    entered_sex, entered_birth = fields.pop("sex", None), fields.pop("birth_date", None)
    organisation = fields.pop("organisation", None)
    check_known(fields, [f for f in MEMBER_FIELDS if f != "region"], "member")

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
        stripped(fields),
        action="party.update_member",
        fields=member_snapshot,
        region_code=lambda m: m.region_id,
        check=check,
    )
    require(actor, member, Action.CHANGE)
    return member


@transaction.atomic
def delete_member(*, actor: Any, member: Member) -> None:
    require(actor, member, Action.CHANGE)
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
