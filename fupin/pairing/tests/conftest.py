"""The pairing sample (fupin.testing.build_pairing_sample) for the pairing's tests."""

import datetime
from typing import Any

import pytest

from fupin.lib.ids import make_resident_id
from fupin.party import actions as party_actions
from fupin.registry import actions as registry
from fupin.testing import COUNTY_A, VILLAGE_A2, PairingSample, build_pairing_sample

# The sample households each member of the cast sees through the pairing pages. The helper
# sees only the household they are paired with; the sibling county's administrator only B.
VISIBLE_HOUSEHOLDS = {
    "province_admin": {"household_a", "household_a2", "household_b"},
    "county_a_admin": {"household_a", "household_a2"},
    "village_a_secretary": {"household_a"},
    "county_b_admin": {"household_b"},
    "auditor": {"household_a", "household_a2"},
    "helper": {"household_a"},
}


@pytest.fixture
def pairing(db: Any, cast: Any) -> PairingSample:
    return build_pairing_sample()


@pytest.fixture
def poor_member(pairing: PairingSample) -> Any:
    """A poor party member of village A2, registered in the registry (household A2)."""
    number = make_resident_id(COUNTY_A, datetime.date(1960, 6, 6), 707)
    registry.add_person(
        actor=None,
        household=pairing.household_a2,
        name="贫困党员丙",
        id_number=number,
        relation="spouse",
    )
    member = party_actions.register_member(
        actor=None,
        organisation=pairing.party.org_a2,
        region_code=VILLAGE_A2,
        name="贫困党员丙",
        id_number=number,
        stage="full",
        joined_on=datetime.date(1990, 7, 1),
        full_on=datetime.date(1991, 7, 1),
        phone="13700001111",
    )
    party_actions.add_tag(actor=None, member=member, kind="poor", since=datetime.date(2020, 1, 1))
    return member
