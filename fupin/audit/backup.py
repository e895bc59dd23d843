"""Backup and restore of an installation: the database and the uploaded files.

A backup is a folder: the database (`database.sqlite3`, taken with SQLite's online backup API,
a consistent copy while the site runs; or `database.dump`, PostgreSQL's pg_dump in its custom
format), `media/` (a copy of MEDIA_ROOT: the rosters the imports keep, outside any dump) and
`manifest.json` (when, from which kind of database, and the rows of every table). Restoring
replaces the database and the media with the backup's, refreshes the planner's statistics
(PostgreSQL's ANALYZE), and checks every table's rows against the manifest before it says done.
Both are operators' commands (`fupin backup`, `fupin restore`); each leaves an audit event.
"""

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from fupin.audit.log import record

MANIFEST = "manifest.json"
MEDIA = "media"
FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the operator."""


@dataclass
class Manifest:
    vendor: str
    taken_at: str
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows
    media_files: int = 0


def row_counts() -> dict[str, int]:
    """Rows of every table Django manages (the models of every installed app)."""
    tables = sorted(
        {m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy}
    )
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _media() -> Path:
    return Path(settings.MEDIA_ROOT)


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """The connection arguments and environment of pg_dump and pg_restore for our database."""
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            _("%(program)s is not installed (Debian: apt-get install postgresql-client).")
            % {"program": command[0]}
        ) from None
    if done.returncode:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": command[0], "error": done.stderr.strip()[-500:]}
        )


def backup(target: Path, *, actor: Any = None) -> Manifest:
    """Write a backup into `target`, a folder that must not exist yet or be empty."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(
            _("%(folder)s already exists and is not empty: name a new folder.") % {"folder": target}
        )
    target.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    manifest = Manifest(vendor, datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"))
    manifest.rows = row_counts()
    if vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target / FILES[vendor])
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    else:
        args, env = _pg_env()
        _run(["pg_dump", "--format=custom", "--file", str(target / FILES[vendor]), *args], env)
    media = _media()
    if media.is_dir():
        shutil.copytree(media, target / MEDIA)
        manifest.media_files = sum(1 for p in (target / MEDIA).rglob("*") if p.is_file())
    (target / MANIFEST).write_text(json.dumps(asdict(manifest), indent=1), encoding="utf-8")
    record(actor=actor, action="system.backup", object_repr=str(target), after=_summary(manifest))
    return manifest


def read_manifest(source: Path) -> Manifest:
    try:
        data = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except (OSError, ValueError, TypeError):
        raise BackupError(
            _("%(folder)s is not a fupin backup (its manifest.json is missing or unreadable).")
            % {"folder": source}
        ) from None
    if manifest.vendor not in FILES or not (source / FILES[manifest.vendor]).is_file():
        raise BackupError(_("%(folder)s lacks its database file.") % {"folder": source})
    if manifest.vendor != connection.vendor:
        raise BackupError(
            _("This backup is of a %(backup)s database; this installation runs on %(here)s.")
            % {"backup": manifest.vendor, "here": connection.vendor}
        )
    return manifest


def restore(source: Path, *, actor: Any = None) -> Manifest:
    """Replace the database and the media with the backup in `source`, and check every table's
    rows against its manifest."""
    manifest = read_manifest(source)
    if manifest.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(source / FILES["sqlite"])
        try:
            copy.backup(connection.connection)
        finally:
            copy.close()
    else:
        args, env = _pg_env()
        # Nothing of ours may hold a lock on the tables pg_restore drops and makes again.
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                *args,
                str(source / FILES["postgresql"]),
            ],
            env,
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    media = _media()
    if media.exists():
        shutil.rmtree(media)
    if (source / MEDIA).is_dir():
        shutil.copytree(source / MEDIA, media)
    found = row_counts()
    wrong = {t: (n, found.get(t)) for t, n in manifest.rows.items() if found.get(t) != n}
    if wrong:
        raise BackupError(
            _("The restored database differs from the backup's manifest: %(tables)s")
            % {"tables": ", ".join(f"{t} {n} ≠ {m}" for t, (n, m) in sorted(wrong.items()))}
        )
    record(actor=actor, action="system.restore", object_repr=str(source), after=_summary(manifest))
    return manifest


def _summary(manifest: Manifest) -> dict[str, Any]:
    return {
        "vendor": manifest.vendor,
        "taken_at": manifest.taken_at,
        "rows": sum(manifest.rows.values()),
        "media_files": manifest.media_files,
    }
