"""Shares of two counts as the pages show them, so that two pages showing one share (the
pairing coverage on the coverage page and on the dashboard) write the same digits."""

from decimal import Decimal

TENTH = Decimal("0.1")


def percent(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in percent with one decimal; None when there is no whole (a share of
    nothing is no share, not 0 % nor 100 %)."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(TENTH)
