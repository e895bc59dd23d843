"""The bulletin (fupin/analytics/bulletin.py) and its page (/stats/CODE/bulletin/) on the
pairing and projects samples (fupin.testing, one party sample under both) after a rebuild:
its paragraphs, the numbers' forms and precision, the links of every number, the Word and PDF
files, and the page for every member of the cast."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from fupin.analytics.bulletin import (
    Number,
    Rate,
    bulletin_docx,
    bulletin_pdf,
    whole_of,
    write_bulletin,
)
from fupin.analytics.figures import figures
from fupin.analytics.refresh import rebuild
from fupin.regions.models import Region
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    PROVINCE,
    VILLAGE_A,
    build_pairing_sample,
    build_projects_sample,
    client_for,
)

# The region each member of the cast sees at the top of their scope (None: no page at all).
TOP = {
    "province_admin": PROVINCE,
    "county_a_admin": COUNTY_A,
    "village_a_secretary": VILLAGE_A,
    "county_b_admin": COUNTY_B,
    "auditor": COUNTY_A,
    "helper": None,
}


@pytest.fixture
def world(db, cast):
    sample = build_pairing_sample()
    build_projects_sample(sample.party)
    rebuild()
    return sample


def page_url(code: str = "") -> str:
    return (
        reverse("analytics:bulletin-region", args=[code]) if code else reverse("analytics:bulletin")
    )


def test_it_writes_the_three_paragraphs_of_a_progress_report(world):
    bulletin = write_bulletin(PROVINCE)
    fig = figures(PROVINCE)
    assert bulletin.title == "四川省党建扶贫工作进展情况"
    projects, pairing, members = bulletin.paragraph_texts()
    assert projects.startswith(f"截至{bulletin.date_text}，全省各级党组织已整合")
    assert (
        f"已整合{fig['enterprises']}家龙头企业、{fig['industry_households']}户产业大户" in projects
    )
    assert f"共有产业项目{fig['projects']}个，其中专业合作社" in projects
    assert f"吸纳农村贫困群众{fig['poor_participants']}人参与" in projects
    assert pairing.startswith(f"全省共有{fig['helpers']}名党员干部担任帮扶责任人")
    assert f"结对帮扶贫困群众{fig['paired_people']}人" in pairing
    assert "覆盖率" in pairing
    # 党员 are every member proper; 农村党员 those of the villages, not the organs' cadres.
    assert members.startswith(
        f"全省共有党员{fig['members']}名，其中农村党员{fig['village_members']}名；有贫困党员"
    )
    assert f"基层党组织{fig['organisations']}个。" in members
    # No training figures exist yet, so no training paragraph.
    assert "培训" not in bulletin.text()


def test_it_takes_every_number_from_the_figures(world):
    for code in (PROVINCE, COUNTY_A, COUNTY_B, VILLAGE_A):
        fig = figures(code)
        bulletin = write_bulletin(code)
        for number in bulletin.numbers():
            if isinstance(number, Number):
                assert number.value == fig[number.key], (code, number.key)
            else:
                assert (number.part, number.whole) == (fig["paired"], fig["beneficiaries"])


def test_it_names_the_whole_of_a_region_as_reports_do():
    def region(name, level):
        return Region(code="51", name=name, level=level)

    assert whole_of(region("四川省", 1)) == "全省"
    assert whole_of(region("广西壮族自治区", 1)) == "全区"
    assert whole_of(region("凉山彝族自治州", 2)) == "全州"
    assert whole_of(region("广元市", 2)) == "全市"
    assert whole_of(region("旺苍县", 3)) == "全县"
    assert whole_of(region("利州区", 3)) == "全区"
    assert whole_of(region("东河镇", 4)) == "全镇"
    assert whole_of(region("卸甲碥社区居民委员会", 5)) == "全社区"
    assert whole_of(region("白水村村民委员会", 5)) == "全村"


@pytest.mark.parametrize(
    ("value", "precision", "unit", "divisor", "text"),
    [
        (9356, 3, "个", 1, "9350余个"),
        (5712, 2, "人", 1, "5700余人"),
        (43_217, 2, "户", 1, "4.3万余户"),
        (43_217, 3, "户", 1, "4.32万余户"),
        (468_123, 3, "名", 1, "46.8万余名"),
        (531_000, 2, "人", 1, "53万余人"),
        (667_700, 4, "人次", 1, "66.77万人次"),
        (16_720_000, 4, "人次", 1, "1672万人次"),
        # Money is counted in fen and written in yuan.
        (2_000_500_000, 3, "元", 100, "2000余万元"),
        (11_500_000_000, 3, "元", 100, "1.15亿元"),
        (100_000_000_099, 3, "元", 100, "10亿元"),
        (5, 3, "个", 1, "5个"),
        (0, 3, "个", 1, "0个"),
    ],
)
def test_it_writes_each_number_in_the_programmes_form(value, precision, unit, divisor, text):
    assert str(Number("x", value, unit, precision, divisor)) == text


def test_it_cuts_rates_and_never_rounds_them_up():
    assert str(Rate("paired", "beneficiaries", 9847, 10_000)) == "98.4%"
    assert str(Rate("paired", "beneficiaries", 1, 6)) == "16.6%"
    assert str(Rate("paired", "beneficiaries", 6, 6)) == "100.0%"


def test_it_writes_the_bulletin_with_the_precision_asked(world):
    short = write_bulletin(PROVINCE, precision=1)
    assert {n.precision for n in short.numbers() if isinstance(n, Number)} == {1}
    with pytest.raises(ValueError):
        write_bulletin(PROVINCE, precision=0)


def test_it_dates_the_bulletin_and_reads_the_year_of_the_date(world):
    fig_year = max(y for y in range(2014, 2040) if figures(PROVINCE, y)["projects"])
    latest = write_bulletin(PROVINCE)
    assert latest.year == fig_year
    later = write_bulletin(PROVINCE, datetime.date(fig_year + 5, 6, 30))
    assert later.year == fig_year
    assert later.paragraph_texts()[0].startswith(f"截至{fig_year + 5}年6月30日，")
    early = write_bulletin(PROVINCE, datetime.date(2015, 3, 1))
    assert early.year == 2015
    # The sample's projects started in 2018: none yet in 2015.
    assert figures(PROVINCE, 2015)["projects"] == 0
    assert "共有产业项目0个" in early.text()


def test_it_writes_the_bulletin_of_a_region_without_figures(db, cast):
    bulletin = write_bulletin(COUNTY_B)
    assert all(n.value == 0 for n in bulletin.numbers() if isinstance(n, Number))
    assert "覆盖率" not in bulletin.text()


def test_it_links_every_number_to_the_records_it_counts(cast, world):
    bulletin = write_bulletin(COUNTY_A)
    client = client_for(cast.province_admin)
    for number in bulletin.numbers():
        assert number.link, getattr(number, "key", number)
        assert f"region={COUNTY_A}" in number.link
        assert client.get(number.link).status_code == 200, number.link
    links = {n.key: n.link for n in bulletin.numbers() if isinstance(n, Number)}
    assert links["projects"] == f"/projects/projects/?region={COUNTY_A}"
    assert links["helpers"] == f"/pairing/helpers/?region={COUNTY_A}&active=true"
    assert links["poor_members"] == f"/party/members/?region={COUNTY_A}&tag=poor"


def test_it_writes_the_bulletin_as_a_word_file(world):
    bulletin = write_bulletin(PROVINCE)
    document = Document(io.BytesIO(bulletin_docx(bulletin)))
    texts = [p.text for p in document.paragraphs]
    assert texts == [bulletin.title, *bulletin.paragraph_texts()]
    assert document.core_properties.title == bulletin.title


def test_it_writes_the_bulletin_as_pdf(world):
    bulletin = write_bulletin(PROVINCE)
    body = bulletin_pdf(bulletin)
    assert body.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    # The figures are ASCII, readable whatever Chinese font the machine has.
    for number in re.findall(r"\d+", bulletin.paragraph_texts()[1]):
        assert number in text


# --- the page ------------------------------------------------------------------------------


def test_it_shows_each_member_of_the_cast_the_bulletin_of_the_top_of_their_scope(cast, world):
    for name, user in cast.all().items():
        response = client_for(user).get(page_url())
        if user is None:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))
            continue
        code = TOP[name]
        if code is None:
            assert response.status_code == 403, name
            continue
        assert response.status_code == 200, name
        assert response.context["bulletin"].code == code


def test_it_answers_404_for_a_region_outside_the_users_scope(cast, world):
    seen = {
        "province_admin": {PROVINCE, COUNTY_A, COUNTY_B, VILLAGE_A},
        "county_a_admin": {COUNTY_A, VILLAGE_A},
        "village_a_secretary": {VILLAGE_A},
        "county_b_admin": {COUNTY_B},
        "auditor": {COUNTY_A, VILLAGE_A},
        "helper": set(),
    }
    for name, user in cast.all().items():
        for code in (PROVINCE, COUNTY_A, COUNTY_B, VILLAGE_A, "519999"):
            response = client_for(user).get(page_url(code))
            if user is None:
                assert response.status_code == 302
            elif name == "helper":
                assert response.status_code == 403
            elif code in seen[name]:
                assert response.status_code == 200, (name, code)
            else:
                assert response.status_code == 404, (name, code)


def test_it_links_each_number_on_the_page(cast, world):
    response = client_for(cast.county_a_admin).get(page_url(COUNTY_A))
    html = response.content.decode()
    bulletin = write_bulletin(COUNTY_A)
    for number in bulletin.numbers():
        link = number.link.replace("&", "&amp;")
        assert f'<a class="figure" href="{link}"' in html
        assert f">{number}</a>" in html


def test_it_takes_the_date_and_precision_from_the_page(cast, world):
    client = client_for(cast.province_admin)
    response = client.get(page_url(PROVINCE), {"as_of": "2024-06-30", "precision": "1"})
    bulletin = response.context["bulletin"]
    assert bulletin.as_of == datetime.date(2024, 6, 30)
    assert bulletin.precision == 1
    refused = client.get(page_url(PROVINCE), {"as_of": "yesterday", "precision": "9"})
    assert refused.status_code == 200
    assert refused.context["bulletin"].precision == 3
    assert refused.context["form"].errors.keys() == {"as_of", "precision"}


def test_it_downloads_the_bulletin_as_word_pdf_and_text(cast, world):
    client = client_for(cast.county_a_admin)
    expected = write_bulletin(COUNTY_A)
    stamp = f"{expected.as_of:%Y%m%d}"
    word = client.get(page_url(COUNTY_A), {"format": "docx"})
    assert word["Content-Disposition"] == f'attachment; filename="bulletin-{COUNTY_A}-{stamp}.docx"'
    assert Document(io.BytesIO(word.content)).paragraphs[1].text == expected.paragraph_texts()[0]
    pdf = client.get(page_url(COUNTY_A), {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = client.get(page_url(COUNTY_A), {"format": "text"})
    assert text.content.decode() == expected.text()
    # Outside the scope, no download either.
    other = client_for(cast.county_b_admin).get(page_url(COUNTY_A), {"format": "docx"})
    assert other.status_code == 404


def test_it_reads_only_the_summary_rows_and_the_region_tree(
    cast, world, django_assert_max_num_queries
):
    client = client_for(cast.province_admin)
    client.get(page_url(PROVINCE))
    with django_assert_max_num_queries(12):
        assert client.get(page_url(PROVINCE)).status_code == 200
