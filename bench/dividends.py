"""Benchmark of a dividend run (issue 6): `python bench/dividends.py [--shareholders N]`.

Prints one JSON line, with the figures of SQLite and of PostgreSQL (when it answers on
127.0.0.1:5432), each measured in its own process on a fresh database: one
project in one village with N shareholders (default 100,000), each a registered household with
a 2019 income record, contributions of land and preferred assistance funds written in bulk. Then
through `fupin.projects.actions`, as a user would: preview the 2019 run, propose it, approve it,
record it (the payouts flow into the participants' income and the households' property income),
each timed; and, in the same run, the raw insert rate of the same payout rows through the bulk
path (`fupin.lib.bulk.write_rows`: COPY on PostgreSQL, executemany on SQLite), rolled back.
"""

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
CHILD = "FUPIN_BENCH_DIVIDENDS_CHILD"


def both_databases() -> None:
    """Run this benchmark on a fresh SQLite file and, when PostgreSQL answers, on a fresh
    PostgreSQL database, each in its own process; print one JSON line with both."""
    import subprocess

    figures: dict[str, object] = {"bench": "dividends"}
    runs = [("sqlite", None)]
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute("DROP DATABASE IF EXISTS fupin_bench_dividends")
            conn.execute("CREATE DATABASE fupin_bench_dividends")
        runs.append(("postgresql", PG_ADMIN.rsplit("/", 1)[0] + "/fupin_bench_dividends"))
    except Exception as error:  # no PostgreSQL here: SQLite only, and say so
        figures["postgresql"] = f"not reachable: {error}"
    ok = True
    for kind, url in runs:
        env = {**os.environ, CHILD: "1"}
        env.pop("DATABASE_URL", None)
        if url:
            env["DATABASE_URL"] = url
        done = subprocess.run(
            [sys.executable, __file__, *sys.argv[1:]], env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            ok = False
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result.pop("bench", None)
        figures["shareholders"] = result.pop("shareholders")
        figures[kind] = result
        ok = ok and bool(result.get("exact"))
    figures["ok"] = ok
    print(json.dumps(figures, ensure_ascii=False))
    sys.exit(0 if ok else 1)


if __name__ == "__main__" and CHILD not in os.environ:
    both_databases()

tmp = Path(tempfile.mkdtemp(prefix="fupin-bench-"))
os.environ.setdefault("FUPIN_DATA_DIR", str(tmp))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from fupin.demo.common import first_id  # noqa: E402
from fupin.lib.bulk import analyze, preparer, write_rows  # noqa: E402
from fupin.projects import actions  # noqa: E402
from fupin.projects.models import (  # noqa: E402
    DividendPayout,
    Participant,
    ParticipantIncome,
    Project,
    ShareEntry,
)
from fupin.regions.actions import load_regions  # noqa: E402
from fupin.regions.loader import BUNDLED, parse_regions  # noqa: E402
from fupin.registry.models import Household, IncomeRecord  # noqa: E402

VILLAGE = "510821100001"
YEAR = 2019
PROFIT = Decimal("30000000.00")


def build(n: int) -> Project:
    wanted = {VILLAGE[:k] for k in (2, 4, 6, 9, 12)}
    load_regions(
        actor=None, rows=[r for r in parse_regions(BUNDLED, {}) if r.code in wanted], source="bench"
    )
    project = actions.create_project(
        actor=None,
        name="基准合作社",
        type="cooperative",
        setup="branch_cooperative",
        village_codes=[VILLAGE],
        started_on=dt.date(2017, 1, 1),
        share_price=Decimal("1"),
        land_price=Decimal("1000"),
        reserve_percent=Decimal("10"),
        collective_percent=Decimal("10"),
        preferred_rate=Decimal("6"),
    )
    now = timezone.now()
    county = VILLAGE[:6]
    first = first_id(Household)
    household = preparer(
        Household,
        columns := [f.name for f in Household._meta.concrete_fields],
    )
    write_rows(
        Household,
        columns,
        (
            household(
                {
                    "id": first + i,
                    "village": VILLAGE,
                    "county_code": county,
                    "number": f"{i:06d}",
                    "standard": "national",
                    "attribute": "general",
                    "main_cause": "illness",
                    "registered_in": 2014,
                    "status": "exited",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for i in range(n)
        ),
    )
    write_rows(
        IncomeRecord,
        "household county_code year wage production property_income transfer costs members "  # noqa: SIM905
        "per_capita".split(),
        ((first + i, county, YEAR, 800000, 300000, 0, 0, 0, 3, 366667) for i in range(n)),
    )
    participant = first_id(Participant)
    write_rows(
        Participant,
        [
            "id",
            "project",
            "household",
            "name",
            "region",
            "county_code",
            "is_poor",
            "is_shareholder",
            "is_worker",
            "is_trainee",
            "joined_on",
        ],
        (
            (
                participant + i,
                project.pk,
                first + i,
                f"户主{i}",
                VILLAGE,
                county,
                True,
                True,
                False,
                False,
                "2017-03-01",
            )
            for i in range(n)
        ),
    )
    columns = (
        "project participant county_code kind asset land_mu value shares preferred dated_on note "
        "created_at"
    )
    rows = []
    for i in range(n):
        mu = 50 * (1 + i % 6)  # hundredths of a 亩
        rows.append(
            (
                project.pk,
                participant + i,
                county,
                "contribution",
                "land",
                mu,
                mu * 1000,
                mu * 1000,
                False,
                "2017-03-01",
                "",
                now,
            )
        )
        if i % 2 == 0:
            rows.append(
                (
                    project.pk,
                    participant + i,
                    county,
                    "contribution",
                    "fund",
                    0,
                    500000,
                    500000,
                    True,
                    "2017-03-01",
                    "",
                    now,
                )
            )
    write_rows(ShareEntry, columns.split(), rows)
    with connection.cursor() as cursor:
        from django.core.management.color import no_style

        for sql in connection.ops.sequence_reset_sql(no_style(), [Household, Participant]):
            cursor.execute(sql)
    analyze(Household, IncomeRecord, Participant, ShareEntry)
    return project


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shareholders", type=int, default=100_000)
    args = parser.parse_args()
    n = args.shareholders
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        project = build(n)
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    spent: dict[str, float] = {}

    t = time.perf_counter()
    preview = actions.preview_dividends(
        project=project, period_start=start, period_end=end, profit=PROFIT
    )
    spent["preview"] = time.perf_counter() - t
    t = time.perf_counter()
    run = actions.propose_dividend_run(
        actor=None, project=project, period_start=start, period_end=end, profit=PROFIT
    )
    spent["propose"] = time.perf_counter() - t
    t = time.perf_counter()
    run = actions.approve_dividend_run(actor=None, run=run)
    spent["approve"] = time.perf_counter() - t
    t = time.perf_counter()
    run = actions.record_dividend_run(actor=None, run=run)
    spent["record"] = time.perf_counter() - t
    payouts = run.payouts.count()
    exact = (
        run.payouts.aggregate(s=Sum("total"))["s"]
        == run.distributed
        == (preview.preferred_total + preview.ordinary_total)
    )
    flowed = IncomeRecord.objects.filter(year=YEAR, property_income__gt=0).count()
    incomes = ParticipantIncome.objects.filter(year=YEAR, dividends__gt=0).count()

    # The same payout rows through the bulk path, rolled back.
    rows = list(
        DividendPayout.objects.filter(run=run).values_list(
            "run_id", "participant_id", "county_code", "shares", "preferred", "ordinary", "total"
        )
    )
    rows = [(r[0], r[1], r[2], *(int(v.scaleb(2)) for v in r[3:])) for r in rows]
    with transaction.atomic():
        DividendPayout.objects.filter(run=run).delete()
        t = time.perf_counter()
        write_rows(
            DividendPayout,
            ["run", "participant", "county_code", "shares", "preferred", "ordinary", "total"],
            rows,
        )
        raw_s = time.perf_counter() - t
        transaction.set_rollback(True)

    total = spent["preview"] + spent["propose"] + spent["approve"] + spent["record"]
    print(
        json.dumps(
            {
                "bench": "dividends",
                "database": connection.vendor,
                "shareholders": n,
                "payouts": payouts,
                "preview_s": round(spent["preview"], 2),
                "propose_s": round(spent["propose"], 2),
                "approve_s": round(spent["approve"], 2),
                "record_s": round(spent["record"], 2),
                "preview_record_s": round(total, 2),
                "rows_per_s": round(payouts / total),
                "raw_insert_s": round(raw_s, 3),
                "raw_rows_per_s": round(len(rows) / raw_s),
                "households_paid": flowed,
                "participant_incomes": incomes,
                "distributed": str(run.distributed),
                "exact": exact,
            }
        )
    )
    if not exact:
        sys.exit(1)


if __name__ == "__main__":
    main()
