"""The standard report tables (fupin/analytics/reports.py) and their page
(/stats/CODE/reports/): a row per child region, 本级 and 合计 rows, the .xlsx with merged title
rows and Chinese headers, the PDF, and the page for every member of the cast."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from fupin.analytics.figures import child_figures, figures
from fupin.analytics.refresh import rebuild
from fupin.analytics.reports import report_pdf, report_xlsx, standard_report
from fupin.testing import (
    CITY,
    COUNTY_A,
    COUNTY_B,
    PROVINCE,
    VILLAGE_A,
    build_pairing_sample,
    build_projects_sample,
    client_for,
)

TITLES = [
    "贫困户和贫困人口情况统计表",
    "脱贫户和脱贫人口分年度统计表",
    "结对帮扶情况统计表",
    "产业项目和参与群众情况统计表",
]


@pytest.fixture
def world(db, cast):
    sample = build_pairing_sample()
    build_projects_sample(sample.party)
    rebuild()


def url(code: str) -> str:
    return reverse("analytics:reports-region", args=[code])


def test_it_has_a_row_per_child_region_and_a_total(world):
    report = standard_report(CITY)
    assert [t.title for t in report.tables] == TITLES
    status = report.tables[0]
    children = child_figures(CITY)
    assert [r.code for r in status.rows if not r.kind] == [c.code for c, _f in children]
    total = status.rows[-1]
    assert total.kind == "total" and total.name == "合计"
    fig = figures(CITY)
    assert total.values == [fig[c.key] for c in status.columns]
    # Each column adds up to the total (with the 本级 row where records sit at the region).
    for k in range(len(status.columns)):
        assert sum(r.values[k] for r in status.rows[:-1]) == total.values[k]


def test_it_computes_coverage_and_money_without_rounding_up(world):
    pairing = standard_report(COUNTY_A).tables[2]
    fig = figures(COUNTY_A)
    total = dict(zip([c.title for c in pairing.columns], pairing.rows[-1].values, strict=True))
    expected = (fig["paired"] * 1000 // fig["beneficiaries"]) / 10
    assert float(total["覆盖率（%）"]) == expected
    projects = standard_report(COUNTY_A).tables[3]
    output = dict(zip([c.key for c in projects.columns], projects.rows[-1].values, strict=True))
    assert output["output_fen"] * 1_000_000 <= fig["output_fen"]


def test_it_counts_exits_by_year(world):
    exits = standard_report(PROVINCE).tables[1]
    groups = [g for g, _span in exits.groups]
    assert groups[-1] == "累计" and all(g.endswith("年") for g in groups[:-1])
    assert exits.rows[-1].kind == "total"


def test_it_writes_the_tables_as_xlsx_with_merged_titles(world):
    report = standard_report(PROVINCE)
    book = CalamineWorkbook.from_filelike(io.BytesIO(report_xlsx(report)))
    assert book.sheet_names == TITLES
    rows = book.get_sheet_by_name(TITLES[0]).to_python()
    assert rows[0][0] == f"四川省贫困户和贫困人口情况统计表（{report.year}年）"
    assert rows[1][0] == "填报单位：四川省"
    assert rows[2][:3] == ["地区", "区划代码", "户数（户）"]
    assert rows[3][2:6] == ["合计", "未脱贫", "已脱贫", "返贫"]
    assert rows[4][1] == CITY  # codes are text
    assert rows[-1][0] == "合计"
    assert [int(v) for v in rows[-1][2:]] == report.tables[0].rows[-1].values


def test_it_writes_the_tables_as_pdf(world):
    assert report_pdf(standard_report(PROVINCE)).startswith(b"%PDF")


def test_it_shows_the_tables_only_inside_the_users_scope(cast, world):
    seen = {
        "province_admin": {PROVINCE, COUNTY_A, COUNTY_B},
        "county_a_admin": {COUNTY_A},
        "village_a_secretary": set(),
        "county_b_admin": {COUNTY_B},
        "auditor": {COUNTY_A},
        "helper": set(),
    }
    for name, user in cast.all().items():
        for code in (PROVINCE, COUNTY_A, COUNTY_B):
            response = client_for(user).get(url(code))
            if user is None:
                assert response.status_code == 302
            elif name == "helper":
                assert response.status_code == 403
            elif code in seen[name]:
                assert response.status_code == 200, (name, code)
                assert "结对帮扶情况统计表" in response.content.decode()
            else:
                assert response.status_code == 404, (name, code)
    village = client_for(cast.village_a_secretary).get(reverse("analytics:reports"))
    assert village.context["report"].code == VILLAGE_A


def test_it_downloads_the_tables_as_xlsx_and_pdf(cast, world):
    client = client_for(cast.county_a_admin)
    xlsx = client.get(url(COUNTY_A), {"format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"].startswith(f'attachment; filename="report-{COUNTY_A}-')
    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
    assert book.sheet_names == TITLES
    pdf = client.get(url(COUNTY_A), {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    assert client_for(cast.county_b_admin).get(url(COUNTY_A), {"format": "xlsx"}).status_code == 404


def test_it_links_each_child_region_to_its_tables(cast, world):
    html = client_for(cast.province_admin).get(url(PROVINCE)).content.decode()
    assert f'href="{url(CITY)}' in html
