"""Partners: leading enterprises (with their unified social credit code) and industry
households, linked to the projects they support and the villages they serve."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from fupin.accounts.roles import Action
from fupin.accounts.scoping import can, require
from fupin.audit.actions import audited_delete, audited_update, check_known, stripped
from fupin.audit.log import record, snapshot
from fupin.lib.deletion import delete_or_explain
from fupin.projects.actions.common import (
    NO_SUCH_RECORD,
    PARTNER_FIELDS,
    PROJECT_OUTSIDE,
    check_fields,
)
from fupin.projects.choices import PartnerKind
from fupin.projects.models import Partner, Project
from fupin.regions.choices import Level
from fupin.regions.models import Region

EDITABLE_FIELDS = ["kind", "name", "credit_code", "industry", "contact", "phone"]


def partner_snapshot(partner: Partner) -> dict[str, Any]:
    data = snapshot(partner, PARTNER_FIELDS)
    data["villages"] = sorted(partner.villages.values_list("code", flat=True))
    return data


def check_credit_code(value: str, kind: str) -> str:
    """The unified social credit code (GB 32100-2015), compacted; an enterprise must have one."""
    code = uscc.compact(value or "")
    if not code:
        if kind == PartnerKind.ENTERPRISE:
            raise ValidationError(
                {"credit_code": _("A leading enterprise needs its unified social credit code.")}
            )
        return ""
    try:
        return str(uscc.validate(code))
    except StdnumError:
        raise ValidationError(
            {
                "credit_code": _(
                    "“%(code)s” is not a valid unified social credit code (18 characters with "
                    "a check character)."
                )
                % {"code": value}
            }
        ) from None


def _region(actor: Any, code: str) -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise ValidationError({"region_code": _("There is no region with this code.")})
    if not can(actor, Action.CHANGE, region.code):
        raise ValidationError(
            {
                "region_code": _("%(region)s is outside the regions you may change.")
                % {"region": region.name}
            }
        )
    return region


def _villages(codes: Any) -> list[Region]:
    codes = sorted({c.strip() for c in codes or () if c and c.strip()})
    found = list(Region.objects.filter(code__in=codes, level=Level.VILLAGE))
    missing = sorted(set(codes) - {r.code for r in found})
    if missing:
        raise ValidationError(
            {
                "village_codes": _("There is no village with code %(codes)s.")
                % {"codes": "、".join(missing)}
            }
        )
    return found


def _check_unique(partner: Partner) -> None:
    if (
        partner.credit_code
        and Partner.objects.filter(credit_code=partner.credit_code).exclude(pk=partner.pk).exists()
    ):
        raise ValidationError(
            {"credit_code": _("Another partner is registered with this credit code.")}
        )


@transaction.atomic
def create_partner(
    *,
    actor: Any,
    kind: str,
    name: str,
    region_code: str,
    credit_code: str = "",
    village_codes: Any = (),
    **fields: Any,
) -> Partner:
    check_known(fields, EDITABLE_FIELDS, "partner")
    region = _region(actor, region_code)
    partner = Partner(
        kind=kind,
        name=(name or "").strip(),
        region=region,
        **stripped(fields),
    )
    check_fields(partner, exclude=["credit_code"])
    partner.credit_code = check_credit_code(credit_code, kind)
    _check_unique(partner)
    villages = _villages(village_codes)
    partner.save()
    partner.villages.set(villages)
    record(
        actor=actor,
        action="projects.create_partner",
        obj=partner,
        region_code=region.code,
        after=partner_snapshot(partner),
    )
    require(actor, partner, Action.CHANGE)
    return partner


@transaction.atomic
def update_partner(*, actor: Any, partner: Partner, **fields: Any) -> Partner:
    require(actor, partner, Action.CHANGE)
    village_codes = fields.pop("village_codes", None)
    region_code = fields.pop("region_code", None)
    check_known(fields, EDITABLE_FIELDS, "partner")
    villages: list[Region] | None = None

    def check(partner: Partner) -> None:
        nonlocal villages
        if region_code is not None:
            partner.region = _region(actor, region_code)
        check_fields(partner, exclude=["credit_code"])
        partner.credit_code = check_credit_code(partner.credit_code, partner.kind)
        _check_unique(partner)
        villages = _villages(village_codes) if village_codes is not None else None

    def save(partner: Partner) -> None:
        partner.save()
        if villages is not None:
            partner.villages.set(villages)

    audited_update(
        actor,
        partner,
        stripped(fields),
        action="projects.update_partner",
        fields=partner_snapshot,
        region_code=lambda p: p.region_id,
        check=check,
        save=save,
    )
    require(actor, partner, Action.CHANGE)
    return partner


@transaction.atomic
def delete_partner(*, actor: Any, partner: Partner) -> None:
    require(actor, partner, Action.CHANGE)
    if partner.projects.exists():
        raise ValidationError(_("This partner supports projects; unlink it from them first."))
    audited_delete(
        actor,
        partner,
        action="projects.delete_partner",
        fields=partner_snapshot,
        region_code=partner.region_id,
        delete=delete_or_explain,
        object_repr=partner.name,
    )


@transaction.atomic
def link_partner(*, actor: Any, project: Project, partner: Partner) -> None:
    require(actor, project, Action.CHANGE, message=PROJECT_OUTSIDE)
    if not can(actor, Action.VIEW, partner):
        raise ValidationError({"partner": NO_SUCH_RECORD})
    project.partners.add(partner)
    record(
        actor=actor,
        action="projects.link_partner",
        obj=project,
        region_code=project.region_id,
        after={"partner": partner.pk},
    )


@transaction.atomic
def unlink_partner(*, actor: Any, project: Project, partner: Partner) -> None:
    require(actor, project, Action.CHANGE, message=PROJECT_OUTSIDE)
    project.partners.remove(partner)
    record(
        actor=actor,
        action="projects.unlink_partner",
        obj=project,
        region_code=project.region_id,
        before={"partner": partner.pk},
    )
