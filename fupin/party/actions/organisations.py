"""Organisations: the regions they cover, their place in the tree, their names."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from fupin.accounts.roles import Action
from fupin.accounts.scoping import can, regions_in_scope, require
from fupin.audit.actions import audited_delete, audited_update, check_known, stripped
from fupin.audit.log import record
from fupin.party.actions.common import EDITABLE_ORGANISATION_FIELDS, _clean, organisation_snapshot
from fupin.party.models import Coverage, Organisation
from fupin.regions.models import Region, with_county_codes


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
    regions = regions_in_scope(actor, region_codes, field="region_codes")
    if not regions:
        raise ValidationError({"region_codes": _("An organisation covers at least one region.")})
    nested = [r for r in regions if any(o != r and r.code.startswith(o.code) for o in regions)]
    if nested:
        raise ValidationError(
            {
                "region_codes": _("%(regions)s lies inside another covered region.")
                % {"regions": "、".join(r.name for r in nested)}
            }
        )
    return regions


def _check_parent(
    actor: Any, parent: Organisation | None, codes: list[str], own: Organisation | None
) -> None:
    if parent is None:
        return
    if not can(actor, Action.VIEW, parent):
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
    require(actor, organisation, Action.CHANGE)
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
    require(actor, organisation, Action.CHANGE)
    if not organisation.is_open:
        raise ValidationError(_("A closed organisation is history and is not changed."))
    check_known(fields, EDITABLE_ORGANISATION_FIELDS, "organisation")
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
        stripped(fields),
        action="party.update_organisation",
        fields=organisation_snapshot,
        region_code=lambda o: o.region_id,
        check=check,
        save=save,
    )
    require(actor, organisation, Action.CHANGE)
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
    require(actor, organisation, Action.CHANGE)
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
