"""Cell values as the text parsers see, and header text as the column matcher compares.

Users type full-width digits with a Chinese input method (１２３), paste IDs with a trailing
space, and Excel hands us 3.0 for 3 and its own date cells: every cell goes through
`cell_text` before a parser sees it, so parsers deal with one spelling only.
"""

import datetime
import math
import re
import unicodedata
from typing import Any

# Spaces (any Unicode space, full-width included) and the zero-width characters that come with
# text pasted from web pages and chat programs, which str.strip() leaves.
_EDGES = re.compile(r"^[\s\u200b\u200c\u200d\u2060\ufeff]+|[\s\u200b\u200c\u200d\u2060\ufeff]+$")
# Excel keeps 15 significant digits: a whole number from 10^15 up has already lost digits
# (an 18-digit ID typed into a General cell). Show it the way Excel does, 5.10104199001011E+17,
# so the ID parser can say what happened instead of taking 510104199001011000 for an ID.
_EXACT_LIMIT = 10**15


def folded(text: str) -> str:
    """NFKC (full-width letters, digits, punctuation and spaces to ASCII), trimmed."""
    if text.isascii():
        # Most cells (codes, numbers, IDs): NFKC leaves ASCII as it is.
        return text.strip()
    return _EDGES.sub("", unicodedata.normalize("NFKC", text))


def number_text(value: float | int) -> str:
    if isinstance(value, int) or value.is_integer():
        if abs(value) < _EXACT_LIMIT:
            return str(int(value))
    elif not math.isfinite(value):
        return str(value)
    # 15 significant digits, as Excel displays a number; 0.1 + 0.2 reads 0.3.
    return f"{value:.15G}"


def cell_text(value: Any) -> str:
    """A cell from calamine (str, float, int, bool, date, datetime, time, timedelta) or from a
    CSV file (str), as normalised text; "" for a blank cell."""
    if isinstance(value, str):
        return folded(value) if value else ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if value is None:
        return ""
    return folded(str(value))


def shown_text(value: Any) -> str:
    """A cell as text the way the user wrote it (for the annotated copy): not normalised."""
    return value if isinstance(value, str) else cell_text(value)


_HEADER_NOISE = re.compile(r"[\s*\u200b\u200c\u200d\u2060\ufeff]+")


def header_text(value: Any) -> str:
    """A header or a label as the matcher compares them: no spaces, line breaks or `*`
    required-markers (the template's, or the ones users add), ASCII letters in lower case."""
    # NFKC again: removing a space may join a letter to a combining mark NFKC composes.
    return unicodedata.normalize("NFKC", _HEADER_NOISE.sub("", cell_text(value)).casefold())
