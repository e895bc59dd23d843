"""ID numbers, phones and bank accounts are masked for roles without personal data (the
auditor) — on pages, in the API and in exports — and searching cannot unmask them."""

import pytest

from fupin.accounts import actions as accounts
from fupin.accounts.models import User
from fupin.lib.ids import mask_id
from fupin.lib.tables import mask_birth_date, personal
from fupin.registry import actions as registry_actions
from fupin.testing import (
    COUNTY_A,
    VILLAGE_A,
    api_for,
    client_for,
    main_ok,
    pair_the_helper_with,
)

from .conftest import BANK_ACCOUNT, HEAD_A2_ID, HEAD_A_ID, PHONE, SPOUSE_A_ID

LIST = "/registry/households/"
MASKED_PHONE = "138****5678"
MASKED_ACCOUNT = "*" * 15 + "8901"
FULL = (HEAD_A_ID, SPOUSE_A_ID, PHONE, BANK_ACCOUNT, "1970-05-06", "1972-08-09")


@pytest.fixture
def helped(registry):
    """The helper sees only the households they are paired with: household A (exited, so it
    relapses first, as only a household not exited is paired) becomes theirs."""
    registry_actions.record_status(
        actor=None, household=registry.a, year=2021, status="relapsed", reason="因病返贫"
    )
    pair_the_helper_with(registry.a)
    return registry


def test_it_masks_the_way_the_forms_show_it():
    assert mask_id("510104199001011234") == "510104********1234"
    assert mask_birth_date("1990-01-01") == "1990-**-**"


def test_it_masks_the_list_for_the_auditor(cast, registry):
    page = main_ok(client_for(cast.auditor).get(LIST))
    assert mask_id(HEAD_A_ID) in page and MASKED_PHONE in page
    assert mask_id(HEAD_A2_ID) in page
    for value in (HEAD_A_ID, HEAD_A2_ID, PHONE):
        assert value not in page


@pytest.mark.parametrize("name", ["helper", "county_a_admin", "village_a_secretary"])
def test_it_shows_the_list_unmasked_to_roles_with_personal_data(cast, helped, name):
    page = main_ok(client_for(getattr(cast, name)).get(LIST))
    assert HEAD_A_ID in page and PHONE in page
    assert mask_id(HEAD_A_ID) not in page
    # The helper's list holds their household only: not A2's, masked or not.
    assert (HEAD_A2_ID in page) is (name == "county_a_admin")
    assert mask_id(HEAD_A2_ID) not in page


def test_it_masks_the_household_page_for_the_auditor(cast, registry):
    page = main_ok(client_for(cast.auditor).get(f"{LIST}{registry.a.pk}/"))
    for value in (mask_id(HEAD_A_ID), mask_id(SPOUSE_A_ID), MASKED_PHONE, MASKED_ACCOUNT):
        assert value in page, value
    # The birth date is the part of the ID the mask hides: only its year is shown.
    assert "1970-**-**" in page and "1972-**-**" in page
    for value in FULL:
        assert value not in page, value
    # The rest of the record is not personal data.
    assert "王大山" in page and "3000.00" in page


def test_it_shows_the_household_page_unmasked_to_the_helper(cast, helped):
    client = client_for(cast.helper)
    page = main_ok(client.get(f"{LIST}{helped.a.pk}/"))
    for value in FULL:
        assert value in page, value
    assert client.get(f"{LIST}{helped.a2.pk}/").status_code == 404


def test_it_masks_the_api_for_the_auditor(cast, registry):
    client = api_for(cast.auditor)
    rows = {h["number"]: h for h in client.get("/api/v1/households/").json()["results"]}
    assert (rows["A001"]["phone"], rows["A001"]["bank_account"]) == (MASKED_PHONE, MASKED_ACCOUNT)
    detail = client.get(f"/api/v1/households/{registry.a.pk}/").json()
    assert [(m["id_number"], m["birth_date"], m["birth_year"]) for m in detail["members"]] == [
        (mask_id(HEAD_A_ID), None, 1970),
        (mask_id(SPOUSE_A_ID), None, 1972),
    ]
    people = client.get("/api/v1/people/").json()["results"]
    assert {p["id_number"] for p in people} == {
        mask_id(HEAD_A_ID),
        mask_id(SPOUSE_A_ID),
        mask_id(HEAD_A2_ID),
    }
    assert {p["birth_date"] for p in people} == {None}
    person = client.get(f"/api/v1/people/{registry.head_a.pk}/").json()
    assert person["id_number"] == mask_id(HEAD_A_ID) and person["birth_date"] is None
    text = client.get(f"/api/v1/households/{registry.a.pk}/").content.decode()
    for value in FULL:
        assert value not in text, value


def test_it_shows_the_api_unmasked_to_the_helper(cast, helped):
    client = api_for(cast.helper)
    detail = client.get(f"/api/v1/households/{helped.a.pk}/").json()
    assert (detail["phone"], detail["bank_account"]) == (PHONE, BANK_ACCOUNT)
    assert detail["members"][0]["id_number"] == HEAD_A_ID
    assert detail["members"][0]["birth_date"] == "1970-05-06"
    people = client.get("/api/v1/people/").json()["results"]
    assert {p["id_number"] for p in people} == {HEAD_A_ID, SPOUSE_A_ID}
    assert client.get(f"/api/v1/households/{helped.a2.pk}/").status_code == 404


@pytest.mark.parametrize("value", [HEAD_A_ID, HEAD_A_ID.lower(), f" {HEAD_A_ID} "])
def test_it_finds_a_household_by_full_id_for_who_may_see_it(cast, helped, value):
    rows = api_for(cast.helper).get("/api/v1/households/", {"q": value}).json()["results"]
    assert [r["number"] for r in rows] == ["A001"]


def test_it_finds_no_household_by_full_id_for_a_helper_not_paired_with_it(cast, helped):
    rows = api_for(cast.helper).get("/api/v1/households/", {"q": HEAD_A2_ID}).json()["results"]
    assert rows == []


@pytest.mark.parametrize(
    "value",
    [HEAD_A_ID, mask_id(HEAD_A_ID), HEAD_A_ID[:14], HEAD_A_ID[6:14], HEAD_A_ID[-4:]],
)
def test_it_never_matches_an_id_number_in_the_auditors_search(cast, registry, value):
    """Were an ID matched, trying numbers one by one would give back the hidden digits."""
    assert "A001" not in main_ok(client_for(cast.auditor).get(LIST, {"q": value}))
    api = api_for(cast.auditor)
    assert api.get("/api/v1/households/", {"q": value}).json()["results"] == []
    assert api.get("/api/v1/people/", {"q": value}).json()["results"] == []


def test_it_still_finds_names_for_the_auditor(cast, registry):
    rows = api_for(cast.auditor).get("/api/v1/households/", {"q": "李秀英"}).json()["results"]
    assert [r["number"] for r in rows] == ["A001"]


def test_it_masks_per_record_for_a_user_with_mixed_roles(cast, helped):
    """The helper, also an auditor of the county, reads their own household A whole and the
    county's other households, which they see only as the auditor, masked: owning A does not
    unmask A2 although both lie in the helper's region (it did while masking went by region)."""
    accounts.add_grant(actor=None, user=cast.helper, region_code=COUNTY_A, role="auditor")
    user = User.objects.get(pk=cast.helper.pk)
    page = main_ok(client_for(user).get(LIST))
    assert HEAD_A_ID in page and PHONE in page
    assert mask_id(HEAD_A2_ID) in page and HEAD_A2_ID not in page
    page = main_ok(client_for(user).get(f"{LIST}{helped.a2.pk}/"))
    assert mask_id(HEAD_A2_ID) in page and HEAD_A2_ID not in page
    page = main_ok(client_for(user).get(f"{LIST}{helped.a.pk}/"))
    assert HEAD_A_ID in page and "1970-05-06" in page
    api = api_for(user)
    found = api.get("/api/v1/households/", {"q": HEAD_A_ID}).json()["results"]
    assert [r["number"] for r in found] == ["A001"]
    assert api.get("/api/v1/households/", {"q": HEAD_A2_ID}).json()["results"] == []
    people = {p["name"]: p for p in api.get("/api/v1/people/").json()["results"]}
    assert people["王大山"]["id_number"] == HEAD_A_ID
    assert people["赵小川"]["id_number"] == mask_id(HEAD_A2_ID)
    assert people["赵小川"]["birth_date"] is None
    detail = api.get(f"/api/v1/households/{helped.a2.pk}/").json()
    assert detail["members"][0]["id_number"] == mask_id(HEAD_A2_ID)


def test_it_never_sorts_by_a_masked_field_in_the_api(cast, registry):
    client = api_for(cast.auditor)
    plain = client.get("/api/v1/households/").json()["results"]
    for field in ("phone", "-phone", "bank_account", "-bank_account"):
        rows = client.get("/api/v1/households/", {"ordering": field}).json()["results"]
        assert rows == plain, field


def test_it_masks_without_a_user():
    assert personal(None, VILLAGE_A, "phone", PHONE) == MASKED_PHONE
    assert personal(None, VILLAGE_A, "id_number", "") == ""


def test_it_masks_personal_data_in_the_audit_log_shown_to_the_auditor(cast, registry):
    text = api_for(cast.auditor).get("/api/v1/audit-events/", {"limit": 500}).content.decode()
    assert "registry.add_person" in text
    for value in FULL:
        assert value not in text, value
