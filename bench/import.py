"""Benchmark of the households import (issue 3): `python bench/import.py [--rows N]`.

Generates a workbook of N people (default 200,000) and one of N/4 (50,000), then for SQLite and
PostgreSQL (when reachable) imports each into a fresh database in a child process, and in the
same run measures the limits it is compared with:
- calamine's raw read of the same file (rows/s), the floor of any import that reads it;
- a raw bulk write of the same rows: COPY on PostgreSQL, executemany on SQLite.
Prints one JSON line. The issue's goals: end-to-end import (read + validate + write + audit) at
>= 50 % of the raw read rate, and a peak memory that does not grow with the file (compared at
the two sizes: peak memory of the import step, measured with the kernel's high-water mark
reset just before it).
"""

import argparse
import csv
import datetime
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HEADER = [
    "村代码",
    "户编号",
    "姓名",
    "身份证号",
    "与户主关系",
    "性别",
    "出生日期",
    "民族",
    "文化程度",
    "健康状况",
    "劳动技能",
    "主要致贫原因",
    "贫困户属性",
    "识别年度",
    "耕地面积（亩）",
    "联系电话",
]
RELATIONS = ["户主", "配偶", "之子", "之女", "之孙子", "之父母"]
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def villages(n: int) -> list[str]:
    path = ROOT / "fupin" / "regions" / "data" / "sichuan-regions-2023.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        codes = [r["code"] for r in csv.DictReader(f) if len(r["code"]) == 12]
    return codes[:n]


def generate(path: Path, people: int, seed: int = 1) -> list[tuple[str, ...]]:
    """Write the workbook and return its rows (for the raw-write baseline)."""
    import xlsxwriter

    from fupin.lib.ids import make_resident_id

    rng = random.Random(seed)
    codes = villages(2000)
    rows: list[tuple[str, ...]] = []
    used: set[str] = set()
    household = 0
    while len(rows) < people:
        household += 1
        village = codes[household % len(codes)]
        for m in range(min(rng.choice([1, 2, 3, 3, 4, 5]), people - len(rows))):
            birth = datetime.date(rng.randint(1940, 2015), rng.randint(1, 12), rng.randint(1, 28))
            sequence = len(rows) % 1000
            pid = make_resident_id(village[:6], birth, sequence)
            while pid in used:  # the same county, birthday and order code: take the next code
                sequence = (sequence + 1) % 1000
                pid = make_resident_id(village[:6], birth, sequence)
            used.add(pid)
            rows.append(
                (
                    village,
                    f"{household:06d}",
                    f"成员{len(rows)}",
                    pid,
                    RELATIONS[min(m, len(RELATIONS) - 1)],
                    "男" if int(pid[16]) % 2 else "女",
                    birth.isoformat(),
                    "汉族",
                    "初中",
                    "健康",
                    "普通劳动力",
                    "因病",
                    "一般贫困户",
                    "2014",
                    "2.5",
                    "13800000000",
                )
            )
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet()
    ws.write_row(0, 0, HEADER)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            ws.write_string(r, c, value)
    book.close()
    return rows


def raw_read(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    n = sum(1 for _ in sheet.iter_rows())
    seconds = time.perf_counter() - start
    return (n - 1) / seconds


def child(database_url: str, path: Path) -> dict[str, float]:
    """Runs in a fresh process: migrate, load the regions, then import and measure."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-long-enough-to-pass-the-check")
    os.environ["DJANGO_SETTINGS_MODULE"] = "fupin.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from fupin.imports import registry
    from fupin.imports.pipeline import run_import
    from fupin.regions.actions import load_regions
    from fupin.regions.loader import BUNDLED, parse_regions

    call_command("migrate", verbosity=0)
    load_regions(actor=None, rows=parse_regions(BUNDLED, {}), source="bench")
    connection.close()
    # Reset the kernel's high-water mark of this process, so the peak is the import's own.
    Path("/proc/self/clear_refs").write_text("5")
    rss_before = _rss_kb("VmRSS")
    start = time.perf_counter()
    result = run_import(registry.get("households"), path, actor=None, commit=True)
    seconds = time.perf_counter() - start
    assert result.committed and not result.errors, result.errors[:3]
    return {
        "rows": result.rows,
        "seconds": seconds,
        "rows_per_s": result.rows / seconds,
        "peak_mb": _rss_kb("VmHWM") / 1024,
        "grown_mb": (_rss_kb("VmHWM") - rss_before) / 1024,
    }


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def raw_write(database_url: str, rows: list[tuple[str, ...]]) -> float:
    """Rows/s of the plainest bulk write of the same rows into a scratch table."""
    cols = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    if database_url.startswith("sqlite"):
        import sqlite3

        db = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        db.execute(f"CREATE TABLE raw_rows ({cols})")
        start = time.perf_counter()
        marks = ", ".join("?" * len(HEADER))
        db.executemany(f"INSERT INTO raw_rows VALUES ({marks})", rows)
        db.commit()
        return len(rows) / (time.perf_counter() - start)
    import psycopg

    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE TABLE raw_rows ({cols})")
        start = time.perf_counter()
        with cur.copy("COPY raw_rows FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        conn.commit()
        return len(rows) / (time.perf_counter() - start)


def postgres_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN, connect_timeout=3).close()
        return True
    except Exception:
        return False


def fresh_database(kind: str, tmp: Path, name: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / (name + '.sqlite3')}"
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def drop_database(kind: str, name: str) -> None:
    if kind == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--child", nargs=2, metavar=("DATABASE_URL", "FILE"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return

    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-long-enough-to-pass-the-check")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.settings")
    import django

    django.setup()
    tmp = Path(tempfile.mkdtemp(prefix="fupin-bench-import-"))
    sizes = {"small": args.rows // 4, "large": args.rows}
    files, rows = {}, {}
    for label, n in sizes.items():
        files[label] = tmp / f"people-{n}.xlsx"
        rows[label] = generate(files[label], n)
    read = {label: raw_read(path) for label, path in files.items()}
    figures: dict[str, object] = {
        "bench": "import",
        "people": sizes,
        "raw_read_rows_per_s": {k: round(v) for k, v in read.items()},
    }
    kinds = ["sqlite"] + (["postgresql"] if postgres_reachable() else [])
    ok = True
    for kind in kinds:
        out: dict[str, Any] = {}
        for label, path in files.items():
            name = f"fupin_bench_{kind}_{label}_{os.getpid()}"
            url = fresh_database(kind, tmp, name)
            try:
                done = subprocess.run(
                    [sys.executable, __file__, "--child", url, str(path)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                result = json.loads(done.stdout.strip().splitlines()[-1])
                raw = raw_write(url, rows[label])
            finally:
                drop_database(kind, name)
            out[label] = {
                "import_rows_per_s": round(result["rows_per_s"]),
                "import_s": round(result["seconds"], 2),
                "raw_write_rows_per_s": round(raw),
                "import_vs_raw_read": round(result["rows_per_s"] / read[label], 3),
                "import_vs_raw_write": round(result["rows_per_s"] / raw, 3),
                "peak_mb": round(result["peak_mb"]),
                "grown_mb": round(result["grown_mb"]),
            }
        small, large = out["small"], out["large"]
        out["memory_growth_large_vs_small"] = round(
            large["grown_mb"] / max(small["grown_mb"], 1), 2
        )
        out["meets_half_of_raw_read"] = large["import_vs_raw_read"] >= 0.5
        ok = ok and bool(out["meets_half_of_raw_read"])
        figures[kind] = out
    figures["goal"] = "import >= 50% of raw read rate; memory flat from 50k to 200k rows"
    figures["ok"] = ok
    print(json.dumps(figures, ensure_ascii=False))
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
