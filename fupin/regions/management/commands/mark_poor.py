from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from fupin.lib.cli import FupinCommand, working
from fupin.regions.actions import mark_poor
from fupin.regions.cli import read_listed
from fupin.regions.loader import parse_poor


class Command(FupinCommand):
    help = "Designate poor counties and villages from a CSV file (code,poor_since,exited_in)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="clear the flags of every region not listed"
        )
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        rows = read_listed(path, parse_poor)
        with working(_("Marking %(rows)s regions…") % {"rows": f"{len(rows):,}"}):
            changed = mark_poor(actor=None, rows=rows, replace=options["replace"], source=path.name)
        self.emit(
            options,
            _("%(rows)s regions listed, %(changed)s changed")
            % {"rows": f"{len(rows):,}", "changed": f"{changed:,}"},
            {"listed": len(rows), "changed": changed},
        )
