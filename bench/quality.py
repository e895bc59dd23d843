"""Benchmark of the registration's data-quality checks (issue 3) on a county of ~50,000
households.

Prints one JSON line: seconds per check to list its warnings and to count them, over the whole
county, on a county generated with the demo's household generator (about 160,000 people and
their histories and incomes) with a few hundred broken records mixed in so every check has
something to find. Each check is compared with a plain scan of the county's people measured in
the same run (`scan_s`: what any per-person pass over the county costs at least) and with the
1 s budget of a page; `ok` when every check lists and counts within the budget.

Runs on a fresh SQLite file in a temporary folder (or on DATABASE_URL when it is set: use an
empty database, the generated county stays there).
"""

import json
import os
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
from django.db import connection, transaction  # noqa: E402
from django.db.models import Case, Count, F, Sum, Value, When  # noqa: E402
from django.utils import timezone  # noqa: E402

from fupin.demo.builder import ensure_regions  # noqa: E402
from fupin.demo.households import build_households  # noqa: E402
from fupin.regions.choices import Level  # noqa: E402
from fupin.regions.codes import subtree_q  # noqa: E402
from fupin.regions.models import Region  # noqa: E402
from fupin.registry import actions  # noqa: E402
from fupin.registry.models import Household, Person  # noqa: E402
from fupin.registry.quality import CHECKS, counts_for, warnings_for  # noqa: E402

HOUSEHOLDS = 50_000
PAGE_LIMIT_S = 1.0
# 旺苍县 (Guangyuan), one of Sichuan's poor counties; its sibling 苍溪县 gets the duplicates.
COUNTY, OTHER_COUNTY = "510821", "510824"


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def generate() -> tuple[int, int]:
    villages = list(
        Region.objects.filter(subtree_q("code", COUNTY), level=Level.VILLAGE).values_list(
            "code", flat=True
        )
    )
    each = HOUSEHOLDS // len(villages)
    with transaction.atomic():
        result = build_households(
            village_codes=villages, seed=1, households_per_village=(each - 10, each + 10)
        )
        break_some_records()
    return result.households, result.people


def break_some_records() -> None:
    """A few hundred records that break each rule, as real rosters have."""
    households = Household.objects.filter(county_code=COUNTY)
    people = Person.objects.filter(county_code=COUNTY)
    households.alias(k=F("id") % 200).filter(k=0).update(main_cause="illness")
    households.alias(k=F("id") % 150).filter(k=1).update(main_cause="schooling")
    households.alias(k=F("id") % 300).filter(k=2).update(attribute="wubao")
    households.alias(k=F("id") % 1000).filter(k=3).update(arable_land=10_000)
    households.alias(k=F("id") % 250).filter(k=4).update(status="poor")
    people.alias(k=F("id") % 500).filter(k=0).update(labour="lost")
    people.alias(k=F("id") % 400).filter(k=1, relation="spouse").update(
        sex=Case(When(sex="male", then=Value("female")), default=Value("male"))
    )
    people.alias(k=F("id") % 700).filter(k=2, relation="head").update(relation="other")
    # People registered again in the sibling county, as an old import would have them.
    other = actions.create_household(
        actor=None,
        village_code=Region.objects.filter(subtree_q("code", OTHER_COUNTY), level=Level.VILLAGE)
        .order_by("code")
        .values_list("code", flat=True)[0],
        number="BENCH-DUP",
        main_cause="funds",
        registered_in=2014,
    )
    copies = []
    for p in people.alias(k=F("id") % 1500).filter(k=5):
        p.pk, p.household, p.county_code, p.village_code = (
            None,
            other,
            OTHER_COUNTY,
            other.village_id,
        )
        copies.append(p)
    Person.objects.bulk_create(copies)


def main() -> None:
    call_command("migrate", verbosity=0)
    ensure_regions()
    generate_s, (households, people) = timed(generate)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    scan_s, _ = timed(
        lambda: Person.objects.filter(subtree_q("village_code", COUNTY)).aggregate(
            n=Count("id"), months=Sum("work_months")
        )
    )

    today = timezone.localdate()
    checks = {}
    for check in CHECKS:
        list_s, rows = timed(lambda check=check: list(check.rows(COUNTY, today)))
        count_s, n = timed(lambda check=check: check.rows(COUNTY, today).count())
        assert n == len(rows)
        checks[check.code] = {
            "warnings": n,
            "list_s": round(list_s, 3),
            "count_s": round(count_s, 3),
            "vs_scan": round(max(list_s, count_s) / scan_s, 1),
        }
    slowest = max(max(c["list_s"], c["count_s"]) for c in checks.values())
    # What the data-quality page itself does: every count, then the first 500 warnings.
    page_s, _ = timed(lambda: (counts_for(COUNTY), warnings_for(COUNTY, limit=500)))
    figures = {
        "bench": "quality",
        "database": connection.vendor,
        "county": COUNTY,
        "households": households,
        "people": people,
        "generate_s": round(generate_s, 3),
        "scan_s": round(scan_s, 3),
        "checks": checks,
        "all_checks_s": round(sum(c["list_s"] for c in checks.values()), 3),
        "page_s": round(page_s, 3),
        "page_limit_s": PAGE_LIMIT_S,
        "ok": bool(
            slowest < PAGE_LIMIT_S
            and page_s < PAGE_LIMIT_S
            and all(c["warnings"] for c in checks.values())
        ),
    }
    print(json.dumps(figures))
    if not figures["ok"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
