from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from fupin.demo.builder import DEMO_PASSWORD, build
from fupin.demo.guard import FLAG, refusal
from fupin.demo.projects import ProjectsResult
from fupin.lib.cli import FupinCommand, working


def projects_block(p: ProjectsResult) -> dict[str, Any]:
    return {
        "projects": p.projects,
        "covered_villages": p.covered_villages,
        "participants": p.participants,
        "poor_participants": p.poor_participants,
        "shareholders": p.shareholders,
        "enterprises": p.enterprises,
        "industry_households": p.industry_households,
        "share_entries": p.share_entries,
        "runs": p.runs,
        "payouts": p.payouts,
        "distributed": str(p.distributed),
        "households_paid": p.households_paid,
        "income_records": p.income_records,
        "fixtures": p.fixtures,
        "users": {u: {"role": r, "region": c} for u, (r, c) in p.users.items()},
    }


class Command(FupinCommand):
    help = "Build a synthetic programme on the real Sichuan region tree (deterministic per seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=0.1, help="1 = Sichuan's real size")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            FLAG,
            action="store_true",
            help="build even with DEBUG off or on records the demo did not make, replacing them",
        )
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        if not 0 < scale <= 1:
            raise CommandError(_("--scale must be greater than 0 and at most 1."))
        why_not = refusal(replace_everything=options["replace_everything"])
        if why_not:
            raise CommandError(why_not)
        with working(_("Building the demo province…")):
            result = build(scale=scale, seed=options["seed"])
        lines = [
            _("Demo built: %(counties)s poor counties, %(villages)s poor villages.")
            % {
                "counties": f"{result.poor_counties:,}",
                "villages": f"{result.poor_villages:,}",
            },
            _("Registered poor households: %(households)s, with %(people)s people.")
            % {"households": f"{result.households:,}", "people": f"{result.people:,}"},
            _(
                "Party organisations: %(organisations)s on %(villages)s villages of %(counties)s "
                "counties, with %(members)s members (%(poor)s poor members) and %(cadres)s "
                "cadres in county organs."
            )
            % {
                "organisations": f"{result.party_organisations:,}",
                "villages": f"{result.party_villages:,}",
                "counties": f"{result.party_counties:,}",
                "members": f"{result.party_members:,}",
                "poor": f"{result.poor_members:,}",
                "cadres": f"{result.cadres:,}",
            },
            _(
                "Pairing: %(helpers)s helpers, %(pairings)s current pairings, %(unpaired)s "
                "beneficiaries waiting for a helper, %(plans)s household plans, %(visits)s visits."
            )
            % {
                "helpers": f"{result.helpers:,}",
                "pairings": f"{result.pairings:,}",
                "unpaired": f"{result.unpaired:,}",
                "plans": f"{result.plans:,}",
                "visits": f"{result.visits:,}",
            },
            _(
                "Projects: %(projects)s with %(poor)s poor participants, %(enterprises)s leading "
                "enterprises, %(industry)s industry households, %(runs)s recorded dividend runs."
            )
            % {
                "projects": f"{result.projects.projects:,}",
                "poor": f"{result.projects.poor_participants:,}",
                "enterprises": f"{result.projects.enterprises:,}",
                "industry": f"{result.projects.industry_households:,}",
                "runs": f"{result.projects.runs:,}",
            },
            _("County A is %(a)s, its sibling county B is %(b)s.")
            % {"a": result.county_a, "b": result.county_b},
            _("Users (password %(password)s):") % {"password": DEMO_PASSWORD},
            *(f"  {u:<18} {role:<18} {code}" for u, (role, code) in result.users.items()),
            # The address is the server's to print (`make demo` serves on HOST).
            _("Log in as admin / %(password)s") % {"password": DEMO_PASSWORD},
        ]
        self.emit(
            options,
            "\n".join(lines),
            {
                "poor_counties": result.poor_counties,
                "poor_villages": result.poor_villages,
                "county_a": result.county_a,
                "county_b": result.county_b,
                "households": result.households,
                "people": result.people,
                "party": {
                    "counties": result.party_counties,
                    "villages": result.party_villages,
                    "organisations": result.party_organisations,
                    "members": result.party_members,
                    "poor_members": result.poor_members,
                    "cadres": result.cadres,
                },
                "pairing": {
                    "helpers": result.helpers,
                    "pairings": result.pairings,
                    "unpaired": result.unpaired,
                    "plans": result.plans,
                    "visits": result.visits,
                },
                "projects": projects_block(result.projects),
                "users": {u: {"role": r, "region": c} for u, (r, c) in result.users.items()},
                "password": DEMO_PASSWORD,
            },
        )
