"""Service logs: a service a member did for a village (a migrant member's help from afar, a
no-post member's volunteer or post duty)."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.accounts.roles import Action
from fupin.accounts.scoping import regions_in_scope, require
from fupin.audit.actions import audited_create, audited_delete
from fupin.audit.log import acting_user
from fupin.party.actions.common import SERVICE_FIELDS, _clean
from fupin.party.models import Member, ServiceLog
from fupin.regions.choices import Level


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
    require(actor, member, Action.VIEW)
    village = regions_in_scope(actor, village_code, level=Level.VILLAGE, field="village")
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
    audited_create(
        actor,
        service,
        action="party.record_service",
        fields=SERVICE_FIELDS,
        region_code=village.code,
    )
    return service


@transaction.atomic
def delete_service(*, actor: Any, service: ServiceLog) -> None:
    require(actor, service, Action.CHANGE)
    audited_delete(
        actor,
        service,
        action="party.delete_service",
        fields=SERVICE_FIELDS,
        region_code=service.village_id,
    )
