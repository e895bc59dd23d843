"""The registration's rules that need no database: ID checks, income arithmetic, status steps.

Forms, the API, the import and the actions all call these, so a rule is written once.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fupin.lib.ids import BadId, parse_resident_id
from fupin.regions.loader import FIRST_YEAR, LAST_YEAR
from fupin.registry.choices import Status

CENT = Decimal("0.01")

ID_REASONS = {
    "length": lambda: _("an ID number has 18 characters"),
    "format": lambda: _("an ID number is 17 digits and a digit or X"),
    "date": lambda: _("the birth date inside the ID number does not exist"),
    "checksum": lambda: _("the check digit is wrong (the number was mistyped)"),
    "province": lambda: _("an ID number starts with a province code; this one does not"),
}

# Which status may follow which (脱贫 after 未脱贫 or 返贫; 返贫 only after 脱贫).
NEXT_STATUS = {
    Status.POOR: {Status.EXITED},
    Status.EXITED: {Status.RELAPSED},
    Status.RELAPSED: {Status.EXITED},
}


def check_person_id(
    id_number: str, sex: str | None, birth_date: datetime.date | None
) -> tuple[str, str, datetime.date, dict[str, str]]:
    """The normalised ID, the sex and birth date it encodes, and errors by field.

    Sex and birth date are derived from the ID; when they were also entered, they must agree.
    """
    try:
        rid = parse_resident_id(id_number)
    except BadId as e:
        return (
            id_number,
            sex or "",
            birth_date or datetime.date(1900, 1, 1),
            {"id_number": ID_REASONS[e.reason]()},
        )
    errors: dict[str, str] = {}
    if sex and sex != rid.sex:
        errors["sex"] = _("the sex entered does not match the ID number")
    if birth_date and birth_date != rid.birth_date:
        errors["birth_date"] = _(
            "the birth date %(entered)s does not match the ID number (%(id)s)"
        ) % {
            "entered": birth_date.isoformat(),
            "id": rid.birth_date.isoformat(),
        }
    return rid.number, rid.sex, rid.birth_date, errors


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            {
                "year": _("A year between %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            }
        )


def check_causes(main: str, *others: str) -> None:
    """The other causes name causes besides the main one, each once."""
    given = [c for c in others if c]
    if main in given or len(set(given)) < len(given):
        raise ValidationError({"other_cause_1": _("A cause is listed twice.")})


def per_capita(net: Decimal, members: int) -> Decimal:
    """Net income per member, to the fen (half up, as the forms round)."""
    if members <= 0:
        return Decimal(0)
    return (net / members).quantize(CENT, rounding=ROUND_HALF_UP)


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
