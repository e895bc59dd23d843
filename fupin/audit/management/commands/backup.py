"""`fupin backup FOLDER [--json]`: the database and the uploaded files into a new folder."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from fupin.audit.backup import BackupError, backup
from fupin.lib.cli import FupinCommand, working


class Command(FupinCommand):
    help = _("Back up the database and the uploaded files into a new folder.")

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("folder", help=_("a folder that does not exist yet"))

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        try:
            with working(_("Backing up…")):
                manifest = backup(folder)
        except BackupError as e:
            raise CommandError(str(e)) from None
        rows = sum(manifest.rows.values())
        self.emit(
            options,
            _("Backed up %(rows)s rows of %(tables)s tables and %(files)s files into %(folder)s.")
            % {
                "rows": f"{rows:,}",
                "tables": len(manifest.rows),
                "files": manifest.media_files,
                "folder": folder,
            },
            {"folder": str(folder), "rows": rows, "media_files": manifest.media_files},
        )
