"""`fupin load_boundaries FILE.geojson[.gz]`: features joined to the regions by code (six-digit
web-map codes read as city and province codes), by name where the code is unknown, stored per
parent region; unmatched features reported; bad files refused."""

import gzip
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fupin.analytics import boundaries
from fupin.testing import CITY, COUNTY_A, COUNTY_B, PROVINCE

SQUARE = {"type": "Polygon", "coordinates": [[[106, 32], [106.1, 32], [106.1, 32.1], [106, 32]]]}


@pytest.fixture
def folder(db, settings, tmp_path) -> Path:
    settings.BOUNDARIES_DIR = tmp_path / "boundaries"
    return tmp_path / "boundaries"


def feature(code, name: str) -> dict:
    return {"type": "Feature", "properties": {"adcode": code, "name": name}, "geometry": SQUARE}


def geojson(tmp_path: Path, features: list[dict], name: str = "map.geojson") -> Path:
    path = tmp_path / name
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    if name.endswith(".gz"):
        path.write_bytes(gzip.compress(body.encode()))
    else:
        path.write_text(body, encoding="utf-8")
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command("load_boundaries", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def stored(folder: Path, parent: str) -> dict[str, str]:
    data = json.loads((folder / f"{parent}.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["code"]: f["properties"]["name"] for f in data["features"]}


def test_it_loads_the_bundled_city_and_county_boundaries(folder):
    out = json.loads(run(*boundaries.BUNDLED, "--json"))
    cities, counties = out["files"]
    # The small world has one city and two counties of Sichuan's 21 and 183.
    assert cities["matched"] == 1 and len(cities["unmatched"]) == 20
    assert counties["matched"] == 2 and len(counties["unmatched"]) == 181
    assert cities["parents"] == [PROVINCE] and counties["parents"] == [CITY]
    assert stored(folder, PROVINCE) == {CITY: "广元市"}
    assert stored(folder, CITY) == {COUNTY_A: "旺苍县", COUNTY_B: "苍溪县"}
    assert {"code": "510100", "name": "成都市"} in cities["unmatched"]
    assert boundaries.has_map(PROVINCE) and boundaries.has_map(CITY)
    assert not boundaries.has_map(COUNTY_A)


def test_it_falls_back_to_the_name_at_the_same_level_under_the_same_parent(folder, tmp_path):
    # 旺苍县 under an old code (as 会理市 carries 513425 in the bundled file), a county code
    # nobody has, and a city's name given a county's code.
    path = geojson(
        tmp_path,
        [feature(510899, "旺苍县"), feature(510898, "无此县"), feature("510897", "广元市")],
        "old.geojson.gz",
    )
    out = run(path)
    assert out.splitlines() == [
        "old.geojson.gz：匹配边界 1 个（其中按名称匹配 1 个），未匹配 2 个，"
        "涉及 1 个区划的下级区划。",
        "  按名称匹配：510899 → 510821",
        "  未匹配：510898 无此县",
        "  未匹配：510897 广元市",
    ]
    result = json.loads(run(path, "--json"))["files"][0]
    assert result["matched"] == 1
    assert result["by_name"] == [{"file_code": "510899", "code": COUNTY_A}]
    assert [u["name"] for u in result["unmatched"]] == ["无此县", "广元市"]
    assert stored(folder, CITY) == {COUNTY_A: "旺苍县"}


def test_it_replaces_a_regions_boundary_and_keeps_its_siblings(folder, tmp_path):
    run(geojson(tmp_path, [feature(510821, "旺苍县"), feature(510824, "苍溪县")]))
    moved = {**feature(510824, "苍溪县"), "geometry": {**SQUARE, "coordinates": [[[1, 1]]]}}
    run(geojson(tmp_path, [moved], "again.geojson"))
    data = json.loads((folder / f"{CITY}.geojson").read_text(encoding="utf-8"))
    shapes = {f["properties"]["code"]: f["geometry"]["coordinates"] for f in data["features"]}
    assert shapes == {COUNTY_A: SQUARE["coordinates"], COUNTY_B: [[[1, 1]]]}


def test_it_reads_our_own_code_property_and_padded_codes(folder, tmp_path):
    features = [
        {"type": "Feature", "properties": {"code": COUNTY_A, "name": "x"}, "geometry": SQUARE},
        feature(510800, "广元"),
    ]
    result = json.loads(run(geojson(tmp_path, features), "--json"))["files"][0]
    assert result["matched"] == 2 and result["unmatched"] == []
    # The names are the region tree's, whatever the file called them.
    assert stored(folder, CITY) == {COUNTY_A: "旺苍县"}
    assert stored(folder, PROVINCE) == {CITY: "广元市"}


@pytest.mark.parametrize(
    "body",
    [b"not json", b'{"type": "Feature"}', b'{"type": "FeatureCollection", "features": 3}'],
)
def test_it_refuses_a_file_that_is_not_a_feature_collection(folder, tmp_path, body):
    path = tmp_path / "bad.geojson"
    path.write_bytes(body)
    with pytest.raises(CommandError, match=r"bad\.geojson"):
        run(path)
    assert not folder.exists()


def test_it_refuses_a_missing_file(folder, tmp_path):
    with pytest.raises(CommandError):
        run(tmp_path / "missing.geojson")


def test_it_loads_the_demos_boundaries(folder):
    cities, counties = boundaries.load_bundled()
    assert (cities.matched, counties.matched) == (1, 2)
