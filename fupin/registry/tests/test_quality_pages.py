"""The data-quality page and API: warnings of the region asked for, only inside the scope."""

from rest_framework.test import APIClient

from fupin.registry.tests.conftest import VISIBLE
from fupin.testing import COUNTY_A, COUNTY_B, VILLAGE_A, api_for, client_for

PAGE = "/registry/quality/"
API = "/api/v1/quality/"
ILLNESS = "illness_without_ill"


def numbers(data):
    return {(w["village_code"], w["household_number"]) for w in data["warnings"]}


def test_it_shows_each_member_the_warnings_of_their_own_region_by_default(cast, registry):
    for name, member in cast.all().items():
        if member is None:
            continue
        if name == "helper":
            # The helper has households, not a region: no region's warnings are theirs.
            assert api_for(member).get(API).status_code == 404
            # The page says so (README, "Roles and scope"): no region, no page of a region.
            assert client_for(member).get(PAGE).status_code == 403
            continue
        data = api_for(member).get(API).json()
        assert {n for _village, n in numbers(data)} == VISIBLE[name], name
        page = client_for(member).get(PAGE)
        assert page.status_code == 200, name
        assert "数据质量" in page.content.decode()


def test_it_finds_the_illness_household_without_an_ill_member(cast, registry):
    data = api_for(cast.county_a_admin).get(API, {"region": COUNTY_A}).json()
    assert data["region"] == COUNTY_A
    assert (VILLAGE_A, "A001") in {
        (w["village_code"], w["household_number"])
        for w in data["warnings"]
        if w["check"] == ILLNESS
    }
    assert data["counts"][ILLNESS] >= 1
    page = client_for(cast.county_a_admin).get(PAGE, {"region": COUNTY_A}).content.decode()
    assert "A001" in page and "B001" not in page


def test_it_answers_404_for_a_region_outside_the_scope(cast, registry):
    for region in (COUNTY_A, VILLAGE_A, "abc", "519999", "５１"):
        assert api_for(cast.county_b_admin).get(API, {"region": region}).status_code == 404
        assert client_for(cast.county_b_admin).get(PAGE, {"region": region}).status_code == 404
    assert api_for(cast.county_b_admin).get(API, {"region": COUNTY_B}).status_code == 200


def test_it_refuses_the_anonymous_visitor(cast, registry):
    assert APIClient().get(API).status_code == 401
    response = client_for(None).get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_lets_the_province_look_at_any_county(cast, registry):
    for code in ("51", COUNTY_A, COUNTY_B):
        assert api_for(cast.province_admin).get(API, {"region": code}).status_code == 200
