"""The projects sample (fupin.testing.build_projects_sample) for the projects' tests."""

import datetime
from decimal import Decimal
from typing import Any

import pytest

from fupin.projects import actions
from fupin.testing import ProjectsSample, build_projects_sample


def pig_contract(sample: ProjectsSample, buyer: str, buyer_place: str, price: str) -> Any:
    """A 2019 contract for 100 pigs of project B (county B), through the projects' actions."""
    return actions.create_contract(
        actor=None,
        project=sample.project_b,
        buyer=buyer,
        buyer_place=buyer_place,
        product="生猪",
        quantity=Decimal("100"),
        unit="头",
        price=Decimal(price),
        starts_on=datetime.date(2019, 1, 1),
        ends_on=datetime.date(2019, 12, 31),
    )


def propose_run(project: Any, profit: str, year: int = 2019) -> Any:
    """A dividend run of `project` for the calendar `year`, proposed (by the operator)."""
    return actions.propose_dividend_run(
        actor=None,
        project=project,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        profit=Decimal(profit),
    )


@pytest.fixture
def projects(db: Any, cast: Any) -> ProjectsSample:
    return build_projects_sample()
