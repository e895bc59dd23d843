from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from fupin.lib.cli import FupinCommand, working
from fupin.regions.actions import set_population
from fupin.regions.cli import read_listed
from fupin.regions.loader import parse_population


class Command(FupinCommand):
    help = "Set villages' registered rural populations from a CSV file (code,population)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        rows = read_listed(path, parse_population)
        with working(_("Setting %(rows)s populations…") % {"rows": f"{len(rows):,}"}):
            changed = set_population(actor=None, rows=rows, source=path.name)
        self.emit(
            options,
            _("%(rows)s villages listed, %(changed)s changed")
            % {"rows": f"{len(rows):,}", "changed": f"{changed:,}"},
            {"listed": len(rows), "changed": changed},
        )
