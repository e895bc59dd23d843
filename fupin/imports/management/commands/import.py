"""`fupin import KIND FILE`: a spreadsheet through a domain's schema, every row or none."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from fupin.imports.annotate import write_annotated
from fupin.imports.cli import REJECTED, UNREADABLE, as_json, error_line, progress_bar, schema_named
from fupin.imports.errors import FileUnreadable
from fupin.imports.pipeline import ImportResult, run_import
from fupin.imports.schema import RowError
from fupin.lib.cli import FupinCommand, refuse


class Command(FupinCommand):
    help = "Import a spreadsheet (.xlsx or .csv): every row is saved, or none when any is bad."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="what the file holds, e.g. households")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check every row, save nothing")
        parser.add_argument(
            "--errors-out",
            type=Path,
            metavar="FILE.xlsx",
            help="when rows are bad, write a copy of the sheet with them marked",
        )
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        schema = schema_named(options["kind"])
        path: Path = options["file"]
        if not path.is_file():
            error = refuse([path], _("No such file:"))
            error.returncode = UNREADABLE
            raise error
        try:
            with progress_bar() as report:
                result = run_import(
                    schema, path, actor=None, commit=not options["dry_run"], progress=report
                )
        except FileUnreadable as e:
            if options["json"]:
                unreadable = RowError(0, "", "", e.message)
                self.emit(options, "", as_json(ImportResult(0, 0, [unreadable], False)))
            raise CommandError(
                _("%(file)s cannot be read: %(reason)s") % {"file": path.name, "reason": e},
                returncode=UNREADABLE,
            ) from None
        title = str(schema.title)
        if result.errors:
            summary = _("%(title)s: %(errors)s problems in %(rows)s rows; nothing was saved.") % {
                "title": title,
                "errors": f"{len(result.errors):,}",
                "rows": f"{result.rows:,}",
            }
            if options["errors_out"]:
                write_annotated(
                    path, result.errors, options["errors_out"], header_row=result.header_row
                )
                summary += " " + _("The marked copy is %(file)s.") % {"file": options["errors_out"]}
            if options["json"]:
                self.emit(options, "", as_json(result))
                raise CommandError(summary, returncode=REJECTED)
            raise refuse([error_line(e) for e in result.errors], summary)
        if result.committed:
            summary = _("%(title)s: %(saved)s rows saved.") % {
                "title": title,
                "saved": f"{result.saved:,}",
            }
        else:
            summary = _(
                "%(title)s: %(rows)s rows checked, no problems; nothing saved (dry run)."
            ) % {
                "title": title,
                "rows": f"{result.rows:,}",
            }
        self.emit(options, summary, as_json(result))
