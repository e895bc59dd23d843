from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from fupin.lib.cli import FupinCommand, refuse, working
from fupin.regions.actions import set_population
from fupin.regions.loader import BadFile, parse_population
from fupin.regions.models import Region


class Command(FupinCommand):
    help = "Set villages' registered rural populations from a CSV file (code,population)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise refuse([path], _("No such file:"))
        try:
            rows = parse_population(path, dict(Region.objects.values_list("code", "level")))
        except BadFile as e:
            raise refuse(e.problems, _("%(file)s was not loaded:") % {"file": path.name}) from None
        with working(_("Setting %(rows)s populations…") % {"rows": f"{len(rows):,}"}):
            changed = set_population(actor=None, rows=rows, source=path.name)
        self.emit(
            options,
            _("%(rows)s villages listed, %(changed)s changed")
            % {"rows": f"{len(rows):,}", "changed": f"{changed:,}"},
            {"listed": len(rows), "changed": changed},
        )
