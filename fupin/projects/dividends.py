"""The dividend engine (分红): how a project's distributable profit for a period is shared out
under its charter. Pure Python over plain data, no Django: an action loads, computes and saves.

The rule, in the order it is applied (amounts in yuan, exact to the fen):

1. Nothing is paid from a profit of zero or less: every amount is 0.00 and the whole guarantee
   is reported as the shortfall.
2. The reserve fund (公积金) and the village collective (村集体) are taken first, each its
   charter percentage of the profit rounded *down* to the fen; the fen that rounding leaves go
   to the shareholders, so neither side ever gets more than the charter says.
3. The guaranteed dividend of the preferred shares for poor households (贫困户优先股) is paid
   next, before anyone else: each holder's guarantee is the paid-in value of their preferred
   shares times the charter's yearly rate; the guarantee in fen is the sum of those, rounded
   half up (四舍五入), shared among the holders in proportion to their exact guarantees.
4. When what is left after step 2 does not cover the guarantee, the charter's shortfall rule
   applies: "pro_rata" shares what there is among the preferred holders in proportion to their
   guarantees; "reserve_first" first draws on the reserve fund of step 2 (as far as it goes) to
   cover the guarantee and shares what there is then. Whatever is still missing is the
   shortfall, reported and not carried over by this engine. Nothing is paid on ordinary
   shares while any guarantee is short.
5. The rest is shared pro rata by ordinary shares; preferred shares take no part in it.
   If nobody holds ordinary shares, the rest is shared pro rata by preferred shares (the
   preferred holders are then the only members, and the profit is theirs); if nobody holds
   shares of either kind, the rest stays in the reserve fund.

Every split (steps 3–5) is by the largest-remainder method: each part is its exact share
rounded down to the fen, and the fen left over go one each to the largest remainders, ties to
the lower shareholder id. So the parts add up exactly to the amount split, each is within one
fen of its exact share, nothing is negative, and the same input gives the same run whatever
the order of the holdings. Hence reserve + collective + the sum of the payouts == the profit.

A recorded run is never changed: it is corrected by `reverse(run)`, which negates every amount,
so that a run and its reversal add up to zero for every shareholder, then by a new run.

Money is handled in integer fen inside (DESIGN §4: integers are an order of magnitude faster
than Decimal objects over many rows) and is Decimal at the edges.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from itertools import pairwise
from typing import Literal

PRO_RATA = "pro_rata"
RESERVE_FIRST = "reserve_first"
SHORTFALL_RULES = (PRO_RATA, RESERVE_FIRST)

# The error messages, kept here as constants so the Django layer can wrap them for translation.
NOT_A_DECIMAL = "{name} must be a finite Decimal."
PERCENT_NEGATIVE = "{name} must not be negative."
PERCENTS_OVER_100 = "The reserve and collective percentages together must not exceed 100."
RATE_NEGATIVE = "The preferred rate must not be negative."
UNKNOWN_SHORTFALL_RULE = "The shortfall rule must be one of: pro_rata, reserve_first."
SHARES_NEGATIVE = "{name} of shareholder {shareholder} must not be negative."
DUPLICATE_SHAREHOLDER = "Shareholder {shareholder} has more than one holding."
PROFIT_NOT_FEN = "The profit must be a whole number of fen (at most two decimals)."

FEN = Decimal("0.01")
# A context in which scaling by powers of ten and adding are exact whatever the digits.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
ShortfallRule = Literal["pro_rata", "reserve_first"]


def _check_decimal(value: object, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(NOT_A_DECIMAL.format(name=name))
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(NOT_A_DECIMAL.format(name=name))
    return number


@dataclass(frozen=True)
class Charter:
    """The dividend terms of a project's charter."""

    reserve_percent: Decimal  # of the distributable profit, kept as the reserve fund
    collective_percent: Decimal  # of the distributable profit, to the village collective
    preferred_rate: Decimal = Decimal(0)  # yearly, on the paid-in value of preferred shares
    shortfall_rule: ShortfallRule = "pro_rata"

    def __post_init__(self) -> None:
        reserve = _check_decimal(self.reserve_percent, "The reserve percentage")
        collective = _check_decimal(self.collective_percent, "The collective percentage")
        rate = _check_decimal(self.preferred_rate, "The preferred rate")
        if reserve < 0:
            raise ValueError(PERCENT_NEGATIVE.format(name="The reserve percentage"))
        if collective < 0:
            raise ValueError(PERCENT_NEGATIVE.format(name="The collective percentage"))
        if reserve + collective > 100:
            raise ValueError(PERCENTS_OVER_100)
        if rate < 0:
            raise ValueError(RATE_NEGATIVE)
        if self.shortfall_rule not in SHORTFALL_RULES:
            raise ValueError(UNKNOWN_SHORTFALL_RULE)
        object.__setattr__(self, "reserve_percent", reserve)
        object.__setattr__(self, "collective_percent", collective)
        object.__setattr__(self, "preferred_rate", rate)


@dataclass(frozen=True)
class Holding:
    """What one shareholder holds in the project on the run's date."""

    shareholder: int
    ordinary: Decimal = Decimal(0)  # ordinary shares
    preferred: Decimal = Decimal(0)  # preferred shares (贫困户优先股)
    preferred_value: Decimal = Decimal(0)  # yuan paid in for them: the guarantee's base

    def __post_init__(self) -> None:
        for field, name in (
            ("ordinary", "The ordinary shares"),
            ("preferred", "The preferred shares"),
            ("preferred_value", "The paid-in value of the preferred shares"),
        ):
            value = _check_decimal(getattr(self, field), name)
            if value < 0:
                raise ValueError(SHARES_NEGATIVE.format(name=name, shareholder=self.shareholder))
            object.__setattr__(self, field, value)


@dataclass(frozen=True)
class Payout:
    """One shareholder's dividend in a run."""

    shareholder: int
    shares: Decimal  # ordinary + preferred shares held
    preferred: Decimal  # the guaranteed dividend paid
    ordinary: Decimal  # the pro rata dividend on ordinary shares
    total: Decimal


@dataclass(frozen=True)
class Run:
    """A computed dividend run: where every fen of the profit went."""

    pool: Decimal  # the distributable profit
    reserve: Decimal  # kept as the reserve fund (after any draw to cover the guarantee)
    collective: Decimal  # to the village collective
    shortfall: Decimal  # guaranteed preferred dividends not covered
    preferred_total: Decimal
    ordinary_total: Decimal
    payouts: tuple[Payout, ...]  # by shareholder id
    reserve_drawn: Decimal = Decimal("0.00")  # taken from the reserve for the guarantee


def _scale(values: Sequence[Decimal]) -> int:
    """The number of decimal places needed to write every value as an integer."""
    places = 0
    for value in values:
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)  # finite, checked on construction
        places = max(places, -exponent)
    return places


def _int(value: Decimal, places: int) -> int:
    """`value` × 10**places as an integer: exact when `places` is at least the value's decimal
    places (the caller's `_scale`), as moving the decimal point under `_EXACT` never rounds."""
    return int(value.scaleb(places, _EXACT))


ZERO = Decimal("0.00")


def _fen(value: int) -> Decimal:
    return Decimal(value).scaleb(-2, _EXACT) if value else ZERO


def apportion(total: int, weights: Sequence[int], ids: Sequence[int]) -> list[int]:
    """Split `total` (≥ 0, in fen) in proportion to `weights` (≥ 0, not all 0) by the largest
    remainder method, ties to the lower id: the parts add up to `total` exactly."""
    whole = sum(weights)
    parts = []
    remainders = []
    for weight in weights:
        part, remainder = divmod(total * weight, whole)
        parts.append(part)
        remainders.append(remainder)
    left = total - sum(parts)
    if left:
        order = sorted(
            (i for i, r in enumerate(remainders) if r), key=lambda i: (-remainders[i], ids[i])
        )
        for i in order[:left]:
            parts[i] += 1
    return parts


def compute(charter: Charter, profit: Decimal, holdings: Sequence[Holding]) -> Run:
    """The dividend run of `profit` under `charter`, by the rule at the top of this module."""
    profit = _check_decimal(profit, "The profit")
    if profit != profit.quantize(FEN):
        raise ValueError(PROFIT_NOT_FEN)
    holdings = sorted(holdings, key=lambda h: h.shareholder)
    ids = [h.shareholder for h in holdings]
    for previous, current in pairwise(ids):
        if previous == current:
            raise ValueError(DUPLICATE_SHAREHOLDER.format(shareholder=current))
    n = len(holdings)

    # Each holder's exact guarantee in fen is guarantee[i] / denominator.
    value_places = _scale([h.preferred_value for h in holdings])
    rate_places = _scale([charter.preferred_rate])
    rate = _int(charter.preferred_rate, rate_places)
    guarantee = [_int(h.preferred_value, value_places) * rate * 100 for h in holdings]
    denominator = 10 ** (value_places + rate_places)
    guarantee_total = sum(guarantee)
    guaranteed = (2 * guarantee_total + denominator) // (2 * denominator)  # half up, in fen

    profit_fen = _int(profit, 2)
    reserve = collective = drawn = 0
    preferred = [0] * n
    ordinary = [0] * n
    if profit_fen <= 0:
        shortfall = guaranteed
    else:
        reserve = _share_down(profit_fen, charter.reserve_percent)
        collective = _share_down(profit_fen, charter.collective_percent)
        rest = profit_fen - reserve - collective
        if rest < guaranteed and charter.shortfall_rule == RESERVE_FIRST:
            drawn = min(reserve, guaranteed - rest)
            reserve -= drawn
            rest += drawn
        paid = min(rest, guaranteed)
        shortfall = guaranteed - paid
        if paid:
            preferred = apportion(paid, guarantee, ids)
        rest -= paid
        if rest:
            split = _ordinary(rest, holdings, ids)
            if split is None:  # nobody holds any shares: the rest stays in the reserve
                reserve += rest
            else:
                ordinary = split

    payouts = tuple(
        Payout(
            shareholder=h.shareholder,
            shares=_EXACT.add(h.ordinary, h.preferred),
            preferred=_fen(p),
            ordinary=_fen(o),
            total=_fen(p + o),
        )
        for h, p, o in zip(holdings, preferred, ordinary, strict=True)
    )
    return Run(
        pool=profit.quantize(FEN),
        reserve=_fen(reserve),
        collective=_fen(collective),
        shortfall=_fen(shortfall),
        preferred_total=_fen(sum(preferred)),
        ordinary_total=_fen(sum(ordinary)),
        payouts=payouts,
        reserve_drawn=_fen(drawn),
    )


def _share_down(profit_fen: int, percent: Decimal) -> int:
    """`percent` % of `profit_fen`, rounded down to the fen."""
    places = _scale([percent])
    return profit_fen * _int(percent, places) // (100 * 10**places)


def _ordinary(rest: int, holdings: Sequence[Holding], ids: Sequence[int]) -> list[int] | None:
    """The rest split by ordinary shares, else by preferred shares; None when nobody holds any."""
    for kind in ("ordinary", "preferred"):
        shares = [getattr(h, kind) for h in holdings]
        places = _scale(shares)
        weights = [_int(s, places) for s in shares]
        if any(weights):
            return apportion(rest, weights, ids)
    return None


def _negate(value: Decimal) -> Decimal:
    return value.copy_negate() if value else value  # never "-0.00"


def reverse(run: Run) -> Run:
    """The reversing run of `run`: every amount negated (the shares are left as they were)."""
    return Run(
        pool=_negate(run.pool),
        reserve=_negate(run.reserve),
        collective=_negate(run.collective),
        shortfall=_negate(run.shortfall),
        preferred_total=_negate(run.preferred_total),
        ordinary_total=_negate(run.ordinary_total),
        payouts=tuple(
            Payout(
                shareholder=p.shareholder,
                shares=p.shares,
                preferred=_negate(p.preferred),
                ordinary=_negate(p.ordinary),
                total=_negate(p.total),
            )
            for p in run.payouts
        ),
        reserve_drawn=_negate(run.reserve_drawn),
    )


# The columns of `payout_sheet_rows`, for the sheet's header (which the caller writes).
SHEET_COLUMNS = ("shareholder", "shares", "preferred", "ordinary", "total")


def payout_sheet_rows(run: Run) -> list[tuple[int, Decimal, Decimal, Decimal, Decimal]]:
    """One row per payout, in the order of `SHEET_COLUMNS`, without a header."""
    return [(p.shareholder, p.shares, p.preferred, p.ordinary, p.total) for p in run.payouts]
