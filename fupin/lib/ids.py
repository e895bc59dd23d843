"""Resident ID numbers (GB 11643-1999) and masking of personal identifiers. No models here.

An ID is 17 digits and a check character: digits 1–6 the address code of registration (a
county), 7–14 the birth date, 17 odd for men and even for women. python-stdnum computes the
check character (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, mod 11 into "10X98765432").
"""

import datetime
from dataclasses import dataclass

from stdnum.cn import ric

MALE, FEMALE = "male", "female"


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: datetime.date
    sex: str
    address_code: str


# GB/T 2260 province-level codes: a typo in the first two digits is caught; the rest of the
# place is not checked (see parse_resident_id).
PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)


class BadId(ValueError):
    """Not a valid resident ID; `reason` is one of "length", "format", "date", "checksum",
    "province"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_resident_id(value: str) -> ResidentId:
    number = value.strip().upper()
    if len(number) != 18:
        raise BadId("length")
    if not (number[:17].isascii() and number[:17].isdigit()) or number[17] not in "0123456789X":
        raise BadId("format")
    try:
        # As ric.get_birth_date, without its generic clean-up (an import checks every ID).
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise BadId("date") from None
    if birth > datetime.date.today() or birth.year < 1880:
        raise BadId("date")
    # Not ric.validate(): it also requires the address code to have existed in the birth year,
    # which refuses real IDs issued later under a county's current code (旺苍县 510821 for
    # someone born in 1970).
    if ric.calc_check_digit(number) != number[17]:
        raise BadId("checksum")
    if number[:2] not in PROVINCES:
        raise BadId("province")
    return ResidentId(
        number=number,
        birth_date=birth,
        sex=MALE if int(number[16]) % 2 else FEMALE,
        address_code=number[:6],
    )


def make_resident_id(address_code: str, birth: datetime.date, sequence: int) -> str:
    """A valid ID for synthetic data: `sequence` (0–999) gives the order code and the sex."""
    body = f"{address_code}{birth:%Y%m%d}{sequence:03d}"
    # calc_check_digit expects a full number and ignores its last character.
    return body + ric.calc_check_digit(body + "0")


def mask_id(number: str) -> str:
    """510104199001011234 -> 510104********1234: the county stays visible, the person not."""
    return (
        number[:6] + "*" * (len(number) - 10) + number[-4:]
        if len(number) > 10
        else "*" * len(number)
    )


def mask_phone(number: str) -> str:
    """13812345678 -> 138****5678."""
    return (
        number[:3] + "*" * (len(number) - 7) + number[-4:] if len(number) > 7 else "*" * len(number)
    )


def mask_account(number: str) -> str:
    """Only the last four digits of a bank account, as on a bank statement."""
    return "*" * max(len(number) - 4, 0) + number[-4:]
