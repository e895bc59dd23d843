"""Cell parsers: normalised cell text -> value, or CellError with the reason users read.

The pipeline calls a parser only on a non-blank cell, after `normalise.cell_text` (full-width
characters folded to ASCII, surrounding spaces gone, whole numbers without ".0", dates as
ISO text). `text`, `integer` and `decimal` are parsers and, called with keywords only,
parser factories: `parse=decimal` or `parse=decimal(min_value=0, places=2)`.

`hint(parser)` tells the template how to present a column: the Excel number format (text for
everything that is not a number or a date, so Excel never turns an ID or a code into a
number) and the drop-down options of a choice.
"""

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, overload
from weakref import WeakKeyDictionary

from django.conf import settings
from django.db.models import Choices
from django.utils import translation
from django.utils.translation import gettext as _

from fupin.imports.errors import CellError
from fupin.imports.normalise import folded
from fupin.lib.ids import BadId, parse_resident_id
from fupin.regions.codes import is_village_code

Parser = Callable[[str], Any]


@dataclass(frozen=True)
class Hint:
    """How the template presents a column."""

    # Excel number format of the column's cells: "@" is text.
    number_format: str = "@"
    # The drop-down list of a choice column (labels), computed when the template is written.
    options: Callable[[], list[str]] | None = None


_HINTS: "WeakKeyDictionary[Callable[..., Any], Hint]" = WeakKeyDictionary()
NUMBER = Hint(number_format="General")
DATE = Hint(number_format="yyyy-mm-dd")


def hint(parse: Callable[..., Any]) -> Hint:
    """A domain's own parser (a region code, say) is text unless it says otherwise."""
    return _HINTS.get(parse, Hint())


def set_hint(parse: Callable[..., Any], value: Hint) -> None:
    """For a domain parser that is a number or a date, so the template does not format it as
    text."""
    _HINTS[parse] = value


# --- text and numbers ----------------------------------------------------------------------


def _max_length(limit: int) -> Parser:
    def parse(value: str) -> str:
        if len(value) > limit:
            raise CellError(
                _("At most %(limit)d characters; this has %(length)d.")
                % {"limit": limit, "length": len(value)}
            )
        return value

    return parse


@overload
def text(value: str) -> str: ...
@overload
def text(*, max_length: int) -> Parser: ...
def text(value: str | None = None, *, max_length: int | None = None) -> Any:
    """The cell as it is (normalised); with `max_length`, a parser refusing longer text."""
    if value is None:
        return _max_length(max_length) if max_length is not None else text
    return value


def fits(model: Any, name: str) -> Parser:
    """Text no longer than the model's column (PostgreSQL would refuse it mid-save)."""
    return text(max_length=model._meta.get_field(name).max_length)


def _bounds(number: Any, min_value: Any, max_value: Any) -> None:
    if min_value is not None and number < min_value:
        if min_value == 0:
            raise CellError(_("Must not be negative."))
        raise CellError(_("Must be at least %(min)s.") % {"min": min_value})
    if max_value is not None and number > max_value:
        raise CellError(_("Must be at most %(max)s.") % {"max": max_value})


# Thousands separators are written by Excel's number formats and by people alike.
_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")


def _number(value: str) -> Decimal | None:
    if not _NUMBER.fullmatch(value):
        return None
    try:
        return Decimal(value.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain numbers
        return None


def _integer(value: str, min_value: int | None, max_value: int | None) -> int:
    number = _number(value)
    if number is None or number != number.to_integral_value():
        raise CellError(_("Not a whole number."))
    result = int(number)
    _bounds(result, min_value, max_value)
    return result


@overload
def integer(value: str) -> int: ...
@overload
def integer(*, min_value: int | None = None, max_value: int | None = None) -> Parser: ...
def integer(
    value: str | None = None, *, min_value: int | None = None, max_value: int | None = None
) -> Any:
    """A whole number ("3", "3.0", "1,200"); with bounds, a parser refusing numbers outside."""
    if value is None:

        def parse(value: str) -> int:
            return _integer(value, min_value, max_value)

        _HINTS[parse] = NUMBER
        return parse
    return _integer(value, None, None)


def _decimal(
    value: str, min_value: Decimal | int | None, max_value: Decimal | int | None, places: int | None
) -> Decimal:
    number = _number(value)
    if number is None:
        raise CellError(_("Not a number."))
    exponent = number.as_tuple().exponent
    if places is not None and isinstance(exponent, int) and -exponent > places:
        raise CellError(_("At most %(places)d decimal places.") % {"places": places})
    _bounds(number, min_value, max_value)
    return number


@overload
def decimal(value: str) -> Decimal: ...
@overload
def decimal(
    *,
    min_value: Decimal | int | None = None,
    max_value: Decimal | int | None = None,
    places: int | None = None,
) -> Parser: ...
def decimal(
    value: str | None = None,
    *,
    min_value: Decimal | int | None = None,
    max_value: Decimal | int | None = None,
    places: int | None = None,
) -> Any:
    """An exact number (Decimal, never float: money is exact, DESIGN §3 rule 4); with
    keywords, a parser refusing numbers outside the bounds or with more decimal places."""
    if value is None:

        def parse(value: str) -> Decimal:
            return _decimal(value, min_value, max_value, places)

        _HINTS[parse] = NUMBER
        return parse
    return _decimal(value, None, None, None)


_HINTS[integer] = NUMBER
_HINTS[decimal] = NUMBER


# --- dates ---------------------------------------------------------------------------------

_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    # A time of day (Excel's date-time cells, "2020-01-02 00:00:00") is ignored.
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
# Excel counts days from 1899-12-30 (its 1900 leap-year bug makes this right from March 1900,
# serial 61; smaller numbers in a date column are not dates anyone meant).
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_SERIAL = re.compile(r"\d{1,5}(\.\d+)?")


def _real_date(year: int, month: int, day: int, value: str) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(_("“%(value)s” is not a real date.") % {"value": value}) from None


def date(value: str) -> datetime.date:
    """2020-01-02, 2020/1/2, 2020.1.2, 2020年1月2日, 20200102, or an Excel serial number
    (43831: a date cell Excel shows as a number, or a CSV saved from one)."""
    if m := _DATE.fullmatch(value):
        return _real_date(int(m[1]), int(m[2]), int(m[3]), value)
    if len(value) == 8 and value.isascii() and value.isdigit():
        return _real_date(int(value[:4]), int(value[4:6]), int(value[6:]), value)
    if _SERIAL.fullmatch(value):
        serial = int(value.split(".")[0])
        if len(value.split(".")[0]) == 4 and 1900 <= serial <= 2100:
            # Day 2020 is 1905-07-12: far likelier a year typed where a date was wanted.
            raise CellError(
                _(
                    "“%(value)s” looks like a year, not a date; "
                    "write the whole date, e.g. %(year)s-01-31."
                )
                % {"value": value, "year": serial}
            )
        if serial >= 61:
            return _EXCEL_EPOCH + datetime.timedelta(days=serial)
    raise CellError(_("Not a date; write it like 2020-01-31."))


_HINTS[date] = DATE

_YEAR = re.compile(r"(\d{4})\s*年?")
FIRST_YEAR, LAST_YEAR = 1900, 2100


def year(value: str) -> int:
    """A year such as 2020 (or 2020年)."""
    m = _YEAR.fullmatch(value)
    if not m or not FIRST_YEAR <= int(m[1]) <= LAST_YEAR:
        raise CellError(
            _("Not a year between %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return int(m[1])


_HINTS[year] = NUMBER


# --- yes/no and value lists ----------------------------------------------------------------

# Compared after casefold(). × and √ are how paper forms tick a box.
_YES = {"是", "有", "y", "yes", "1", "√", "✓", "✔", "true", "对"}
_NO = {"否", "无", "没有", "n", "no", "0", "×", "✗", "✘", "x", "false", "错"}


def boolean(value: str) -> bool:
    """是/否, 有/无, Y/N, 1/0, √/× (and Excel's TRUE/FALSE)."""
    key = value.casefold()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellError(_("Write yes or no (是 or 否)."))


_HINTS[boolean] = Hint(options=lambda: ["是", "否"])


def _choice_pairs(choices: type[Choices] | Mapping[Any, Any]) -> list[tuple[Any, Any]]:
    if isinstance(choices, Mapping):
        return list(choices.items())
    return list(choices.choices)


def choice(choices: type[Choices] | Mapping[Any, Any]) -> Parser:
    """One of a value list (TextChoices, IntegerChoices, or code -> label): accepts the code
    or the label, in Chinese or in the active language, and returns the code."""
    pairs = _choice_pairs(choices)
    tables: dict[str, dict[str, Any]] = {}

    def chinese_labels() -> list[str]:
        with translation.override(settings.LANGUAGE_CODE):
            return [str(label) for _code, label in pairs]

    def table() -> dict[str, Any]:
        # Labels are lazy translations: the table is built once per language.
        language = translation.get_language() or ""
        if language not in tables:
            lookup: dict[str, Any] = {}
            for code, _label in pairs:
                lookup[choice_key(str(code))] = code
            for (code, _label), label in zip(pairs, chinese_labels(), strict=True):
                lookup.setdefault(choice_key(label), code)
            for code, label in pairs:
                lookup.setdefault(choice_key(str(label)), code)
            tables[language] = lookup
        return tables[language]

    def parse(value: str) -> Any:
        code = table().get(choice_key(value), _MISSING)
        if code is _MISSING:
            labels = [str(label) for _code, label in pairs]
            shown = "、".join(labels[:30]) + ("……" if len(labels) > 30 else "")
            raise CellError(_("Not one of: %(choices)s.") % {"choices": shown})
        return code

    _HINTS[parse] = Hint(options=chinese_labels)
    return parse


_MISSING = object()


def choice_key(value: str) -> str:
    return folded(value).replace(" ", "").casefold()


# --- identifiers ---------------------------------------------------------------------------

_ID_MESSAGES: dict[str, Callable[[str], str]] = {
    "length": lambda n: (
        _("An ID number has 18 characters; this one has %(length)d.") % {"length": len(n)}
    ),
    "format": lambda n: _("An ID number is 17 digits followed by a digit or X."),
    "checksum": lambda n: _("The check character does not match: a digit is wrong."),
    "date": lambda n: _("The birth date in this ID number is not a real date."),
    "province": lambda n: (
        _("An ID number starts with a province code; %(code)s is none.") % {"code": n[:2]}
    ),
}

# How Excel shows a long number it has rounded: 5.10104E+17, 5.10104199001011E+17.
_SCIENTIFIC = re.compile(r"[+-]?\d+(\.\d+)?[eE][+-]?\d+")


def id_number(value: str) -> str:
    """A resident ID (GB 11643): 17 digits and a check character; returns the 18 characters
    with a capital X.

    stdnum's full `ric.validate` also looks the birth place up by the year of birth, and so
    refuses real IDs: 旺苍县's code 510821 dates from 1985, yet everyone born there before
    then carries it. We check the length, the digits, the check character, the birth date and
    the province, and leave the place to the registry.
    """
    number = value.replace(" ", "").replace("-", "").lstrip("'").upper()
    if _SCIENTIFIC.fullmatch(number):
        raise CellError(
            _(
                "Excel has turned this ID number into a number and its last digits are lost; "
                "format the column as text and enter the IDs again."
            )
        )
    if len(number) == 15 and number.isascii() and number.isdigit():
        raise CellError(_("This is an old 15-digit ID; enter the 18-character one."))
    try:
        return parse_resident_id(number).number
    except BadId as e:
        raise CellError(_ID_MESSAGES[e.reason](number)) from None


def village_code(value: str) -> str:
    """A village's statistical code: 12 digits."""
    if not is_village_code(value):
        raise CellError(
            _("“%(code)s” is not a village code: a village code has 12 digits.") % {"code": value}
        )
    return value


_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")
_LANDLINE = re.compile(r"(0\d{2,3})-?(\d{7,8})")


def phone(value: str) -> str:
    """A mobile number (11 digits, +86 dropped) or a landline with its area code
    (028-12345678)."""
    number = re.sub(r"[\s()]", "", value).replace("—", "-")
    if m := _MOBILE.fullmatch(number.replace("-", "")):
        return m[1]
    if m := _LANDLINE.fullmatch(number):
        return f"{m[1]}-{m[2]}"
    raise CellError(
        _(
            "Not a phone number: write an 11-digit mobile, "
            "or the area code and number (028-12345678)."
        )
    )
