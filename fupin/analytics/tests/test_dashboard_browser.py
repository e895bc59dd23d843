"""The statistics dashboard in a real browser (Debian's Chromium through Playwright, never a
downloaded one): the province administrator opens the province's dashboard, sees its map of
cities drawn, drills down by the child-region tables to county A, and downloads county A's
table of townships as .xlsx, whose figures are the summary rows'.
"""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from fupin.analytics import boundaries
from fupin.analytics.figures import child_figures, latest_year
from fupin.analytics.refresh import rebuild
from fupin.regions.models import Region
from fupin.testing import (
    CITY,
    COUNTY_A,
    PROVINCE,
    build_pairing_sample,
    build_projects_sample,
    build_small_world,
    log_in,
)


@pytest.fixture
def sample(transactional_db, settings, tmp_path):
    """The samples and their summary rows, committed for the live server's threads; built
    before Playwright starts (ORM calls inside Playwright's event loop are refused)."""
    settings.BOUNDARIES_DIR = tmp_path / "boundaries"
    if not Region.objects.filter(code="51").exists():
        build_small_world()
    pairing = build_pairing_sample()
    build_projects_sample(pairing.party)
    rebuild()
    boundaries.load_bundled()


def orm(query):
    """Run a database query off Playwright's event loop (Django refuses ORM calls in it)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(query).result()


def test_it_opens_the_province_drills_to_a_county_and_downloads_its_table(
    sample, live_server, browser_page, tmp_path: Path
):
    page = browser_page
    base = live_server.url
    log_in(page, base, "province_admin", "/stats/")
    assert page.locator("h1 small").inner_text() == PROVINCE
    # The map of the cities is drawn from the loaded boundaries (an ECharts canvas).
    page.wait_for_selector("#chart-map[data-ready='1'] canvas")
    assert page.locator("#chart-trend canvas").count() == 1

    table = page.locator("table.stats.children")
    table.get_by_role("link", name="广元市").click()
    page.wait_for_url(f"{base}/stats/{CITY}/**")
    assert page.locator("h1 small").inner_text() == CITY
    page.wait_for_selector("#chart-map[data-ready='1'] canvas")

    page.locator("table.stats.children").get_by_role("link", name="旺苍县").click()
    page.wait_for_url(f"{base}/stats/{COUNTY_A}/**")
    assert page.locator("h1 small").inner_text() == COUNTY_A
    # Townships have no boundaries: the table and the bar charts, no map.
    assert page.locator("#chart-map").count() == 0
    assert page.locator("#chart-coverage canvas").count() == 1

    # Every chart's numbers are one click away.
    details = page.locator("section.cause details")
    details.locator("summary").click()
    assert details.locator("table.stats.cause").is_visible()

    with page.expect_download() as download:
        page.locator("table.stats.children + p.export a").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    cells = rows.to_python(skip_empty_area=False)
    assert cells[1][:2] == ["代码", "名称"]
    year = orm(lambda: latest_year(COUNTY_A))
    expected = orm(lambda: child_figures(COUNTY_A, year))
    assert [r[0] for r in cells[2:]] == [c.code for c, _f in expected]
    assert [r[1] for r in cells[2:]] == [c.name for c, _f in expected]
    poor: list = [r[2] for r in cells[2:]]
    assert [int(n) for n in poor] == [f["households_not_exited"] for _c, f in expected]
    assert sum(poor) > 0
