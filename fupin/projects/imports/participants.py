"""The participants' file: one row per participant of a project (fupin.projects.imports)."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.imports import parsers
from fupin.imports.schema import Column, ParsedRow, RowError
from fupin.imports.through_actions import (
    ActionErrors,
    ThroughActions,
    by_pk,
    repeats,
    report_progress,
)
from fupin.projects import actions
from fupin.projects.imports.rows import (
    PROJECT_COLUMNS,
    WHO_COLUMNS,
    find_people,
    find_projects,
    participant_key,
    participants_of,
    who_column,
)
from fupin.projects.models import Project
from fupin.registry.models import Household, Person

PARTICIPANT_COLUMNS = [
    *PROJECT_COLUMNS,
    *WHO_COLUMNS,
    Column("is_shareholder", "是否入股", ("入股", "股东", "是否股东"), parse=parsers.boolean),
    Column("is_worker", "是否务工", ("务工", "是否就业"), parse=parsers.boolean),
    Column("is_trainee", "是否参加培训", ("培训", "是否培训"), parse=parsers.boolean),
    Column("joined_on", "加入日期", ("加入时间", "参与日期"), parse=parsers.date),
]
ROLES = ("is_shareholder", "is_worker", "is_trainee")
PARTICIPANT_FIELD_COLUMNS = {
    "person": "id_number",
    "household": "number",
    "region_code": "village_code",
    "region": "village_code",
    "project": "project",
}


class ParticipantSchema(ThroughActions):
    name = "participants"
    title = gettext_lazy("Participants of demonstration projects")
    columns = PARTICIPANT_COLUMNS

    def _refused(self, rows: list[ParsedRow], *, actor: Any, errors: ActionErrors) -> set[int]:
        skip = find_projects(rows, actor, errors)
        skip |= find_people(rows, actor, errors)
        found = [r for r in rows if r.row not in skip]
        for row, first in repeats(found, participant_key):
            errors.add(
                row, who_column(row), _("The same participant as row %(row)d.") % {"row": first}
            )
            skip.add(row.row)
        return skip

    def _apply(
        self,
        rows: list[ParsedRow],
        *,
        actor: Any,
        progress: Callable[[int], None] | None = None,
    ) -> list[RowError]:
        """Add each row's participant to its project, or update the one already there, through
        the actions; the errors they raise."""
        errors = ActionErrors(self.columns)
        projects = by_pk(Project.objects.all(), {r.values["project_pk"] for r in rows})
        people = by_pk(
            Person.objects.all(), {r.values["person_pk"] for r in rows if r.values["person_pk"]}
        )
        households = by_pk(
            Household.objects.all(),
            {r.values["household_pk"] for r in rows if r.values["household_pk"]},
        )
        existing = participants_of(set(projects))
        for n, row in enumerate(rows, start=1):
            report_progress(progress, n)
            v = row.values
            roles = {k: v[k] for k in ROLES if v.get(k) is not None}
            if v.get("joined_on") is not None:
                roles["joined_on"] = v["joined_on"]
            participant = existing.get(participant_key(row))
            columns = dict(PARTICIPANT_FIELD_COLUMNS)
            if v["project"] is None:
                columns["project"] = "project_number"
            try:
                if participant is not None:
                    actions.update_participant(actor=actor, participant=participant, **roles)
                    continue
                person = people.get(v["person_pk"])
                household = households.get(v["household_pk"])
                actions.add_participant(
                    actor=actor,
                    project=projects[v["project_pk"]],
                    person=person,
                    household=household if person is None else None,
                    name=v["name"] or "",
                    region_code=v["village_code"] or "",
                    **roles,
                )
            except (ValidationError, PermissionDenied) as e:
                errors.refused(row, e, columns, default=who_column(row))
        return errors.found


PARTICIPANTS = ParticipantSchema()
