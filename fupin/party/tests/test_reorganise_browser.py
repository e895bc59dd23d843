"""The 苍溪县 case in a real browser (Debian's Chromium through Playwright): the province
administrator sets up a park committee over three villages, merges their three village
branches into two general branches on the reorganise page, and reads the history.

Playwright (the `browser_page` fixture of fupin/conftest.py) drives /usr/bin/chromium and never
downloads a browser; without it the test is skipped loudly on a developer's machine and fails in CI.
"""

import datetime
import re

import pytest

from fupin.lib.ids import make_resident_id
from fupin.party import actions
from fupin.party.models import Organisation
from fupin.regions.models import Region
from fupin.testing import COUNTY_B, build_small_world, log_in, village_branch

# Three villages of county B (苍溪县 in the test subtree), each with its village branch.
VILLAGES = {
    "510824100001": "金穗村党支部",
    "510824100002": "红军路村党支部",
    "510824102001": "烟峰楼村党支部",
}
ON = datetime.date(2024, 6, 30)


@pytest.fixture
def branches(transactional_db) -> dict[str, Organisation]:
    """The cast, and the three village branches with two members each, committed for the
    live server's threads. Built before Playwright starts: the test itself reads the database
    only through the pages, as ORM calls inside Playwright's event loop are refused."""
    if not Region.objects.filter(code="51").exists():
        build_small_world()
    out = {}
    for n, (village, name) in enumerate(VILLAGES.items()):
        org = village_branch(name, village)
        for i in range(2):
            actions.register_member(
                actor=None,
                organisation=org,
                name=f"{name[:3]}党员{i + 1}",
                id_number=make_resident_id(COUNTY_B, datetime.date(1970 + i, 1, 1), 10 * n + i),
                stage="full",
                joined_on=datetime.date(2000, 7, 1),
                full_on=datetime.date(2001, 7, 1),
            )
        out[village] = org
    return out


def submit(page) -> None:
    """The form's own button (the header has the log-out button)."""
    page.click("main form.form button[type=submit]")
    page.wait_for_load_state()


def test_it_sets_up_a_park_committee_and_merges_three_branches_on_the_pages(
    branches, live_server, browser_page
):
    page = browser_page
    log_in(page, live_server.url, "province_admin", "/party/organisations/add/")

    # 1. The park committee over the three villages.
    page.fill("#id_name", "三会现代农业园区党委")
    page.select_option("#id_level", "committee")
    page.select_option("#id_kind", "park")
    page.fill("#id_region_codes", "\n".join(VILLAGES))
    page.fill("#id_founded_on", "2016-03-01")
    submit(page)
    assert page.locator("h1").inner_text().startswith("三会现代农业园区党委")
    park = re.search(r"/party/organisations/(\d+)/$", page.url)
    assert park, page.url
    facts = page.locator("dl.facts").inner_text()
    assert "苍溪县 (510824)" in facts  # the smallest region holding the three villages
    for village in VILLAGES:
        assert f"({village})" in facts

    # 2. From the county's tree to the reorganise page.
    page.goto(f"{live_server.url}/party/tree/?region={COUNTY_B}")
    for name in ("三会现代农业园区党委", *VILLAGES.values()):
        assert page.get_by_role("link", name=name, exact=True).count() == 1
    page.locator("main .actions a", has_text="组织调整").click()
    page.wait_for_load_state()
    assert f"region={COUNTY_B}" in page.url
    for org in branches.values():
        page.check(f'input[name=sources][value="{org.pk}"]')
    page.fill("#id_on", ON.isoformat())
    page.fill("#id_note", "三个村党支部合并为两个社区党总支")
    rows = [
        ("陵江社区党总支", ["510824100001", "510824100002"]),
        ("云峰社区党总支", ["510824102001"]),
    ]
    for i, (name, codes) in enumerate(rows):
        page.fill(f"#id_successors-{i}-name", name)
        page.select_option(f"#id_successors-{i}-level", "general_branch")
        page.select_option(f"#id_successors-{i}-kind", "community")
        page.fill(f"#id_successors-{i}-region_codes", "\n".join(codes))
        page.select_option(f"#id_successors-{i}-parent", park.group(1))
    page.click("main form.reorganise button[type=submit]")
    page.wait_for_load_state()

    # 3. The reorganisation's page: before and after.
    assert re.search(r"/party/reorganisations/\d+/$", page.url), page.url
    before = page.locator("section.before").inner_text()
    after = page.locator("section.after").inner_text()
    for name in VILLAGES.values():
        assert name in before
    assert "陵江社区党总支" in after and "云峰社区党总支" in after
    assert re.search(r"陵江社区党总支.*\t4", after) and re.search(r"云峰社区党总支.*\t2", after)
    assert "组织调整已登记。" in page.content()

    # 4. The history page lists it and leads back to it.
    page.goto(f"{live_server.url}/party/reorganisations/")
    assert "三会现代农业园区党委" not in page.locator("table").inner_text()
    assert "陵江社区党总支 ＋ 云峰社区党总支" in page.locator("table").inner_text()
    page.get_by_role("link", name=ON.isoformat()).click()
    page.wait_for_load_state()
    assert "三个村党支部合并为两个社区党总支" in page.content()

    # 5. A closed branch points to its successors; the tree shows the new shape.
    page.get_by_role("link", name="金穗村党支部").click()
    page.wait_for_load_state()
    assert "撤销时间" in page.content() and ON.isoformat() in page.content()
    assert page.get_by_role("link", name="陵江社区党总支").count() >= 1
    page.goto(f"{live_server.url}/party/tree/?region={COUNTY_B}")
    tree = page.locator("main ul.tree").first.inner_text()
    assert "金穗村党支部" not in tree
    assert tree.index("三会现代农业园区党委") < tree.index("陵江社区党总支")

    # 6. The audit log has each step, by the province administrator.
    page.goto(f"{live_server.url}/audit/?actor=province_admin")
    log = page.locator("table").inner_text()
    assert log.count("party.create_organisation") == 3
    assert log.count("party.reorganise") == 1
    assert len(page.locator("table tbody tr").all()) == 4
