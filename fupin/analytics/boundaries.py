"""Region boundaries for the dashboards' maps, kept as files, not rows.

`load` reads a GeoJSON file (optionally gzipped), finds each feature's region (by its code
property; by its name, at the same level and under the same parent, when the code is unknown,
as with a county renamed and renumbered after the map was drawn) and stores the features per
parent region in `$FUPIN_DATA_DIR/boundaries/<parent code>.geojson`. A dashboard draws the
map of a region's children when that file exists, and only then.

Each stored feature keeps its geometry and two properties, `code` and `name`, from the Region
table, so the map joins the figures by code whatever the source file called its fields.
"""

import gzip
import json
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from fupin.regions.choices import CODE_LENGTH, LEVEL_OF_LENGTH
from fupin.regions.codes import is_digits
from fupin.regions.models import Region

DATA = Path(__file__).parent / "data"
# What the demo loads: Sichuan's cities (the province's map), then its counties (each city's).
BUNDLED = (DATA / "sichuan-cities.geojson.gz", DATA / "sichuan-counties.geojson.gz")
# Where source files keep the region code: ours, then the one web maps of China use.
CODE_PROPERTIES = ("code", "adcode")


class BadBoundaries(ValueError):
    """The file is not a GeoJSON FeatureCollection."""


@dataclass
class Unmatched:
    code: str
    name: str

    def __str__(self) -> str:
        return f"{self.code or '—'} {self.name or '—'}"


@dataclass
class LoadResult:
    matched: int = 0
    # (the file's code, the region's code) of the features matched by name.
    by_name: list[tuple[str, str]] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    # Parent region codes whose file was written.
    parents: list[str] = field(default_factory=list)


def folder() -> Path:
    """`settings.BOUNDARIES_DIR` when set (the test suite's throw-away folder), else
    `$FUPIN_DATA_DIR/boundaries`."""
    configured = getattr(settings, "BOUNDARIES_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "boundaries"


def path_of(code: str) -> Path:
    """The file of the children of region `code` (which need not exist)."""
    if not is_digits(code):
        raise ValueError(code)
    return folder() / f"{code}.geojson"


def has_map(code: str) -> bool:
    """Whether the children of region `code` have boundaries to draw."""
    return is_digits(code) and path_of(code).is_file()


def read_features(path: Path) -> list[dict[str, Any]]:
    opener: Any = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadBoundaries(str(e)) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BadBoundaries(_("The file is not a GeoJSON FeatureCollection."))
    features = data.get("features")
    if not isinstance(features, list):
        raise BadBoundaries(_("The file is not a GeoJSON FeatureCollection."))
    return [f for f in features if isinstance(f, dict) and f.get("geometry")]


def code_of(properties: dict[str, Any]) -> str:
    for name in CODE_PROPERTIES:
        value = properties.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def candidates(code: str) -> list[str]:
    """The region codes a file's code may stand for, longest first: web maps pad city and
    province codes to six digits (510100 is the city 5101, 510000 the province 51), and
    township and village codes to twelve."""
    if not is_digits(code):
        return []
    found = [code] if len(code) in LEVEL_OF_LENGTH else []
    for length in sorted(CODE_LENGTH.values(), reverse=True):
        if length < len(code) and set(code[length:]) == {"0"}:
            found.append(code[:length])
    return found


def level_of(code: str) -> int | None:
    """The level a file's code stands for (its shortest reading), to match a name at."""
    options = candidates(code)
    return int(LEVEL_OF_LENGTH[len(options[-1])]) if options else None


def load(path: Path) -> LoadResult:
    """Store the features of `path` by parent region; features of the same region loaded
    before are replaced, those of other regions kept."""
    features = read_features(path)
    codes = {c for f in features for c in candidates(code_of(f.get("properties") or {}))}
    names = {str((f.get("properties") or {}).get("name") or "").strip() for f in features}
    known = {
        r.code: r
        for r in Region.objects.filter(code__in=codes).only("code", "name", "parent_id", "level")
    }
    same_name: dict[str, list[Region]] = defaultdict(list)
    for r in Region.objects.filter(name__in=names - {""}).only(
        "code", "name", "parent_id", "level"
    ):
        same_name[r.name].append(r)

    result = LoadResult()
    by_parent: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for feature in features:
        properties = feature.get("properties") or {}
        code, name = code_of(properties), str(properties.get("name") or "").strip()
        region = next((known[c] for c in candidates(code) if c in known), None)
        if region is None:
            region = by_name(code, same_name.get(name, []))
            if region is not None:
                result.by_name.append((code, region.code))
        if region is None or region.parent_id is None:
            result.unmatched.append(Unmatched(code, name))
            continue
        result.matched += 1
        by_parent[region.parent_id][region.code] = {
            "type": "Feature",
            "properties": {"code": region.code, "name": region.name},
            "geometry": feature["geometry"],
        }
    for parent, children in sorted(by_parent.items()):
        write(parent, children)
        result.parents.append(parent)
    return result


def by_name(code: str, regions: list[Region]) -> Region | None:
    """The one region of this name at the file's level, preferring the parent its code names
    (two counties of Sichuan may share a township's name, never a county's within a city)."""
    level = level_of(code)
    if level is not None:
        regions = [r for r in regions if r.level == level]
    if len(regions) > 1 and is_digits(code):
        regions = [r for r in regions if r.parent_id and code.startswith(r.parent_id)]
    return regions[0] if len(regions) == 1 else None


def write(parent: str, children: dict[str, dict[str, Any]]) -> None:
    target = path_of(parent)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        old = json.loads(target.read_text(encoding="utf-8"))["features"]
        children = {f["properties"]["code"]: f for f in old} | children
    body = {"type": "FeatureCollection", "features": [children[c] for c in sorted(children)]}
    # Written whole and renamed into place: a dashboard reading it meanwhile sees the old file.
    fd, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(body, f, ensure_ascii=False, separators=(",", ":"))
    # mkstemp makes the file private; the web server may run as another user.
    os.chmod(temporary, 0o644)
    os.replace(temporary, target)


def load_bundled() -> list[LoadResult]:
    """Sichuan's city and county boundaries shipped with fupin (what the demo loads)."""
    return [load(path) for path in BUNDLED]
