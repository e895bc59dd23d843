"""The dividend engine: properties over random charters, holdings and profits, and examples
checked by hand."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupin.projects.dividends import (
    PRO_RATA,
    RESERVE_FIRST,
    Charter,
    Holding,
    Run,
    apportion,
    compute,
    payout_sheet_rows,
    reverse,
)

D = Decimal
FEN = Fraction(1, 100)


def money(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """Amounts in yuan with two decimals, from `low` to `high` fen."""
    return st.integers(low, high).map(lambda fen: D(fen).scaleb(-2))


def decimals(high: int, places: int) -> st.SearchStrategy[Decimal]:
    return st.integers(0, high * 10**places).map(lambda n: D(n).scaleb(-places))


@st.composite
def charters(draw):
    reserve = draw(decimals(100, 2))
    collective = draw(decimals(100, 2).filter(lambda c: c + reserve <= 100))
    return Charter(
        reserve_percent=reserve,
        collective_percent=collective,
        preferred_rate=draw(decimals(1, 4)),
        shortfall_rule=draw(st.sampled_from([PRO_RATA, RESERVE_FIRST])),
    )


@st.composite
def holdings(draw):
    ids = draw(st.lists(st.integers(1, 10_000), unique=True, max_size=25))
    no_ordinary = draw(st.integers(0, 5)) == 0  # now and then nobody holds ordinary shares
    result = []
    for shareholder in ids:
        has_preferred = draw(st.booleans())
        result.append(
            Holding(
                shareholder=shareholder,
                ordinary=D(0) if no_ordinary else draw(decimals(1000, draw(st.integers(0, 3)))),
                preferred=draw(decimals(100, 1)) if has_preferred else D(0),
                preferred_value=draw(money(0, 2_000_000)) if has_preferred else D(0),
            )
        )
    return result


profits = st.one_of(money(-100_000, 0), money(1, 1000), money(1, 10**9))


def fraction(value: Decimal) -> Fraction:
    return Fraction(value)


def fen_floor(value: Fraction) -> Fraction:
    return Fraction(int(value // FEN), 100)


def exact_shares(total: Decimal, weights: list[Fraction]) -> list[Fraction]:
    whole = sum(weights)
    return [fraction(total) * w / whole for w in weights]


def check_run(charter: Charter, profit: Decimal, holders: list[Holding], run: Run) -> None:
    """Every documented property of a run, against exact (Fraction) arithmetic."""
    amounts = [run.pool, run.reserve, run.collective, run.shortfall, run.preferred_total]
    amounts += [run.ordinary_total, run.reserve_drawn]
    for p in run.payouts:
        amounts += [p.preferred, p.ordinary, p.total]
    assert all(a == a.quantize(D("0.01")) and a.as_tuple().exponent == -2 for a in amounts)
    assert [p.shareholder for p in run.payouts] == sorted(h.shareholder for h in holders)
    by_id = {h.shareholder: h for h in holders}

    rate = fraction(charter.preferred_rate)
    guarantees = {h.shareholder: fraction(h.preferred_value) * rate for h in holders}
    guaranteed = Fraction(int(sum(guarantees.values(), Fraction(0)) / FEN + Fraction(1, 2)), 100)

    # Nothing negative; each total is its two parts.
    assert all(a >= 0 for a in amounts if a is not run.pool)
    assert all(p.total == p.preferred + p.ordinary for p in run.payouts)
    assert run.preferred_total == sum((p.preferred for p in run.payouts), D(0))
    assert run.ordinary_total == sum((p.ordinary for p in run.payouts), D(0))

    if profit <= 0:
        assert run.reserve == run.collective == run.reserve_drawn == 0
        assert all(p.total == 0 for p in run.payouts)
        assert fraction(run.shortfall) == guaranteed
        return

    # Every fen of the profit is accounted for.
    assert run.reserve + run.collective + sum((p.total for p in run.payouts), D(0)) == profit

    # Reserve and collective: their percentage rounded down to the fen (less any draw).
    reserve = fen_floor(fraction(profit) * fraction(charter.reserve_percent) / 100)
    collective = fen_floor(fraction(profit) * fraction(charter.collective_percent) / 100)
    assert fraction(run.collective) == collective
    rest = fraction(profit) - reserve - collective
    drawn = fraction(run.reserve_drawn)
    if charter.shortfall_rule == PRO_RATA or rest >= guaranteed:
        assert drawn == 0
    else:
        assert drawn == min(reserve, guaranteed - rest)
    holds_nothing = all(h.ordinary == 0 and h.preferred == 0 for h in holders)
    rest_after = rest + drawn - min(rest + drawn, guaranteed)
    kept = rest_after if holds_nothing else 0
    assert fraction(run.reserve) == reserve - drawn + kept

    # Preferred first: the guarantee (or all there is), and no ordinary dividend while short.
    assert fraction(run.preferred_total) == min(rest + drawn, guaranteed)
    assert fraction(run.shortfall) == guaranteed - fraction(run.preferred_total)
    if run.shortfall:
        assert run.ordinary_total == 0

    # Each part within one fen of its exact share.
    if guaranteed:
        weights = [guarantees[p.shareholder] for p in run.payouts]
        for p, exact in zip(run.payouts, exact_shares(run.preferred_total, weights), strict=True):
            assert abs(fraction(p.preferred) - exact) < FEN
    if run.ordinary_total:
        weights = [fraction(by_id[p.shareholder].ordinary) for p in run.payouts]
        if not any(weights):
            weights = [fraction(by_id[p.shareholder].preferred) for p in run.payouts]
        for p, exact in zip(run.payouts, exact_shares(run.ordinary_total, weights), strict=True):
            assert abs(fraction(p.ordinary) - exact) < FEN


@settings(max_examples=200, deadline=None)
@given(charters(), profits, holdings())
def test_it_accounts_for_every_fen_and_pays_the_guarantee_first(charter, profit, holders):
    check_run(charter, profit, holders, compute(charter, profit, holders))


@settings(max_examples=100, deadline=None)
@given(charters(), profits, holdings(), st.randoms(use_true_random=False))
def test_it_is_deterministic_whatever_the_order_of_the_holdings(charter, profit, holders, rng):
    shuffled = list(holders)
    rng.shuffle(shuffled)
    assert compute(charter, profit, holders) == compute(charter, profit, shuffled)


@settings(max_examples=100, deadline=None)
@given(charters(), profits, holdings())
def test_it_reverses_a_run_exactly(charter, profit, holders):
    run = compute(charter, profit, holders)
    back = reverse(run)
    assert reverse(back) == run
    for field in ("pool", "reserve", "collective", "shortfall", "preferred_total"):
        assert getattr(run, field) + getattr(back, field) == 0
        assert str(getattr(back, field)) != "-0.00"
    for p, q in zip(run.payouts, back.payouts, strict=True):
        assert (p.shareholder, p.shares) == (q.shareholder, q.shares)
        assert p.preferred + q.preferred == p.ordinary + q.ordinary == p.total + q.total == 0
    sheet = payout_sheet_rows(run) + payout_sheet_rows(back)
    balances = dict.fromkeys((row[0] for row in sheet), D(0))
    for shareholder, _shares, _preferred, _ordinary, total in sheet:
        balances[shareholder] += total
    assert all(b == 0 for b in balances.values())


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 10**6),
    st.lists(st.tuples(st.integers(0, 50), st.integers(0, 1000)), min_size=1, max_size=20),
)
def test_it_apportions_by_largest_remainder(total, rows):
    ids = list(range(len(rows)))
    weights = [w for _, w in rows]
    if not any(weights):
        weights[0] = 1
    parts = apportion(total, weights, ids)
    assert sum(parts) == total
    whole = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - Fraction(total * weight, whole)) < 1
        assert part >= 0
    # The fen left over go to the largest remainders: no one rounded down has a larger one.
    ups = [i for i, p in enumerate(parts) if p * whole > total * weights[i]]
    downs = [i for i in ids if i not in ups]
    remainder = [total * w % whole for w in weights]
    if ups and downs:
        assert min((remainder[i], -i) for i in ups) > max((remainder[i], -i) for i in downs)


def pingqiao() -> list[Holding]:
    """Like 大竹县平桥村's pepper cooperative: 110 members with 7 ordinary shares each (land,
    funds, cash), and 10 poor households with preferred shares paid in at 5,000 yuan."""
    members = [Holding(i, ordinary=D(7)) for i in range(1, 111)]
    poor = [Holding(i, preferred=D(5), preferred_value=D("5000.00")) for i in range(111, 121)]
    return members + poor


def test_it_pays_the_pingqiao_cooperative_by_hand():
    charter = Charter(D(10), D(10), D("0.06"))
    run = compute(charter, D("100000.00"), pingqiao())
    assert (run.pool, run.reserve, run.collective) == (D("100000.00"), D("10000.00"), D("10000.00"))
    # 10 × 5,000 × 6 % = 3,000.00 guaranteed; 77,000.00 over 770 ordinary shares = 100 a share.
    assert (run.preferred_total, run.ordinary_total, run.shortfall) == (
        D("3000.00"),
        D("77000.00"),
        D("0.00"),
    )
    assert {p.total for p in run.payouts[:110]} == {D("700.00")}
    assert {(p.preferred, p.ordinary) for p in run.payouts[110:]} == {(D("300.00"), D("0.00"))}
    rows = payout_sheet_rows(run)
    assert rows[0] == (1, D(7), D("0.00"), D("700.00"), D("700.00"))
    assert sum(r[4] for r in rows) + run.reserve + run.collective == D("100000.00")


def test_it_gives_the_odd_fen_to_the_largest_remainder_then_the_lower_id():
    charter = Charter(D(0), D(0))
    run = compute(charter, D("100.00"), [Holding(3, D(1)), Holding(2, D(1)), Holding(1, D(1))])
    assert [(p.shareholder, p.total) for p in run.payouts] == [
        (1, D("33.34")),
        (2, D("33.33")),
        (3, D("33.33")),
    ]
    run = compute(charter, D("1.00"), [Holding(1, D(1)), Holding(2, D(2))])
    # 0.333… and 0.666…: the larger remainder (holder 2's) takes the odd fen.
    assert [p.total for p in run.payouts] == [D("0.33"), D("0.67")]


def test_it_rounds_reserve_and_collective_down_and_leaves_the_fen_to_shareholders():
    run = compute(Charter(D(10), D("12.5")), D("0.99"), [Holding(1, D(1))])
    # 0.099 → 0.09 and 0.12375 → 0.12; the holder takes 0.78.
    assert (run.reserve, run.collective, run.payouts[0].total) == (D("0.09"), D("0.12"), D("0.78"))


def short_holders() -> list[Holding]:
    # Guarantees at 6 %: 600.00 and 300.00; holder 3 holds only ordinary shares.
    return [
        Holding(1, preferred=D(10), preferred_value=D("10000.00")),
        Holding(2, preferred=D(5), preferred_value=D("5000.00")),
        Holding(3, ordinary=D(100)),
    ]


def test_it_shares_a_shortfall_pro_rata():
    run = compute(Charter(D(10), D(10), D("0.06"), PRO_RATA), D("1000.00"), short_holders())
    # 800.00 left for a 900.00 guarantee: 533.33… and 266.66…, the odd fen to holder 2.
    assert (run.reserve, run.collective, run.shortfall) == (D("100.00"), D("100.00"), D("100.00"))
    assert [p.total for p in run.payouts] == [D("533.33"), D("266.67"), D("0.00")]
    assert run.reserve_drawn == 0


def test_it_draws_on_the_reserve_first_when_the_charter_says_so():
    charter = Charter(D(10), D(10), D("0.06"), RESERVE_FIRST)
    run = compute(charter, D("1000.00"), short_holders())
    # The reserve's 100.00 covers the 100.00 missing.
    assert (run.reserve, run.reserve_drawn, run.shortfall) == (D("0.00"), D("100.00"), D("0.00"))
    assert [p.total for p in run.payouts] == [D("600.00"), D("300.00"), D("0.00")]
    run = compute(charter, D("500.00"), short_holders())
    # 400.00 + the whole reserve 50.00 = 450.00 of 900.00: 300.00 and 150.00, 450.00 short.
    assert (run.reserve, run.reserve_drawn, run.shortfall) == (D("0.00"), D("50.00"), D("450.00"))
    assert [p.total for p in run.payouts] == [D("300.00"), D("150.00"), D("0.00")]
    assert run.collective == D("50.00")


def test_it_pays_nothing_from_no_profit_and_reports_the_whole_guarantee():
    for profit in (D("0.00"), D("-250.00")):
        run = compute(Charter(D(10), D(10), D("0.06")), profit, short_holders())
        assert run.pool == profit
        assert (run.reserve, run.collective, run.shortfall) == (D(0), D(0), D("900.00"))
        assert all(p.total == 0 for p in run.payouts)


def test_it_shares_the_rest_by_preferred_shares_when_nobody_holds_ordinary_ones():
    holders = [
        Holding(1, preferred=D(10), preferred_value=D("1000.00")),
        Holding(2, preferred=D(30), preferred_value=D("3000.00")),
    ]
    run = compute(Charter(D(0), D(0), D("0.06")), D("1000.00"), holders)
    # 60.00 and 180.00 guaranteed, the other 760.00 as 10 : 30.
    assert [(p.preferred, p.ordinary) for p in run.payouts] == [
        (D("60.00"), D("190.00")),
        (D("180.00"), D("570.00")),
    ]


def test_it_keeps_the_rest_in_the_reserve_when_nobody_holds_shares():
    run = compute(Charter(D(10), D(10)), D("100.00"), [Holding(1)])
    assert (run.reserve, run.collective, run.payouts[0].total) == (D("90.00"), D("10.00"), D(0))
    run = compute(Charter(D(10), D(10)), D("100.00"), [])
    assert (run.reserve, run.collective, run.payouts) == (D("90.00"), D("10.00"), ())


@pytest.mark.parametrize(
    "kwargs",
    [
        {"reserve_percent": D(101), "collective_percent": D(0)},
        {"reserve_percent": D(60), "collective_percent": D("40.01")},
        {"reserve_percent": D(-1), "collective_percent": D(0)},
        {"reserve_percent": D(0), "collective_percent": D("-0.5")},
        {"reserve_percent": D(0), "collective_percent": D(0), "preferred_rate": D("-0.01")},
        {"reserve_percent": D(0), "collective_percent": D(0), "shortfall_rule": "carry"},
        {"reserve_percent": 10.0, "collective_percent": D(0)},
        {"reserve_percent": D("NaN"), "collective_percent": D(0)},
    ],
)
def test_it_refuses_a_bad_charter(kwargs):
    with pytest.raises(ValueError):
        Charter(**kwargs)


def test_it_accepts_a_charter_of_exactly_100_percent():
    run = compute(Charter(D(60), D(40)), D("10.01"), [Holding(1, D(1))])
    # 6.006 → 6.00 and 4.004 → 4.00: the fen rounding leaves goes to the shareholder.
    assert (run.reserve, run.collective, run.payouts[0].total) == (D("6.00"), D("4.00"), D("0.01"))


@pytest.mark.parametrize(
    "kwargs",
    [{"ordinary": D(-1)}, {"preferred": D("-0.1")}, {"preferred_value": D("-5.00")}],
)
def test_it_refuses_negative_shares(kwargs):
    with pytest.raises(ValueError, match="shareholder 7"):
        Holding(7, **kwargs)


def test_it_refuses_a_profit_below_the_fen_and_a_shareholder_twice():
    with pytest.raises(ValueError, match="fen"):
        compute(Charter(D(0), D(0)), D("1.001"), [Holding(1, D(1))])
    with pytest.raises(ValueError, match="Shareholder 1"):
        compute(Charter(D(0), D(0)), D("1.00"), [Holding(1, D(1)), Holding(1, D(2))])


def test_it_accounts_for_every_fen_of_100_000_shareholders():
    # How fast belongs in bench/ (issue 6), not here.
    holders = [
        Holding(
            i,
            ordinary=D(i % 97 + 1),
            preferred=D(5) if i % 10 == 0 else D(0),
            preferred_value=D("4999.99") if i % 10 == 0 else D(0),
        )
        for i in range(100_000)
    ]
    run = compute(Charter(D(10), D("7.5"), D("0.06")), D("98765432.10"), holders)
    assert run.reserve + run.collective + sum(p.total for p in run.payouts) == D("98765432.10")
    assert len(run.payouts) == 100_000 and min(p.total for p in run.payouts) > 0
