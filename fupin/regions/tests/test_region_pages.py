"""The region pages: the tree is public to every signed-in user, breadcrumbs, child and poor
counts, filters, the .xlsx export, and a query count independent of the number of children."""

import io
import zipfile
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fupin.regions.actions import load_regions, mark_poor, set_population
from fupin.regions.choices import Level
from fupin.regions.loader import PoorRow, PopulationRow, RegionRow
from fupin.regions.models import Region
from fupin.testing import COUNTY_A, COUNTY_B, TOWNSHIP_A, VILLAGE_A, VILLAGE_A2, client_for

PAGES = ["/regions/", "/regions/51/", f"/regions/{COUNTY_A}/", f"/regions/{TOWNSHIP_A}/"]
PAGES.append(f"/regions/{VILLAGE_A}/")


class _Tables(HTMLParser):
    """The body rows of every <table> (cells as text) and the text of the breadcrumbs."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.breadcrumbs: list[str] = []
        self._in_body = self._in_cell = self._in_nav = self._in_link = False
        self._cell = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag == "td" and self._in_body:
            self._in_cell, self._cell = True, ""
        elif tag == "nav" and ("class", "breadcrumbs") in attrs:
            self._in_nav = True
        elif tag in ("a", "span") and self._in_nav:
            self._in_link, self._cell = True, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag == "td" and self._in_cell:
            self.rows[-1].append(self._cell.strip())
            self._in_cell = False
        elif tag == "nav":
            self._in_nav = False
        elif tag in ("a", "span") and self._in_link:
            self.breadcrumbs.append(self._cell.strip())
            self._in_link = False

    def handle_data(self, data: str) -> None:
        if self._in_cell or self._in_link:
            self._cell += data


def parse(response) -> _Tables:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser


def rows_by_code(response) -> dict[str, list[str]]:
    return {row[0]: row for row in parse(response).rows}


def _column(ref: str) -> int:
    """0 for the A of "A2", 25 for Z, 26 for AA."""
    n = 0
    for ch in ref.rstrip("0123456789"):
        n = n * 26 + ord(ch) - ord("A") + 1
    return n - 1


def xlsx_rows(content: bytes) -> list[list[str]]:
    """The cell texts of the first sheet (empty cells as ""), with the standard library only."""
    ns = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    book = zipfile.ZipFile(io.BytesIO(content))
    shared: list[str] = []
    if "xl/sharedStrings.xml" in book.namelist():
        root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter(f"{{{ns['x']}}}t")) for si in root]
    sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    out = []
    for row in sheet.iterfind(".//x:sheetData/x:row", ns):
        cells: dict[int, str] = {}
        for c in row.iterfind("x:c", ns):
            if c.get("t") == "s":
                text = shared[int(c.findtext("x:v", default="0", namespaces=ns))]
            elif c.get("t") == "inlineStr":
                text = "".join(t.text or "" for t in c.iter(f"{{{ns['x']}}}t"))
            else:
                text = c.findtext("x:v", default="", namespaces=ns)
            cells[_column(c.get("r", ""))] = text
        out.append([cells.get(i, "") for i in range(max(cells, default=-1) + 1)])
    return out


def test_it_shows_every_region_page_to_every_signed_in_user_and_no_one_else(cast):
    for name, user in cast.all().items():
        client = client_for(user)
        for url in PAGES:
            response = client.get(url)
            if user is None:
                assert response.status_code == 302, (name, url)
                assert response["Location"].startswith("/accounts/login/?next="), url
            else:
                assert response.status_code == 200, (name, url, response.status_code)


def test_it_starts_the_list_at_the_top_of_the_tree(cast):
    response = client_for(cast.county_b_admin).get("/regions/")
    rows = rows_by_code(response)
    assert list(rows) == ["51"]
    assert rows["51"][1] == "四川省"
    assert rows["51"][3] == "1", "one city below the province"


def test_it_shows_breadcrumbs_from_the_province_down_on_a_village_page(cast):
    response = client_for(cast.village_a_secretary).get(f"/regions/{VILLAGE_A}/")
    assert parse(response).breadcrumbs == [
        "行政区划",
        "四川省",
        "广元市",
        "旺苍县",
        "东河镇",
        "卸甲碥社区居民委员会",
    ]
    html = response.content.decode()
    assert f'<a href="/regions/{TOWNSHIP_A}/">东河镇</a>' in html
    assert '<a href="/regions/51/">四川省</a>' in html
    assert "村没有下级区划。" in html


def test_it_lists_a_countys_townships_with_their_child_counts(cast):
    response = client_for(cast.county_b_admin).get(f"/regions/{COUNTY_A}/")
    html = response.content.decode()
    assert "<h1>旺苍县 <small>510821 · 县</small></h1>" in html
    rows = rows_by_code(response)
    assert list(rows) == ["510821100", "510821101"]
    assert rows["510821100"][:4] == ["510821100", "东河镇", "2", "0"]
    assert rows["510821101"][:4] == ["510821101", "嘉川镇", "2", "0"]
    # County B's townships are not county A's children.
    assert "陵江镇" not in html


def test_it_shows_poor_flags_and_poor_village_counts(cast):
    mark_poor(
        actor=None,
        rows=[
            PoorRow(COUNTY_A, 2014, 2018),
            PoorRow(VILLAGE_A, 2014, 2019),
            PoorRow(VILLAGE_A2, 2015, None),
        ],
    )
    client = client_for(cast.helper)

    city = rows_by_code(client.get("/regions/5108/"))
    assert city[COUNTY_A][3] == "2", "two poor villages in county A"
    assert city[COUNTY_B][3] == "0"
    assert city[COUNTY_A][4:] == ["✔", "2014", "2018", "—"]  # a county has no population
    assert city[COUNTY_B][4:] == ["✘", "—", "—", "—"]

    county = client.get(f"/regions/{COUNTY_A}/")
    html = county.content.decode()
    assert "<dt>贫困</dt><dd>是</dd>" in html
    assert "<dt>认定贫困年份</dt><dd>2014</dd>" in html
    assert "<dt>退出年份</dt><dd>2018</dd>" in html
    townships = rows_by_code(county)
    assert townships["510821100"][3] == "1"
    assert townships["510821101"][3] == "1"

    assert rows_by_code(client.get("/regions/51/"))["5108"][3] == "2"
    village = client.get(f"/regions/{VILLAGE_A2}/").content.decode()
    assert "<dt>贫困</dt><dd>是</dd>" in village
    assert "<dt>退出年份</dt>" not in village, "not delisted yet"
    assert "<dt>农村户籍人口</dt>" not in village, "no population yet"
    set_population(actor=None, rows=[PopulationRow(VILLAGE_A2, 1460)])
    village = client.get(f"/regions/{VILLAGE_A2}/").content.decode()
    assert "<dt>农村户籍人口</dt><dd>1460</dd>" in village
    assert "<dt>贫困</dt><dd>否</dd>" in client.get(f"/regions/{COUNTY_B}/").content.decode()


def test_it_filters_the_list_by_name_level_and_poor_flag(cast):
    mark_poor(actor=None, rows=[PoorRow(COUNTY_B, 2014, None), PoorRow(VILLAGE_A, 2014, None)])
    client = client_for(cast.county_a_admin)

    assert list(rows_by_code(client.get("/regions/?q=旺苍"))) == [COUNTY_A]
    # Codes sort as text, so a township's villages follow it.
    assert list(rows_by_code(client.get("/regions/?q=510821"))) == [
        COUNTY_A,
        "510821100",
        VILLAGE_A,
        "510821100002",
        "510821101",
        VILLAGE_A2,
        "510821101002",
    ]
    assert list(rows_by_code(client.get("/regions/?level=3"))) == [COUNTY_A, COUNTY_B]
    assert len(rows_by_code(client.get("/regions/?level=5"))) == 8
    assert list(rows_by_code(client.get("/regions/?is_poor=true"))) == [VILLAGE_A, COUNTY_B]
    assert list(rows_by_code(client.get("/regions/?is_poor=true&level=5"))) == [VILLAGE_A]
    assert list(rows_by_code(client.get("/regions/?parent=5108"))) == [COUNTY_A, COUNTY_B]
    assert list(rows_by_code(client.get("/regions/?within=510824&level=4"))) == [
        "510824100",
        "510824102",
    ]
    assert list(rows_by_code(client.get("/regions/?name=社区&within=510824100"))) == [
        "510824100001",
        "510824100002",
    ]
    assert rows_by_code(client.get("/regions/?q=不存在的地方")) == {}
    # Not a code (a superscript two passes str.isdigit()): nothing, not a server error.
    assert rows_by_code(client.get("/regions/?within=\u00b2")) == {}
    assert rows_by_code(client.get("/regions/?within=abc")) == {}


def test_it_exports_the_filtered_rows_as_xlsx(cast):
    mark_poor(actor=None, rows=[PoorRow(COUNTY_A, 2014, 2018), PoorRow(VILLAGE_A, 2014, None)])
    client = client_for(cast.auditor)
    response = client.get("/regions/?level=3&export=xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="regions-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert response.content[:2] == b"PK"
    rows = xlsx_rows(response.content)
    # The columns of the page itself: the list counts no poor villages (a region's own page
    # does), so the export must not carry a column of made-up zeros either.
    page = client.get("/regions/?level=3")
    assert rows[0] == [str(c.header) for c in page.context["table"].columns]
    assert rows[0] == [
        "代码",
        "名称",
        "级别",
        "下级区划",
        "贫困",
        "认定贫困年份",
        "退出年份",
        "农村户籍人口",
    ]
    a, b = rows[1:]
    assert a[:4] == [COUNTY_A, "旺苍县", "县", "2"]
    assert b[:4] == [COUNTY_B, "苍溪县", "县", "2"]
    assert a[4] != b[4], "county A is poor, county B is not"
    assert a[5:] == ["2014", "2018"]
    assert b[5:] in ([], ["", ""]), "county B was never designated"
    assert [r[:2] for r in rows[1:]] == [r[:2] for r in parse(page).rows]

    rows = xlsx_rows(client.get("/regions/?q=旺苍&export=xlsx").content)
    assert [r[1] for r in rows[1:]] == ["旺苍县"]
    rows = xlsx_rows(client.get("/regions/?is_poor=true&level=5&export=xlsx").content)
    assert [r[:3] for r in rows[1:]] == [[VILLAGE_A, "卸甲碥社区居民委员会", "村"]]


def test_it_refuses_the_export_to_anonymous_visitors(db):
    response = client_for(None).get("/regions/?level=3&export=xlsx")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_answers_404_for_an_unknown_code(cast):
    client = client_for(cast.province_admin)
    assert client.get("/regions/999999/").status_code == 404
    assert client.get("/regions/51082110000/").status_code == 404
    assert client.get("/regions/旺苍县/").status_code == 404


def _grow_county_a(townships: int, villages_each: int) -> None:
    """More townships and villages in county A, through the product's own loader action."""
    rows = []
    for t in range(townships):
        township = f"{COUNTY_A}{200 + t}"
        rows.append(RegionRow(township, f"新镇{t}", COUNTY_A, Level.TOWNSHIP))
        rows += [
            RegionRow(f"{township}{v:03d}", f"新村{t}-{v}", township, Level.VILLAGE)
            for v in range(1, villages_each + 1)
        ]
    load_regions(actor=None, rows=rows, source="test")
    mark_poor(actor=None, rows=[PoorRow(r.code, 2014, None) for r in rows if r.level == 5])


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _names(response) -> list[str]:
    return [row[1] for row in parse(response).rows]


@pytest.mark.parametrize(
    ("url", "grown"),
    [
        # What each page shows once county A has 30 more townships of 3 poor villages each.
        (f"/regions/{COUNTY_A}/", lambda r: "新镇29" in _names(r) and len(_names(r)) == 32),
        ("/regions/5108/", lambda r: rows_by_code(r)[COUNTY_A][2:4] == ["32", "90"]),
        ("/regions/?level=4", lambda r: "新镇29" in _names(r)),
        ("/regions/?level=5&within=510821", lambda r: len(_names(r)) == 50),
        ("/regions/?level=4&sort=-child_count", lambda r: parse(r).rows[0][3] == "3"),
    ],
)
def test_it_keeps_the_query_count_flat_as_children_grow(
    cast, django_assert_max_num_queries, url, grown
):
    client = client_for(cast.county_b_admin)
    client.get(url)  # the session and anything cached per process
    before = _queries(client, url)
    small = Region.objects.filter(code__startswith=COUNTY_A).count()

    _grow_county_a(townships=30, villages_each=3)

    assert Region.objects.filter(code__startswith=COUNTY_A).count() == small + 120
    with django_assert_max_num_queries(before):
        response = client.get(url)
    assert response.status_code == 200
    assert grown(response)
