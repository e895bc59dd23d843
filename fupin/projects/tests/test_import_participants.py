"""Importing the participants of demonstration projects (`fupin import participants`) end to
end, with real .xlsx files: households, registered people and villagers outside the registry
added to a project, a participant already there updated, a second import changing nothing,
every bad row reported with its row, column and reason and nothing saved, and scope.
"""

import datetime
import json

import pytest
from django.utils.translation import gettext as _

from fupin.imports.pipeline import run_import
from fupin.lib.ids import make_resident_id
from fupin.projects import actions
from fupin.projects.imports import PARTICIPANTS
from fupin.projects.models import Participant
from fupin.projects.tests.test_import_projects import R, error, read_rows, refusal, workbook
from fupin.registry import actions as registry
from fupin.testing import (
    COUNTY_A,
    VILLAGE_A,
    command_output,
    import_refused,
    nothing_saved,
    row_counts,
    rows_changed,
)

pytestmark = pytest.mark.django_db

PROJECT = "花椒专业合作社"


@pytest.fixture
def newcomers(projects):
    """Two registered households of village A not yet in any project; the second's head is
    added by ID number."""

    def household(number: str, head: str, sequence: int):
        made = registry.create_household(
            actor=None,
            village_code=VILLAGE_A,
            number=number,
            main_cause="illness",
            registered_in=2016,
        )
        person = registry.add_person(
            actor=None,
            household=made,
            name=head,
            id_number=make_resident_id(COUNTY_A, datetime.date(1970, 5, 5), sequence),
            relation="head",
        )
        return made, person

    return household("J010", "新户甲", 810), household("J011", "新户乙", 811)


def hand_filled_rows(projects, newcomers) -> list[dict]:
    """Four participants of the pepper cooperative as the village types them.

    Row 4: a household by village code and household number (typed as a number), a worker.
    Row 5: a registered person by ID number (with a stray space), a shareholder and trainee.
    Row 6: a villager outside the registry, by name and village code, a shareholder.
    Row 7: the sample's trainee household, already in the project, now also a worker; the
    project by its number.
    """
    person = newcomers[1][1]
    return [
        {
            "项目名称": PROJECT,
            "村代码": int(VILLAGE_A),
            "户编号": "J010",
            "是否务工": "是",
            "加入日期": datetime.date(2019, 4, 1),
        },
        {
            "项目名称": PROJECT,
            "身份证号": f" {person.id_number}",
            "是否入股": "√",
            "是否参加培训": "Y",
        },
        {"项目名称": PROJECT, "姓名": "村民戊", "村代码": VILLAGE_A, "是否入股": "是"},
        {
            "项目编号": projects.project_a.pk,
            "村代码": VILLAGE_A,
            "户编号": "J004",
            "是否务工": "是",
            "是否参加培训": "是",
        },
    ]


def test_it_imports_the_template_filled_in_by_hand(cast, projects, newcomers, tmp_path):
    path = tmp_path / "t.xlsx"
    command_output("template", "participants", path)
    assert [c.lstrip("*") for c in read_rows(path)[1]] == [c.label for c in PARTICIPANTS.columns]
    workbook(path, PARTICIPANTS, hand_filled_rows(projects, newcomers))
    before = row_counts()

    out = json.loads(command_output("import", "participants", path, "--json"))

    assert out == {"rows": 4, "saved": 4, "errors": []}
    assert rows_changed(before) == {"projects.participant": 3, "audit.auditevent": 4}
    household, person = newcomers[0][0], newcomers[1][1]
    made = Participant.objects.get(project=projects.project_a, household=household)
    assert (made.name, made.is_poor, made.is_worker, made.is_shareholder, made.joined_on) == (
        "新户甲",
        True,
        True,
        False,
        datetime.date(2019, 4, 1),
    )
    by_id = Participant.objects.get(project=projects.project_a, person=person)
    assert (by_id.name, by_id.region_id, by_id.is_shareholder, by_id.is_trainee) == (
        "新户乙",
        VILLAGE_A,
        True,
        True,
    )
    villager = Participant.objects.get(project=projects.project_a, name="村民戊")
    assert (villager.household, villager.is_poor, villager.county_code) == (None, False, COUNTY_A)
    projects.trainee.refresh_from_db()
    assert (projects.trainee.is_worker, projects.trainee.is_trainee) == (True, True)


def test_it_changes_nothing_when_the_same_file_is_imported_again(
    cast, projects, newcomers, tmp_path
):
    path = workbook(tmp_path / "t.xlsx", PARTICIPANTS, hand_filled_rows(projects, newcomers))
    command_output("import", "participants", path)
    stored = list(Participant.objects.order_by("id").values())
    before = row_counts()
    out = json.loads(command_output("import", "participants", path, "--json"))
    assert out == {"rows": 4, "saved": 4, "errors": []}
    assert set(rows_changed(before)) <= {"audit.auditevent"}
    assert list(Participant.objects.order_by("id").values()) == stored


def test_it_reports_every_bad_row_and_saves_nothing(cast, projects, newcomers, tmp_path):
    household, person = newcomers[0][0], newcomers[1][1]
    nobody = make_resident_id(COUNTY_A, datetime.date(1980, 1, 1), 999)
    rows = [
        {"项目名称": "没有的项目", "户编号": "J010", "村代码": VILLAGE_A, "是否务工": "是"},
        {"项目编号": 99999, "户编号": "J010", "村代码": VILLAGE_A, "是否务工": "是"},
        {"户编号": "J010", "村代码": VILLAGE_A, "是否务工": "是"},
        {"项目名称": PROJECT, "身份证号": nobody, "是否务工": "是"},
        {"项目名称": PROJECT, "户编号": "J999", "村代码": VILLAGE_A, "是否务工": "是"},
        {"项目名称": PROJECT, "户编号": "J010", "是否务工": "是"},
        {"项目名称": PROJECT, "是否务工": "是"},
        {"项目名称": PROJECT, "户编号": "J010", "村代码": VILLAGE_A},
        {"项目名称": PROJECT, "身份证号": person.id_number, "是否务工": "是"},
        {"项目名称": PROJECT, "身份证号": person.id_number, "是否入股": "是"},
        {"项目名称": PROJECT, "身份证号": person.id_number[:-1] + "0", "是否务工": "也许"},
        {
            "项目名称": "生猪养殖合作社",
            "项目编号": projects.project_a.pk,
            "户编号": "J010",
            "村代码": VILLAGE_A,
        },
    ]
    path = workbook(tmp_path / "bad.xlsx", PARTICIPANTS, rows)
    no_role = refusal(
        lambda: actions.add_participant(actor=None, project=projects.project_a, household=household)
    )

    code, out = import_refused("import", "participants", path, "--json")

    assert code == 1
    errors = out["errors"]
    no_project = _("There is no project of this name in the regions you may see.")
    assert errors[:9] + errors[11:] == [
        error(R, "项目名称", "没有的项目", no_project),
        error(
            R + 1,
            "项目编号",
            "99999",
            _("There is no project with this number in the regions you may see."),
        ),
        error(
            R + 2,
            "项目名称",
            "",
            _("Required: the project's name, or its number in “%(column)s”.")
            % {"column": "项目编号"},
        ),
        error(
            R + 3,
            "身份证号",
            nobody,
            _("There is no registered person with this ID number in the regions you may see."),
        ),
        error(
            R + 4,
            "户编号",
            "J999",
            _(
                "There is no household numbered %(number)s in village %(village)s "
                "in the regions you may see."
            )
            % {"number": "J999", "village": VILLAGE_A},
        ),
        error(R + 5, "村代码", "", _("Required with “%(column)s”.") % {"column": "户编号"}),
        error(
            R + 6,
            "姓名",
            "",
            _(
                "Required: the ID number of a registered person, the village code and "
                "household number of a household, or the name and village code of a "
                "villager outside the registry."
            ),
        ),
        error(R + 7, "户编号", "J010", no_role),
        error(
            R + 9,
            "身份证号",
            person.id_number,
            _("The same participant as row %(row)d.") % {"row": R + 8},
        ),
        error(
            R + 11,
            "项目名称",
            "生猪养殖合作社",
            _("Project number %(number)d is named “%(name)s”.")
            % {"number": projects.project_a.pk, "name": PROJECT},
        ),
    ]
    # Row 14's bad cells, the pipeline's own messages.
    assert [(e["row"], e["column"]) for e in errors[9:11]] == [
        (R + 10, "身份证号"),
        (R + 10, "是否务工"),
    ]


def test_it_lets_nobody_add_participants_to_another_countys_project(
    cast, projects, newcomers, tmp_path
):
    rows = [
        {"项目名称": PROJECT, "户编号": "J010", "村代码": VILLAGE_A, "是否务工": "是"},
        {"项目名称": "生猪养殖合作社", "姓名": "村民己", "村代码": VILLAGE_A, "是否务工": "是"},
    ]
    path = workbook(tmp_path / "t.xlsx", PARTICIPANTS, rows)
    with nothing_saved():
        result = run_import(PARTICIPANTS, path, actor=cast.county_b_admin, commit=True)
    assert not result.committed
    found = [error(e.row, e.column, e.value, e.message) for e in result.errors]
    no_project = _("There is no project of this name in the regions you may see.")
    assert found[:2] == [
        error(R, "项目名称", PROJECT, no_project),
        error(
            R,
            "户编号",
            "J010",
            _(
                "There is no household numbered %(number)s in village %(village)s "
                "in the regions you may see."
            )
            % {"number": "J010", "village": VILLAGE_A},
        ),
    ]
    # County B's own project, with a villager of county A: the action refuses the village.
    assert [(e["row"], e["column"]) for e in found[2:]] == [(R + 1, "村代码")]
    assert found[2]["message"] == refusal(
        lambda: actions.add_participant(
            actor=cast.county_b_admin,
            project=projects.project_b,
            name="村民己",
            region_code=VILLAGE_A,
            is_worker=True,
        )
    )


def test_it_asks_for_the_number_when_two_projects_share_a_name(cast, projects, tmp_path):
    twin = actions.create_project(
        actor=None,
        name=PROJECT,
        type="cooperative",
        setup="branch_cooperative",
        village_codes=["510821101001"],
    )
    row = {"项目名称": PROJECT, "姓名": "村民庚", "村代码": VILLAGE_A, "是否务工": "是"}
    path = workbook(tmp_path / "t.xlsx", PARTICIPANTS, [row])
    code, out = import_refused("import", "participants", path, "--json")
    assert code == 1
    numbers = sorted([projects.project_a.pk, twin.pk])
    assert out["errors"] == [
        error(
            R,
            "项目名称",
            PROJECT,
            _(
                "%(count)d projects have this name (numbers %(numbers)s): give the number "
                "in “%(column)s”."
            )
            % {"count": 2, "numbers": "、".join(map(str, numbers)), "column": "项目编号"},
        )
    ]
    # With the number, the row is clear.
    path = workbook(tmp_path / "t.xlsx", PARTICIPANTS, [row | {"项目编号": twin.pk}])
    assert json.loads(command_output("import", "participants", path, "--json"))["saved"] == 1
    assert Participant.objects.get(name="村民庚").project == twin
