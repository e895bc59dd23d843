"""Numbers the way the programme writes them in its reports: 9350余个, 4.3万余户, 46.8万余名,
66.77万人次, 1580余万人次, 1.15亿元, 10多亿元.

The rules (one function, `programme_number`, applies them):

1. The unit is 亿 from 100,000,000 up, 万 from 10,000 up, none below.
2. The number keeps `significant` significant digits (default 3); the digits after them are
   dropped, never rounded: a report says "more than", so it never states more than the count.
3. When a dropped digit was not zero, "余" (or "多", by `more`) marks it. Where the written
   number ends in a zero (1580, 2000, 10, or any number below 万, whose dropped digits are
   written as zeros) the mark goes before the unit, as Chinese puts 余 after a round number:
   1580余万, 10多亿, 9350余. Otherwise it goes after the unit: 4.3万余, 53万余.
4. A number kept whole is written without the mark: 66.77万, 1672万, 1.15亿. Trailing zeros of
   a fraction are not written (1.20万 is 1.2万).
"""

from decimal import Decimal

WAN = 10_000
YI = 100_000_000


def truncate(number: int, significant: int) -> int:
    """`number` with every digit after the first `significant` ones set to zero."""
    if significant < 1:
        raise ValueError("significant must be at least 1")
    drop = max(len(str(abs(number))) - significant, 0)
    scale = 10**drop
    return (abs(number) // scale) * scale * (1 if number >= 0 else -1)


def programme_number(number: int, *, significant: int = 3, more: str = "余") -> str:
    """`number` as the programme's reports write it (rules at the top of this module)."""
    if number < 0:
        return "-" + programme_number(-number, significant=significant, more=more)
    kept = truncate(number, significant)
    dropped = kept != number
    if kept >= YI:
        unit, scale = "亿", YI
    elif kept >= WAN:
        unit, scale = "万", WAN
    else:
        unit, scale = "", 1
    value = Decimal(kept) / scale
    text = format(value.normalize(), "f") if value != value.to_integral() else str(int(value))
    if not dropped:
        return f"{text}{unit}"
    if text.endswith("0") or not unit:
        return f"{text}{more}{unit}"
    return f"{text}{unit}{more}"
