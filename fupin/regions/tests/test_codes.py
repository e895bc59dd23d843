"""Code arithmetic: levels, counties, ancestors, outermost codes, and subtree ranges that must
select exactly the codes that start with the region's code."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin.regions.choices import Level
from fupin.regions.codes import (
    ancestors,
    county_of,
    is_region_code,
    level_of,
    outermost,
    subtree_bounds,
    subtree_q,
)
from fupin.regions.models import Region

digits = st.text(alphabet="0123456789", min_size=1, max_size=12)


@given(prefix=digits, code=digits)
def test_it_bounds_every_code_under_a_region(prefix, code):
    low, high = subtree_bounds(prefix)
    in_range = code >= low and (high is None or code < high)
    if code.startswith(prefix):
        assert in_range
    if len(code) >= len(prefix):
        # For codes at least as long as the prefix, the range alone is exact.
        assert in_range == code.startswith(prefix)


@pytest.mark.django_db
def test_it_selects_exactly_the_subtree_in_the_database():
    Region.objects.create(code="59", name="省", level=1)
    Region.objects.create(code="5909", name="市", level=2, parent_id="59")
    Region.objects.create(code="5910", name="市", level=2, parent_id="59")
    Region.objects.create(code="590899", name="县", level=3, parent_id=None)
    # 5909 lies in the range [590899, 590900) but is not under 590899.
    assert set(
        Region.objects.filter(subtree_q("code", "590899")).values_list("code", flat=True)
    ) == {"590899"}
    assert set(Region.objects.filter(subtree_q("code", "59")).values_list("code", flat=True)) == {
        "59",
        "5909",
        "5910",
        "590899",
    }


def test_it_has_no_upper_bound_for_all_nines():
    assert subtree_bounds("99") == ("99", None)
    assert subtree_bounds("5108") == ("5108", "5109")
    assert subtree_bounds("510899") == ("510899", "510900")


def test_it_reads_a_level_and_a_county_from_a_code():
    assert [level_of(c) for c in ("51", "5108", "510821", "510821100", "510821100001")] == [
        Level.PROVINCE,
        Level.CITY,
        Level.COUNTY,
        Level.TOWNSHIP,
        Level.VILLAGE,
    ]
    assert level_of("510") is None
    assert [county_of(c) for c in ("51", "5108", "510821", "510821100001")] == [
        "",
        "",
        "510821",
        "510821",
    ]
    assert is_region_code("510821") and not is_region_code("51082") and not is_region_code("５１")


def test_it_lists_ancestors_from_the_province_down_to_the_code_itself():
    assert ancestors("510821100001") == ["51", "5108", "510821", "510821100", "510821100001"]
    assert ancestors("5108") == ["51", "5108"]


def test_it_keeps_only_the_outermost_codes():
    assert outermost(["510821100", "5108", "510824", "52", "5108"]) == ["5108", "52"]
    assert outermost([]) == []
