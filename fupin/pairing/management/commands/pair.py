import json
from collections import Counter
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from fupin.lib.cli import FupinCommand, working
from fupin.pairing import actions
from fupin.pairing.optimise import propose
from fupin.pairing.solver import HELPERS_AT_CAP, NO_HELPER_IN_REACH
from fupin.regions.codes import is_digits
from fupin.regions.models import Region


class Command(FupinCommand):
    help = (
        "Propose primary helpers for every unpaired beneficiary of a region (the optimiser) "
        "and apply the proposal, unless --dry-run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True, help="region code (a county, a city…)")
        parser.add_argument(
            "--dry-run", action="store_true", help="only show the proposal, save nothing"
        )
        parser.add_argument(
            "--rebalance",
            action="store_true",
            help="decide every beneficiary again, current pairings included",
        )
        parser.add_argument(
            "--workers", type=int, default=None, help="worker processes (default: one per core)"
        )
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["region"].strip()
        if not is_digits(code) or not Region.objects.filter(code=code).exists():
            raise CommandError(_("There is no region with code “%(code)s”.") % {"code": code})
        workers = options["workers"]
        if workers is not None and workers < 1:
            raise CommandError(_("--workers must be at least 1."))
        rebalance = options["rebalance"]
        with working(_("Proposing pairings for %(region)s…") % {"region": code}):
            result = propose(code, rebalance=rebalance, workers=workers)
        made = None
        if not options["dry_run"]:
            with working(_("Applying the proposal…")):
                proposal = actions.save_proposal(
                    actor=None, region_code=code, result=result, rebalance=rebalance
                )
                made = actions.apply_proposal(actor=None, proposal=proposal)
        if options.get("json"):
            self.stdout.write(
                json.dumps(
                    {
                        "beneficiaries": result.beneficiaries,
                        "assigned": result.assigned,
                        "unassigned": result.unassigned,
                        "total_cost": result.cost_after,
                        "seconds": round(result.seconds, 3),
                    }
                )
            )
            return
        self.stdout.write(self.summary(code, result, made))

    def summary(self, code: str, result: Any, made: int | None) -> str:
        reasons = Counter(item["reason"] for item in result.items if item["reason"])
        changes = sum(1 for item in result.items if item["new"])
        lines = [
            _(
                "%(region)s: %(beneficiaries)s beneficiaries, %(assigned)s with a primary helper, "
                "%(unassigned)s left unpaired."
            )
            % {
                "region": code,
                "beneficiaries": f"{result.beneficiaries:,}",
                "assigned": f"{result.assigned:,}",
                "unassigned": f"{result.unassigned:,}",
            },
            _("Proposed: %(changes)s new or changed pairings.") % {"changes": f"{changes:,}"},
        ]
        if result.unassigned:
            lines.append(
                _(
                    "Unpaired: %(no_helper)s with no helper within reach, %(at_cap)s whose "
                    "helpers within reach are all at their cap."
                )
                % {
                    "no_helper": f"{reasons[NO_HELPER_IN_REACH]:,}",
                    "at_cap": f"{reasons[HELPERS_AT_CAP]:,}",
                }
            )
        lines.append(
            _("Cost before %(before)s, after %(after)s.")
            % {"before": f"{result.cost_before:,}", "after": f"{result.cost_after:,}"}
        )
        histogram = "  ".join(f"{load}: {n:,}" for load, n in sorted(result.histogram.items()))
        lines.append(_("Helpers by load: %(histogram)s") % {"histogram": histogram or "-"})
        if made is None:
            lines.append(_("Dry run: nothing saved."))
        else:
            lines.append(_("Applied: %(made)s pairings made.") % {"made": f"{made:,}"})
        lines.append(_("Done in %(seconds)s s.") % {"seconds": f"{result.seconds:.1f}"})
        return "\n".join(lines)
