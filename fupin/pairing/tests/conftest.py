"""The pairing sample (fupin.testing.build_pairing_sample) for the pairing's tests."""

from typing import Any

import pytest

from fupin.testing import PairingSample, build_pairing_sample

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
