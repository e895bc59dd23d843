"""Inputs that once answered 500, and static files with DEBUG off: every bad value is a 400
with a message, never a 500, on both databases."""

import json

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from fupin.lib.drf import Pagination
from fupin.registry.models import Household
from fupin.testing import build_registry_sample, client_for, zh, zh_api

HUGE = "99999999999999999999"  # past any database integer


def test_it_cuts_a_page_to_a_thousand_rows():
    request = APIRequestFactory().get("/api/v1/households/", {"limit": HUGE})
    assert Pagination().get_limit(Request(request)) == 1000


def test_it_answers_a_huge_limit_and_offset_without_an_error(cast):
    build_registry_sample()
    api = zh_api(cast.province_admin)
    response = api.get("/api/v1/households/", {"limit": HUGE})
    assert response.status_code == 200
    assert response.json()["count"] == Household.objects.count() > 0
    response = api.get("/api/v1/households/", {"offset": HUGE})
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "0"])
def test_it_refuses_an_id_no_record_can_have(cast, value):
    response = zh_api(cast.province_admin).get("/api/v1/people/", {"household": value})
    assert response.status_code == 400
    assert list(response.json()) == ["household"]


def test_it_refuses_a_nul_in_the_address(cast):
    response = zh_api(cast.province_admin).get("/api/v1/regions/%00/")
    assert response.status_code == 400
    assert response.content.decode() == zh(
        "The address holds a NUL character, which no value may contain."
    )
    assert zh_api(cast.province_admin).get("/api/v1/regions/?q=a%00b").status_code == 400


def test_it_refuses_json_nested_too_deeply(cast):
    response = zh_api(cast.province_admin).post(
        "/api/v1/households/", "[" * 5000 + "]" * 5000, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": zh("The JSON is nested too deeply.")}
    # Ordinary nesting still parses (and is refused for what it says, not how it is written).
    response = zh_api(cast.province_admin).post(
        "/api/v1/households/", json.dumps({"number": [[["x"]]]}), content_type="application/json"
    )
    assert response.status_code == 400 and "detail" not in response.json()


def test_it_serves_the_static_files_with_debug_off(db):
    assert not settings.DEBUG
    response = Client().get("/static/vendor/htmx/htmx.min.js")
    assert response.status_code == 200
    assert b"htmx" in b"".join(response.streaming_content)


def test_it_tells_browsers_and_proxies_to_keep_no_page_answer_or_download(cast):
    build_registry_sample()
    household = Household.objects.first()
    page = client_for(cast.county_a_admin).get(f"/registry/households/{household.pk}/")
    api = zh_api(cast.county_a_admin).get(f"/api/v1/households/{household.pk}/")
    export = client_for(cast.county_a_admin).get("/registry/households/?export=xlsx")
    for response in (page, api, export):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    static = Client().get("/static/vendor/htmx/htmx.min.js")
    assert "no-store" not in static.get("Cache-Control", "")


def test_it_passes_the_deploy_checks_with_the_documented_production_settings(tmp_path):
    from fupin.tests.test_settings import run_fupin

    env = {
        "DEBUG": "0",
        "HTTPS": "1",
        "SECRET_KEY": "k3y-" + "x7Qp9vLm2Tr8Wz4Ny6Bc1Hd5Jf0Gs3Ka" * 2,
        "ALLOWED_HOSTS": "fupin.example.org",
        "FUPIN_DATA_DIR": str(tmp_path),
    }
    done = run_fupin(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout
    # Without HTTPS=1 the same check names what is missing.
    done = run_fupin({**env, "HTTPS": "0"}, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0 and "SECURE_SSL_REDIRECT" in done.stderr
