"""`fupin template KIND OUT.xlsx`: the blank workbook of a kind of import."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from fupin.imports.cli import schema_named
from fupin.imports.template import write_template
from fupin.lib.cli import FupinCommand


class Command(FupinCommand):
    help = "Write the .xlsx template of a kind of import, e.g. households."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind")
        parser.add_argument("out", type=Path, metavar="OUT.xlsx")
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        schema = schema_named(options["kind"])
        out: Path = options["out"]
        write_template(schema, out)
        self.emit(
            options,
            _("Template of %(title)s written to %(file)s (%(columns)d columns).")
            % {"title": schema.title, "file": out, "columns": len(schema.columns)},
            {"file": str(out), "columns": [c.label for c in schema.columns]},
        )
