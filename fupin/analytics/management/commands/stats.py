"""`fupin stats --region CODE [--year Y] [--json]`: the figures of a region, as the API gives
them (`GET /api/v1/stats/`). An operator at the command line is not scoped and sees every cell."""

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from fupin.analytics.api.serializers import StatsQuerySerializer, stats
from fupin.analytics.figures import label
from fupin.lib.cli import FupinCommand
from fupin.regions.models import Region

# The columns of the child-region table: people by status, exits, pairing and projects.
CHILD_COLUMNS = ("people_not_exited", "exits_people", "beneficiaries", "paired", "projects")


def shown(value: int | None) -> str:
    """A figure as the table prints it (money stays in fen, as its label says)."""
    return "—" if value is None else f"{value:,}"


def width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    space = " " * max(columns - width(text), 0)
    return space + text if right else text + space


class Command(FupinCommand):
    help = (
        "Print the figures of a region at the end of a year (default the latest year with "
        "data) and of each of its child regions; with --json, the API's answer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True, help="region code (51, a city, a county…)")
        parser.add_argument("--year", type=int, default=None, help="year (default: latest)")
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        query = StatsQuerySerializer(data={"region": options["region"], "year": options["year"]})
        if not query.is_valid():
            raise CommandError(
                "\n".join(str(m) for messages in query.errors.values() for m in messages)
            )
        code = query.validated_data["region"]
        region = Region.objects.filter(code=code).first() if code else None
        if region is None:
            raise CommandError(
                _("There is no region with code “%(code)s”.") % {"code": options["region"]}
            )
        answer = stats(region, query.validated_data.get("year"), lambda _code: True)
        if options.get("json"):
            self.stdout.write(json.dumps(answer, ensure_ascii=False))
            return
        self.stdout.write(self.table(answer))

    def table(self, answer: dict[str, Any]) -> str:
        region = answer["region"]
        year = answer["year"] if answer["year"] is not None else "—"
        lines = [
            _("%(name)s (%(code)s), end of %(year)s") % {**region, "year": year},
            "",
        ]
        figures: dict[str, int | None] = answer["figures"]
        labels = {key: str(label(key)) for key in figures}
        left = max((width(t) for t in labels.values()), default=0)
        values = {key: shown(v) for key, v in figures.items()}
        right = max((len(v) for v in values.values()), default=0)
        for key in figures:
            lines.append(f"  {pad(labels[key], left)}  {values[key].rjust(right)}")
        children = answer["children"]
        if children:
            heads = [_("Region"), _("Code"), *(str(label(k)) for k in CHILD_COLUMNS)]
            rows = [
                [c["name"], c["code"], *(shown(c["figures"].get(k)) for k in CHILD_COLUMNS)]
                for c in children
            ]
            widths = [max(width(r[i]) for r in [heads, *rows]) for i in range(len(heads))]
            lines += ["", _("Child regions:")]
            for row in [heads, *rows]:
                cells = [pad(cell, widths[i], right=i >= 2) for i, cell in enumerate(row)]
                lines.append("  " + "  ".join(cells).rstrip())
        return "\n".join(lines)
