"""The development pipeline's rules (发展党员), without the database.

The order and minimum periods are those of the Party's regulations on developing members:
an applicant becomes an activist, an activist is cultivated for at least a year (with two
contacts, 培养联系人) before becoming a development target, a target is admitted as a
probationary member, and a probationary member becomes a full member after one year.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fupin.party.choices import Stage

ORDER = [Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY, Stage.FULL]
# The stage a step leaves, and the least time it must have lasted (in years).
MINIMUM_YEARS = {Stage.ACTIVIST: 1, Stage.PROBATIONARY: 1}
YOUNG_TALENT_AGE = 35


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def contact_names(contacts: str) -> list[str]:
    for sep in ("、", "，", ",", ";", "；", "/"):
        contacts = contacts.replace(sep, " ")
    return [name for name in contacts.split() if name]


def check_step(
    *,
    current: str | None,
    previous_on: datetime.date | None,
    stage: str,
    on: datetime.date,
    contacts: str = "",
) -> None:
    """Refuse a step that skips a stage, goes back in time, or cuts a minimum period short.

    `current` is the stage reached so far (None for someone with no step yet) and
    `previous_on` the date it was reached.
    """
    step = Stage(stage)
    if current is None:
        if step != Stage.APPLICANT:
            raise ValidationError({"stage": _("The development starts with the application.")})
        return
    position = ORDER.index(Stage(current))
    if position + 1 >= len(ORDER) or ORDER[position + 1] != step:
        expected = ORDER[position + 1].label if position + 1 < len(ORDER) else None
        message = (
            _("After “%(current)s” the next stage is “%(next)s”.")
            % {"current": Stage(current).label, "next": expected}
            if expected
            else _("A full member has no further stage.")
        )
        raise ValidationError({"stage": message})
    if previous_on is not None and on < previous_on:
        raise ValidationError(
            {
                "on": _("The date is before the previous step (%(date)s).")
                % {"date": previous_on.isoformat()}
            }
        )
    years = MINIMUM_YEARS.get(Stage(current))
    if years and previous_on is not None and on < years_after(previous_on, years):
        raise ValidationError(
            {
                "on": _("“%(current)s” must last at least a year: not before %(date)s.")
                % {"current": Stage(current).label, "date": years_after(previous_on, years)}
            }
        )
    if step == Stage.ACTIVIST and len(contact_names(contacts)) < 2:
        raise ValidationError({"contacts": _("An activist needs two contacts.")})


def check_member_dates(
    *,
    birth_date: datetime.date | None,
    joined_on: datetime.date | None,
    full_on: datetime.date | None,
    stage: str,
) -> dict[str, str]:
    """Errors (by field) in the dates of a member as entered on the form."""
    errors: dict[str, str] = {}
    if joined_on and birth_date and age_on(birth_date, joined_on) < 18:
        errors["joined_on"] = _("A member joins at 18 or older.")
    if full_on and not joined_on:
        errors["joined_on"] = _("A full member needs a joining date.")
    if joined_on and full_on and full_on < years_after(joined_on, 1):
        errors["full_on"] = _(
            "The probation lasts a year: a member who joined on %(date)s becomes full "
            "on %(earliest)s at the earliest."
        ) % {"date": joined_on.isoformat(), "earliest": years_after(joined_on, 1).isoformat()}
    if stage == Stage.PROBATIONARY and full_on:
        errors["full_on"] = _("A probationary member has no date made full member.")
    if stage in (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET) and joined_on:
        errors["joined_on"] = _("Only a member has a joining date.")
    if stage in (Stage.PROBATIONARY, Stage.FULL) and not joined_on:
        errors["joined_on"] = _("A member needs a joining date.")
    return errors
