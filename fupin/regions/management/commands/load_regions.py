from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from fupin.lib.cli import FupinCommand, refuse, working
from fupin.regions.actions import load_regions
from fupin.regions.choices import Level
from fupin.regions.loader import BUNDLED, BadFile, parse_regions
from fupin.regions.models import Region


class Command(FupinCommand):
    help = "Load administrative divisions (code,name,parent_code); by default Sichuan 2023."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, default=BUNDLED)
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise refuse([path], _("No such file:"))
        existing = dict(Region.objects.values_list("code", "level"))
        with working(_("Checking %(file)s…") % {"file": path.name}):
            try:
                rows = parse_regions(path, existing)
            except BadFile as e:
                raise refuse(
                    e.problems, _("%(file)s was not loaded:") % {"file": path.name}
                ) from None
        with working(_("Loading %(rows)s regions…") % {"rows": f"{len(rows):,}"}):
            result = load_regions(actor=None, rows=rows, source=path.name)
        counts = " / ".join(f"{result.per_level.get(level, 0):,}" for level in Level)
        labels = " / ".join(str(level.label) for level in Level)
        if result.changed:
            change = _("%(created)s created, %(updated)s updated") % {
                "created": f"{result.created:,}",
                "updated": f"{result.updated:,}",
            }
        else:
            change = _("no changes")
        self.emit(
            options,
            f"{labels}: {counts} — {change}",
            {
                "per_level": {
                    level.name.lower(): result.per_level.get(level, 0) for level in Level
                },
                "created": result.created,
                "updated": result.updated,
            },
        )
