"""The foundation's promise on users and audit events through the API (issue 2, "Done when")."""

from fupin.testing import VILLAGE_A, api_for


def test_it_hides_county_a_users_from_county_b(cast):
    response = api_for(cast.county_b_admin).get("/api/v1/users/")
    assert response.status_code == 200
    usernames = {u["username"] for u in response.json()["results"]}
    assert "village_a_secretary" not in usernames
    assert "county_a_admin" not in usernames
    assert "county_b_admin" in usernames


def test_it_answers_404_for_a_user_outside_scope(cast):
    pk = cast.village_a_secretary.pk
    assert api_for(cast.county_b_admin).get(f"/api/v1/users/{pk}/").status_code == 404
    assert api_for(cast.province_admin).get(f"/api/v1/users/{pk}/").status_code == 200


def test_it_lists_both_counties_for_the_province(cast):
    response = api_for(cast.province_admin).get("/api/v1/users/")
    usernames = {u["username"] for u in response.json()["results"]}
    assert {"village_a_secretary", "county_b_admin"} <= usernames


def test_it_hides_county_a_audit_events_from_county_b(cast):
    b = api_for(cast.county_b_admin).get("/api/v1/audit-events/").json()["results"]
    assert b, "county B sees the creation of its own administrator"
    assert all(e["region_code"].startswith("510824") for e in b)
    province = api_for(cast.province_admin).get("/api/v1/audit-events/").json()["results"]
    assert any(e["region_code"] == VILLAGE_A for e in province)
