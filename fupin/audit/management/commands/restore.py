"""`fupin restore FOLDER --yes [--json]`: replace the database and the uploaded files with a
backup's (`fupin backup`), then check every table against the backup's manifest."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from fupin.audit.backup import BackupError, read_manifest, restore
from fupin.lib.cli import FupinCommand, working


class Command(FupinCommand):
    help = _("Replace the database and the uploaded files with a backup's.")

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("folder", help=_("a folder written by fupin backup"))
        parser.add_argument(
            "--yes",
            action="store_true",
            help=_("confirm: everything recorded since the backup is lost"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        try:
            manifest = read_manifest(folder)
            if not options["yes"]:
                raise CommandError(
                    _(
                        "Restoring replaces this installation's database and uploaded files "
                        "with the backup of %(taken_at)s; everything recorded since is lost. "
                        "Run again with --yes to do it."
                    )
                    % {"taken_at": manifest.taken_at}
                )
            with working(_("Restoring…")):
                restore(folder)
        except BackupError as e:
            raise CommandError(str(e)) from None
        rows = sum(manifest.rows.values())
        self.emit(
            options,
            _("Restored %(rows)s rows and %(files)s files of the backup of %(taken_at)s.")
            % {"rows": f"{rows:,}", "files": manifest.media_files, "taken_at": manifest.taken_at},
            {"folder": str(folder), "rows": rows, "taken_at": manifest.taken_at},
        )
