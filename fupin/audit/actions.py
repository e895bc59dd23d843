"""Audited creations, changes and deletions: the snapshot → change → save → event steps every
domain's `create_*`, `update_*` and `delete_*` actions take, written once.

An action keeps its own rule checks (scope first, then what the domain forbids) and hands the
rest to one call. The event's content is the action's: its name, the region it is filed under,
the snapshot of the audited fields before and after. Like `log.record`, this knows no domain
and no accounts (the scope checks stay in the actions).
"""

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.db import models

from fupin.audit.log import record, snapshot

M = TypeVar("M", bound=models.Model)

# The audited fields by name, or a function giving the snapshot (masked IDs, nested rows…).
Fields = Sequence[str] | Callable[[Any], dict[str, Any]]
# A value taken from the object once the change is saved (its region may have moved).
Late = str | Callable[[Any], str]


def _snapshot(obj: models.Model, fields: Fields) -> dict[str, Any]:
    return fields(obj) if callable(fields) else snapshot(obj, list(fields))


def _late(value: Late, obj: models.Model) -> str:
    return value(obj) if callable(value) else value


def check_known(fields: Iterable[str], known: Collection[str], what: str) -> None:
    """Refuse a field the action does not take (`what`: "plan", "member"…): the caller's
    mistake, not the user's, so a ValueError and not a ValidationError."""
    unknown = set(fields) - set(known)
    if unknown:
        raise ValueError(f"unknown {what} fields {sorted(unknown)}")


def stripped(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The values an action was given, text without the spaces around it (as forms and files
    leave them)."""
    return {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}


def audited_create(actor: Any, obj: M, *, action: str, fields: Fields, region_code: str) -> M:
    """Save the new `obj` (checked already) and write the `action` event with its `fields` as
    they were saved. Call it inside the action's transaction."""
    obj.save()
    record(
        actor=actor,
        action=action,
        obj=obj,
        region_code=region_code,
        after=_snapshot(obj, fields),
    )
    return obj


def audited_update(
    actor: Any,
    obj: M,
    changes: Mapping[str, Any],
    *,
    action: str,
    fields: Fields,
    region_code: Late,
    check: Callable[[M], None] | None = None,
    save: Callable[[M], None] | None = None,
    object_repr: Late = "",
) -> M:
    """Set `changes` on `obj`, run `check` (the domain's rules on the changed object; it
    raises to refuse and may complete the change, such as moving the object to a region),
    save it (`save`, when saving also writes related rows) and write the `action` event with
    the `fields` before and after. Call it inside the action's transaction."""
    before = _snapshot(obj, fields)
    for name, value in changes.items():
        setattr(obj, name, value)
    if check is not None:
        check(obj)
    if save is not None:
        save(obj)
    else:
        obj.save()
    record(
        actor=actor,
        action=action,
        obj=obj,
        object_repr=_late(object_repr, obj),
        region_code=_late(region_code, obj),
        before=before,
        after=_snapshot(obj, fields),
    )
    return obj


def audited_delete(
    actor: Any,
    obj: models.Model,
    *,
    action: str,
    fields: Fields,
    region_code: str,
    delete: Callable[[Any], Any] | None = None,
    object_repr: str = "",
) -> None:
    """Write the `action` event with the `fields` of `obj` as they were, then delete it
    (`delete`, when the domain refuses or clears what refers to it first). The event names
    the object's type, id and text as they were before it went; a refused deletion raises
    and the action's transaction takes the event back with it."""
    record(
        actor=actor,
        action=action,
        obj=obj,
        object_repr=object_repr,
        region_code=region_code,
        before=_snapshot(obj, fields),
    )
    if delete is not None:
        delete(obj)
    else:
        obj.delete()
