from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from fupin.analytics.boundaries import BadBoundaries, folder, load
from fupin.lib.cli import FupinCommand, refuse, working


class Command(FupinCommand):
    help = (
        "Load region boundaries (GeoJSON, optionally .gz) for the dashboards' maps, joined to "
        "the regions by code, falling back to the name."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        lines: list[str] = []
        data: dict[str, Any] = {"folder": str(folder()), "files": []}
        for path in options["files"]:
            if not path.exists():
                raise refuse([path], _("No such file:"))
            with working(_("Loading %(file)s…") % {"file": path.name}):
                try:
                    result = load(path)
                except BadBoundaries as e:
                    raise refuse([e], _("%(file)s was not loaded:") % {"file": path.name}) from None
            lines.append(
                _(
                    "%(file)s: %(matched)s boundaries matched (%(by_name)s by name), "
                    "%(unmatched)s unmatched, for the children of %(parents)s regions."
                )
                % {
                    "file": path.name,
                    "matched": f"{result.matched:,}",
                    "by_name": f"{len(result.by_name):,}",
                    "unmatched": f"{len(result.unmatched):,}",
                    "parents": f"{len(result.parents):,}",
                }
            )
            lines += [
                _("  matched by name: %(old)s → %(new)s") % {"old": a, "new": b}
                for a, b in result.by_name
            ]
            lines += [_("  unmatched: %(feature)s") % {"feature": u} for u in result.unmatched]
            data["files"].append(
                {
                    "file": str(path),
                    "matched": result.matched,
                    "by_name": [{"file_code": a, "code": b} for a, b in result.by_name],
                    "unmatched": [{"code": u.code, "name": u.name} for u in result.unmatched],
                    "parents": result.parents,
                }
            )
        self.emit(options, "\n".join(lines), data)
