"""The standard report tables (fupin/analytics/reports.py) and their page
(/stats/CODE/reports/): a row per child region, 本级 and 合计 rows, the .xlsx with merged title
rows and Chinese headers, the PDF, and the page for every member of the cast."""

import io
from decimal import ROUND_DOWN, Decimal

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from fupin.analytics.figures import child_figures, figures, incidence
from fupin.analytics.refresh import rebuild
from fupin.analytics.reports import COUNT, report_pdf, report_xlsx, standard_report
from fupin.regions.actions import set_population
from fupin.regions.loader import PopulationRow
from fupin.regions.models import Region
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
    counts = [k for k, c in enumerate(status.columns) if c.kind == COUNT]
    assert [total.values[k] for k in counts] == [fig[status.columns[k].key] for k in counts]
    # Each count adds up to the total (with the 本级 row where records sit at the region).
    for k in counts:
        assert sum(r.values[k] for r in status.rows[:-1]) == total.values[k]
    # No village of the city has its population: no incidence anywhere.
    assert status.columns[-1].title == "贫困发生率（%）"
    assert all(r.values[-1] is None for r in status.rows)


def test_it_computes_the_poverty_incidence_once_every_village_has_its_population(world):
    villages = list(
        Region.objects.filter(code__startswith=COUNTY_A, level=5).values_list("code", flat=True)
    )
    set_population(actor=None, rows=[PopulationRow(v, 1000) for v in villages[:-1]])
    rebuild()
    status = standard_report(COUNTY_A).tables[0]
    # One village short: the county's denominator is incomplete.
    assert status.rows[-1].values[-1] is None
    set_population(actor=None, rows=[PopulationRow(villages[-1], 1000)])
    rebuild()
    fig = figures(COUNTY_A)
    poor = fig["people_not_exited"]
    assert poor > 0
    expected = Decimal(poor * 100) / (1000 * len(villages))
    status = standard_report(COUNTY_A).tables[0]
    assert status.rows[-1].values[-1] == expected.quantize(Decimal("0.01"), ROUND_DOWN)
    assert incidence(fig) == status.rows[-1].values[-1]
    assert incidence({**fig, "population": 0}) is None


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
    # 合计 = 未脱贫 + 已脱贫: the relapsed have not exited and are part of 未脱贫.
    assert rows[3][2:6] == ["合计", "未脱贫", "其中返贫", "已脱贫"]
    assert rows[4][1] == CITY  # codes are text
    assert rows[-1][0] == "合计"
    # An incidence without every village's population is a dash, not a zero.
    assert [v if v == "—" else int(v) for v in rows[-1][2:]] == [
        "—" if v is None else v for v in report.tables[0].rows[-1].values
    ]


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
