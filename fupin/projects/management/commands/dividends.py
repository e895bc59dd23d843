"""`fupin dividends preview|record --project ID --period PERIOD --profit AMOUNT [--json]`.

`preview` computes a project's dividend run and saves nothing. `record` proposes, approves and
records it through the same actions as the pages: as the operator by default, or as `--user`,
whose grants then decide (approving and recording is the township's or a higher level's).
Four eyes (fupin.accounts.duties) keep one user from taking the three steps: `--approved-by`
and `--recorded-by` name the others (each defaults to `--user`).
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.accounts.models import User
from fupin.lib.cli import FupinCommand, refuse
from fupin.projects import actions, dividends
from fupin.projects.actions.runs import saved_run
from fupin.projects.models import DividendRun, Project
from fupin.projects.rules import parse_period

FEN = Decimal("0.01")


def amount(value: Decimal) -> str:
    """An amount (or a number of shares) as a decimal string with two places."""
    return str(value.quantize(FEN))


def as_json(project: Project, period: str, run: dividends.Run) -> dict[str, Any]:
    return {
        "project": project.pk,
        "period": period,
        "pool": amount(run.pool),
        "reserve": amount(run.reserve),
        "collective": amount(run.collective),
        "shortfall": amount(run.shortfall),
        "preferred_total": amount(run.preferred_total),
        "ordinary_total": amount(run.ordinary_total),
        "reserve_drawn": amount(run.reserve_drawn),
        "payouts": [
            {
                "shareholder": p.shareholder,
                "shares": amount(p.shares),
                "preferred": amount(p.preferred),
                "ordinary": amount(p.ordinary),
                "total": amount(p.total),
            }
            for p in run.payouts
        ],
    }


def problems_of(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages in error.message_dict.values() for m in messages]
    return list(error.messages)


class Command(FupinCommand):
    help = (
        "Compute a project's dividend run for a period and a profit (preview), or propose, "
        "approve and record it (record)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("step", choices=["preview", "record"], help="preview or record")
        parser.add_argument("--project", required=True, help="the project's id")
        parser.add_argument(
            "--period", required=True, help="a year (2019) or two dates (2019-07-01..2020-06-30)"
        )
        parser.add_argument("--profit", required=True, help="the distributable profit in yuan")
        parser.add_argument("--note", default="", help="a note kept with the run (record)")
        parser.add_argument(
            "--user",
            default=None,
            help="act as this user, whose grants decide (record; default: the operator)",
        )
        parser.add_argument(
            "--approved-by",
            default=None,
            help="the user who approves the run (record; default: --user)",
        )
        parser.add_argument(
            "--recorded-by",
            default=None,
            help="the user who records the run (record; default: --user)",
        )
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        project = self.project(options["project"])
        actor = self.actor(options["user"])
        # Who approves and who records: --user unless named (four eyes want them named).
        steps = [
            actor if options[name] is None else self.actor(options[name])
            for name in ("approved_by", "recorded_by")
        ]
        period = options["period"].strip()
        try:
            start, end = parse_period(period)
            if options["step"] == "preview":
                run = actions.preview_dividends(
                    project=project, period_start=start, period_end=end, profit=options["profit"]
                )
                row = None
            else:
                row = self.record([actor, *steps], project, start, end, options)
                run = saved_run(row)
        except ValidationError as e:
            raise refuse(problems_of(e), _("No dividend run:")) from None
        except PermissionDenied as e:
            raise refuse([str(e) or _("You may not do this.")], _("No dividend run:")) from None
        data = as_json(project, period, run)
        if row is not None:
            data.update(run=row.pk, status=row.status)
        self.emit(options, self.summary(project, period, run, row), data)

    def project(self, value: str) -> Project:
        value = value.strip()
        project = None
        if value.isascii() and value.isdigit():
            project = Project.objects.filter(pk=int(value)).first()
        if project is None:
            raise CommandError(_("There is no project with id “%(id)s”.") % {"id": value})
        return project

    def actor(self, username: str | None) -> User | None:
        if username is None:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise refuse([username], _("There is no such user:"))
        return user

    def record(
        self,
        actors: list[User | None],
        project: Project,
        start: Any,
        end: Any,
        options: dict[str, Any],
    ) -> DividendRun:
        """Propose, approve and record as `actors` (one per step)."""
        proposer, approver, recorder = actors
        # One transaction: a refused approval leaves no proposal behind.
        with transaction.atomic():
            row = actions.propose_dividend_run(
                actor=proposer,
                project=project,
                period_start=start,
                period_end=end,
                profit=options["profit"],
                note=options["note"],
            )
            row = actions.approve_dividend_run(actor=approver, run=row)
            return actions.record_dividend_run(actor=recorder, run=row)

    def summary(
        self, project: Project, period: str, run: dividends.Run, row: DividendRun | None
    ) -> str:
        lines = [
            _("%(project)s (%(id)s), %(period)s: profit %(pool)s.")
            % {"project": project.name, "id": project.pk, "period": period, "pool": run.pool},
            _(
                "Reserve fund %(reserve)s, village collective %(collective)s, preferred "
                "dividends %(preferred)s, ordinary dividends %(ordinary)s."
            )
            % {
                "reserve": amount(run.reserve),
                "collective": amount(run.collective),
                "preferred": amount(run.preferred_total),
                "ordinary": amount(run.ordinary_total),
            },
        ]
        if run.reserve_drawn:
            lines.append(
                _("Drawn from the reserve for the guarantee: %(drawn)s.")
                % {"drawn": amount(run.reserve_drawn)}
            )
        if run.shortfall:
            lines.append(
                _("Shortfall of the guarantee: %(shortfall)s.")
                % {"shortfall": amount(run.shortfall)}
            )
        lines.append(
            _("%(n)s shareholders receive %(total)s.")
            % {
                "n": f"{len(run.payouts):,}",
                "total": amount(run.preferred_total + run.ordinary_total),
            }
        )
        for p in run.payouts[:20]:
            lines.append(
                "  "
                + _("%(id)s: %(shares)s shares, %(preferred)s + %(ordinary)s = %(total)s")
                % {
                    "id": p.shareholder,
                    "shares": amount(p.shares),
                    "preferred": amount(p.preferred),
                    "ordinary": amount(p.ordinary),
                    "total": amount(p.total),
                }
            )
        if len(run.payouts) > 20:
            lines.append("  " + _("… and %(n)s more.") % {"n": f"{len(run.payouts) - 20:,}"})
        if row is None:
            lines.append(_("Preview: nothing saved."))
        else:
            lines.append(_("Recorded as dividend run %(run)s.") % {"run": row.pk})
        return "\n".join(lines)
