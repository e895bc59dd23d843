"""`fupin backup` and `fupin restore` on the suite's real database (SQLite or PostgreSQL): a
round trip finds every table's rows, the uploaded files and every figure as they were.

These tests commit (pg_dump reads only what is committed, and SQLite restores only into a
connection without an open transaction), so they run outside the usual test transaction and
put the database back as they found it: a backup of the untouched database first, restored last.
"""

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fupin.audit.backup import row_counts
from fupin.audit.models import AuditEvent
from fupin.regions.models import Region
from fupin.testing import build_pairing_sample, build_small_world, command_output, zh


@pytest.fixture
def committed(
    django_db_setup: Any, django_db_blocker: Any, tmp_path: Path, settings: Any
) -> Iterator[Path]:
    """The database in autocommit, with the media in `tmp_path / "media"`; afterwards, exactly
    the database the suite had."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_db_blocker.unblock():
        pristine = tmp_path / "pristine"
        call_command("backup", pristine, stdout=StringIO())
        # A live-server test before this one in the same worker empties the database (pytest-
        # django flushes after it): then the regions and the cast are made again here.
        if not Region.objects.exists():
            build_small_world()
        try:
            yield tmp_path
        finally:
            call_command("restore", pristine, "--yes", stdout=StringIO())
            AuditEvent.objects.filter(action__startswith="system.").delete()


def test_it_restores_every_row_file_and_figure(committed: Path) -> None:
    build_pairing_sample()
    roster = committed / "media" / "imports" / "roster.csv"
    roster.parent.mkdir(parents=True)
    roster.write_text("户编号,户主姓名\nP001,张三\n", encoding="utf-8")
    before = row_counts()
    out = command_output("backup", committed / "backup")
    assert "和 1 个文件备份到" in out
    # Destroy: every table emptied, the uploads gone.
    call_command("flush", "--no-input", stdout=StringIO())
    roster.unlink()
    assert row_counts()["registry_household"] == 0
    out = command_output("restore", committed / "backup", "--yes")
    after = row_counts()
    # The same rows everywhere, but for the audit events of the backup and the restore.
    assert after.pop("audit_auditevent") == before.pop("audit_auditevent") + 1
    assert after == before and before["registry_household"] > 0
    assert roster.read_text(encoding="utf-8") == "户编号,户主姓名\nP001,张三\n"
    assert AuditEvent.objects.filter(action="system.restore").count() == 1
    call_command("analytics", "check", stdout=StringIO())  # exits 1 on any difference


def test_it_refuses_to_restore_without_yes_or_from_what_is_no_backup(committed: Path) -> None:
    command_output("backup", committed / "backup")
    before = row_counts()
    with pytest.raises(CommandError) as refused:
        call_command("restore", committed / "backup", stdout=StringIO())
    assert "--yes" in str(refused.value)
    empty = committed / "empty"
    empty.mkdir()
    with pytest.raises(CommandError) as refused:
        call_command("restore", empty, "--yes", stdout=StringIO())
    assert str(refused.value) == zh(
        "%(folder)s is not a fupin backup (its manifest.json is missing or unreadable).",
        folder=empty,
    )
    assert row_counts() == before


def test_it_refuses_to_back_up_into_a_folder_in_use(committed: Path) -> None:
    used = committed / "used"
    used.mkdir()
    (used / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("backup", used, stdout=StringIO())
    assert str(refused.value) == zh(
        "%(folder)s already exists and is not empty: name a new folder.", folder=used
    )
    assert (used / "notes.txt").read_text(encoding="utf-8") == "keep me"


@pytest.mark.django_db
def test_it_counts_the_rows_of_every_table_of_every_app() -> None:
    # (Also what makes pytest-django create the test database when this file runs alone: the
    # tests above use it outside pytest-django's transactions.)
    counts = row_counts()
    assert {"regions_region", "registry_household", "audit_auditevent", "django_session"} <= set(
        counts
    )
    assert counts["regions_region"] > 0 and counts["accounts_user"] > 0
