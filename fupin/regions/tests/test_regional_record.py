"""A record attached to a region sets its own county code: on save, and for a bulk batch."""

import datetime

import pytest

from fupin.pairing.models import Helper
from fupin.party.models import Coverage, Organisation
from fupin.regions.models import with_county_codes
from fupin.registry.models import Household, StatusChange
from fupin.testing import CITY, COUNTY_A, VILLAGE_A, VILLAGE_B, build_party_sample

pytestmark = pytest.mark.django_db


def test_it_sets_the_county_code_from_the_village_on_save():
    household = Household.objects.create(village_id=VILLAGE_A, number="R001", registered_in=2016)
    assert household.county_code == COUNTY_A
    household.village_id = VILLAGE_B
    household.save()
    assert Household.objects.get(pk=household.pk).county_code == VILLAGE_B[:6]


def test_it_takes_the_county_of_the_record_it_belongs_to():
    household = Household.objects.create(village_id=VILLAGE_A, number="R002", registered_in=2016)
    change = StatusChange.objects.create(household=household, year=2016, status="poor")
    assert change.county_code == COUNTY_A


def test_it_leaves_the_county_empty_above_a_county():
    party = build_party_sample()
    helper = Helper.objects.create(member=party.member_a, region_id=CITY)
    assert helper.county_code == ""


def test_it_fills_the_county_codes_of_a_bulk_batch():
    organisation = Organisation.objects.create(
        name="试点党委",
        level="committee",
        kind="village",
        region_id=COUNTY_A,
        founded_on=datetime.date(2000, 1, 1),
    )
    rows = with_county_codes(
        Coverage(organisation=organisation, region_id=code) for code in (CITY, VILLAGE_A)
    )
    Coverage.objects.bulk_create(rows)
    assert dict(organisation.coverage.values_list("region_id", "county_code")) == {
        CITY: "",
        VILLAGE_A: COUNTY_A,
    }
