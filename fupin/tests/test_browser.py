"""One real browser (Debian's Chromium through Playwright) signs in and drills down the tree.

Playwright never downloads a browser here: it drives /usr/bin/chromium. Without it the test is
skipped loudly on a developer's machine and fails in CI (CI=true), as the README says.
"""

import pytest

from fupin.regions.models import Region
from fupin.testing import VILLAGE_A, build_small_world, log_in


@pytest.fixture
def small_world(transactional_db):
    """The cast's regions and users, committed for the live server's threads to see.

    A transactional test may start after another one emptied the tables. This runs before
    Playwright starts: ORM calls made while its event loop runs would open a connection in
    another context that nothing closes (and that blocks dropping the PostgreSQL test database).
    """
    if not Region.objects.filter(code="51").exists():
        build_small_world()


def test_it_logs_in_and_drills_from_the_province_to_a_village(
    small_world, live_server, browser_page
):
    page = browser_page
    log_in(page, live_server.url, "county_b_admin", "/", lands_on="/regions/")

    for name in ("四川省", "广元市", "旺苍县", "东河镇", "卸甲碥社区居民委员会"):
        page.get_by_role("link", name=name, exact=True).first.click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text().startswith(name)

    assert page.url.endswith(f"/regions/{VILLAGE_A}/")
    crumbs = page.locator("nav.breadcrumbs").inner_text()
    for name in ("四川省", "广元市", "旺苍县", "东河镇"):
        assert name in crumbs
    assert "村没有下级区划" in page.content()
