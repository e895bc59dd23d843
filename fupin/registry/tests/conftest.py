"""A few households on both sides of the county line, built through the registry's actions."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from fupin.lib.ids import make_resident_id
from fupin.registry import actions
from fupin.registry.models import Household, Person
from fupin.testing import COUNTY_A, COUNTY_B, VILLAGE_A, VILLAGE_A2, VILLAGE_B

PHONE = "13812345678"
BANK_ACCOUNT = "6228480012345678901"
HEAD_A_ID = make_resident_id(COUNTY_A, datetime.date(1970, 5, 6), 11)
SPOUSE_A_ID = make_resident_id(COUNTY_A, datetime.date(1972, 8, 9), 22)
HEAD_A2_ID = make_resident_id(COUNTY_A, datetime.date(1980, 1, 2), 31)
HEAD_B_ID = make_resident_id(COUNTY_B, datetime.date(1965, 3, 4), 41)


# The household numbers each member of the cast finds in the sample, on the list and in the API.
# The helper sees only the households they are paired with: none in this sample, which pairs
# nobody (fupin.testing.pair_the_helper_with gives them one).
VISIBLE = {
    "province_admin": {"A001", "A201", "B001"},
    "county_a_admin": {"A001", "A201"},
    "village_a_secretary": {"A001"},
    "county_b_admin": {"B001"},
    "auditor": {"A001", "A201"},
    "helper": set(),
}
# Status of a read of households a (village A), a2 (village A2) and b (county B).
READ_STATUS = {
    "province_admin": (200, 200, 200),
    "county_a_admin": (200, 200, 404),
    "village_a_secretary": (200, 404, 404),
    "county_b_admin": (404, 404, 200),
    "auditor": (200, 200, 404),
    "helper": (404, 404, 404),
}


@dataclass
class Registry:
    a: Household  # village A: two members, exited in 2019, incomes for 2019 and 2020
    a2: Household  # village A2: same county, outside the village secretary's village
    b: Household  # village B, in county B
    head_a: Person
    spouse_a: Person
    head_a2: Person
    head_b: Person


def household(village: str, number: str, **fields) -> Household:
    return actions.create_household(
        actor=None,
        village_code=village,
        number=number,
        main_cause=fields.pop("main_cause", "illness"),
        registered_in=fields.pop("registered_in", 2014),
        **fields,
    )


def person(household: Household, name: str, id_number: str, relation: str = "head") -> Person:
    return actions.add_person(
        actor=None, household=household, name=name, id_number=id_number, relation=relation
    )


@pytest.fixture
def registry(cast) -> Registry:
    a = household(
        VILLAGE_A,
        "A001",
        main_cause="illness",
        other_cause_1="skills",
        attribute="dibao",
        phone=PHONE,
        bank_account=BANK_ACCOUNT,
        arable_land=Decimal("3.50"),
        registered_in=2014,
    )
    head_a = person(a, "王大山", HEAD_A_ID)
    spouse_a = person(a, "李秀英", SPOUSE_A_ID, "spouse")
    actions.set_poverty_line(actor=None, province_code="51", year=2019, amount=Decimal(3747))
    actions.set_poverty_line(actor=None, province_code="51", year=2020, amount=Decimal(4000))
    actions.record_income(
        actor=None, household=a, year=2019, wage=Decimal(5000), production=Decimal(1000)
    )
    actions.record_income(actor=None, household=a, year=2020, wage=Decimal(9000))
    actions.record_status(actor=None, household=a, year=2019, status="exited", reason="收入达标")
    a2 = household(
        VILLAGE_A2, "A201", main_cause="disability", attribute="wubao", registered_in=2015
    )
    head_a2 = person(a2, "赵小川", HEAD_A2_ID)
    b = household(
        VILLAGE_B, "B001", main_cause="schooling", registered_in=2016, phone="13900001111"
    )
    head_b = person(b, "钱江河", HEAD_B_ID)
    for h in (a, a2, b):
        h.refresh_from_db()
    return Registry(a, a2, b, head_a, spouse_a, head_a2, head_b)
