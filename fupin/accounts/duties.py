"""Separation of duties (四眼原则): money paid to poor households, and the pairings a whole
region is given, are decided by more than one person.

A matter goes through steps taken by users: a dividend run is proposed, approved, then
recorded; a pairing proposal is made, then applied. The user taking a step must not be one who
took an earlier step that the rule keeps apart from it. How far apart is each province's choice
(`settings.DUTY_SEPARATION`, by province code; the environment's DUTY_SEPARATION=51=proposer):

- "strict" (the default): every step by its own user, so three steps need three users;
- "proposer": only the proposer is kept from the later steps, so the approver may also record
  and two users suffice.

An operator's command or a job acts as no signed-in user and is not separated: the rule is
between the product's users (the operator holds the database itself). A step whose user was
deleted since counts as nobody's.
"""

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.utils.functional import Promise

from fupin.audit.log import acting_user


class Separation(StrEnum):
    STRICT = "strict"
    PROPOSER = "proposer"


class SameUser(PermissionDenied):
    """A step refused because its user took an earlier step of the same matter."""


def separation(region_code: str) -> Separation:
    """The separation of the province of `region_code`."""
    chosen = getattr(settings, "DUTY_SEPARATION", {}).get(region_code[:2], Separation.STRICT)
    try:
        return Separation(chosen)
    except ValueError:
        raise ImproperlyConfigured(
            f"DUTY_SEPARATION gives {region_code[:2]} {chosen!r}; use one of "
            f"{', '.join(Separation)}."
        ) from None


def earlier_step_of(actor: Any, region_code: str, earlier: Sequence[int | None]) -> int | None:
    """The index in `earlier` (the user ids of the matter's earlier steps, the proposal first)
    of a step `actor` took and must not be followed by this one; None when `actor` may take it.
    """
    user = acting_user(actor)
    if user is None:
        return None
    kept_apart = earlier if separation(region_code) == Separation.STRICT else earlier[:1]
    return next((i for i, pk in enumerate(kept_apart) if pk is not None and pk == user.pk), None)


def refusal(
    actor: Any, region_code: str, earlier: Sequence[tuple[int | None, str | Promise]]
) -> str:
    """Why `actor` may not take this step: the words of the first of the `earlier` steps (user
    id, and the refusal's words when it was theirs, the proposal first) that they took and the
    region's province keeps apart from this one; "" when they may take it."""
    index = earlier_step_of(actor, region_code, [pk for pk, _message in earlier])
    return "" if index is None else str(earlier[index][1])


def require_another_user(
    actor: Any, region_code: str, earlier: Sequence[tuple[int | None, str | Promise]]
) -> None:
    """Raise SameUser (a 403 on pages and the API) with the `refusal`, if any. Actions call it
    before they write anything, so a refused step saves nothing."""
    message = refusal(actor, region_code, earlier)
    if message:
        raise SameUser(message)
