"""A dividend run in a real browser (Debian's Chromium through Playwright, never a downloaded
one): county A's administrator previews the cooperative's 2019 run and proposes it, a township's
administrator approves it, the province's records it (four eyes: three users), and the payout
sheet downloads as .xlsx and as PDF, each adding up to the distributed amount to the fen.
"""

import io
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from fupin.projects.models import DividendRun
from fupin.projects.tests.test_payout_sheet import ROW, TOTAL
from fupin.regions.models import Region
from fupin.testing import (
    TOWNSHIP_A_ADMIN,
    ProjectsSample,
    build_projects_sample,
    build_small_world,
    log_in,
    make_township_a_admin,
)


@pytest.fixture
def sample(transactional_db) -> ProjectsSample:
    """The projects sample, committed for the live server's threads; built before Playwright
    starts (ORM calls inside Playwright's event loop are refused)."""
    if not Region.objects.filter(code="51").exists():
        build_small_world()
    make_township_a_admin()
    return build_projects_sample()


def orm(query):
    """Run a database query off Playwright's event loop (Django refuses ORM calls in it)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(query).result()


def runs_of_2019(project) -> list[DividendRun]:
    return orm(lambda: list(DividendRun.objects.filter(period_start__year=2019, project=project)))


def confirm(page, button: str, message: str) -> None:
    page.get_by_role("link", name=button, exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="确认").click()
    page.wait_for_load_state()
    assert message in page.locator("ul.messages").inner_text()


def test_it_previews_proposes_approves_records_and_prints_a_run(
    sample, live_server, browser_page, tmp_path: Path
):
    page = browser_page
    project = sample.project_a
    preview = f"/projects/projects/{project.pk}/dividends/preview/"
    log_in(page, live_server.url, "county_a_admin", preview)
    page.fill("#id_period", "2019")
    page.fill("#id_profit", "10000")
    page.get_by_role("button", name="预览").click()
    page.wait_for_load_state()
    assert page.locator("dd.pool").inner_text() == "10000.00"
    assert page.locator("dd.reserve").inner_text() == "1000.00"
    assert page.locator("dd.collective").inner_text() == "500.00"
    assert page.locator("dd.preferred-total").inner_text() == "420.00"
    assert page.locator("dd.ordinary-total").inner_text() == "8080.00"
    payouts = page.locator("table.payouts tbody").inner_text()
    assert "入股户甲一" in payouts and "1005.48" in payouts and "5534.25" in payouts
    assert runs_of_2019(project) == []

    page.get_by_role("button", name="提出此分红方案").click()
    page.wait_for_load_state()
    assert "分红方案已提出，等待批准。" in page.locator("ul.messages").inner_text()
    [run] = runs_of_2019(project)
    assert run.status == "proposed" and page.url.endswith(f"/projects/dividends/{run.pk}/")

    # Who proposed it is told another user approves it; the next two steps are two others'.
    assert page.get_by_role("link", name="批准", exact=True).count() == 0
    assert "须由另一位用户批准" in page.locator("p.another-hand").inner_text()
    path = page.url.removeprefix(live_server.url)
    page.context.clear_cookies()
    log_in(page, live_server.url, TOWNSHIP_A_ADMIN[0], path)
    confirm(page, "批准", "分红方案已批准。")
    assert page.get_by_role("link", name="批准", exact=True).count() == 0
    assert page.get_by_role("link", name="入账", exact=True).count() == 0
    page.context.clear_cookies()
    log_in(page, live_server.url, "province_admin", path)
    confirm(page, "入账", "分红方案已入账。")
    assert page.locator("dd.approved-by").inner_text().startswith(TOWNSHIP_A_ADMIN[0])
    assert page.locator("dd.recorded-by").inner_text().startswith("province_admin")
    assert page.get_by_role("link", name="入账", exact=True).count() == 0
    [run] = runs_of_2019(project)
    assert run.status == "recorded" and run.distributed == Decimal("8500.00")

    with page.expect_download() as download:
        page.get_by_role("link", name="分红发放表（.xlsx）").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    import python_calamine

    cells = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = cells.to_python(skip_empty_area=False)
    total_row = next(row for row in rows if row[0] == "合计")
    assert Decimal(str(total_row[8])).quantize(Decimal("0.01")) == run.distributed

    href = page.get_by_role("link", name="分红发放表（PDF）").get_attribute("href")
    response = page.context.request.get(f"{live_server.url}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    lines = [line for p in reader.pages for line in p.extract_text().splitlines()]
    totals = [Decimal(m.group(5)) for m in map(TOTAL.match, lines) if m]
    paid = [Decimal(m.group(6)) for m in map(ROW.match, lines) if m]
    assert totals == [run.distributed] and sum(paid) == run.distributed
