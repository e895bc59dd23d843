"""Pairing in a real browser (Debian's Chromium through Playwright, never a downloaded one):

(a) the cast's helper, on a 390 × 844 phone screen, opens "my households", records a visit and
    sees it listed; the page never scrolls sideways. Saves docs/screenshots/pairing-helper-phone.png
    (the dates that change from day to day are masked, so the picture is the same every run).
(b) county A's administrator opens the coverage page, asks the optimiser, reads the diff,
    applies it, and finds the new pairing on the pairing list.
"""

from pathlib import Path

import pytest

from fupin.regions.models import Region
from fupin.registry import actions as registry
from fupin.testing import (
    COUNTY_A,
    PairingSample,
    build_pairing_sample,
    build_small_world,
    log_in,
)

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def sample(transactional_db) -> PairingSample:
    """The pairing sample, committed for the live server's threads; built before Playwright
    starts (ORM calls inside Playwright's event loop are refused)."""
    if not Region.objects.filter(code="51").exists():
        build_small_world()
    built = build_pairing_sample()
    registry.update_household(actor=None, household=built.household_a, phone="13800001234")
    return built


def scroll_width(page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_it_lets_the_helper_record_a_visit_on_a_phone(sample, live_server, browser_page):
    page = browser_page
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "helper", "/pairing/mine/")
    assert page.locator("h1").inner_text().startswith("我的帮扶户")
    card = page.locator("li.card").first
    assert "帮扶户甲" in card.inner_text() and "P001" in card.inner_text()
    assert "六个月未走访" in card.inner_text()
    assert card.get_by_role("link", name="13800001234").get_attribute("href") == "tel:13800001234"
    assert scroll_width(page) <= PHONE["width"]

    card.get_by_role("link", name="记录走访").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("记录走访")
    assert scroll_width(page) <= PHONE["width"]
    page.fill("#id_done", "送去花椒苗，讲解病虫害防治。")
    page.fill("#id_follow_ups", "下月回访。")
    page.click("main form.form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/pairing/mine/")

    assert "走访已记录。" in page.locator("ul.messages").inner_text()
    card = page.locator("li.card").first
    assert "六个月未走访" not in card.inner_text()
    visits = page.locator("ul.visits").inner_text()
    assert "送去花椒苗，讲解病虫害防治。" in visits
    assert scroll_width(page) <= PHONE["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / "pairing-helper-phone.png"),
        full_page=True,
        animations="disabled",
        caret="hide",
        # Today's date appears where the new visit is listed: masked, so the file stays put.
        mask=[page.locator(".last-visit"), page.locator("ul.visits h3 a").first],
        mask_color="#e8e8e8",
    )


def test_it_lets_an_administrator_propose_review_and_apply(sample, live_server, browser_page):
    page = browser_page
    coverage = f"/pairing/coverage/?region={COUNTY_A}"
    log_in(page, live_server.url, "county_a_admin", coverage)
    assert page.locator("dd.percent").inner_text() == "50.0%"
    assert "P002" in page.locator("table.unpaired-households").inner_text()

    page.get_by_role("button", name="生成结对方案").click()
    page.wait_for_load_state()
    assert "/pairing/proposals/" in page.url
    assert "结对方案已生成" in page.locator("ul.messages").inner_text()
    new = page.locator("table.new-pairings").inner_text()
    assert "P002" in new and "帮扶户甲二" in new and "党员甲" in new
    assert page.locator("table.histogram tbody tr").count() >= 1
    assert page.locator("dd.cost-before").inner_text() != ""

    # Four eyes: who proposed it is told another administrator applies it.
    assert page.get_by_role("button", name="应用").count() == 0
    assert "须由另一位用户应用" in page.locator("p.another-hand").inner_text()
    proposal = page.url.removeprefix(live_server.url)
    page.context.clear_cookies()
    log_in(page, live_server.url, "province_admin", proposal)
    page.get_by_role("button", name="应用").click()
    page.wait_for_load_state()
    assert "方案已应用：新建结对1个。" in page.locator("ul.messages").inner_text()
    assert page.get_by_role("button", name="应用").count() == 0

    page.goto(f"{live_server.url}/pairing/pairings/?q=P002&current=true")
    rows = page.locator("main table tbody").inner_text()
    assert "P002 帮扶户甲二" in rows and "党员甲" in rows and "优化结对" in rows
    page.goto(f"{live_server.url}{coverage}")
    assert page.locator("dd.percent").inner_text() == "100.0%"
    page.goto(f"{live_server.url}/audit/?actor=county_a_admin")
    assert "pairing.propose" in page.locator("table").inner_text()
    page.goto(f"{live_server.url}/audit/?actor=province_admin")
    assert "pairing.apply_proposal" in page.locator("table").inner_text()
