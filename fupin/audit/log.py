"""Writing audit events. Actions call `record`; nothing else writes to the audit table."""

from typing import Any

from django.db import models

from fupin.audit.context import current_request_id
from fupin.audit.models import AuditEvent

SYSTEM = "system"


def acting_user(actor: Any) -> Any:
    """The user to store as an author (`made_by`, `recorded_by`…) and in an event: None for an
    operator's CLI command or a job, which act as no signed-in user."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    region_code: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one event. `actor` is a user, or None for an operator's CLI command or a job."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    user = acting_user(actor)
    return AuditEvent.objects.create(
        actor=user,
        actor_name=user.get_username() if user is not None else SYSTEM,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        region_code=region_code,
        before=before,
        after=after,
        request_id=current_request_id(),
    )


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The audited fields of an object as JSON-ready values (for `before` and `after`)."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, models.Model):
            value = value.pk
        out[name] = (
            value if isinstance(value, str | int | float | bool | type(None)) else str(value)
        )
    return out
