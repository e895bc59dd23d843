"""The statistics dashboard (`/stats/`, `/stats/<code>/?year=Y`) and its map's boundaries
(`/stats/<code>/map.json`) for every member of the cast, on the registry, pairing and projects
samples (fupin.testing, one party sample under both) with more households in village A, after
a rebuild of the summary rows: headline cards, the child regions with links to drill down, the
breakdowns (suppressed below 5 for the auditor), the .xlsx exports, the map only where
boundaries are loaded, and a fixed number of queries that read the summary rows and the region
tree only."""

import io
import re
from decimal import ROUND_DOWN, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fupin.analytics import boundaries
from fupin.analytics.figures import child_figures, figures, latest_year, trend
from fupin.analytics.models import RegionFigures
from fupin.analytics.refresh import rebuild
from fupin.analytics.tests.test_stats_api import MANY, build_world
from fupin.analytics.views import CHILD_COLUMNS, column_label
from fupin.regions.actions import set_population
from fupin.regions.loader import PopulationRow
from fupin.regions.models import Region
from fupin.testing import (
    CITY,
    COUNTY_A,
    COUNTY_B,
    PROVINCE,
    TOWNSHIP_A,
    VILLAGE_A,
    VILLAGE_B,
    client_for,
    main_ok,
)

CHILDREN = '<table class="table stats children">'
# Where each member of the cast lands on /stats/ (the top of their scope).
HOME = {
    "province_admin": PROVINCE,
    "county_a_admin": COUNTY_A,
    "village_a_secretary": VILLAGE_A,
    "county_b_admin": COUNTY_B,
    "auditor": COUNTY_A,
}
# Regions each member may not see (404), and the regions they may.
OUTSIDE = {
    "province_admin": ["519999", "52"],
    "county_a_admin": [PROVINCE, CITY, COUNTY_B, VILLAGE_B],
    "village_a_secretary": [TOWNSHIP_A, COUNTY_A, VILLAGE_B],
    "county_b_admin": [PROVINCE, COUNTY_A, VILLAGE_A],
    "auditor": [CITY, COUNTY_B, VILLAGE_B],
}
INSIDE = {
    "province_admin": [PROVINCE, CITY, COUNTY_A, COUNTY_B, VILLAGE_B],
    "county_a_admin": [COUNTY_A, TOWNSHIP_A, VILLAGE_A],
    "village_a_secretary": [VILLAGE_A],
    "county_b_admin": [COUNTY_B, VILLAGE_B],
    "auditor": [COUNTY_A, VILLAGE_A],
}


@pytest.fixture
def world(db, cast, settings, tmp_path):
    settings.BOUNDARIES_DIR = tmp_path / "boundaries"
    # A household of a cause in county A alone: a cell of fewer than 5.
    build_world(pairings=True, lone={"number": "L001", "main_cause": "land"})


def url(code: str = "", **params) -> str:
    base = reverse("analytics:dashboard-region", args=[code]) if code else "/stats/"
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{base}?{query}" if query else base


def table(page: str, name: str) -> list[list[str]]:
    """The cells of the dashboard's table `name` (tags stripped)."""
    match = re.search(rf'<table class="table stats {name}">(.*?)</table>', page, re.S)
    assert match, name
    rows = re.findall(r"<tr>(.*?)</tr>", match.group(1), re.S)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)]
        for r in rows
    ]


def card(page: str, key: str) -> str:
    match = re.search(rf'<li class="card-{key}">.*?<span class="value">(.*?)</span>', page, re.S)
    assert match, key
    return match.group(1)


def xlsx_rows(response) -> list[list]:
    import python_calamine

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return book.get_sheet_by_index(0).to_python(skip_empty_area=False)


def test_it_shows_each_member_of_the_cast_the_top_of_their_scope(cast, world):
    for name, code in HOME.items():
        page = main_ok(client_for(getattr(cast, name)).get("/stats/"))
        assert f"<small>{code}</small>" in page, name
    # A helper sees only their own households, never a region's figures.
    assert client_for(cast.helper).get("/stats/").status_code == 403
    assert client_for(cast.helper).get(url(COUNTY_A)).status_code == 403
    response = client_for(None).get(url(COUNTY_A))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url(COUNTY_A)}"


def test_it_answers_404_for_a_region_outside_the_users_scope(cast, world):
    for name, codes in OUTSIDE.items():
        client = client_for(getattr(cast, name))
        for code in codes:
            assert client.get(url(code)).status_code == 404, (name, code)
            assert client.get(url(code, export="xlsx")).status_code == 404, (name, code)
        for code in INSIDE[name]:
            assert client.get(url(code)).status_code == 200, (name, code)


def test_it_shows_the_headline_figures_of_the_region(cast, world):
    year = latest_year(PROVINCE)
    f = figures(PROVINCE, year)
    page = main_ok(client_for(cast.province_admin).get(url(PROVINCE)))
    assert card(page, "poor") == f"{f['households_not_exited']:,} / {f['people_not_exited']:,}"
    assert card(page, "exits") == f"{f['exits']:,} / {f['exits_people']:,}"
    assert card(page, "helpers") == f"{f['helpers']:,}"
    assert card(page, "projects") == f"{f['projects']:,}"
    assert card(page, "participants") == f"{f['participants']:,} / {f['poor_participants']:,}"
    assert card(page, "members") == f"{f['members']:,} / {f['poor_members']:,}"
    assert card(page, "dividends") == f"{f['dividends_fen'] / 100:,.2f}"
    series = trend(PROVINCE)
    paid = sum(v["dividends_fen"] for y, v in series if y <= year)
    assert paid > 0
    assert f"自 {series[0][0]} 年以来累计 {paid / 100:,.2f} 元" in page
    share = 100 * f["paired"] / f["beneficiaries"]
    assert card(page, "coverage") == f"{share:.1f}%"
    assert f["households_poor"] > MANY and f["projects"] == 2 and f["helpers"] >= 1


def test_it_shows_the_poverty_incidence_where_every_village_has_its_population(cast, world):
    villages = list(
        Region.objects.filter(code__startswith=COUNTY_A, level=5).values_list("code", flat=True)
    )
    set_population(actor=None, rows=[PopulationRow(v, 2000) for v in villages])
    rebuild()
    f = figures(COUNTY_A, latest_year(COUNTY_A))
    share = Decimal(100 * f["people_not_exited"]) / (2000 * len(villages))
    client = client_for(cast.county_a_admin)
    page = main_ok(client.get(url(COUNTY_A)))
    assert card(page, "incidence") == f"{share.quantize(Decimal('0.01'), ROUND_DOWN)}%"
    # The city has villages without a population: no figure, and how far off it is.
    page = main_ok(client_for(cast.province_admin).get(url(CITY)))
    assert card(page, "incidence") == "—"
    known = figures(CITY, latest_year(CITY))
    assert f"{known['villages']:,} 个村中 {len(villages):,} 个已填报人口" in page


def test_it_shows_the_trend_by_year(cast, world):
    page = main_ok(client_for(cast.county_a_admin).get(url(COUNTY_A)))
    rows = table(page, "trend")
    series = trend(COUNTY_A)
    assert [r[0] for r in rows[1:]] == [str(y) for y, _f in series]
    assert [int(r[1]) for r in rows[1:]] == [f["people_not_exited"] for _y, f in series]
    assert [int(r[2]) for r in rows[1:]] == [f["exits_people"] for _y, f in series]
    assert 'id="chart-trend"' in page and "vendor/echarts/echarts.min.js" in page


def test_it_lists_the_child_regions_with_links_to_drill_down(cast, world):
    client = client_for(cast.province_admin)
    year = latest_year(PROVINCE)
    code = PROVINCE
    # Province › city › county › township › village, by the links of the table.
    for child in (CITY, COUNTY_A, TOWNSHIP_A, VILLAGE_A):
        page = main_ok(client.get(url(code)))
        link = f'href="{url(child, year=year)}"'
        assert link in page, (code, child)
        code = child
    rows = table(main_ok(client.get(url(CITY))), "children")
    expected = child_figures(CITY, year)
    assert [r[0] for r in rows[1:]] == [c.code for c, _f in expected] == [COUNTY_A, COUNTY_B]
    assert [int(r[2]) for r in rows[1:]] == [f["households_not_exited"] for _c, f in expected]
    assert [int(r[3]) for r in rows[1:]] == [f["people_not_exited"] for _c, f in expected]
    # A village has no child regions: no table, no map, no coverage chart.
    village = main_ok(client.get(url(VILLAGE_A)))
    assert CHILDREN not in village and 'id="chart-coverage"' not in village


def test_it_suppresses_small_breakdown_cells_for_the_auditor(cast, world):
    f = figures(COUNTY_A)
    small = {k: v for k, v in f.items() if k.startswith(("cause.", "attribute.")) and 0 < v < 5}
    assert small and f["cause.disability"] >= MANY and f["attribute.dibao"] >= MANY
    auditor = main_ok(client_for(cast.auditor).get(url(COUNTY_A)))
    admin = main_ok(client_for(cast.county_a_admin).get(url(COUNTY_A)))
    for group in ("cause", "attribute"):
        seen = {r[0]: r[1] for r in table(auditor, group)[1:]}
        shown = {r[0]: r[1] for r in table(admin, group)[1:]}
        assert "&lt;5" in seen.values() or group == "attribute"
        for label, value in shown.items():
            if 0 < int(value) < 5:
                assert seen[label] == "&lt;5", (group, label)
            else:
                assert seen[label] == value, (group, label)
    assert "Breakdowns" not in admin and "&lt;5" not in " ".join(
        c for group in ("cause", "attribute") for r in table(admin, group) for c in r
    )
    rows = xlsx_rows(client_for(cast.auditor).get(url(COUNTY_A, export="xlsx", table="cause")))
    assert "<5" in [r[1] for r in rows[2:]]
    # Project types count projects, not people: never suppressed.
    assert table(auditor, "project_type") == table(admin, "project_type")


def test_it_exports_the_child_regions_as_xlsx_with_chinese_headers(cast, world):
    year = latest_year(CITY)
    response = client_for(cast.province_admin).get(url(CITY, year=year, export="xlsx"))
    rows = xlsx_rows(response)
    assert rows[0][0] == f"广元市各县（{year}年）"
    header = rows[1]
    assert header == ["代码", "名称"] + [column_label(k) for k, _kind in CHILD_COLUMNS]
    assert "结对覆盖率（%）" in header and "已发放分红（元）" in header
    assert not any(re.search(r"[A-Za-z]{4,}", str(h)) for h in header), header
    expected = child_figures(CITY, year)
    assert [r[0] for r in rows[2:]] == [c.code for c, _f in expected]
    assert [int(r[2]) for r in rows[2:]] == [f["households_not_exited"] for _c, f in expected]
    assert "stats-5108-children" in response["Content-Disposition"]


@pytest.mark.parametrize("name", ["trend", "cause", "attribute", "project_type"])
def test_it_exports_every_charts_numbers(cast, world, name):
    page = main_ok(client_for(cast.county_a_admin).get(url(COUNTY_A)))
    shown = table(page, name)
    rows = xlsx_rows(client_for(cast.county_a_admin).get(url(COUNTY_A, export="xlsx", table=name)))
    assert [str(c) for c in rows[1]] == shown[0]
    # The spreadsheet's numbers are numbers (calamine reads them as floats).
    assert [[str(c) for c in r[:1]] + [int(c) for c in r[1:]] for r in rows[2:]] == [
        r[:1] + [int(c) for c in r[1:]] for r in shown[1:]
    ]
    assert (
        client_for(cast.county_a_admin).get(url(COUNTY_A, export="xlsx", table="x")).status_code
        == 404
    )


def test_it_shows_the_figures_of_an_earlier_year(cast, world):
    client = client_for(cast.county_b_admin)
    years = [y for y, _f in trend(COUNTY_B)]
    assert 2018 in years and 2019 in years
    before = main_ok(client.get(url(COUNTY_B, year=2018)))
    after = main_ok(client.get(url(COUNTY_B, year=2019)))
    f18, f19 = figures(COUNTY_B, 2018), figures(COUNTY_B, 2019)
    assert card(before, "exits") == f"{f18['exits']:,} / {f18['exits_people']:,}"
    assert card(after, "exits") == f"{f19['exits']:,} / {f19['exits_people']:,}"
    assert f19["exits"] == 1 and f18["exits"] == 0
    assert '<option value="2018" selected>' in before
    # A year out of range is ignored: the latest year.
    latest = main_ok(client.get(url(COUNTY_B, year="abc")))
    assert f'<option value="{years[-1]}" selected>' in latest


def test_it_reads_only_the_summary_rows_and_the_region_tree(cast, world, django_assert_num_queries):
    client = client_for(cast.province_admin)
    client.get(url(PROVINCE))  # the session and the user, loaded once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(PROVINCE))
    assert response.status_code == 200
    tables = {
        t
        for q in queries.captured_queries
        for t in re.findall(r'(?:FROM|JOIN) "?(\w+)"?', q["sql"])
    }
    assert tables <= {
        "analytics_regionfigures",
        "regions_region",
        "accounts_grant",
        "accounts_user",
        "django_session",
    }, tables
    # Session, user, grants; the region, its ancestors; the trend, the year's figures; the
    # children and their figures.
    with django_assert_num_queries(len(queries.captured_queries)):
        client.get(url(VILLAGE_A))
    assert len(queries.captured_queries) <= 9


def test_it_draws_the_map_only_where_boundaries_are_loaded(cast, world):
    client = client_for(cast.province_admin)
    page = main_ok(client.get(url(PROVINCE)))
    assert 'id="chart-map"' not in page and "map.json" not in page
    assert client.get(f"/stats/{PROVINCE}/map.json").status_code == 404

    for path in boundaries.BUNDLED:
        boundaries.load(path)
    page = main_ok(client.get(url(PROVINCE)))
    assert 'id="chart-map"' in page and f"/stats/{PROVINCE}/map.json" in page
    geo = client.get(f"/stats/{PROVINCE}/map.json")
    assert geo.status_code == 200
    features = b"".join(geo.streaming_content).decode()
    assert '"code":"5108"' in features and '"name":"广元市"' in features
    city = main_ok(client.get(url(CITY)))
    assert 'id="chart-map"' in city
    # Townships have no boundaries: the table and the bar charts, never an empty map.
    county = main_ok(client.get(url(COUNTY_A)))
    assert 'id="chart-map"' not in county and CHILDREN in county
    assert client.get(f"/stats/{COUNTY_A}/map.json").status_code == 404
    # The boundaries are scoped like the dashboard.
    assert client_for(cast.county_a_admin).get(f"/stats/{PROVINCE}/map.json").status_code == 404
    assert client_for(cast.county_b_admin).get(f"/stats/{CITY}/map.json").status_code == 404
    assert client_for(cast.helper).get(f"/stats/{CITY}/map.json").status_code == 403
    assert client_for(None).get(f"/stats/{CITY}/map.json").status_code == 302


def test_it_shows_a_region_without_figures_without_charts(cast, db):
    RegionFigures.objects.all().delete()
    page = main_ok(client_for(cast.province_admin).get(url(PROVINCE)))
    assert "chart-trend" not in page and "<small>51</small>" in page


def test_it_links_the_statistics_from_the_menu(cast, world):
    page = client_for(cast.auditor).get(url(COUNTY_A)).content.decode()
    assert '<a href="/stats/">统计</a>' in page
    helper = client_for(cast.helper).get("/pairing/mine/").content.decode()
    assert 'href="/stats/"' not in helper
