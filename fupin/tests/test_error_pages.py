"""The product's own 404 and 500 pages, in both languages: users never see Django's."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import include, path

from fupin.testing import client_for


def boom(request):
    raise RuntimeError("a bug")


# This module is also the URL configuration of the 500 test: the site's, plus a broken view.
urlpatterns = [path("boom/", boom), path("", include("fupin.urls"))]


def test_it_answers_an_unknown_address_with_its_own_page_in_either_language(cast):
    assert not settings.DEBUG
    client = client_for(cast.county_a_admin)
    page = client.get("/no-such-page/").content.decode()
    assert "<h1>未找到</h1>" in page and "Page not found" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/no-such-page/").content.decode()
    assert "<h1>Not found</h1>" in page


@pytest.mark.urls("fupin.tests.test_error_pages")
@pytest.mark.parametrize(
    "language, heading", [("zh-hans", "<h1>出错了</h1>"), ("en", "<h1>Something went wrong</h1>")]
)
def test_it_answers_a_bug_with_its_own_page_in_either_language(db, language, heading):
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert heading in page and "Traceback" not in page and "a bug" not in page
