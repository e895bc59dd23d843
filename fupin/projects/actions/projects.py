"""Projects, the villages they cover, their approval steps, investments and yearly figures."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.accounts.roles import Action
from fupin.accounts.scoping import can, regions_in_scope, require
from fupin.audit.actions import audited_delete, audited_update, check_known, stripped
from fupin.audit.log import acting_user, record, snapshot
from fupin.lib.deletion import delete_or_explain
from fupin.party.actions import common_region
from fupin.party.models import Member, Organisation
from fupin.projects.actions.common import (
    NO_SUCH_RECORD,
    PROJECT_FIELDS,
    PROJECT_OUTSIDE,
    check_fields,
)
from fupin.projects.choices import STAGE_ORDER, Stage
from fupin.projects.models import (
    Approval,
    Investment,
    Partner,
    Project,
    ProjectVillage,
    ProjectYear,
)
from fupin.projects.rules import can_advance, money, next_stage
from fupin.regions.choices import Level
from fupin.regions.models import Region, with_county_codes
from fupin.registry.rules import check_year

EDITABLE_FIELDS = [f for f in PROJECT_FIELDS if f not in ("region", "stage")]


def project_snapshot(project: Project) -> dict[str, Any]:
    data = snapshot(project, PROJECT_FIELDS)
    data["villages"] = sorted(project.coverage.values_list("region_id", flat=True))
    data["leaders"] = sorted(project.leaders.values_list("pk", flat=True))
    data["partners"] = sorted(project.partners.values_list("pk", flat=True))
    return data


def villages_for(actor: Any, village_codes: list[str] | tuple[str, ...]) -> list[Region]:
    """The covered villages, refused unless each is a village in the actor's subtree."""
    villages = regions_in_scope(actor, village_codes, level=Level.VILLAGE, field="village_codes")
    if not villages:
        raise ValidationError({"village_codes": _("A project covers at least one village.")})
    return villages


def _check_links(
    actor: Any,
    leaders: Any,
    organisation: Organisation | None,
    partners: Any,
) -> None:
    for member in leaders:
        if not can(actor, Action.VIEW, member):
            raise ValidationError({"leaders": NO_SUCH_RECORD})
    if organisation is not None and not can(actor, Action.VIEW, organisation):
        raise ValidationError({"organisation": NO_SUCH_RECORD})
    for partner in partners:
        if not can(actor, Action.VIEW, partner):
            raise ValidationError({"partners": NO_SUCH_RECORD})


def _check_charter(project: Project) -> None:
    if (project.reserve_percent or 0) + (project.collective_percent or 0) > 100:
        raise ValidationError(
            {
                "collective_percent": _(
                    "The reserve fund and the village collective together cannot take more "
                    "than the whole profit."
                )
            }
        )


def _set_villages(project: Project, villages: list[Region]) -> None:
    project.coverage.all().delete()
    ProjectVillage.objects.bulk_create(
        with_county_codes(ProjectVillage(project=project, region=v) for v in villages)
    )


@transaction.atomic
def create_project(
    *,
    actor: Any,
    name: str,
    type: str,
    setup: str,
    village_codes: list[str] | tuple[str, ...],
    leaders: list[Member] | tuple[Member, ...] = (),
    organisation: Organisation | None = None,
    partners: list[Partner] | tuple[Partner, ...] = (),
    started_on: datetime.date | None = None,
    **fields: Any,
) -> Project:
    """Register a project as proposed (its first approval step, dated its start or today)."""
    check_known(fields, EDITABLE_FIELDS, "project")
    villages = villages_for(actor, village_codes)
    _check_links(actor, leaders, organisation, partners)
    project = Project(
        name=(name or "").strip(),
        type=type,
        setup=setup,
        region_id=common_region([v.code for v in villages]),
        organisation=organisation,
        started_on=started_on or datetime.date.today(),
        stage=Stage.PROPOSED,
        **fields,
    )
    check_fields(project, exclude=["region"])
    _check_charter(project)
    project.save()
    _set_villages(project, villages)
    project.leaders.set(leaders)
    project.partners.set(partners)
    Approval.objects.create(
        project=project,
        stage=Stage.PROPOSED,
        done_on=min(project.started_on, datetime.date.today()),
        by=acting_user(actor),
    )
    record(
        actor=actor,
        action="projects.create_project",
        obj=project,
        region_code=project.region_id,
        after=project_snapshot(project),
    )
    require(actor, project, Action.CHANGE)
    return project


@transaction.atomic
def update_project(*, actor: Any, project: Project, **fields: Any) -> Project:
    """Change a project's record, its villages (`village_codes`), leaders or partners."""
    require(actor, project, Action.CHANGE, message=PROJECT_OUTSIDE)
    village_codes = fields.pop("village_codes", None)
    leaders = fields.pop("leaders", None)
    partners = fields.pop("partners", None)
    check_known(fields, EDITABLE_FIELDS, "project")
    _check_links(actor, leaders or (), fields.get("organisation"), partners or ())
    villages = villages_for(actor, village_codes) if village_codes is not None else None

    def check(project: Project) -> None:
        if villages is not None:
            project.region_id = common_region([v.code for v in villages])
        check_fields(project, exclude=["region"])
        _check_charter(project)

    def save(project: Project) -> None:
        project.save()
        if villages is not None:
            _set_villages(project, villages)
        if leaders is not None:
            project.leaders.set(leaders)
        if partners is not None:
            project.partners.set(partners)

    audited_update(
        actor,
        project,
        stripped(fields),
        action="projects.update_project",
        fields=project_snapshot,
        region_code=lambda p: p.region_id,
        check=check,
        save=save,
    )
    require(actor, project, Action.CHANGE)
    return project


@transaction.atomic
def delete_project(*, actor: Any, project: Project) -> None:
    """Delete a project; one with dividend runs is kept (its payouts are money paid)."""
    require(actor, project, Action.CHANGE, message=PROJECT_OUTSIDE)
    if project.dividend_runs.exists():
        raise ValidationError(
            _("This project has dividend runs; a project that paid dividends is kept.")
        )
    audited_delete(
        actor,
        project,
        action="projects.delete_project",
        fields=project_snapshot,
        region_code=project.region_id,
        delete=_delete_project,
        object_repr=project.name,
    )


def _delete_project(project: Project) -> None:
    project.share_entries.all().delete()
    delete_or_explain(project)


@transaction.atomic
def advance_project(
    *,
    actor: Any,
    project: Project,
    stage: str,
    done_on: datetime.date | None = None,
    note: str = "",
) -> Approval:
    """Record the project's next approval step, taken by a user of the step's level."""
    require(actor, project, Action.CHANGE, message=PROJECT_OUTSIDE)
    if stage not in STAGE_ORDER:
        raise ValidationError({"stage": _("There is no such approval step.")})
    following = next_stage(project.stage)
    if following is None:
        raise ValidationError({"stage": _("This project has passed every approval step.")})
    if stage != following:
        raise ValidationError(
            {
                "stage": _("The next step of this project is “%(step)s”.")
                % {"step": Stage(following).label}
            }
        )
    if not can_advance(actor, project, stage):
        raise ValidationError(
            {"stage": _("Only a user of the level this step needs may record it.")}
        )
    done_on = done_on or datetime.date.today()
    last = project.approvals.order_by("-done_on").values_list("done_on", flat=True).first()
    if done_on > datetime.date.today():
        raise ValidationError({"done_on": _("The date cannot be in the future.")})
    if last is not None and done_on < last:
        raise ValidationError({"done_on": _("A step cannot come before the previous one.")})
    approval = Approval.objects.create(
        project=project, stage=stage, done_on=done_on, by=acting_user(actor), note=note.strip()
    )
    before = project.stage
    project.stage = stage
    project.save(update_fields=["stage", "updated_at"])
    record(
        actor=actor,
        action="projects.advance_project",
        obj=project,
        region_code=project.region_id,
        before={"stage": before},
        after={"stage": stage, "done_on": str(done_on), "note": approval.note},
    )
    return approval


@transaction.atomic
def add_investment(
    *,
    actor: Any,
    project: Project,
    source: str,
    amount: Any,
    invested_on: datetime.date | None = None,
) -> Investment:
    require(actor, project, Action.CHANGE, message=PROJECT_OUTSIDE)
    investment = Investment(
        project=project,
        source=source,
        amount=money(amount, "amount", positive=True),
        invested_on=invested_on,
    )
    check_fields(investment)
    investment.save()
    record(
        actor=actor,
        action="projects.add_investment",
        obj=project,
        region_code=project.region_id,
        after=snapshot(investment, ["source", "amount", "invested_on"]),
    )
    return investment


@transaction.atomic
def delete_investment(*, actor: Any, investment: Investment) -> None:
    project = investment.project
    require(actor, project, Action.CHANGE, message=PROJECT_OUTSIDE)
    before = snapshot(investment, ["source", "amount", "invested_on"])
    investment.delete()
    record(
        actor=actor,
        action="projects.delete_investment",
        obj=project,
        region_code=project.region_id,
        before=before,
    )


@transaction.atomic
def record_project_year(
    *,
    actor: Any,
    project: Project,
    year: int,
    output_value: Any = 0,
    jobs: int = 0,
    wages_paid: Any = 0,
) -> ProjectYear:
    """The project's output, jobs and wages of a year (replacing what was recorded)."""
    require(actor, project, Action.CHANGE, message=PROJECT_OUTSIDE)
    check_year(year)
    if jobs is None or int(jobs) < 0:
        raise ValidationError({"jobs": _("Must not be negative.")})
    existing = ProjectYear.objects.filter(project=project, year=year).first()
    fields = ["year", "output_value", "jobs", "wages_paid"]
    before = snapshot(existing, fields) if existing else None
    figures = existing or ProjectYear(project=project, year=year)
    figures.output_value = money(output_value, "output_value")
    figures.jobs = int(jobs)
    figures.wages_paid = money(wages_paid, "wages_paid")
    figures.save()
    record(
        actor=actor,
        action="projects.record_project_year",
        obj=project,
        region_code=project.region_id,
        before=before,
        after=snapshot(figures, fields),
    )
    return figures


def total_investment(project: Project) -> Decimal:
    return sum((i.amount for i in project.investments.all()), Decimal("0.00"))
