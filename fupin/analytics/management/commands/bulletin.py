"""`fupin bulletin --region CODE [--as-of DATE] [--precision N] [--format text|docx|pdf]
[--output FILE]`: the region's progress report in Chinese, written from its figures (the same
figures `fupin stats --region CODE --json` prints). Text goes to the terminal; Word and PDF
need --output (or go to standard output as bytes when it is a pipe)."""

import datetime
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from fupin.analytics.bulletin import (
    PRECISION,
    PRECISIONS,
    bulletin_docx,
    bulletin_pdf,
    write_bulletin,
)
from fupin.lib.cli import FupinCommand
from fupin.regions.codes import is_digits
from fupin.regions.models import Region

FORMATS = ("text", "docx", "pdf")


class Command(FupinCommand):
    help = (
        "Write the programme bulletin (progress report) of a region from its figures, as text, "
        "Word or PDF."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True, help="region code (51, a city, a county…)")
        parser.add_argument(
            "--as-of", default=None, help="date YYYY-MM-DD (default: the latest figures)"
        )
        parser.add_argument(
            "--precision",
            type=int,
            default=PRECISION,
            choices=list(PRECISIONS),
            help=f"significant digits kept in each number (default {PRECISION})",
        )
        parser.add_argument("--format", choices=FORMATS, default="text")
        parser.add_argument("--output", default=None, help="file to write (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["region"].strip()
        if not is_digits(code) or not Region.objects.filter(code=code).exists():
            raise CommandError(_("There is no region with code “%(code)s”.") % {"code": code})
        as_of = None
        if options["as_of"]:
            try:
                as_of = datetime.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(
                    _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": options["as_of"]}
                ) from None
        bulletin = write_bulletin(code, as_of, options["precision"])
        kind = options["format"]
        output = options["output"]
        if kind == "text":
            text = bulletin.text()
            if output:
                Path(output).write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text, ending="")
            return
        body = bulletin_docx(bulletin) if kind == "docx" else bulletin_pdf(bulletin)
        if output:
            Path(output).write_bytes(body)
            self.stdout.write(_("Wrote %(path)s.") % {"path": output})
        elif sys.stdout.isatty():
            raise CommandError(_("Give --output FILE for a Word or PDF bulletin."))
        else:
            sys.stdout.buffer.write(body)
