"""Fixtures for the whole suite; the cast and the region subtree are in fupin/testing.py."""

import os
from pathlib import Path
from typing import Any

import pytest

from fupin.accounts.models import User
from fupin.testing import CAST, Cast, build_small_world, make_township_a_admin


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        build_small_world()


@pytest.fixture
def cast(db: Any) -> Cast:
    users = {u.username: u for u in User.objects.filter(username__in=list(CAST))}
    return Cast(**users)


@pytest.fixture
def township_a_admin(db: Any) -> User:
    """A third user who may approve and record county A's dividend runs (fupin.testing)."""
    return make_township_a_admin()


@pytest.fixture(autouse=True)
def default_language() -> Any:
    """Each test starts in the default language: a request with Accept-Language: en leaves
    English active in the thread, as Django's LocaleMiddleware does not switch back."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


# The browser tests' Chromium: Debian's, never one Playwright downloads.
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Without these Chromium phones home at start-up, and this network refuses it.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip("!!! " + message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page(locale="zh-CN")
        yield page
        browser.close()
