"""/api/v1/regions/: the tree, read-only, for every signed-in user; filters and children."""

import pytest
from rest_framework.test import APIClient

from fupin.regions.actions import mark_poor, set_population
from fupin.regions.loader import PoorRow, PopulationRow
from fupin.regions.models import Region
from fupin.testing import COUNTY_A, COUNTY_B, TOWNSHIP_A, VILLAGE_A, VILLAGE_B, api_for

URLS = [
    "/api/v1/regions/",
    f"/api/v1/regions/{COUNTY_A}/",
    f"/api/v1/regions/{COUNTY_A}/children/",
]


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["code"] for r in response.json()["results"]]


def test_it_answers_401_without_credentials(db):
    client = APIClient()
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"
        assert "results" not in response.json()
    assert client.post("/api/v1/regions/", {"code": "13", "name": "河北省"}).status_code == 401


def test_it_lets_every_signed_in_cast_member_read_the_whole_tree(cast):
    total = Region.objects.count()
    for name, user in cast.members().items():
        client = api_for(user)
        listing = client.get("/api/v1/regions/")
        assert listing.status_code == 200, name
        assert listing.json()["count"] == total, name
        # County B's administrator reads county A too: the tree is public to the signed-in.
        assert client.get(f"/api/v1/regions/{COUNTY_A}/").status_code == 200, name
        assert client.get(f"/api/v1/regions/{VILLAGE_B}/").status_code == 200, name
        assert codes(client.get(f"/api/v1/regions/{COUNTY_A}/children/")) == [
            "510821100",
            "510821101",
        ], name


def test_it_shows_a_regions_detail(cast):
    mark_poor(actor=None, rows=[PoorRow(VILLAGE_A, 2014, 2019)])
    set_population(actor=None, rows=[PopulationRow(VILLAGE_A, 1830)])
    response = api_for(cast.county_b_admin).get(f"/api/v1/regions/{VILLAGE_A}/")
    assert response.status_code == 200
    assert response.json() == {
        "url": f"http://testserver/api/v1/regions/{VILLAGE_A}/",
        "code": VILLAGE_A,
        "name": "卸甲碥社区居民委员会",
        "level": 5,
        "level_display": "村",
        "parent": TOWNSHIP_A,
        "is_poor": True,
        "poor_since": 2014,
        "exited_in": 2019,
        "population": 1830,
    }
    province = api_for(cast.county_b_admin).get("/api/v1/regions/51/").json()
    assert province["parent"] is None
    assert province["level_display"] == "省"


def test_it_answers_404_for_an_unknown_code(cast):
    client = api_for(cast.province_admin)
    assert client.get("/api/v1/regions/999999/").status_code == 404
    assert client.get("/api/v1/regions/999999/children/").status_code == 404


def test_it_lists_the_children_of_a_region(cast):
    client = api_for(cast.helper)
    assert codes(client.get("/api/v1/regions/51/children/")) == ["5108"]
    assert codes(client.get("/api/v1/regions/5108/children/")) == [COUNTY_A, COUNTY_B]
    assert codes(client.get(f"/api/v1/regions/{TOWNSHIP_A}/children/")) == [
        VILLAGE_A,
        "510821100002",
    ]
    response = client.get(f"/api/v1/regions/{VILLAGE_A}/children/")
    assert response.json()["count"] == 0
    paged = client.get(f"/api/v1/regions/{COUNTY_A}/children/?limit=1&offset=1").json()
    assert paged["count"] == 2
    assert [r["code"] for r in paged["results"]] == ["510821101"]


def test_it_filters_the_list(cast):
    mark_poor(actor=None, rows=[PoorRow(COUNTY_B, 2014, None), PoorRow(VILLAGE_A, 2014, 2019)])
    client = api_for(cast.auditor)

    assert codes(client.get("/api/v1/regions/?level=3")) == [COUNTY_A, COUNTY_B]
    assert codes(client.get("/api/v1/regions/?level=1")) == ["51"]
    assert len(codes(client.get("/api/v1/regions/?level=5"))) == 8
    assert codes(client.get("/api/v1/regions/?parent=5108")) == [COUNTY_A, COUNTY_B]
    assert codes(client.get(f"/api/v1/regions/?parent={COUNTY_B}")) == ["510824100", "510824102"]
    assert codes(client.get("/api/v1/regions/?is_poor=true")) == [VILLAGE_A, COUNTY_B]
    poor_villages = client.get("/api/v1/regions/?is_poor=true&level=5")
    assert codes(poor_villages) == [VILLAGE_A]
    not_poor = codes(client.get("/api/v1/regions/?is_poor=false"))
    assert COUNTY_B not in not_poor
    assert COUNTY_A in not_poor
    assert len(not_poor) == Region.objects.count() - 2
    assert codes(client.get("/api/v1/regions/?name=陵江")) == ["510824100"]
    assert codes(client.get("/api/v1/regions/?q=苍溪")) == [COUNTY_B]
    assert codes(client.get("/api/v1/regions/?q=510824102")) == [
        "510824102",
        "510824102001",
        "510824102002",
    ]
    within = codes(client.get(f"/api/v1/regions/?within={COUNTY_A}"))
    assert len(within) == 7
    assert all(c.startswith(COUNTY_A) for c in within)
    assert codes(client.get(f"/api/v1/regions/?within={COUNTY_A}&level=4")) == [
        "510821100",
        "510821101",
    ]
    assert codes(client.get("/api/v1/regions/?name=不存在")) == []


def test_it_orders_the_list(cast):
    client = api_for(cast.helper)
    assert codes(client.get("/api/v1/regions/?level=3&ordering=-code")) == [COUNTY_B, COUNTY_A]


def test_it_answers_400_for_an_invalid_level(cast):
    response = api_for(cast.helper).get("/api/v1/regions/?level=9")
    assert response.status_code == 400
    assert "level" in response.json()


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/regions/"),
        ("put", f"/api/v1/regions/{COUNTY_A}/"),
        ("patch", f"/api/v1/regions/{COUNTY_A}/"),
        ("delete", f"/api/v1/regions/{COUNTY_A}/"),
        ("delete", f"/api/v1/regions/{VILLAGE_A}/"),
        ("post", f"/api/v1/regions/{COUNTY_A}/children/"),
    ],
)
def test_it_refuses_writes_with_405(cast, method, url):
    before = list(Region.objects.values_list("code", "name", "parent_id", "is_poor"))
    body = {"code": "13", "name": "改名", "level": 1, "is_poor": True}
    for name, user in cast.members().items():
        response = getattr(api_for(user), method)(url, body, format="json")
        assert response.status_code == 405, (name, method, url, response.status_code)
    assert list(Region.objects.values_list("code", "name", "parent_id", "is_poor")) == before


def test_it_answers_an_empty_list_for_a_within_that_is_no_code(cast):
    client = api_for(cast.helper)
    assert codes(client.get("/api/v1/regions/?within=abc")) == []
    # Superscript and full-width digits pass str.isdigit() but are no region code.
    assert codes(client.get("/api/v1/regions/?within=\u00b2")) == []
    assert codes(client.get("/api/v1/regions/?within=\uff15\uff11")) == []
