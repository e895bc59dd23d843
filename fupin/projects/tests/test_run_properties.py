"""Dividend runs through the database, over random charters, registers and profits: what is
recorded is exactly what the pure engine computes from the same register (so SQLite and
PostgreSQL, each running this, give identical results), the payouts add up to the distributed
amount to the fen, and a reversal restores every balance it touched."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fupin.projects import actions, dividends
from fupin.projects.models import ParticipantIncome
from fupin.projects.register import register
from fupin.registry.models import IncomeRecord
from fupin.testing import VILLAGE_A, ProjectsSample

PAID_IN = datetime.date(2019, 2, 1)
PERIOD = (datetime.date(2019, 1, 1), datetime.date(2019, 12, 31))

percent = st.decimals(min_value=0, max_value=50, places=2)
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
holder = st.tuples(money, st.one_of(st.none(), money))  # cash, preferred funds (poor only)


class Rollback(Exception):
    pass


def balances() -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    return (
        dict(IncomeRecord.objects.filter(year=2019).values_list("household_id", "property_income")),
        dict(
            ParticipantIncome.objects.filter(year=2019).values_list("participant_id", "dividends")
        ),
    )


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    reserve=percent,
    collective=percent,
    rate=st.decimals(min_value=0, max_value=20, places=2),
    rule=st.sampled_from(["pro_rata", "reserve_first"]),
    holders=st.lists(holder, min_size=1, max_size=6),
    profit=st.decimals(min_value=0, max_value=Decimal("999999.99"), places=2),
)
def test_it_records_exactly_what_the_engine_computes_and_reverses_it(
    projects: ProjectsSample,
    reserve: Decimal,
    collective: Decimal,
    rate: Decimal,
    rule: str,
    holders: list[tuple[Decimal, Decimal | None]],
    profit: Decimal,
) -> None:
    households = [projects.household_a1, projects.household_a2, projects.household_a3]
    try:
        with transaction.atomic():
            project = actions.create_project(
                actor=None,
                name="随机章程合作社",
                type="cooperative",
                setup="branch_cooperative",
                village_codes=[VILLAGE_A],
                started_on=datetime.date(2019, 1, 1),
                reserve_percent=reserve,
                collective_percent=collective,
                preferred_rate=rate,
                shortfall_rule=rule,
            )
            for i, (cash, funds) in enumerate(holders):
                participant: Any
                if i < len(households):
                    participant = actions.add_participant(
                        actor=None, project=project, household=households[i], is_shareholder=True
                    )
                else:
                    participant = actions.add_participant(
                        actor=None,
                        project=project,
                        name=f"村民{i}",
                        region_code=VILLAGE_A,
                        is_shareholder=True,
                    )
                actions.contribute(
                    actor=None,
                    participant=participant,
                    asset="cash",
                    amount=cash,
                    dated_on=PAID_IN,
                )
                if funds is not None and rate and participant.is_poor:
                    actions.contribute(
                        actor=None,
                        participant=participant,
                        asset="fund",
                        amount=funds,
                        preferred=True,
                        dated_on=PAID_IN,
                    )
            before = balances()
            run = actions.propose_dividend_run(
                actor=None,
                project=project,
                period_start=PERIOD[0],
                period_end=PERIOD[1],
                profit=profit,
            )
            expected = dividends.compute(
                dividends.Charter(reserve, collective, rate.scaleb(-2), rule),  # type: ignore[arg-type]
                profit,
                [
                    dividends.Holding(x.participant_id, x.ordinary, x.preferred, x.preferred_value)
                    for x in register(project, PERIOD[1])
                ],
            )
            stored = [
                (p.participant_id, p.shares, p.preferred, p.ordinary, p.total)
                for p in run.payouts.order_by("participant_id")
            ]
            assert stored == dividends.payout_sheet_rows(expected)
            assert (run.reserve, run.collective, run.shortfall) == (
                expected.reserve,
                expected.collective,
                expected.shortfall,
            )
            assert sum(p.total for p in run.payouts.all()) == run.distributed
            assert run.reserve + run.collective + run.distributed == run.profit
            assert all(p.total >= 0 for p in run.payouts.all())
            actions.approve_dividend_run(actor=None, run=run)
            actions.record_dividend_run(actor=None, run=run)
            paid = balances()
            for p in run.payouts.select_related("participant"):
                assert (
                    paid[1].get(p.participant_id, Decimal(0))
                    == before[1].get(p.participant_id, Decimal(0)) + p.total
                )
            actions.reverse_dividend_run(actor=None, run=run)
            after = balances()
            assert {k: v for k, v in after[0].items() if v} == {
                k: v for k, v in before[0].items() if v
            }
            assert {k: v for k, v in after[1].items() if v} == {
                k: v for k, v in before[1].items() if v
            }
            raise Rollback
    except Rollback:
        pass
