"""The projects' rules that need no database: periods, who may take which approval step, how
a contribution becomes shares."""

import datetime
import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fupin.accounts.roles import Action
from fupin.accounts.scoping import can
from fupin.projects.choices import RUN_APPROVAL_LEVEL, STAGE_LEVEL, STAGE_ORDER

CENT = Decimal("0.01")
_YEAR = re.compile(r"^\d{4}$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|–|~|至)\s*(\d{4}-\d{2}-\d{2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_period(text: str) -> tuple[datetime.date, datetime.date]:
    """A dividend period: a year ("2019") or two dates ("2019-07-01..2020-06-30")."""
    value = (text or "").strip()
    error = ValidationError(
        {"period": _("A period is a year (2019) or two dates (2019-07-01..2020-06-30).")}
    )
    if _YEAR.match(value):
        year = int(value)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise error
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    match = _RANGE.match(value)
    if not match:
        raise error
    try:
        start, end = (datetime.date.fromisoformat(d) for d in match.groups())
    except ValueError:
        raise error from None
    if end < start:
        raise ValidationError({"period": _("The period ends before it starts.")})
    return start, end


def money(value: Any, field: str, *, positive: bool = False) -> Decimal:
    """An amount of yuan to the fen; negative never, zero only when not `positive`."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {field: _("“%(value)s” is not a number.") % {"value": value}}
        ) from None
    if not amount.is_finite():
        raise ValidationError({field: _("“%(value)s” is not a number.") % {"value": value}})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: _("At most two decimal places.")})
    if amount < 0 or (positive and amount == 0):
        raise ValidationError(
            {field: _("Must be more than zero.") if positive else _("Must not be negative.")}
        )
    return amount.quantize(CENT)


def shares_for(value: Decimal, share_price: Decimal) -> Decimal:
    """Shares bought by `value` yuan at the charter's price, rounded down to 0.01 share (the
    project never issues shares that were not paid for)."""
    return (value / share_price).quantize(CENT, rounding=ROUND_DOWN)


def next_stage(current: str) -> str | None:
    index = STAGE_ORDER.index(current)
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


def can_advance(user: Any, project: Any, stage: str) -> bool:
    """Whether `user` may record `stage` for `project` now: it is the next step, and the user
    holds a grant at the step's level or above over the project's region."""
    if stage != next_stage(project.stage):
        return False
    return can(user, Action.CHANGE, project.region_id, level=STAGE_LEVEL[stage])


def can_approve_runs(user: Any, project: Any) -> bool:
    """Approving and recording dividends is the township's (or a higher level's) part."""
    return can(user, Action.CHANGE, project.region_id, level=RUN_APPROVAL_LEVEL)
