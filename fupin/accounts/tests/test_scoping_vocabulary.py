"""The scoping module's three verbs (`require`, `can`, `regions_in_scope`) and the per-record
rule for personal data, asked directly for the cast."""

import pytest
from django.core.exceptions import ValidationError

from fupin.accounts import actions as accounts
from fupin.accounts.models import User
from fupin.accounts.roles import Action
from fupin.accounts.scoping import (
    OutOfScope,
    can,
    personal_data_q,
    regions_in_scope,
    require,
    sees_personal_data,
)
from fupin.regions.choices import Level
from fupin.registry.models import Household, Person
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    TOWNSHIP_A,
    VILLAGE_A,
    VILLAGE_B,
    build_registry_sample,
    pair_the_helper_with,
)


@pytest.fixture
def households(cast):
    build_registry_sample()
    return Household.objects.order_by("village_id", "number")


def test_it_requires_the_record_in_the_actors_scope(cast, households):
    a = households.get(village_id=VILLAGE_A)
    require(None, a, Action.CHANGE)
    require(cast.county_a_admin, a, Action.CHANGE)
    require(cast.auditor, a, Action.VIEW)
    with pytest.raises(OutOfScope, match="这超出了您负责的区划范围。"):
        require(cast.auditor, a, Action.CHANGE)
    with pytest.raises(OutOfScope, match=r"^Not yours$"):
        require(cast.county_b_admin, a, Action.VIEW, message="Not yours")


def test_it_answers_can_for_a_record_and_for_a_region_code(cast, households):
    a = households.get(village_id=VILLAGE_A)
    assert can(None, Action.CHANGE, a) and can(None, Action.CHANGE, VILLAGE_B)
    assert can(cast.county_a_admin, Action.CHANGE, a)
    assert not can(cast.county_b_admin, Action.VIEW, a)
    assert can(cast.auditor, Action.VIEW, VILLAGE_A)
    assert not can(cast.auditor, Action.CHANGE, VILLAGE_A)
    # A helper's grant reaches only what they own: not the region as a whole.
    assert not can(cast.helper, Action.VIEW, VILLAGE_A)
    # With a level, only a grant at that level or above counts.
    assert can(cast.county_a_admin, Action.CHANGE, VILLAGE_A, level=Level.TOWNSHIP)
    assert not can(cast.village_a_secretary, Action.CHANGE, VILLAGE_A, level=Level.TOWNSHIP)
    assert can(cast.village_a_secretary, Action.CHANGE, VILLAGE_A)


def messages(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


def test_it_gives_the_regions_a_write_names(cast):
    assert regions_in_scope(cast.county_a_admin, VILLAGE_A).code == VILLAGE_A
    regions = regions_in_scope(None, [f" {VILLAGE_B}", VILLAGE_A, "", VILLAGE_A])
    assert [r.code for r in regions] == [VILLAGE_A, VILLAGE_B]
    assert regions_in_scope(cast.county_a_admin, []) == []


@pytest.mark.parametrize(
    ("codes", "level", "field", "expected"),
    [
        ("999999999999", None, "region", "没有区划代码为“999999999999”的区划。"),
        (TOWNSHIP_A, Level.VILLAGE, "village", f"没有村代码为“{TOWNSHIP_A}”的村。"),
        (["999999999999", VILLAGE_A], None, "region_codes", "没有代码为999999999999的区划。"),
        (["999999999999"], Level.VILLAGE, "village_codes", "没有代码为999999999999的村。"),
        (COUNTY_B, None, "region", "不在您可以修改的区域内。"),
        (VILLAGE_B, Level.VILLAGE, "village", "不在您可以修改的区划范围内。"),
        ([VILLAGE_A, VILLAGE_B, COUNTY_B], None, "region_codes", "、"),
    ],
)
def test_it_refuses_unknown_regions_and_regions_out_of_scope(cast, codes, level, field, expected):
    with pytest.raises(ValidationError) as error:
        regions_in_scope(cast.county_a_admin, codes, level=level, field=field)
    assert list(messages(error.value)) == [field]
    assert expected in messages(error.value)[field][0]


def test_it_shows_personal_data_per_record(cast, households):
    a, b = households.get(village_id=VILLAGE_A), households.get(village_id=VILLAGE_B)
    assert sees_personal_data(cast.county_a_admin, a, VILLAGE_A)
    assert not sees_personal_data(cast.county_a_admin, b, VILLAGE_B)
    assert not sees_personal_data(cast.auditor, a, VILLAGE_A)
    assert not sees_personal_data(None, a, VILLAGE_A)
    # A helper alone is shown only what they own: what they are shown in their region is whole.
    assert sees_personal_data(cast.helper, a, VILLAGE_A)
    # The helper who is also the county's auditor sees the household as an auditor until they
    # own it; a search by ID number follows the same rule.
    accounts.add_grant(actor=None, user=cast.helper, region_code=COUNTY_A, role="auditor")
    mixed = User.objects.get(pk=cast.helper.pk)
    assert not sees_personal_data(mixed, a, VILLAGE_A)
    assert not Person.objects.filter(personal_data_q(mixed, Person)).exists()
    pair_the_helper_with(a)
    assert sees_personal_data(mixed, a, VILLAGE_A)
    assert not sees_personal_data(mixed, None, VILLAGE_A)
    people = Person.objects.filter(personal_data_q(mixed, Person))
    assert [p.household_id for p in people] == [a.pk]
