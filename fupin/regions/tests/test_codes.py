"""Subtree ranges must select exactly the codes that start with the region's code."""

from hypothesis import given
from hypothesis import strategies as st

from fupin.regions.codes import subtree_bounds

digits = st.text(alphabet="0123456789", min_size=1, max_size=12)


@given(prefix=digits, code=digits)
def test_it_selects_exactly_the_codes_under_a_region(prefix, code):
    low, high = subtree_bounds(prefix)
    in_range = code >= low and (high is None or code < high)
    assert in_range == code.startswith(prefix)


def test_it_has_no_upper_bound_for_all_nines():
    assert subtree_bounds("99") == ("99", None)
    assert subtree_bounds("5108") == ("5108", "5109")
    assert subtree_bounds("510899") == ("510899", "510900")
