"""Importing demonstration projects (fupin/projects/imports/, `fupin import projects`) end to
end, with real .xlsx files: the template filled in by hand, a second import of the same file
(nothing changes), every bad row reported with its row, column and reason and nothing saved,
and scope (a county imports only into its own villages).

The import's own messages are compared with their translation in the default language, the
actions' with the message the action gives for the same project asked directly.
"""

import datetime
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.audit.models import AuditEvent
from fupin.imports.pipeline import run_import
from fupin.projects import actions
from fupin.projects.imports import PROJECTS
from fupin.projects.models import Project
from fupin.testing import (
    COUNTY_A,
    ENTERPRISE_CREDIT_CODE,
    FIRST_ROW,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    command_output,
    error,
    filled_template,
    import_refused,
    last_event_id,
    nothing_saved,
    read_rows,
    row_counts,
    rows_changed,
)

pytestmark = pytest.mark.django_db

R = FIRST_ROW


def workbook(path: Path, schema: Any, rows: Iterable[Mapping[str, Any] | None]) -> Path:
    return filled_template(path, schema, rows)


def refusal(call: Any) -> str:
    """The first message of an action that refuses (rolled back, nothing kept)."""
    try:
        with transaction.atomic():
            call()
    except ValidationError as e:
        return e.messages[0]
    raise AssertionError("the action did not refuse")


def project_row(name: str, villages: str, **cells: Any) -> dict[str, Any]:
    return {
        "项目名称": name,
        "项目类型": "合作社",
        "组建模式": "支部领办合作社",
        "覆盖村代码": villages,
    } | cells


def hand_filled_rows(projects) -> list[dict[str, Any]]:
    """Three projects as a county's organisation department types them.

    Row 4: a walnut garden over villages A and A2 (顿号 between the codes), led by member A
    with branch A, supported by the sample's enterprise, a full charter with percentages.
    Row 5: a nursery in village A2, the type and setup as codes, the land as a number.
    Row 6: an e-commerce project in village A, started on a date typed as text.
    """
    return [
        project_row(
            "核桃示范园",
            f"{VILLAGE_A}、{VILLAGE_A2}",
            **{
                "项目类型": "示范园",
                "组建模式": "连片开发",
                "领办党员身份证号": projects.party.member_a.id_number,
                "党组织": projects.party.org_a.name,
                "合作企业统一社会信用代码": ENTERPRISE_CREDIT_CODE,
                "主导产品": "核桃",
                "土地面积（亩）": Decimal("120.5"),
                "开始日期": datetime.date(2019, 3, 1),
                "每股金额（元）": 100,
                "土地每亩折价（元）": 800,
                "公积金比例（%）": "10%",
                "村集体提留比例（%）": 5,
                "优先股保底分红率（%）": "6",
                "保底不足时": "先动用公积金",
            },
        ),
        project_row(
            "苗木繁育基地",
            VILLAGE_A2,
            **{"项目类型": "nursery", "组建模式": "collective_economy", "土地面积（亩）": 30},
        ),
        project_row("村淘电商", VILLAGE_A, **{"项目类型": "电商", "开始日期": "2020年5月1日"}),
    ]


# --- the template filled in by hand ---------------------------------------------------------


def test_it_imports_the_template_filled_in_by_hand(cast, projects, tmp_path):
    path = tmp_path / "t.xlsx"
    command_output("template", "projects", path)
    blank = read_rows(path)
    assert [c.lstrip("*") for c in blank[1]] == [c.label for c in PROJECTS.columns]
    workbook(path, PROJECTS, hand_filled_rows(projects))
    assert read_rows(path)[:3] == blank[:3]
    before, last = row_counts(), last_event_id()

    out = json.loads(command_output("import", "projects", path, "--json"))

    assert out == {"rows": 3, "saved": 3, "errors": []}
    changed = rows_changed(before)
    assert (changed["projects.project"], changed["audit.auditevent"]) == (3, 3)
    garden = Project.objects.get(name="核桃示范园")
    assert (garden.type, garden.setup, garden.region_id, garden.stage) == (
        "garden",
        "contiguous",
        COUNTY_A,
        "proposed",
    )
    assert sorted(garden.coverage.values_list("region_id", flat=True)) == [VILLAGE_A, VILLAGE_A2]
    assert list(garden.leaders.all()) == [projects.party.member_a]
    assert (garden.organisation, list(garden.partners.all())) == (
        projects.party.org_a,
        [projects.enterprise],
    )
    assert (
        garden.land_mu,
        garden.started_on,
        garden.share_price,
        garden.land_price,
        garden.reserve_percent,
        garden.collective_percent,
        garden.preferred_rate,
        garden.shortfall_rule,
    ) == (
        Decimal("120.50"),
        datetime.date(2019, 3, 1),
        Decimal("100.00"),
        Decimal("800.00"),
        Decimal("10"),
        Decimal("5"),
        Decimal("6"),
        "reserve_first",
    )
    nursery = Project.objects.get(name="苗木繁育基地")
    assert (nursery.type, nursery.setup, nursery.land_mu, nursery.region_id) == (
        "nursery",
        "collective_economy",
        Decimal("30.00"),
        VILLAGE_A2,
    )
    assert Project.objects.get(name="村淘电商").started_on == datetime.date(2020, 5, 1)
    events = AuditEvent.objects.filter(id__gt=last)
    assert sorted(events.values_list("action", flat=True)) == ["projects.create_project"] * 3


def test_it_changes_nothing_when_the_same_file_is_imported_again(cast, projects, tmp_path):
    path = workbook(tmp_path / "t.xlsx", PROJECTS, hand_filled_rows(projects))
    command_output("import", "projects", path)
    stored = list(Project.objects.order_by("id").values())
    before = row_counts()

    out = json.loads(command_output("import", "projects", path, "--json"))

    assert out == {"rows": 3, "saved": 3, "errors": []}
    # Updated with what it already says: the audit trail notes it, the records are as they were.
    assert set(rows_changed(before)) <= {"audit.auditevent"}
    assert [
        {k: v for k, v in p.items() if k != "updated_at"}
        for p in Project.objects.order_by("id").values()
    ] == [{k: v for k, v in p.items() if k != "updated_at"} for p in stored]


def test_it_updates_a_project_a_later_file_changes(cast, projects, tmp_path):
    first = project_row("村淘电商", VILLAGE_A, **{"项目类型": "电商"})
    command_output("import", "projects", workbook(tmp_path / "1.xlsx", PROJECTS, [first]))
    later = first | {"主导产品": "腊肉", "优先股保底分红率（%）": "8"}
    command_output("import", "projects", workbook(tmp_path / "2.xlsx", PROJECTS, [later]))
    [project] = Project.objects.filter(name="村淘电商")
    assert (project.product, project.preferred_rate) == ("腊肉", Decimal("8"))


def test_it_checks_every_row_and_saves_nothing_in_a_dry_run(cast, projects, tmp_path):
    path = workbook(tmp_path / "t.xlsx", PROJECTS, hand_filled_rows(projects))
    with nothing_saved():
        out = json.loads(command_output("import", "projects", path, "--dry-run", "--json"))
    assert out == {"rows": 3, "saved": 0, "errors": []}


# --- bad input ------------------------------------------------------------------------------

BAD_CODE = "91510821MA62A00022"  # the check character is wrong
UNKNOWN_CODE = "91510821MA62A00021"  # valid, but no partner has it


def test_it_reports_every_bad_row_and_saves_nothing(cast, projects, tmp_path):
    rows = [
        project_row("甲", VILLAGE_A, **{"项目类型": "电站"}),
        project_row("乙", "51082110000"),
        project_row("丙", "510821100999"),
        project_row("丁", VILLAGE_A, **{"合作企业统一社会信用代码": BAD_CODE}),
        project_row("戊", VILLAGE_A, **{"合作企业统一社会信用代码": UNKNOWN_CODE}),
        project_row("己", VILLAGE_A, **{"公积金比例（%）": "60", "村集体提留比例（%）": "50%"}),
        project_row("庚", VILLAGE_A, **{"党组织": "没有这个支部"}),
        project_row("辛", VILLAGE_A, **{"土地面积（亩）": "-3"}),
        project_row("辛", VILLAGE_A),
        {"项目名称": "壬", "覆盖村代码": VILLAGE_A},
        project_row("癸", VILLAGE_A, **{"公积金比例（%）": "十"}),
    ]
    path = workbook(tmp_path / "bad.xlsx", PROJECTS, rows)
    not_a_type = PROJECTS.columns[1].parse
    with pytest.raises(Exception) as e:
        not_a_type("电站")
    bad_code = refusal(lambda: actions.check_credit_code(BAD_CODE, "enterprise"))
    over = refusal(
        lambda: actions.create_project(
            actor=None,
            name="x",
            type="cooperative",
            setup="contiguous",
            village_codes=[VILLAGE_A],
            reserve_percent=Decimal(60),
            collective_percent=Decimal(50),
        )
    )
    negative = refusal(
        lambda: actions.create_project(
            actor=None,
            name="x",
            type="cooperative",
            setup="contiguous",
            village_codes=[VILLAGE_A],
            land_mu=Decimal(-3),
        )
    )
    no_village = refusal(
        lambda: actions.create_project(
            actor=None,
            name="x",
            type="cooperative",
            setup="contiguous",
            village_codes=["510821100999"],
        )
    )

    code, out = import_refused("import", "projects", path, "--json")

    assert code == 1
    assert out["errors"] == [
        error(R, "项目类型", "电站", e.value.message),
        error(
            R + 1,
            "覆盖村代码",
            "51082110000",
            _("“%(code)s” is not a village code: a village code has 12 digits.")
            % {"code": "51082110000"},
        ),
        error(R + 2, "覆盖村代码", "510821100999", no_village),
        error(R + 3, "合作企业统一社会信用代码", BAD_CODE, bad_code),
        error(
            R + 4,
            "合作企业统一社会信用代码",
            UNKNOWN_CODE,
            _(
                "No partner enterprise with credit code %(codes)s in the regions you may see: "
                "register it first."
            )
            % {"codes": UNKNOWN_CODE},
        ),
        error(R + 5, "村集体提留比例（%）", "50%", over),
        error(
            R + 6,
            "党组织",
            "没有这个支部",
            _("There is no open party organisation of this name in the regions you may see."),
        ),
        error(R + 7, "土地面积（亩）", "-3", negative),
        error(
            R + 8,
            "项目名称",
            "辛",
            _("The same project as row %(row)d (same name, same villages).") % {"row": R + 7},
        ),
        error(R + 9, "项目类型", "", "必填项，不能为空。"),
        error(R + 9, "组建模式", "", "必填项，不能为空。"),
        error(R + 10, "公积金比例（%）", "十", "不是数字。"),
    ]


def test_it_imports_only_into_the_importers_villages(cast, projects, tmp_path):
    rows = [
        project_row("乙村项目", VILLAGE_B),
        project_row(
            "甲村项目",
            VILLAGE_A,
            **{"领办党员身份证号": projects.party.member_b.id_number},
        ),
    ]
    path = workbook(tmp_path / "t.xlsx", PROJECTS, rows)
    outside = refusal(
        lambda: actions.create_project(
            actor=cast.county_a_admin,
            name="x",
            type="cooperative",
            setup="contiguous",
            village_codes=[VILLAGE_B],
        )
    )
    with nothing_saved():
        result = run_import(PROJECTS, path, actor=cast.county_a_admin, commit=True)
    assert not result.committed
    assert [error(e.row, e.column, e.value, e.message) for e in result.errors] == [
        error(R, "覆盖村代码", VILLAGE_B, outside),
        error(
            R + 1,
            "领办党员身份证号",
            projects.party.member_b.id_number,
            _("There is no party member with ID number %(numbers)s in the regions you may see.")
            % {"numbers": projects.party.member_b.id_number},
        ),
    ]

    # The county's own project, by the county's administrator, is saved and audited as theirs.
    mine = workbook(tmp_path / "mine.xlsx", PROJECTS, [project_row("甲村项目", VILLAGE_A)])
    result = run_import(PROJECTS, mine, actor=cast.county_a_admin, commit=True)
    assert (result.errors, result.saved) == ([], 1)
    event = AuditEvent.objects.filter(action="projects.create_project").latest("id")
    assert (event.actor, event.region_code) == (cast.county_a_admin, VILLAGE_A)
