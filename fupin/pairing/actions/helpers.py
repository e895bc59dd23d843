"""Helpers and the cap rules that limit them."""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.accounts.roles import Action
from fupin.accounts.scoping import can, regions_in_scope, require
from fupin.audit.actions import audited_create, audited_delete, audited_update, check_known
from fupin.audit.log import record, snapshot
from fupin.lib.deletion import delete_or_explain
from fupin.pairing.choices import Skill
from fupin.pairing.models import (
    CapRule,
    Helper,
)
from fupin.pairing.rules import has_poor_tag
from fupin.party.models import Member
from fupin.regions.choices import Level
from fupin.regions.models import Region
from fupin.registry.models import Person

if TYPE_CHECKING:
    pass

from fupin.pairing.actions.common import (
    HELPER_FIELDS,
    check_fields,
)

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
    if region.level < Level.CITY:
        raise ValidationError({"region": _("A helper works in a city, county or below.")})
    if not can(actor, Action.CHANGE, code):
        raise ValidationError(
            {
                "region": _("%(region)s is outside the regions you may change.")
                % {"region": region.name}
            }
        )
    helper.region = region


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
    if not can(actor, Action.VIEW, member):
        raise ValidationError({"member": _("This member is outside the regions you may see.")})
    if Helper.objects.filter(member=member).exists():
        raise ValidationError(
            {"member": _("%(name)s is already a helper.") % {"name": member.name}}
        )
    _check_not_poor(member)
    helper = Helper(member=member, expertise=_skills(expertise), is_leader=is_leader, user=user)
    _helper_region(actor, helper, region_code or member.region_id)
    _check_user(helper)
    audited_create(
        actor,
        helper,
        action="pairing.register_helper",
        fields=helper_snapshot,
        region_code=helper.region_id,
    )
    require(actor, helper, Action.CHANGE)
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
    if not can(actor, Action.CHANGE, helper.region_id):
        raise ValidationError(_("Only an administrator of the helper's region may change this."))


@transaction.atomic
def update_helper(*, actor: Any, helper: Helper, **fields: Any) -> Helper:
    _administers(actor, helper)
    region_code = fields.pop("region_code", None)
    check_known(fields, ("expertise", "is_leader", "user", "active"), "helper")

    def check(helper: Helper) -> None:
        if region_code is not None and region_code != helper.region_id:
            _helper_region(actor, helper, region_code)
        _check_user(helper)

    audited_update(
        actor,
        helper,
        {k: _skills(v) if k == "expertise" else v for k, v in fields.items()},
        action="pairing.update_helper",
        fields=helper_snapshot,
        region_code=lambda h: h.region_id,
        check=check,
    )
    require(actor, helper, Action.CHANGE)
    return helper


@transaction.atomic
def delete_helper(*, actor: Any, helper: Helper) -> None:
    _administers(actor, helper)
    audited_delete(
        actor,
        helper,
        action="pairing.delete_helper",
        fields=helper_snapshot,
        region_code=helper.region_id,
        delete=delete_or_explain,
    )


# Cap rules ----------------------------------------------------------------------------------


@transaction.atomic
def set_cap_rule(
    *, actor: Any, region_code: str, primary_cap: int, leader_cap: int, secondary_cap: int
) -> CapRule:
    region = regions_in_scope(actor, region_code.strip(), field="region")
    rule = CapRule.objects.filter(region=region).first() or CapRule(region=region)
    before = snapshot(rule, ["primary_cap", "leader_cap", "secondary_cap"]) if rule.pk else None
    rule.primary_cap, rule.leader_cap, rule.secondary_cap = primary_cap, leader_cap, secondary_cap
    check_fields(rule, exclude=["region"])
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
    if not can(actor, Action.CHANGE, rule.region_id):
        raise ValidationError(_("This is outside the regions you are responsible for."))
    audited_delete(
        actor,
        rule,
        action="pairing.delete_cap_rule",
        fields=["primary_cap", "leader_cap", "secondary_cap"],
        region_code=rule.region_id,
    )
