"""Which project and which person a row of the participants' or contributions' file means, among
the records the importing user sees (fupin.projects.imports).
"""

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from fupin.imports import parsers
from fupin.imports.schema import Column, ParsedRow
from fupin.imports.through_actions import ActionErrors, chunks, visible
from fupin.projects.models import Participant, Project
from fupin.registry.models import Household, Person

PROJECT_COLUMNS = [
    Column(
        "project",
        "项目名称",
        ("项目", "示范项目", "示范项目名称"),
        parse=parsers.fits(Project, "name"),
        help="项目名称，或在下一列填写编号",
    ),
    Column(
        "project_number",
        "项目编号",
        ("项目ID",),
        parse=parsers.integer(min_value=1),
        help="项目重名时填写",
    ),
]


def find_projects(rows: list[ParsedRow], actor: Any, errors: ActionErrors) -> set[int]:
    """Set each row's `project_pk` (a project the actor sees, by number or by a name that
    means one); the rows that have none, their error said."""
    names = {
        r.values["project"].strip()
        for r in rows
        if r.values["project"] and r.values["project_number"] is None
    }
    by_name: dict[str, list[int]] = defaultdict(list)
    for chunk in chunks(sorted(names)):
        qs = visible(Project, actor).filter(name__in=chunk).order_by("pk")
        for name, pk in qs.values_list("name", "pk"):
            by_name[name].append(pk)
    numbers = {r.values["project_number"] for r in rows if r.values["project_number"]}
    seen: dict[int, str] = {}
    for chunk in chunks(sorted(numbers)):
        seen.update(visible(Project, actor).filter(pk__in=chunk).values_list("pk", "name"))
    skip: set[int] = set()
    for row in rows:
        v = row.values
        v["project_pk"] = None
        if {"project", "project_number"} & row.bad:
            skip.add(row.row)
            continue
        number, name = v["project_number"], (v["project"] or "").strip()
        if number is not None:
            if number not in seen:
                errors.add(
                    row,
                    "project_number",
                    _("There is no project with this number in the regions you may see."),
                )
            elif name and seen[number] != name:
                errors.add(
                    row,
                    "project",
                    _("Project number %(number)d is named “%(name)s”.")
                    % {"number": number, "name": seen[number]},
                )
            else:
                v["project_pk"] = number
        elif not name:
            errors.add(
                row,
                "project",
                _("Required: the project's name, or its number in “%(column)s”.")
                % {"column": errors.labels["project_number"]},
            )
        elif len(by_name.get(name, [])) > 1:
            errors.add(
                row,
                "project",
                _(
                    "%(count)d projects have this name (numbers %(numbers)s): give the number "
                    "in “%(column)s”."
                )
                % {
                    "count": len(by_name[name]),
                    "numbers": "、".join(str(pk) for pk in by_name[name]),
                    "column": errors.labels["project_number"],
                },
            )
        elif by_name.get(name):
            v["project_pk"] = by_name[name][0]
        else:
            errors.add(
                row, "project", _("There is no project of this name in the regions you may see.")
            )
        if v["project_pk"] is None:
            skip.add(row.row)
    return skip


WHO_COLUMNS = [
    Column(
        "name",
        "姓名",
        ("户主姓名", "参与人姓名", "股东姓名"),
        parse=parsers.fits(Participant, "name"),
    ),
    Column(
        "id_number",
        "身份证号",
        ("公民身份号码", "身份证号码", "证件号码"),
        parse=parsers.id_number,
        help="在册人员填写",
    ),
    Column("village_code", "村代码", ("所在村代码", "行政村代码"), parse=parsers.village_code),
    Column(
        "number",
        "户编号",
        ("户号", "户编码"),
        parse=parsers.text(max_length=Household._meta.get_field("number").max_length or 30),
        help="以户参与时填写",
    ),
]

WHO = frozenset({"name", "id_number", "village_code", "number"})


def find_people(
    rows: list[ParsedRow], actor: Any, errors: ActionErrors, *, registered_only: bool = False
) -> set[int]:
    """Set each row's `person_pk` and `household_pk` from its ID number or its village code
    and household number (among those the actor sees); the rows whose person or household
    could not be found (their error said). A row with neither names a villager outside the
    registry by name and village."""
    numbers = sorted({r.values["id_number"] for r in rows if r.values["id_number"]})
    people: dict[str, tuple[int, int]] = {}
    for chunk in chunks(numbers):
        qs = visible(Person, actor).filter(id_number__in=chunk)
        for number, pk, household in qs.values_list("id_number", "pk", "household_id"):
            people[number] = (pk, household)
    by_village: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r.values["village_code"] and r.values["number"]:
            by_village[r.values["village_code"]].add(r.values["number"])
    households: dict[tuple[str, str], int] = {}
    for village, wanted in sorted(by_village.items()):
        for chunk in chunks(sorted(wanted)):
            qs = visible(Household, actor).filter(village_id=village, number__in=chunk)
            for number, pk in qs.values_list("number", "pk"):
                households[(village, number)] = pk
    skip: set[int] = set()
    for row in rows:
        v = row.values
        v["person_pk"] = v["household_pk"] = None
        if row.bad & WHO:
            skip.add(row.row)
            continue
        if v["id_number"]:
            found = people.get(v["id_number"])
            if found is None:
                errors.add(
                    row,
                    "id_number",
                    _(
                        "There is no registered person with this ID number in the regions you "
                        "may see."
                    ),
                )
                skip.add(row.row)
            else:
                v["person_pk"], v["household_pk"] = found
        elif v["number"]:
            if not v["village_code"]:
                errors.add(
                    row,
                    "village_code",
                    _("Required with “%(column)s”.") % {"column": errors.labels["number"]},
                )
                skip.add(row.row)
                continue
            v["household_pk"] = households.get((v["village_code"], v["number"]))
            if v["household_pk"] is None:
                errors.add(
                    row,
                    "number",
                    _(
                        "There is no household numbered %(number)s in village %(village)s "
                        "in the regions you may see."
                    )
                    % {"number": v["number"], "village": v["village_code"]},
                )
                skip.add(row.row)
        elif not v["name"] or (not registered_only and not v["village_code"]):
            errors.add(
                row,
                "name",
                _(
                    "Required: the ID number of a registered person, the village code and "
                    "household number of a household, or the name and village code of a "
                    "villager outside the registry."
                )
                if not registered_only
                else _("Required: the participant's ID number, household number or name."),
            )
            skip.add(row.row)
    return skip


def participant_key(row: ParsedRow) -> tuple[Any, ...]:
    """Who a row means, as a project tells its participants apart: the person, else the
    household, else the name in the village."""
    v = row.values
    if v["person_pk"] is not None:
        return (v["project_pk"], "person", v["person_pk"])
    if v["household_pk"] is not None:
        return (v["project_pk"], "household", v["household_pk"])
    return (v["project_pk"], "name", (v["name"] or "").strip(), v["village_code"])


def who_column(row: ParsedRow) -> str:
    v = row.values
    if v["id_number"]:
        return "id_number"
    if v["number"]:
        return "number"
    return "name"


def participants_of(project_pks: set[int]) -> dict[tuple[Any, ...], Participant]:
    """The participants of these projects, keyed as `participant_key` keys rows."""
    found: dict[tuple[Any, ...], Participant] = {}
    for chunk in chunks(sorted(project_pks)):
        for p in Participant.objects.filter(project_id__in=chunk).order_by("pk"):
            if p.person_id is not None:
                key: tuple[Any, ...] = (p.project_id, "person", p.person_id)
            elif p.household_id is not None:
                key = (p.project_id, "household", p.household_id)
            else:
                key = (p.project_id, "name", p.name, p.region_id)
            found.setdefault(key, p)
    return found
