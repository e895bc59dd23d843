"""Importing share contributions (入股) of demonstration projects (`fupin import
contributions`) end to end, with real .xlsx files: land, assistance funds and cash turned into
shares by the project's charter, a second import of the same file adding nothing to the
register, every bad row (a negative or zero contribution, an unknown project, shares for
someone not in the project…) reported with its row, column and reason and nothing saved, and
scope.
"""

import datetime
import json
from decimal import Decimal
from decimal import Decimal as D

import pytest
from django.utils.translation import gettext as _

from fupin.imports.pipeline import run_import
from fupin.lib.ids import make_resident_id
from fupin.projects import actions
from fupin.projects.imports import CONTRIBUTIONS
from fupin.projects.models import ShareEntry
from fupin.projects.tests.test_import_projects import R, error, read_rows, refusal, workbook
from fupin.testing import (
    COUNTY_A,
    VILLAGE_A,
    VILLAGE_B,
    command_output,
    import_refused,
    nothing_saved,
    row_counts,
    rows_changed,
)

pytestmark = pytest.mark.django_db

PROJECT = "花椒专业合作社"
PAID_IN = datetime.date(2019, 3, 1)


def head_id(sequence: int, village: str = VILLAGE_A) -> str:
    """The ID number of a sample household's head (fupin.testing.build_projects_sample)."""
    return make_resident_id(village[:6], datetime.date(1966, 3, 3), sequence)


def hand_filled_rows(projects) -> list[dict]:
    """Four contributions to the pepper cooperative (charter: 800 yuan a 亩, 1 yuan a share).

    Row 4: household J001 by village code and number, 1.5 亩 of land.
    Row 5: household J002 by its head's ID number, 3,000 yuan of assistance funds as
    preferred shares (优先股).
    Row 6: the villager outside the registry, by name, 500.50 yuan cash.
    Row 7: household J003, the project by its number, 1,000 yuan cash, the date as text.
    """
    return [
        {
            "项目名称": PROJECT,
            "村代码": VILLAGE_A,
            "户编号": "J001",
            "入股方式": "土地",
            "入股土地（亩）": Decimal("1.5"),
            "入股日期": PAID_IN,
        },
        {
            "项目名称": PROJECT,
            "身份证号": head_id(702),
            "入股方式": "帮扶资金",
            "入股金额（元）": 3000,
            "是否优先股": "是",
            "入股日期": PAID_IN,
            "备注": "到户产业扶持资金",
        },
        {
            "项目名称": PROJECT,
            "姓名": "村民丙",
            "入股方式": "现金",
            "入股金额（元）": "500.50",
            "入股日期": PAID_IN,
        },
        {
            "项目编号": projects.project_a.pk,
            "村代码": VILLAGE_A,
            "户编号": "J003",
            "入股方式": "cash",
            "入股金额（元）": 1000,
            "入股日期": "2019/3/1",
        },
    ]


def entries_since(last: int) -> list[tuple]:
    return list(
        ShareEntry.objects.filter(id__gt=last)
        .order_by("id")
        .values_list("participant_id", "kind", "asset", "land_mu", "value", "shares", "preferred")
    )


def last_entry() -> int:
    return ShareEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_it_imports_the_template_filled_in_by_hand(cast, projects, tmp_path):
    path = tmp_path / "t.xlsx"
    command_output("template", "contributions", path)
    assert [c.lstrip("*") for c in read_rows(path)[1]] == [c.label for c in CONTRIBUTIONS.columns]
    workbook(path, CONTRIBUTIONS, hand_filled_rows(projects))
    before, last = row_counts(), last_entry()

    out = json.loads(command_output("import", "contributions", path, "--json"))

    assert out == {"rows": 4, "saved": 4, "errors": []}
    assert rows_changed(before) == {"projects.shareentry": 4, "audit.auditevent": 4}
    p = projects
    contribution = "contribution"
    assert entries_since(last) == [
        (p.holder_a1.pk, contribution, "land", D("1.50"), D("1200.00"), D("1200.00"), False),
        (p.holder_a2.pk, contribution, "fund", D("0.00"), D("3000.00"), D("3000.00"), True),
        (p.villager.pk, contribution, "cash", D("0.00"), D("500.50"), D("500.50"), False),
        (p.holder_a3.pk, contribution, "cash", D("0.00"), D("1000.00"), D("1000.00"), False),
    ]
    note = ShareEntry.objects.get(id__gt=last, participant=p.holder_a2).note
    assert note == "到户产业扶持资金"
    # The register at the date counts them.
    lines = {line.participant_id: line for line in actions.register(p.project_a, PAID_IN)}
    assert lines[p.holder_a2.pk].preferred == Decimal("8000.00")


def test_it_adds_nothing_when_the_same_file_is_imported_again(cast, projects, tmp_path):
    path = workbook(tmp_path / "t.xlsx", CONTRIBUTIONS, hand_filled_rows(projects))
    command_output("import", "contributions", path)
    before, last = row_counts(), last_entry()

    out = json.loads(command_output("import", "contributions", path, "--json"))

    assert out == {"rows": 4, "saved": 4, "errors": []}
    assert rows_changed(before) == {}
    assert entries_since(last) == []


def test_it_makes_two_equal_contributions_of_one_file_twice_but_not_again(cast, projects, tmp_path):
    row = hand_filled_rows(projects)[2]
    path = workbook(tmp_path / "t.xlsx", CONTRIBUTIONS, [row, row])
    command_output("import", "contributions", path)
    last = last_entry()
    command_output("import", "contributions", path)
    assert entries_since(last) == []
    assert ShareEntry.objects.filter(participant=projects.villager, dated_on=PAID_IN).count() == 2


def test_it_reports_every_bad_row_and_saves_nothing(cast, projects, tmp_path):
    p = projects
    outsider = head_id(705, VILLAGE_B)

    def cash(**cells):
        return {
            "项目名称": PROJECT,
            "村代码": VILLAGE_A,
            "户编号": "J001",
            "入股方式": "现金",
            "入股金额（元）": 100,
            "入股日期": PAID_IN,
        } | cells

    rows = [
        cash(**{"入股金额（元）": -100}),
        cash(**{"入股金额（元）": 0}),
        cash(**{"项目名称": "没有的项目"}),
        cash(**{"村代码": VILLAGE_B, "户编号": "J101"}),
        cash(**{"村代码": None, "户编号": None, "身份证号": outsider}),
        cash(**{"村代码": None, "户编号": None, "姓名": "陌生人"}),
        cash(**{"入股方式": "股票"}),
        cash(**{"入股方式": "土地", "入股金额（元）": None}),
        cash(**{"入股日期": None}),
        cash(**{"入股金额（元）": "12.345"}),
    ]
    path = workbook(tmp_path / "bad.xlsx", CONTRIBUTIONS, rows)

    def contribute(**kw):
        return refusal(
            lambda: actions.contribute(actor=None, participant=p.holder_a1, dated_on=PAID_IN, **kw)
        )

    asset = next(c for c in CONTRIBUTIONS.columns if c.key == "asset")
    with pytest.raises(Exception) as e:
        asset.parse("股票")
    not_in_project = _(
        "Not a participant of this project: add them to the project "
        "(participants import) before their contributions."
    )

    code, out = import_refused("import", "contributions", path, "--json")

    assert code == 1
    assert out["errors"] == [
        error(R, "入股金额（元）", "-100", contribute(asset="cash", amount=Decimal(-100))),
        error(R + 1, "入股金额（元）", "0", contribute(asset="cash", amount=Decimal(0))),
        error(
            R + 2,
            "项目名称",
            "没有的项目",
            _("There is no project of this name in the regions you may see."),
        ),
        error(R + 3, "户编号", "J101", not_in_project),
        error(R + 4, "身份证号", outsider, not_in_project),
        error(R + 5, "姓名", "陌生人", not_in_project),
        error(R + 6, "入股方式", "股票", e.value.message),
        error(R + 7, "入股土地（亩）", "", contribute(asset="land")),
        error(R + 8, "入股日期", "", "必填项，不能为空。"),
        error(R + 9, "入股金额（元）", "12.345", "最多 2 位小数。"),
    ]


def test_it_lets_nobody_contribute_to_another_countys_project(cast, projects, tmp_path):
    path = workbook(tmp_path / "t.xlsx", CONTRIBUTIONS, hand_filled_rows(projects)[:1])
    with nothing_saved():
        result = run_import(CONTRIBUTIONS, path, actor=cast.county_b_admin, commit=True)
    assert not result.committed
    assert [(e.row, e.column) for e in result.errors] == [(R, "项目名称"), (R, "户编号")]
    # The county's own administrator may.
    result = run_import(CONTRIBUTIONS, path, actor=cast.county_a_admin, commit=True)
    assert (result.errors, result.saved) == ([], 1)
    entry = ShareEntry.objects.latest("id")
    assert (entry.created_by, entry.county_code) == (cast.county_a_admin, COUNTY_A)
