"""The audit log: every action leaves an event, and events are scoped like everything else."""

import pytest

from fupin.accounts import actions
from fupin.audit.models import AuditEvent
from fupin.testing import COUNTY_A, COUNTY_B, VILLAGE_A, api_for, client_for

PAGE_STATUS = {
    "province_admin": 200,
    "county_a_admin": 200,
    "village_a_secretary": 200,
    "county_b_admin": 200,
    "auditor": 200,
    # A helper's grant reaches only the records they own, and no audit event is theirs.
    "helper": 403,
    "anonymous": 302,
}


def test_it_serves_the_audit_log_page_to_every_role_that_reads_records(cast):
    for name, user in cast.all().items():
        response = client_for(user).get("/audit/")
        assert response.status_code == PAGE_STATUS[name], name
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/")


def test_it_shows_county_b_none_of_county_a_events(cast):
    page = client_for(cast.county_b_admin).get("/audit/?region=").content.decode()
    assert "village_a_secretary" not in page
    assert "county_b_admin" in page
    events = api_for(cast.county_b_admin).get("/api/v1/audit-events/").json()["results"]
    assert events
    assert {e["region_code"][:6] for e in events} == {COUNTY_B}


def test_it_shows_a_village_secretary_only_their_village(cast):
    events = api_for(cast.village_a_secretary).get("/api/v1/audit-events/").json()["results"]
    assert events
    assert all(e["region_code"].startswith(VILLAGE_A) for e in events)


def test_it_shows_the_province_both_counties(cast):
    events = api_for(cast.province_admin).get("/api/v1/audit-events/?limit=500").json()
    codes = {e["region_code"][:6] for e in events["results"]}
    assert {COUNTY_A, COUNTY_B} <= codes


def test_it_answers_404_for_an_event_outside_scope(cast):
    event = AuditEvent.objects.filter(region_code=VILLAGE_A).first()
    assert event is not None
    assert client_for(cast.county_b_admin).get(f"/audit/{event.pk}/").status_code == 404
    assert api_for(cast.county_b_admin).get(f"/api/v1/audit-events/{event.pk}/").status_code == 404
    assert client_for(cast.county_a_admin).get(f"/audit/{event.pk}/").status_code == 200
    assert api_for(cast.province_admin).get(f"/api/v1/audit-events/{event.pk}/").status_code == 200


def test_it_refuses_api_calls_without_credentials(cast):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/audit-events/").status_code == 401


def test_it_never_lets_anyone_write_events_through_the_api(cast):
    client = api_for(cast.province_admin)
    event = AuditEvent.objects.first()
    assert client.post("/api/v1/audit-events/", {"action": "x"}).status_code == 405
    assert client.delete(f"/api/v1/audit-events/{event.pk}/").status_code == 405
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_it_records_who_what_where_and_the_request(cast):
    client = client_for(cast.county_a_admin)
    response = client.post(
        "/accounts/users/add/",
        {
            "username": "new_secretary",
            "first_name": "王小明",
            "password": "Strong-pass-2024",
            "region": "510821101001",
            "role": "village_secretary",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="accounts.create_user", object_repr__contains="new_sec")
    assert event.actor == cast.county_a_admin
    assert event.actor_name == "county_a_admin"
    assert event.region_code == "510821101001"
    assert event.after["grants"] == [["510821101001", "village_secretary"]]
    assert event.request_id == response["X-Request-ID"]


def test_it_records_the_cli_as_system(cast):
    actions.issue_token(actor=None, user=cast.helper)
    event = AuditEvent.objects.get(action="accounts.issue_token")
    assert event.actor is None
    assert event.actor_name == "system"
    assert event.region_code == COUNTY_A


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("action=accounts.create_user", "accounts.create_user"),
        ("actor=system", "system"),
        (f"region={COUNTY_A}", COUNTY_A),
    ],
)
def test_it_filters_events(cast, query, expected):
    events = api_for(cast.province_admin).get(f"/api/v1/audit-events/?{query}").json()["results"]
    assert events
    for e in events:
        assert expected in (e["action"], e["actor_name"], e["region_code"][:6])


def test_it_exports_the_visible_events_as_xlsx(cast):
    response = client_for(cast.county_b_admin).get("/audit/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    import io
    import zipfile

    book = zipfile.ZipFile(io.BytesIO(response.content))
    text = "".join(
        book.read(n).decode() for n in book.namelist() if n.startswith("xl/") and n.endswith("xml")
    )
    assert "county_b_admin" in text
    assert "village_a_secretary" not in text
