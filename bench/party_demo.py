"""Benchmark of the demo's party side (issue 4): `python bench/party_demo.py [--counties N]`.

Prints one JSON line. On a fresh SQLite file in a temporary folder (or on DATABASE_URL):
- the whole demo at the `make demo` scale (0.1), against the foundation's limit of 60 s, with
  the share of its households and of its party organisations and members;
- the party build alone over N counties (default 40, about 7,500 villages: a fifth of the
  province, 1.5 million members at scale 1 being all 183 counties), in rows per second,
  against the households' bulk path measured in the same run (the party rows carry more
  indexes than the registry's, so 40 % of its rate is the limit).
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

tmp = Path(tempfile.mkdtemp(prefix="fupin-bench-"))
os.environ.setdefault("FUPIN_DATA_DIR", str(tmp))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from fupin.demo import builder  # noqa: E402
from fupin.demo.party import build_party, clear_party  # noqa: E402
from fupin.regions.actions import load_regions  # noqa: E402
from fupin.regions.choices import Level  # noqa: E402
from fupin.regions.loader import BUNDLED, parse_regions  # noqa: E402
from fupin.regions.models import Region  # noqa: E402

DEMO_SCALE = 0.1  # the Makefile's default SCALE
DEMO_LIMIT_S = 60.0
RATE_SHARE = 0.4


def party_rows(result: Any) -> int:
    # Organisations with their coverage rows (about one each), members, tags, steps, logs.
    return (
        2 * result.organisations
        + result.members
        + result.cadres
        + result.tags
        + result.development_steps
        + result.service_logs
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counties", type=int, default=40)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    load_regions(actor=None, rows=parse_regions(BUNDLED, {}), source="bench")

    # The whole demo, timing its two bulk parts on the way (the builder calls them by name).
    spent: dict[str, float] = {}
    results: dict[str, Any] = {}

    def timing(name: str, fn: Any) -> Any:
        def timed(**kwargs: Any) -> Any:
            start = time.perf_counter()
            results[name] = fn(**kwargs)
            spent[name] = time.perf_counter() - start
            return results[name]

        return timed

    builder.build_households = timing("households", builder.build_households)
    builder.build_party = timing("party", builder.build_party)
    start = time.perf_counter()
    demo = builder.build(scale=DEMO_SCALE, seed=1)
    demo_s = time.perf_counter() - start
    registry = results["households"]
    households_rows = (
        registry.households + registry.people + registry.status_changes + registry.income_records
    )
    households_rate = households_rows / spent["households"]

    # The party side alone over more counties (rolled back: the demo stays as built).
    counties = sorted(
        {c[:6] for c in Region.objects.filter(level=Level.VILLAGE).values_list("code", flat=True)}
    )
    chosen = sorted(random.Random(1).sample(counties, min(args.counties, len(counties))))
    with transaction.atomic():
        clear_party()
        start = time.perf_counter()
        larger = build_party(counties=chosen, seed=1)
        larger_s = time.perf_counter() - start
        transaction.set_rollback(True)
    party_rate = party_rows(larger) / larger_s

    figures = {
        "bench": "party_demo",
        "database": connection.vendor,
        "demo_scale": DEMO_SCALE,
        "demo_s": round(demo_s, 2),
        "demo_limit_s": DEMO_LIMIT_S,
        "demo_households_s": round(spent["households"], 2),
        "demo_party_s": round(spent["party"], 2),
        "demo_party_counties": demo.party_counties,
        "demo_party_villages": demo.party_villages,
        "demo_party_members": demo.party_members,
        "demo_cadres": demo.cadres,
        "demo_poor_members": demo.poor_members,
        "larger_counties": larger.counties,
        "larger_villages": larger.villages,
        "larger_members": larger.members,
        "larger_cadres": larger.cadres,
        "larger_rows": party_rows(larger),
        "larger_s": round(larger_s, 2),
        "party_rows_per_s": round(party_rate),
        "households_rows_per_s": round(households_rate),
        "ok": bool(demo_s < DEMO_LIMIT_S and party_rate >= RATE_SHARE * households_rate),
    }
    print(json.dumps(figures))
    if not figures["ok"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
