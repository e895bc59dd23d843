"""Importing the party organisations (fupin/party/imports.py) end to end: a roster of
organisations with parents in the file and in the database imported with `fupin import
organisations`, the broken files (each refused with every bad row listed and nothing saved),
and scope, including an organisation spanning two counties."""

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from fupin.imports.errors import CellError
from fupin.imports.pipeline import run_import
from fupin.party import actions
from fupin.party.imports import ORGANISATIONS
from fupin.party.models import Coverage, Organisation
from fupin.testing import (
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

from .test_import_members import NO_SUCH_NAME, events_since, refusal

pytestmark = pytest.mark.django_db

R = FIRST_ROW
COLUMNS = [c.label for c in ORGANISATIONS.columns]
# More regions of the small tree (fupin/testdata/regions-small.csv).
TOWNSHIP_A = "510821100"
TOWNSHIP_A2 = "510821101"
VILLAGE_A3 = "510821100002"
VILLAGE_A4 = "510821101002"


def org(
    name: str, level: str, kind: str, codes: Any, parent: Any = None, **cells: Any
) -> dict[str, Any]:
    """An organisation's row: the required cells, the parent's name, and `cells` by label."""
    return {
        "组织名称": name,
        "组织层级": level,
        "组织类别": kind,
        "上级组织": parent,
        "覆盖区划代码": codes,
        **cells,
    }


def roster(path, rows, **kw):
    return filled_template(path, ORGANISATIONS, rows, **kw)


def created(actor: Any = None, **fields: Any) -> dict[str, str]:
    """What create_organisation says of an organisation (a branch, unless told)."""
    return refusal(
        lambda: actions.create_organisation(
            actor=actor, **{"name": "试", "level": "branch", "kind": "village"} | fields
        )
    )


# --- a roster filled in by hand -------------------------------------------------------------


def hand_filled_rows(*, committee: str = "张三、李四、王五") -> list[dict[str, Any]]:
    """A park committee over two villages with two branches under it (the parent defined
    above them in the file), a group under a branch already registered, and a joint branch
    over two villages (codes separated by a space). Labels of the paper form (党委, 支部,
    园区) and a code typed as a number."""
    return [
        org(
            "东河镇园区党委",
            "党委",
            "园区",
            f"{VILLAGE_A}、{VILLAGE_A3}",
            **{
                "成立时间": datetime.date(2016, 3, 1),
                "委员": committee,
                "备注": "三会现代农业园区",
            },
        ),
        org(
            "卸甲碥社区党支部",
            "党支部",
            "社区",
            int(VILLAGE_A),
            "东河镇园区党委",
            **{"成立时间": "2016/3/15"},
        ),
        org("治城产业党支部", "支部", "产业", VILLAGE_A3, " 东河镇园区党委 "),
        org("甲二村第一党小组", "党小组", "村", VILLAGE_A2, "甲二村党支部"),
        org("嘉川镇联合党支部", "党支部", "联合", f"{VILLAGE_A2} {VILLAGE_A4}"),
    ]


def test_it_imports_a_roster_with_parents_in_the_file_and_in_the_database(cast, party, tmp_path):
    path = tmp_path / "t.xlsx"
    command_output("template", "organisations", path)
    blank = read_rows(path)
    assert [c.lstrip("*") for c in blank[1]] == COLUMNS
    roster(path, hand_filled_rows())
    assert read_rows(path)[:3] == blank[:3]
    before, last = row_counts(), last_event_id()

    out = json.loads(command_output("import", "organisations", path, "--json"))

    assert out == {"rows": 5, "saved": 5, "errors": []}
    assert rows_changed(before) == {
        "party.organisation": 5,
        "party.coverage": 7,
        "audit.auditevent": 5,
    }
    assert (
        list(events_since(last).values_list("action", flat=True))
        == ["party.create_organisation"] * 5
    )
    orgs = {o.name: o for o in Organisation.objects.filter(pk__gt=party.park.pk)}
    park = orgs["东河镇园区党委"]
    assert (park.level, park.kind, park.parent, park.region_id) == (
        "committee",
        "park",
        None,
        TOWNSHIP_A,
    )
    assert (park.founded_on, park.committee_members, park.note) == (
        datetime.date(2016, 3, 1),
        "张三、李四、王五",
        "三会现代农业园区",
    )
    assert sorted(park.coverage.values_list("region_id", flat=True)) == [VILLAGE_A, VILLAGE_A3]
    community = orgs["卸甲碥社区党支部"]
    assert (community.level, community.kind, community.parent, community.region_id) == (
        "branch",
        "community",
        park,
        VILLAGE_A,
    )
    assert community.founded_on == datetime.date(2016, 3, 15)
    industry = orgs["治城产业党支部"]
    assert (industry.level, industry.kind, industry.parent) == ("branch", "industry", park)
    group = orgs["甲二村第一党小组"]
    assert (group.level, group.kind, group.parent) == ("group", "village", party.org_a2)
    joint = orgs["嘉川镇联合党支部"]
    assert (joint.kind, joint.region_id) == ("joint", TOWNSHIP_A2)
    assert sorted(joint.coverage.values_list("region_id", flat=True)) == [VILLAGE_A2, VILLAGE_A4]


def test_it_changes_nothing_new_when_the_same_file_is_imported_again(cast, party, tmp_path):
    path = roster(tmp_path / "t.xlsx", hand_filled_rows())
    command_output("import", "organisations", path)

    def stored() -> list[dict[str, Any]]:
        return [
            {k: v for k, v in o.items() if k != "updated_at"}
            for o in Organisation.objects.order_by("id").values()
        ]

    orgs = stored()
    coverage = sorted(Coverage.objects.values_list("organisation_id", "region_id"))
    before, last = row_counts(), last_event_id()

    out = json.loads(command_output("import", "organisations", path, "--json"))

    # The same name in the same region is the same organisation: updated to what it was.
    assert out == {"rows": 5, "saved": 5, "errors": []}
    assert rows_changed(before) == {"audit.auditevent": 5}
    assert stored() == orgs
    assert sorted(Coverage.objects.values_list("organisation_id", "region_id")) == coverage
    assert set(events_since(last).values_list("action", flat=True)) == {"party.update_organisation"}


def test_it_updates_a_changed_cell_on_a_second_import(cast, party, tmp_path):
    command_output("import", "organisations", roster(tmp_path / "t.xlsx", hand_filled_rows()))

    changed = roster(tmp_path / "t2.xlsx", hand_filled_rows(committee="张三、李四、赵六"))
    command_output("import", "organisations", changed)

    assert Organisation.objects.get(name="东河镇园区党委").committee_members == "张三、李四、赵六"
    assert Organisation.objects.filter(name="东河镇园区党委").count() == 1


def test_it_checks_every_row_and_saves_nothing_in_a_dry_run(cast, party, tmp_path):
    path = roster(tmp_path / "t.xlsx", hand_filled_rows())

    with nothing_saved():
        out = json.loads(command_output("import", "organisations", path, "--dry-run", "--json"))

    assert out == {"rows": 5, "saved": 0, "errors": []}


def test_it_takes_the_parent_by_its_number_when_names_repeat(cast, party, tmp_path):
    twin = actions.create_organisation(
        actor=None, name="甲二村党支部", level="branch", kind="industry", region_codes=[VILLAGE_A4]
    )
    path = roster(
        tmp_path / "t.xlsx",
        [
            org(
                "甲二村第一党小组", "党小组", "村", VILLAGE_A2, **{"上级组织编号": party.org_a2.pk}
            ),
            org(
                "何家坝党小组",
                "党小组",
                "产业",
                VILLAGE_A4,
                "甲二村党支部",
                **{"上级组织编号": twin.pk},
            ),
        ],
    )

    out = json.loads(command_output("import", "organisations", path, "--json"))

    assert out == {"rows": 2, "saved": 2, "errors": []}
    assert Organisation.objects.get(name="甲二村第一党小组").parent == party.org_a2
    assert Organisation.objects.get(name="何家坝党小组").parent == twin


# --- bad input ------------------------------------------------------------------------------


def a_parent_below_its_child(tmp_path, party):
    path = roster(
        tmp_path / "bad.xlsx",
        [
            org("卸甲碥社区党支部", "党支部", "社区", VILLAGE_A, "东河镇园区党委"),
            org("东河镇园区党委", "党委", "园区", f"{VILLAGE_A}、{VILLAGE_A3}"),
        ],
    )
    return path, [
        error(
            R,
            "上级组织",
            "东河镇园区党委",
            _("the parent is on row %(row)d, below this one: put it above") % {"row": R + 1},
        )
    ]


def unknown_and_ambiguous_parents(tmp_path, party):
    twin = actions.create_organisation(
        actor=None, name="甲村党支部", level="branch", kind="industry", region_codes=[VILLAGE_A2]
    )
    path = roster(
        tmp_path / "bad.xlsx",
        [
            org("甲村第一党小组", "党小组", "村", VILLAGE_A, "甲村党支部"),
            org("丙村第一党小组", "党小组", "村", VILLAGE_A, "丙村党支部"),
            org("丁村第一党小组", "党小组", "村", VILLAGE_A, **{"上级组织编号": 99999}),
            # Two organisations of one name in two places in the file: which is the parent?
            org("东河党总支", "党总支", "村", VILLAGE_A),
            org("东河党总支", "党总支", "村", VILLAGE_A3),
            org("东河第一党支部", "党支部", "村", VILLAGE_A, "东河党总支"),
        ],
    )
    ambiguous = _(
        "%(count)d open organisations have this name (numbers %(numbers)s): "
        "give the number in “%(column)s”"
    ) % {"count": 2, "numbers": f"{party.org_a.pk}、{twin.pk}", "column": "上级组织编号"}
    return path, [
        error(R, "上级组织", "甲村党支部", ambiguous),
        error(R + 1, "上级组织", "丙村党支部", _(NO_SUCH_NAME)),
        error(R + 2, "上级组织编号", "99999", _("there is no party organisation with this number")),
        error(
            R + 5,
            "上级组织",
            "东河党总支",
            _("rows %(rows)s of the file all have this name: the parent is ambiguous")
            % {"rows": f"{R + 3}、{R + 4}"},
        ),
    ]


def outside_the_parents_coverage(tmp_path, party):
    path = roster(
        tmp_path / "bad.xlsx",
        [
            # Under a parent registered already, and under one defined above in the file.
            org("甲二村产业党支部", "党支部", "产业", VILLAGE_A2, "甲村党支部"),
            org("东河镇园区党委", "党委", "园区", f"{VILLAGE_A}、{VILLAGE_A3}"),
            org(
                "嘉川镇产业党支部",
                "党支部",
                "产业",
                f"{VILLAGE_A3}、{VILLAGE_A4}",
                "东河镇园区党委",
            ),
        ],
    )

    def under_the_park() -> None:
        park = actions.create_organisation(
            actor=None,
            name="东河镇园区党委",
            level="committee",
            kind="park",
            region_codes=[VILLAGE_A, VILLAGE_A3],
        )
        actions.create_organisation(
            actor=None,
            name="嘉川镇产业党支部",
            level="branch",
            kind="industry",
            region_codes=[VILLAGE_A3, VILLAGE_A4],
            parent=park,
        )

    return path, [
        error(
            R,
            "覆盖区划代码",
            VILLAGE_A2,
            created(region_codes=[VILLAGE_A2], parent=party.org_a)["region_codes"],
        ),
        error(
            R + 2,
            "覆盖区划代码",
            f"{VILLAGE_A3}、{VILLAGE_A4}",
            refusal(under_the_park)["region_codes"],
        ),
    ]


def bad_region_codes(tmp_path, party):
    path = roster(
        tmp_path / "bad.xlsx",
        [
            org("甲村党支部二", "党支部", "村", "510821100009"),
            org("乙村党支部二", "党支部", "村", "卸甲碥村"),
            org("东河镇党委", "党委", "机关", f"{TOWNSHIP_A}、{VILLAGE_A}"),
            org("空白党支部", "党支部", "村", None),
        ],
    )
    return path, [
        error(
            R,
            "覆盖区划代码",
            "510821100009",
            created(region_codes=["510821100009"])["region_codes"],
        ),
        error(
            R + 1,
            "覆盖区划代码",
            "卸甲碥村",
            _("“%(code)s” is not a region code: a code has 2, 4, 6, 9 or 12 digits.")
            % {"code": "卸甲碥村"},
        ),
        error(
            R + 2,
            "覆盖区划代码",
            f"{TOWNSHIP_A}、{VILLAGE_A}",
            created(region_codes=[TOWNSHIP_A, VILLAGE_A])["region_codes"],
        ),
        error(R + 3, "覆盖区划代码", "", "必填项，不能为空。"),
    ]


def bad_cells(tmp_path, party):
    path = roster(
        tmp_path / "bad.xlsx",
        [
            org("甲村党支部二", "支委会", "村", VILLAGE_A),
            org("甲村党支部三", "党支部", "村", VILLAGE_A, **{"成立时间": "建党百年"}),
            org("甲" * 101, "党支部", "村", VILLAGE_A),
        ],
    )
    level = next(c for c in ORGANISATIONS.columns if c.key == "level")
    with pytest.raises(CellError) as e:
        level.parse("支委会")
    not_a_level = e.value.message
    return path, [
        error(R, "组织层级", "支委会", not_a_level),
        error(R + 1, "成立时间", "建党百年", "不是日期；请按 2020-01-31 的格式填写。"),
        error(R + 2, "组织名称", "甲" * 50 + "…", "最多 100 个字符，此处有 101 个。"),
    ]


def the_same_organisation_twice(tmp_path, party):
    path = roster(
        tmp_path / "bad.xlsx",
        [
            org("东河镇园区党委", "党委", "园区", f"{VILLAGE_A}、{VILLAGE_A3}"),
            org("治城产业党支部", "党支部", "产业", VILLAGE_A3),
            org("东河镇园区党委", "党委", "园区", f"{VILLAGE_A3}、{VILLAGE_A}"),
        ],
    )
    return path, [
        error(
            R + 2,
            "组织名称",
            "东河镇园区党委",
            _("the same organisation as row %(row)d (same name, same region)") % {"row": R},
        )
    ]


def a_child_of_a_refused_parent(tmp_path, party):
    # Only the parent's error: the child cannot be judged without it.
    path = roster(
        tmp_path / "bad.xlsx",
        [
            org("东河镇园区党委", "党委", "园区", f"{VILLAGE_A}、510821100009"),
            org("卸甲碥社区党支部", "党支部", "社区", VILLAGE_A, "东河镇园区党委"),
        ],
    )
    return path, [
        error(
            R,
            "覆盖区划代码",
            f"{VILLAGE_A}、510821100009",
            created(region_codes=[VILLAGE_A, "510821100009"])["region_codes"],
        )
    ]


def everything_at_once(tmp_path, party):
    """A problem of each kind in one file: every one reported in the one pass."""
    path = roster(
        tmp_path / "bad.xlsx",
        [
            org("甲二村产业党支部", "党支部", "产业", VILLAGE_A2, "甲村党支部"),
            org("丙村第一党小组", "党小组", "村", VILLAGE_A, "丙村党支部"),
            org("乙村党支部二", "党支部", "村", "卸甲碥村"),
            org("嘉川镇联合党支部", "党支部", "联合", f"{VILLAGE_A2} {VILLAGE_A4}"),
            org("嘉川镇联合党支部", "党支部", "联合", f"{VILLAGE_A4} {VILLAGE_A2}"),
        ],
    )
    return path, [
        error(
            R,
            "覆盖区划代码",
            VILLAGE_A2,
            created(region_codes=[VILLAGE_A2], parent=party.org_a)["region_codes"],
        ),
        error(R + 1, "上级组织", "丙村党支部", _(NO_SUCH_NAME)),
        error(
            R + 2,
            "覆盖区划代码",
            "卸甲碥村",
            _("“%(code)s” is not a region code: a code has 2, 4, 6, 9 or 12 digits.")
            % {"code": "卸甲碥村"},
        ),
        error(
            R + 4,
            "组织名称",
            "嘉川镇联合党支部",
            _("the same organisation as row %(row)d (same name, same region)") % {"row": R + 3},
        ),
    ]


def a_missing_required_column(tmp_path, party):
    columns = [c for c in COLUMNS if c != "覆盖区划代码"]
    path = roster(
        tmp_path / "bad.xlsx", [org("甲村党支部二", "党支部", "村", VILLAGE_A)], columns=columns
    )
    return path, [error(2, "覆盖区划代码", "", "缺少必填列“覆盖区划代码”。")]


CORPUS = {
    "a parent below its child": a_parent_below_its_child,
    "unknown and ambiguous parents": unknown_and_ambiguous_parents,
    "outside the parent's coverage": outside_the_parents_coverage,
    "bad region codes": bad_region_codes,
    "bad cells": bad_cells,
    "the same organisation twice": the_same_organisation_twice,
    "a child of a refused parent": a_child_of_a_refused_parent,
    "everything at once": everything_at_once,
    "a missing required column": a_missing_required_column,
}


@pytest.mark.parametrize("build", CORPUS.values(), ids=CORPUS.keys())
def test_it_refuses_each_broken_file_and_saves_nothing(cast, party, tmp_path, build):
    path, errors = build(tmp_path, party)

    code, out = import_refused("import", "organisations", path, "--json")

    assert code == 1
    assert out["errors"] == errors
    assert out["saved"] == 0


# --- the template ---------------------------------------------------------------------------


def test_it_writes_the_template_of_the_organisations(tmp_path):
    out = tmp_path / "organisations.xlsx"

    data = json.loads(command_output("template", "organisations", out, "--json"))

    assert data == {"file": str(out), "columns": COLUMNS}
    rows = read_rows(out)
    assert rows[1] == [
        "*组织名称",
        "*组织层级",
        "*组织类别",
        "上级组织",
        "上级组织编号",
        "*覆盖区划代码",
        "成立时间",
        "委员",
        "备注",
    ]
    assert rows[2][5] == "多个代码用顿号分隔"


# --- scope ----------------------------------------------------------------------------------


def located(result) -> list[tuple[int, str, str, str]]:
    return [(e.row, e.column, e.value, e.message) for e in result.errors]


def test_it_lets_the_sibling_county_admin_import_nothing_of_county_a(cast, party, tmp_path):
    b = cast.county_b_admin
    path = roster(
        tmp_path / "t.xlsx",
        [
            org("甲村第二党支部", "党支部", "产业", VILLAGE_A),
            org("甲村第一党小组", "党小组", "村", VILLAGE_A, "甲村党支部"),
            org("乙村第一党小组", "党小组", "村", VILLAGE_B, "乙村党支部"),
        ],
    )

    with nothing_saved():
        result = run_import(ORGANISATIONS, path, actor=b, commit=True)

    assert located(result) == [
        (R, "覆盖区划代码", VILLAGE_A, created(b, region_codes=[VILLAGE_A])["region_codes"]),
        (R + 1, "上级组织", "甲村党支部", _(NO_SUCH_NAME)),
    ]

    own = roster(
        tmp_path / "b.xlsx", [org("乙村第一党小组", "党小组", "村", VILLAGE_B, "乙村党支部")]
    )
    result = run_import(ORGANISATIONS, own, actor=b, commit=True)
    assert (result.errors, result.saved) == ([], 1)
    group = Organisation.objects.get(name="乙村第一党小组")
    assert group.parent == party.org_b
    assert (
        events_since(0).get(action="party.create_organisation", object_id=str(group.pk)).actor == b
    )


def test_it_leaves_an_organisation_of_two_counties_to_the_level_above(cast, party, tmp_path):
    # The park spans village A2 (county A) and village B (county B).
    path = roster(
        tmp_path / "t.xlsx",
        [
            org(
                "两县园区党委",
                "党委",
                "园区",
                f"{VILLAGE_A2}、{VILLAGE_B}",
                **{"委员": "张三、李四、王五"},
            )
        ],
    )
    try:
        actions.update_organisation(actor=cast.county_a_admin, organisation=party.park, note="")
    except PermissionDenied as e:
        out_of_scope = str(e)

    for admin in (cast.county_a_admin, cast.county_b_admin):
        with nothing_saved():
            result = run_import(ORGANISATIONS, path, actor=admin, commit=True)
        assert located(result) == [(R, "", "", out_of_scope)]

    result = run_import(ORGANISATIONS, path, actor=cast.province_admin, commit=True)
    assert (result.errors, result.saved) == ([], 1)
    party.park.refresh_from_db()
    assert party.park.committee_members == "张三、李四、王五"
