"""The programme's way of writing numbers: every form its own report uses, from the exact
number, and the rule that digits are dropped, never rounded up."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin.lib.chinese_numbers import programme_number, truncate


@pytest.mark.parametrize(
    "number, significant, more, written",
    [
        (9356, 3, "余", "9350余"),  # 9350余个
        (5732, 2, "余", "5700余"),  # 5700余人
        (43_180, 2, "余", "4.3万余"),  # 4.3万余户
        (468_321, 3, "余", "46.8万余"),  # 46.8万余名
        (531_207, 2, "余", "53万余"),  # 53万余人
        (667_700, 4, "余", "66.77万"),  # 66.77万人次
        (16_720_000, 4, "余", "1672万"),  # 1672万人次
        (15_806_112, 3, "余", "1580余万"),  # 1580余万人次
        (20_031_500, 3, "余", "2000余万"),  # 2000余万元
        (115_000_000, 3, "余", "1.15亿"),  # 1.15亿元
        (1_034_000_000, 2, "多", "10多亿"),  # 10多亿元
        (12_000, 3, "余", "1.2万"),
        (360, 3, "余", "360"),
        (0, 3, "余", "0"),
        (40_123, 2, "余", "4万余"),
    ],
)
def test_it_writes_each_form_of_the_programmes_report(
    number: int, significant: int, more: str, written: str
) -> None:
    assert programme_number(number, significant=significant, more=more) == written


def test_it_never_rounds_up() -> None:
    assert programme_number(46_899, significant=2) == "4.6万余"
    assert programme_number(99_999, significant=1) == "9万余"


@given(st.integers(min_value=0, max_value=10**13), st.integers(min_value=1, max_value=6))
def test_it_keeps_at_most_the_number_and_marks_only_dropped_digits(
    number: int, significant: int
) -> None:
    kept = truncate(number, significant)
    assert kept <= number
    assert number - kept < 10 ** max(len(str(number)) - significant, 0)
    written = programme_number(number, significant=significant)
    assert ("余" in written) == (kept != number)
    value = written.replace("余", "")
    scale = 10**8 if value.endswith("亿") else 10**4 if value.endswith("万") else 1
    assert Decimal(value.rstrip("万亿")) * scale == kept
