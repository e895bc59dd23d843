"""`fupin analytics rebuild|check [--region CODE] [--json]`: rebuild the summary figures from
the records, or recount them and report every difference (exit status 1 when there is one)."""

import time
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from fupin.analytics import refresh
from fupin.lib.cli import FupinCommand, working
from fupin.regions.codes import is_digits
from fupin.regions.models import Region


class Command(FupinCommand):
    help = _("Rebuild or check the summary figures of the statistics.")

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("verb", choices=["rebuild", "check"])
        parser.add_argument("--region", default="", help=_("Region code (default: all)"))

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["region"].strip()
        if code and (not is_digits(code) or not Region.objects.filter(code=code).exists()):
            raise CommandError(_("There is no region with code “%(code)s”.") % {"code": code})
        start = time.perf_counter()
        if options["verb"] == "rebuild":
            with working(_("Counting the figures from the records")):
                rows = refresh.rebuild(code)
            seconds = round(time.perf_counter() - start, 2)
            self.emit(
                options,
                _("Rebuilt %(rows)s rows of figures in %(seconds)s s.")
                % {"rows": rows, "seconds": seconds},
                {"region": code, "rows": rows, "seconds": seconds},
            )
            return
        with working(_("Recounting the figures from the records")):
            differences = refresh.check(code)
        seconds = round(time.perf_counter() - start, 2)
        self.emit(
            options,
            _("%(n)s differences between the figures and the records.") % {"n": len(differences)},
            {
                "region": code,
                "differences": [d.__dict__ for d in differences[:100]],
                "count": len(differences),
                "seconds": seconds,
            },
        )
        if differences:
            for d in differences[:20]:
                self.stderr.write(f"{d.code} {d.year} {d.key}: {d.stored} != {d.counted}")
            raise SystemExit(1)
