"""Benchmark of the foundation (issue 2): loading the region tree, building the demo, browsing.

Prints one JSON line. Each figure is compared with a limit measured in the same run or named
by the issue:
- `load_regions_s` against `raw_executemany_s`, the same rows written by plain sqlite3
  executemany (the floor for any loader on this machine);
- `demo_s` (the `make demo` scale) against the issue's limit of 60 s;
- the province and county pages of the region browser, which count children and poor villages
  over the whole tree, against a 1 s page budget.

Runs on a fresh SQLite file in a temporary folder (or on DATABASE_URL when it is set).
"""

import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

tmp = Path(tempfile.mkdtemp(prefix="fupin-bench-"))
os.environ.setdefault("FUPIN_DATA_DIR", str(tmp))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from fupin.accounts.models import User  # noqa: E402
from fupin.demo.builder import build  # noqa: E402
from fupin.regions.actions import load_regions  # noqa: E402
from fupin.regions.loader import BUNDLED, parse_regions  # noqa: E402

DEMO_SCALE = 0.1  # the Makefile's default SCALE
DEMO_LIMIT_S = 60.0
PAGE_LIMIT_S = 1.0


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    call_command("migrate", verbosity=0)

    rows = parse_regions(BUNDLED, {})
    raw_db = sqlite3.connect(tmp / "raw.sqlite3")
    raw_db.execute("CREATE TABLE region (code TEXT PRIMARY KEY, name TEXT, parent TEXT, level INT)")
    raw_s, _ = timed(
        lambda: (
            raw_db.executemany(
                "INSERT INTO region VALUES (?, ?, ?, ?)",
                [(r.code, r.name, r.parent_code or None, r.level) for r in rows],
            ),
            raw_db.commit(),
        )
    )
    parse_s, _ = timed(lambda: parse_regions(BUNDLED, {}))
    load_s, result = timed(lambda: load_regions(actor=None, rows=rows, source="bench"))
    again_s, again = timed(lambda: load_regions(actor=None, rows=rows, source="bench"))
    demo_s, demo = timed(lambda: build(scale=DEMO_SCALE, seed=1))

    client = Client()
    client.force_login(User.objects.get(username="admin"))
    province_s, r1 = timed(lambda: client.get("/regions/51/"))
    county_s, r2 = timed(lambda: client.get(f"/regions/{demo.county_a}/"))
    assert r1.status_code == r2.status_code == 200

    figures = {
        "bench": "foundation",
        "database": connection.vendor,
        "regions": len(rows),
        "parse_s": round(parse_s, 3),
        "load_regions_s": round(load_s, 3),
        "raw_executemany_s": round(raw_s, 3),
        "load_vs_raw": round(load_s / raw_s, 1),
        "second_load_s": round(again_s, 3),
        "second_load_changed": again.changed,
        "demo_scale": DEMO_SCALE,
        "demo_s": round(demo_s, 3),
        "demo_limit_s": DEMO_LIMIT_S,
        "province_page_s": round(province_s, 3),
        "county_page_s": round(county_s, 3),
        "page_limit_s": PAGE_LIMIT_S,
        "ok": bool(
            result.created == len(rows)
            and not again.changed
            and demo_s < DEMO_LIMIT_S
            and province_s < PAGE_LIMIT_S
            and county_s < PAGE_LIMIT_S
        ),
    }
    print(json.dumps(figures))
    if not figures["ok"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
