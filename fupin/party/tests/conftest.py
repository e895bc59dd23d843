"""The party sample (fupin.testing.build_party_sample) for the party's tests."""

from typing import Any

import pytest

from fupin.testing import PartySample, build_party_sample

# The sample organisations each member of the cast sees, and those they may change. The helper
# sees only the records they own (their own member record, the members they are paired with):
# none in the party sample alone, which registers no helper.
VISIBLE_ORGS = {
    "province_admin": {"org_a", "org_a2", "org_b", "park"},
    "county_a_admin": {"org_a", "org_a2", "park"},
    "village_a_secretary": {"org_a"},
    "county_b_admin": {"org_b", "park"},
    "auditor": {"org_a", "org_a2", "park"},
    "helper": set(),
}
CHANGEABLE_ORGS = {
    "province_admin": {"org_a", "org_a2", "org_b", "park"},
    "county_a_admin": {"org_a", "org_a2"},
    "village_a_secretary": {"org_a"},
    "county_b_admin": {"org_b"},
    "auditor": set(),
    "helper": set(),
}
VISIBLE_MEMBERS = {
    "province_admin": {"member_a", "member_a2", "member_b", "member_park"},
    "county_a_admin": {"member_a", "member_a2", "member_park"},
    "village_a_secretary": {"member_a"},
    "county_b_admin": {"member_b"},
    "auditor": {"member_a", "member_a2", "member_park"},
    "helper": set(),
}


@pytest.fixture
def party(db: Any) -> PartySample:
    return build_party_sample()
