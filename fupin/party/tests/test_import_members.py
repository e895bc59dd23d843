"""Importing the national member information form (fupin/party/imports.py) end to end: the
template filled in by hand and imported with `fupin import members`, the broken files of the
issue (each refused with every bad row listed and nothing saved), scope, and the import page.

The import reports the refusals of the party's actions word for word: the message a test
expects is the one the action (or rule) gives for the same record, asked directly. The import's
own messages are compared with their translation in the default language, the pipeline's in
Chinese, as in the household import's tests.
"""

import datetime
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.audit.models import AuditEvent
from fupin.imports.errors import CellError
from fupin.imports.models import JobStatus
from fupin.imports.pipeline import run_import
from fupin.lib.ids import make_resident_id
from fupin.party import actions
from fupin.party.imports import MEMBERS
from fupin.party.models import Member, MemberTag
from fupin.party.rules import check_member_dates
from fupin.registry.rules import check_person_id
from fupin.registry.tests.conftest import household, person
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    FIRST_ROW,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    client_for,
    command_output,
    error,
    filled_template,
    import_refused,
    import_through_the_page,
    last_event_id,
    nothing_saved,
    read_rows,
    row_counts,
    rows_changed,
)

pytestmark = pytest.mark.django_db

R = FIRST_ROW
COLUMNS = [c.label for c in MEMBERS.columns]
VILLAGE_A3 = "510821100002"

WANG = make_resident_id(COUNTY_A, datetime.date(1970, 5, 6), 11)
LI = make_resident_id(COUNTY_A, datetime.date(1985, 8, 9), 22)
ZHAO = make_resident_id(COUNTY_A, datetime.date(1996, 1, 2), 31)
QIAN = make_resident_id(COUNTY_A, datetime.date(1960, 11, 30), 41)
SUN = make_resident_id(COUNTY_A, datetime.date(1980, 2, 3), 53)
ZHOU = make_resident_id(COUNTY_B, datetime.date(1978, 4, 5), 61)


# --- workbooks as people fill them in --------------------------------------------------------


def form(
    name: str,
    id_number: Any,
    organisation: Any = "甲村党支部",
    stage: Any = "正式党员",
    **cells: Any,
) -> dict[str, Any]:
    """A member's row: name, ID, category and organisation, a full member's dates, and
    `cells` by label (passed as `**{"所在村": VILLAGE_A}`: labels are not identifiers)."""
    row: dict[str, Any] = {
        "姓名": name,
        "公民身份号码": id_number,
        "人员类别": stage,
        "所在党组织": organisation,
    }
    if stage == "正式党员":
        row |= {"入党时间": datetime.date(2005, 7, 1), "转正时间": datetime.date(2006, 7, 1)}
    elif stage == "预备党员":
        row |= {"入党时间": datetime.date(2024, 7, 1)}
    return row | cells


def members(path: Path, rows: Iterable[Mapping[str, Any] | None], **kw: Any) -> Path:
    return filled_template(path, MEMBERS, rows, **kw)


def refusal(call: Any) -> dict[str, str]:
    """The first message by field of an action that refuses (rolled back, nothing kept)."""
    try:
        with transaction.atomic():
            call()
    except ValidationError as e:
        return {field: messages[0] for field, messages in e.message_dict.items()}
    raise AssertionError("the action did not refuse")


def registered(actor: Any, organisation: Any, id_number: str, **fields: Any) -> dict[str, str]:
    """What register_member says of a member with this ID (an applicant, unless told)."""
    return refusal(
        lambda: actions.register_member(
            actor=actor,
            organisation=organisation,
            name="试",
            id_number=id_number,
            **{"stage": "applicant"} | fields,
        )
    )


def not_poor(party) -> str:
    """What add_tag says of a member tagged poor with no registered person."""
    return refusal(
        lambda: actions.add_tag(
            actor=None, member=party.member_a, kind="poor", since=datetime.date.today()
        )
    )["kind"]


def events_since(last: int) -> Any:
    return AuditEvent.objects.filter(id__gt=last)


def poor_person(id_number: str, name: str = "钱老汉") -> None:
    """A registered poor person with this ID (the registry's household P001 of village A)."""
    person(household(VILLAGE_A, "P001"), name, id_number)


# --- the template filled in by hand ---------------------------------------------------------


def hand_filled_rows(*, post: str = "村委会主任") -> list[dict[str, Any]]:
    """Four members of the sample's organisations as a branch secretary types them.

    王 (甲村党支部): every column, dates as real date cells, 是/否 tags, the form's degree.
    李 (甲村党支部): a probationary member, dates typed as text, a wealth leader.
    赵 (甲村党支部): an activist, no dates, stray spaces around the ID and the category.
    钱 (两县园区党委, over villages A2 and B): the village given, a poor member registered in
    the registry.
    """
    return [
        form(
            "王大山",
            WANG,
            **{
                "性别": "男",
                "民族": "汉族",
                "出生日期": datetime.date(1970, 5, 6),
                "学历": "本科",
                "所在村": VILLAGE_A,
                "工作岗位": post,
                "联系电话": "138 1234 5678",
                "家庭住址": "卸甲碥社区3组",
                "党籍状态": "正常",
                "是否贫困党员": "否",
                "是否致富带头人": "否",
            },
        ),
        form(
            "李秀英",
            LI,
            stage="预备党员",
            **{"入党时间": "2024/7/1", "外出流向": "浙江省杭州市", "是否致富带头人": "是"},
        ),
        form("赵小川", f"  {ZHAO} ", stage=" 入党积极分子 ", **{"学历": "高中"}),
        form(
            "钱老汉",
            QIAN,
            organisation="两县园区党委",
            **{"所在村": int(VILLAGE_A2), "是否贫困党员": "是", "入党时间": "1990年7月1日"},
        ),
    ]


def test_it_imports_the_template_filled_in_by_hand(cast, party, tmp_path):
    path = tmp_path / "t.xlsx"
    command_output("template", "members", path)
    blank = read_rows(path)
    assert [c.lstrip("*") for c in blank[1]] == COLUMNS
    poor_person(QIAN)
    members(path, hand_filled_rows())
    assert read_rows(path)[:3] == blank[:3]
    before, last = row_counts(), last_event_id()

    out = json.loads(command_output("import", "members", path, "--json"))

    assert out == {"rows": 4, "saved": 4, "errors": []}
    assert rows_changed(before) == {
        "party.member": 4,
        "party.membertag": 2,
        # One per member and one per tag, written by the actions.
        "audit.auditevent": 6,
    }
    wang = Member.objects.get(id_number=WANG)
    assert (wang.organisation, wang.region_id, wang.county_code) == (
        party.org_a,
        VILLAGE_A,
        COUNTY_A,
    )
    assert (wang.sex, wang.ethnicity, wang.birth_date, wang.education) == (
        "male",
        "01",
        datetime.date(1970, 5, 6),
        "college",
    )
    assert (wang.stage, wang.joined_on, wang.full_on, wang.status) == (
        "full",
        datetime.date(2005, 7, 1),
        datetime.date(2006, 7, 1),
        "normal",
    )
    assert (wang.post, wang.phone, wang.address) == ("村委会主任", "13812345678", "卸甲碥社区3组")
    assert not wang.tags.exists()

    li = Member.objects.get(id_number=LI)
    # The organisation covers one village: the member lives there.
    assert (li.stage, li.joined_on, li.full_on, li.region_id) == (
        "probationary",
        datetime.date(2024, 7, 1),
        None,
        VILLAGE_A,
    )
    assert (li.sex, li.birth_date, li.migrant_to) == (
        "female",
        datetime.date(1985, 8, 9),
        "浙江省杭州市",
    )
    assert list(li.tags.values_list("kind", flat=True)) == ["wealth_leader"]

    zhao = Member.objects.get(id_number=ZHAO)
    assert (zhao.name, zhao.stage, zhao.joined_on, zhao.education) == (
        "赵小川",
        "activist",
        None,
        "senior",
    )

    qian = Member.objects.get(id_number=QIAN)
    assert (qian.organisation, qian.region_id, qian.joined_on) == (
        party.park,
        VILLAGE_A2,
        datetime.date(1990, 7, 1),
    )
    [tag] = qian.tags.all()
    assert (tag.kind, tag.since, tag.until) == ("poor", datetime.date.today(), None)
    assert qian.person is not None and qian.person.id_number == QIAN

    events = events_since(last)
    assert sorted(events.values_list("action", flat=True)) == [
        "party.add_tag",
        "party.add_tag",
        *["party.register_member"] * 4,
    ]
    assert {e.actor_name for e in events} == {"system"}


def test_it_changes_nothing_new_when_the_same_file_is_imported_again(cast, party, tmp_path):
    poor_person(QIAN)
    path = members(tmp_path / "t.xlsx", hand_filled_rows())
    command_output("import", "members", path)
    stored = list(Member.objects.order_by("id").values())
    tags = list(MemberTag.objects.order_by("id").values())
    before, last = row_counts(), last_event_id()

    out = json.loads(command_output("import", "members", path, "--json"))

    # Each member updated to what it was (one event each); the tags are held already.
    assert out == {"rows": 4, "saved": 4, "errors": []}
    assert rows_changed(before) == {"audit.auditevent": 4}
    assert [
        {k: v for k, v in m.items() if k != "updated_at"}
        for m in Member.objects.order_by("id").values()
    ] == [{k: v for k, v in m.items() if k != "updated_at"} for m in stored]
    assert list(MemberTag.objects.order_by("id").values()) == tags
    assert set(events_since(last).values_list("action", flat=True)) == {"party.update_member"}


def test_it_updates_a_changed_cell_on_a_second_import(cast, party, tmp_path):
    poor_person(QIAN)
    command_output("import", "members", members(tmp_path / "t.xlsx", hand_filled_rows()))

    command_output(
        "import", "members", members(tmp_path / "t2.xlsx", hand_filled_rows(post="会计"))
    )

    assert Member.objects.get(id_number=WANG).post == "会计"
    assert Member.objects.filter(id_number__in=[WANG, LI, ZHAO, QIAN]).count() == 4


def test_it_checks_every_row_and_saves_nothing_in_a_dry_run(cast, party, tmp_path):
    poor_person(QIAN)
    path = members(tmp_path / "t.xlsx", hand_filled_rows())

    with nothing_saved():
        out = json.loads(command_output("import", "members", path, "--dry-run", "--json"))

    assert out == {"rows": 4, "saved": 0, "errors": []}


def test_it_finds_in_a_dry_run_what_only_the_actions_know(cast, party, tmp_path):
    # A full member made full half a year after joining: a rule of the actions, found
    # without saving.
    path = members(
        tmp_path / "t.xlsx",
        [form("王大山", WANG, **{"入党时间": "2020-01-01", "转正时间": "2020-06-01"})],
    )

    code, out = import_refused("import", "members", path, "--dry-run", "--json")

    assert code == 1
    rule = check_member_dates(
        birth_date=datetime.date(1970, 5, 6),
        joined_on=datetime.date(2020, 1, 1),
        full_on=datetime.date(2020, 6, 1),
        stage="full",
    )
    assert out["errors"] == [error(R, "转正时间", "2020-06-01", rule["full_on"])]


def test_it_takes_the_organisation_by_its_number_when_names_repeat(cast, party, tmp_path):
    twin = actions.create_organisation(
        actor=None, name="甲村党支部", level="branch", kind="industry", region_codes=[VILLAGE_A2]
    )
    path = members(
        tmp_path / "t.xlsx",
        [
            form("王大山", WANG, **{"党组织编号": party.org_a.pk}),
            form("李秀英", LI, organisation=None, **{"党组织编号": twin.pk}),
        ],
    )

    out = json.loads(command_output("import", "members", path, "--json"))

    assert out == {"rows": 2, "saved": 2, "errors": []}
    assert Member.objects.get(id_number=WANG).organisation == party.org_a
    assert Member.objects.get(id_number=LI).organisation == twin


# --- bad input ------------------------------------------------------------------------------


def wrong_check(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


NO_SUCH_NAME = "there is no open party organisation of this name in the regions you may see"


def same_id_twice(tmp_path, party):
    path = members(
        tmp_path / "bad.xlsx",
        [form("王大山", WANG), form("李秀英", LI), form("王大山", WANG, stage="预备党员")],
    )
    return path, [
        error(R + 2, "公民身份号码", WANG, _("the same ID number as row %(row)d") % {"row": R})
    ]


def a_member_of_another_organisation(tmp_path, party):
    # 党员甲二 is a member of 甲二村党支部: not also of 甲村党支部.
    path = members(
        tmp_path / "bad.xlsx",
        [form("王大山", WANG), form("党员甲二", party.member_a2.id_number)],
    )
    message = registered(None, party.org_a, party.member_a2.id_number)["id_number"]
    assert "甲二村党支部" in message
    return path, [error(R + 1, "公民身份号码", party.member_a2.id_number, message)]


def tagged_poor_but_not_registered(tmp_path, party):
    poor_person(QIAN)
    path = members(
        tmp_path / "bad.xlsx",
        [
            form("钱老汉", QIAN, **{"是否贫困党员": "是"}),
            form("王大山", WANG, **{"是否贫困党员": "是", "是否致富带头人": "是"}),
        ],
    )
    return path, [error(R + 1, "是否贫困党员", "是", not_poor(party))]


def unknown_and_ambiguous_organisations(tmp_path, party):
    twin = actions.create_organisation(
        actor=None, name="甲村党支部", level="branch", kind="industry", region_codes=[VILLAGE_A2]
    )
    path = members(
        tmp_path / "bad.xlsx",
        [
            form("王大山", WANG),
            form("李秀英", LI, organisation="丙村党支部"),
            form("赵小川", ZHAO, organisation=None),
            form("孙小花", SUN, organisation=None, **{"党组织编号": 99999}),
            # A number that contradicts the name.
            form("周小林", ZHOU, organisation="乙村党支部", **{"党组织编号": party.org_a.pk}),
        ],
    )
    ambiguous = _(
        "%(count)d open organisations have this name (numbers %(numbers)s): "
        "give the number in “%(column)s”"
    ) % {"count": 2, "numbers": f"{party.org_a.pk}、{twin.pk}", "column": "党组织编号"}
    return path, [
        error(R, "所在党组织", "甲村党支部", ambiguous),
        error(R + 1, "所在党组织", "丙村党支部", _(NO_SUCH_NAME)),
        error(
            R + 2,
            "所在党组织",
            "",
            _("Required: the organisation's name, or its number in “%(column)s”.")
            % {"column": "党组织编号"},
        ),
        error(R + 3, "党组织编号", "99999", _("there is no party organisation with this number")),
        error(
            R + 4,
            "所在党组织",
            "乙村党支部",
            _("organisation number %(number)d is named “%(name)s”")
            % {"number": party.org_a.pk, "name": "甲村党支部"},
        ),
    ]


def villages_the_organisation_does_not_cover(tmp_path, party):
    path = members(
        tmp_path / "bad.xlsx",
        [
            # The park spans two villages: which one?
            form("钱老汉", QIAN, organisation="两县园区党委"),
            form("王大山", WANG, **{"所在村": VILLAGE_A3}),
            form("孙小花", SUN, **{"所在村": VILLAGE_A}),
        ],
    )
    return path, [
        error(R, "所在村", "", registered(None, party.park, QIAN)["region"]),
        error(
            R + 1,
            "所在村",
            VILLAGE_A3,
            registered(None, party.org_a, WANG, region_code=VILLAGE_A3)["region"],
        ),
    ]


def bad_cells(tmp_path, party):
    path = members(
        tmp_path / "bad.xlsx",
        [
            form("王大山", wrong_check(WANG)),
            form("李秀英", LI, stage="党员候选人"),
            form("赵小川", ZHAO, stage="预备党员", **{"入党时间": "去年七月"}),
            form("孙小花", SUN, **{"所在村": "卸甲碥"}),
            form("", QIAN),
        ],
    )
    stage = next(c for c in MEMBERS.columns if c.key == "stage")
    with pytest.raises(CellError) as e:
        stage.parse("党员候选人")
    not_a_stage = e.value.message
    return path, [
        error(R, "公民身份号码", wrong_check(WANG), "校验码不符：号码中有数字填错。"),
        error(R + 1, "人员类别", "党员候选人", not_a_stage),
        error(R + 2, "入党时间", "去年七月", "不是日期；请按 2020-01-31 的格式填写。"),
        error(
            R + 3,
            "所在村",
            "卸甲碥",
            _("“%(code)s” is not a region code: a code has 2, 4, 6, 9 or 12 digits.")
            % {"code": "卸甲碥"},
        ),
        error(R + 4, "姓名", "", "必填项，不能为空。"),
    ]


def dates_against_the_rules(tmp_path, party):
    path = members(
        tmp_path / "bad.xlsx",
        [
            # A full member with no joining date; a birth date the ID contradicts; an
            # applicant with a joining date.
            form("王大山", WANG, **{"入党时间": None, "转正时间": None}),
            form("李秀英", LI, **{"出生日期": datetime.date(1985, 8, 10)}),
            form("赵小川", ZHAO, stage="入党申请人", **{"入党时间": "2020-07-01"}),
        ],
    )
    _number, _sex, _birth, against_id = check_person_id(LI, None, datetime.date(1985, 8, 10))
    return path, [
        error(R, "入党时间", "", registered(None, party.org_a, WANG, stage="full")["joined_on"]),
        error(R + 1, "出生日期", "1985-08-10", against_id["birth_date"]),
        error(
            R + 2,
            "入党时间",
            "2020-07-01",
            registered(None, party.org_a, ZHAO, joined_on=datetime.date(2020, 7, 1))["joined_on"],
        ),
    ]


def everything_at_once(tmp_path, party):
    """One file with a problem of each kind: every one reported in the one pass."""
    path = members(
        tmp_path / "bad.xlsx",
        [
            form("王大山", WANG, **{"是否贫困党员": "是"}),
            form("党员乙", party.member_b.id_number),
            form("李秀英", LI, organisation="丙村党支部"),
            form("赵小川", wrong_check(ZHAO)),
            form("孙小花", SUN),
            form("孙小花", SUN),
        ],
    )
    errors = []
    for row, column, value, message in [
        (R, "是否贫困党员", "是", not_poor(party)),
        (
            R + 1,
            "公民身份号码",
            party.member_b.id_number,
            registered(None, party.org_a, party.member_b.id_number)["id_number"],
        ),
        (R + 2, "所在党组织", "丙村党支部", _(NO_SUCH_NAME)),
        (R + 3, "公民身份号码", wrong_check(ZHAO), "校验码不符：号码中有数字填错。"),
        (R + 5, "公民身份号码", SUN, _("the same ID number as row %(row)d") % {"row": R + 4}),
    ]:
        errors.append(error(row, column, value, message))
    return path, errors


def a_missing_required_column(tmp_path, party):
    columns = [c for c in COLUMNS if c != "人员类别"]
    path = members(tmp_path / "bad.xlsx", [form("王大山", WANG)], columns=columns)
    return path, [error(2, "人员类别", "", "缺少必填列“人员类别”。")]


def an_empty_file(tmp_path, party):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"")
    return path, [error(0, "", "", "文件是空的（0 字节）。")]


CORPUS = {
    "the same ID twice in the file": (same_id_twice, 1),
    "a member of another organisation": (a_member_of_another_organisation, 1),
    "tagged poor but not in the registry": (tagged_poor_but_not_registered, 1),
    "unknown and ambiguous organisations": (unknown_and_ambiguous_organisations, 1),
    "villages the organisation does not cover": (villages_the_organisation_does_not_cover, 1),
    "bad cells": (bad_cells, 1),
    "dates against the rules": (dates_against_the_rules, 1),
    "everything at once": (everything_at_once, 1),
    "a missing required column": (a_missing_required_column, 1),
    "a 0-byte file": (an_empty_file, 2),
}


@pytest.mark.parametrize(("build", "status"), CORPUS.values(), ids=CORPUS.keys())
def test_it_refuses_each_broken_file_and_saves_nothing(cast, party, tmp_path, build, status):
    path, errors = build(tmp_path, party)

    code, out = import_refused("import", "members", path, "--json")

    assert code == status
    assert out["errors"] == errors
    assert out["saved"] == 0


def test_it_writes_the_marked_copy_of_a_refused_file(cast, party, tmp_path):
    path, errors = everything_at_once(tmp_path, party)
    marked = tmp_path / "marked.xlsx"

    with nothing_saved(), pytest.raises(CommandError) as e:
        call_command("import", "members", str(path), "--errors-out", str(marked))

    assert e.value.returncode == 1
    rows = read_rows(marked)
    # The user's own sheet, with each row's problems in a last column 错误.
    assert rows[1][-1] == "错误"
    assert [r[0] for r in rows[FIRST_ROW - 1 :]] == [
        "王大山",
        "党员乙",
        "李秀英",
        "赵小川",
        "孙小花",
        "孙小花",
    ]
    marks = [r[-1] for r in rows[FIRST_ROW - 1 :]]
    assert marks == [f"{e['column']}：{e['message']}" for e in errors[:4]] + [
        "",
        f"{errors[4]['column']}：{errors[4]['message']}",
    ]


# --- the template ---------------------------------------------------------------------------


def test_it_writes_the_template_of_the_member_form(tmp_path):
    out = tmp_path / "members.xlsx"

    data = json.loads(command_output("template", "members", out, "--json"))

    assert data == {"file": str(out), "columns": COLUMNS}
    rows = read_rows(out)
    assert rows[0][0] == str(MEMBERS.title)
    assert rows[1][:7] == [
        "*姓名",
        "性别",
        "民族",
        "*公民身份号码",
        "出生日期",
        "学历",
        "*人员类别",
    ]
    assert "所在党组织" in rows[1] and "是否贫困党员" in rows[1] and "是否致富带头人" in rows[1]


# --- scope ----------------------------------------------------------------------------------


def located(result) -> list[tuple[int, str, str, str]]:
    return [(e.row, e.column, e.value, e.message) for e in result.errors]


def test_it_lets_the_county_admin_import_members_of_the_county(cast, party, tmp_path):
    path = members(
        tmp_path / "t.xlsx",
        [form("王大山", WANG), form("李秀英", LI, organisation="甲二村党支部")],
    )

    result = run_import(MEMBERS, path, actor=cast.county_a_admin, commit=True)

    assert (result.errors, result.saved) == ([], 2)
    event = AuditEvent.objects.get(action="party.register_member", object_repr="王大山")
    assert (event.actor, event.region_code) == (cast.county_a_admin, VILLAGE_A)


def test_it_lets_the_sibling_county_admin_import_nothing_into_county_a(cast, party, tmp_path):
    path = members(
        tmp_path / "t.xlsx",
        [
            # County A's branch, by name (out of sight) and by number.
            form("王大山", WANG),
            form("李秀英", LI, organisation=None, **{"党组织编号": party.org_a.pk}),
            # The park spans both counties: B's administrator sees it, but not village A2.
            form("赵小川", ZHAO, organisation="两县园区党委", **{"所在村": VILLAGE_A2}),
            # County B's own branch is fine.
            form("周小林", ZHOU, organisation="乙村党支部"),
        ],
    )

    with nothing_saved():
        result = run_import(MEMBERS, path, actor=cast.county_b_admin, commit=True)

    assert not result.committed and result.saved == 0
    b = cast.county_b_admin
    assert located(result) == [
        (R, "所在党组织", "甲村党支部", _(NO_SUCH_NAME)),
        (
            R + 1,
            "党组织编号",
            str(party.org_a.pk),
            registered(b, party.org_a, LI)["organisation"],
        ),
        (
            R + 2,
            "所在村",
            VILLAGE_A2,
            registered(b, party.park, ZHAO, region_code=VILLAGE_A2)["region"],
        ),
    ]

    # The rows of county B alone are saved.
    county_b = members(
        tmp_path / "b.xlsx",
        [
            form("周小林", ZHOU, organisation="乙村党支部"),
            form(
                "赵小川",
                ZHAO,
                organisation="两县园区党委",
                **{"所在村": VILLAGE_B, "入党时间": "2020-07-01", "转正时间": "2021-07-01"},
            ),
        ],
    )
    result = run_import(MEMBERS, county_b, actor=cast.county_b_admin, commit=True)
    assert (result.errors, result.saved) == ([], 2)
    assert set(
        Member.objects.filter(id_number__in=[ZHOU, ZHAO]).values_list("county_code", flat=True)
    ) == {COUNTY_B}


# --- the import page ------------------------------------------------------------------------


def test_it_imports_a_member_file_through_the_page(
    cast, party, tmp_path, django_capture_on_commit_callbacks
):
    poor_person(QIAN)
    path = members(tmp_path / "t.xlsx", hand_filled_rows())
    client = client_for(cast.county_a_admin)
    assert "/imports/new/members/" in client.get("/imports/").content.decode()
    before, last = row_counts(), last_event_id()

    job = import_through_the_page(
        cast.county_a_admin, "members", path, django_capture_on_commit_callbacks
    )

    assert (job.status, job.rows, job.saved, job.errors) == (JobStatus.DONE, 4, 4, [])
    assert rows_changed(before) == {
        "imports.importjob": 1,
        "party.member": 4,
        "party.membertag": 2,
        # The job's own event, and one per member and per tag.
        "audit.auditevent": 7,
    }
    assert set(events_since(last).values_list("actor", flat=True)) == {cast.county_a_admin.pk}


def test_it_refuses_out_of_scope_rows_uploaded_through_the_page(
    cast, party, tmp_path, django_capture_on_commit_callbacks
):
    path = members(tmp_path / "t.xlsx", [form("周小林", ZHOU, organisation="乙村党支部")])
    before = row_counts()

    job = import_through_the_page(
        cast.county_a_admin, "members", path, django_capture_on_commit_callbacks
    )

    assert rows_changed(before) == {"imports.importjob": 1, "audit.auditevent": 1}
    page = client_for(cast.county_a_admin).get(job.get_absolute_url())
    assert page.context["object"].errors == [error(R, "所在党组织", "乙村党支部", _(NO_SUCH_NAME))]
