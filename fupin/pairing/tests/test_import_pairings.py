"""Importing existing pairings (fupin/pairing/imports.py) end to end: the template filled in by
hand and imported with `fupin import pairings`, a second import of the same file, the broken
files (each refused with every bad row listed and nothing saved), scope, and the import page.

The import reports the refusals of the pairing's actions word for word: the message a test
expects is the one the action gives for the same pairing, asked directly. The import's own
messages are compared with their translation in the default language, the pipeline's in
Chinese, as in the party's and the household import's tests.
"""

import datetime
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
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
from fupin.pairing import actions
from fupin.pairing.imports import PAIRINGS
from fupin.pairing.models import Pairing
from fupin.testing import (
    COUNTY_A,
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
COLUMNS = [c.label for c in PAIRINGS.columns]
NOBODY = make_resident_id(COUNTY_A, datetime.date(1966, 6, 6), 999)
TODAY = datetime.date.today()


# --- workbooks as people fill them in --------------------------------------------------------


def workbook(path: Path, rows: Iterable[Mapping[str, Any] | None]) -> Path:
    return filled_template(path, PAIRINGS, rows)


def household_row(helper: Any, village: Any, number: Any, started: Any, **cells: Any) -> dict:
    return {
        "帮扶责任人身份证号": helper,
        "村代码": village,
        "户编号": number,
        "开始日期": started,
    } | cells


def member_row(helper: Any, member: Any, started: Any, **cells: Any) -> dict:
    return {"帮扶责任人身份证号": helper, "贫困党员身份证号": member, "开始日期": started} | cells


def refusal(call: Any) -> str:
    """The first message of an action that refuses (rolled back, nothing kept)."""
    try:
        with transaction.atomic():
            call()
    except ValidationError as e:
        return e.messages[0]
    raise AssertionError("the action did not refuse")


def events_since(last: int) -> Any:
    return AuditEvent.objects.filter(id__gt=last)


@pytest.fixture
def helper_c(pairing):
    """Member A2 as a helper of village A2."""
    return actions.register_helper(actor=None, member=pairing.party.member_a2)


def ids(pairing) -> dict[str, str]:
    return {
        "a": pairing.party.member_a.id_number,
        "b": pairing.party.member_b.id_number,
        "c": pairing.party.member_a2.id_number,
    }


def hand_filled_rows(pairing, poor_member) -> list[dict[str, Any]]:
    """Four pairings as a county's pairing office types them.

    Row 4: helper C, household A2's current primary helper since February 2024.
    Row 5: helper A, household A2's primary helper before that (ended), listed after the
    pairing that replaced it; 主帮扶 in words, the household number typed as a number.
    Row 6: helper C, household A's secondary helper, 次帮扶.
    Row 7: helper A and the poor member, the kind as its code, the date typed as text.
    """
    i = ids(pairing)
    return [
        household_row(i["c"], VILLAGE_A2, "P002", datetime.date(2024, 2, 1)),
        household_row(
            i["a"],
            int(VILLAGE_A2),
            "P002",
            datetime.date(2023, 1, 1),
            **{"帮扶类型": "主帮扶", "结束日期": datetime.date(2024, 1, 31)},
        ),
        household_row(i["c"], VILLAGE_A, "P001", "2024-05-01", **{"帮扶类型": "次帮扶"}),
        member_row(f" {i['a']} ", poor_member.id_number, "2024/6/1", **{"帮扶类型": "primary"}),
    ]


# --- the template filled in by hand ---------------------------------------------------------


def test_it_imports_the_template_filled_in_by_hand(cast, pairing, helper_c, poor_member, tmp_path):
    path = tmp_path / "t.xlsx"
    command_output("template", "pairings", path)
    blank = read_rows(path)
    assert [c.lstrip("*") for c in blank[1]] == COLUMNS
    workbook(path, hand_filled_rows(pairing, poor_member))
    assert read_rows(path)[:3] == blank[:3]
    before, last = row_counts(), last_event_id()

    out = json.loads(command_output("import", "pairings", path, "--json"))

    assert out == {"rows": 4, "saved": 4, "errors": []}
    # One event per pairing; the ended one is recorded as history in one event.
    assert rows_changed(before) == {"pairing.pairing": 4, "audit.auditevent": 4}
    made = Pairing.objects.filter(source="import")
    a2 = made.filter(household=pairing.household_a2).order_by("started_on")
    assert [(p.helper, p.kind, p.started_on, p.ended_on) for p in a2] == [
        (pairing.helper_a, "primary", datetime.date(2023, 1, 1), datetime.date(2024, 1, 31)),
        (helper_c, "primary", datetime.date(2024, 2, 1), None),
    ]
    secondary = made.get(household=pairing.household_a)
    assert (secondary.helper, secondary.kind, secondary.region_id, secondary.county_code) == (
        helper_c,
        "secondary",
        VILLAGE_A,
        COUNTY_A,
    )
    member = made.get(member=poor_member)
    assert (member.helper, member.kind, member.started_on, member.household) == (
        pairing.helper_a,
        "primary",
        datetime.date(2024, 6, 1),
        None,
    )
    events = events_since(last)
    assert sorted(events.values_list("action", flat=True)) == ["pairing.pair"] * 4
    assert {e.actor_name for e in events} == {"system"}


def test_it_changes_nothing_when_the_same_file_is_imported_again(
    cast, pairing, helper_c, poor_member, tmp_path
):
    path = workbook(tmp_path / "t.xlsx", hand_filled_rows(pairing, poor_member))
    command_output("import", "pairings", path)
    stored = list(Pairing.objects.order_by("id").values())
    before = row_counts()

    out = json.loads(command_output("import", "pairings", path, "--json"))

    assert out == {"rows": 4, "saved": 4, "errors": []}
    assert rows_changed(before) == {}
    assert list(Pairing.objects.order_by("id").values()) == stored


def test_it_ends_an_imported_pairing_when_a_later_file_gives_the_end_date(
    cast, pairing, helper_c, tmp_path
):
    i = ids(pairing)
    first = household_row(i["c"], VILLAGE_A2, "P002", datetime.date(2024, 2, 1))
    command_output("import", "pairings", workbook(tmp_path / "1.xlsx", [first]))
    ended = first | {"结束日期": "2024-12-31"}
    command_output("import", "pairings", workbook(tmp_path / "2.xlsx", [ended]))
    made = Pairing.objects.get(household=pairing.household_a2)
    assert made.ended_on == datetime.date(2024, 12, 31)

    # A third file with another end date contradicts the record.
    other = first | {"结束日期": "2025-01-31"}
    code, out = import_refused(
        "import", "pairings", workbook(tmp_path / "3.xlsx", [other]), "--json"
    )
    assert code == 1
    assert out["errors"] == [
        error(
            R,
            "结束日期",
            "2025-01-31",
            _("This pairing ended on %(date)s already.") % {"date": "2024-12-31"},
        )
    ]


def test_it_checks_every_row_and_saves_nothing_in_a_dry_run(
    cast, pairing, helper_c, poor_member, tmp_path
):
    path = workbook(tmp_path / "t.xlsx", hand_filled_rows(pairing, poor_member))

    with nothing_saved():
        out = json.loads(command_output("import", "pairings", path, "--dry-run", "--json"))

    assert out == {"rows": 4, "saved": 0, "errors": []}


def test_it_finds_in_a_dry_run_what_only_the_actions_know(cast, pairing, tmp_path):
    # Helper A has a primary household already; the cap of county A is one.
    actions.set_cap_rule(
        actor=None, region_code=COUNTY_A, primary_cap=1, leader_cap=1, secondary_cap=1
    )
    i = ids(pairing)
    path = workbook(tmp_path / "t.xlsx", [household_row(i["a"], VILLAGE_A2, "P002", "2024-01-01")])
    expected = refusal(
        lambda: actions.pair(actor=None, helper=pairing.helper_a, household=pairing.household_a2)
    )

    code, out = import_refused("import", "pairings", path, "--dry-run", "--json")

    assert code == 1
    assert out["errors"] == [error(R, "帮扶责任人身份证号", i["a"], expected)]


# --- bad input ------------------------------------------------------------------------------


def wrong_check(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def everything_at_once(tmp_path, pairing, helper_c, poor_member):
    """One file with a problem of each kind: every one reported in the one pass."""
    i = ids(pairing)
    p = pairing
    rows = [
        household_row(NOBODY, VILLAGE_A2, "P002", "2024-01-01"),
        household_row(wrong_check(i["c"]), VILLAGE_A2, "P002", "2024-01-01"),
        household_row(i["c"], VILLAGE_A, "P999", "2024-01-01"),
        household_row(i["c"], VILLAGE_A2, "P002", "2024-01-01", **{"贫困党员身份证号": NOBODY}),
        {"帮扶责任人身份证号": i["c"], "开始日期": "2024-01-01"},
        household_row(i["c"], "51082110100", "P002", "2024-01-01"),
        household_row(i["c"], VILLAGE_A2, None, "2024-01-01"),
        household_row(i["c"], VILLAGE_A2, "P002", "2024-01-01", **{"帮扶类型": "第三帮扶"}),
        household_row(i["c"], VILLAGE_A2, "P002", None),
        # Refused by the actions: out of reach, a second primary, an end before the start,
        # a start in the future, a member who is not poor, a member nobody knows.
        household_row(i["a"], VILLAGE_B, "P003", "2024-01-01", **{"帮扶类型": "次帮扶"}),
        household_row(i["c"], VILLAGE_A, "P001", "2024-01-01"),
        household_row(i["c"], VILLAGE_A2, "P002", "2024-03-01", **{"结束日期": "2024-02-01"}),
        member_row(i["c"], poor_member.id_number, "2999-01-01"),
        member_row(i["c"], p.party.member_park.id_number, "2024-01-01"),
        member_row(i["c"], NOBODY, "2024-01-01"),
    ]
    kind = next(c for c in PAIRINGS.columns if c.key == "kind")
    with pytest.raises(CellError) as e:
        kind.parse("第三帮扶")
    not_a_kind = e.value.message

    def pair(**kw):
        return refusal(lambda: actions.pair(actor=None, helper=helper_c, **kw))

    def ended(**kw):
        def call():
            made = actions.pair(
                actor=None,
                helper=helper_c,
                household=p.household_a2,
                started_on=datetime.date(2024, 3, 1),
            )
            actions.end_pairing(actor=None, pairing=made, **kw)

        return refusal(call)

    return workbook(tmp_path / "bad.xlsx", rows), [
        error(
            R,
            "帮扶责任人身份证号",
            NOBODY,
            _("There is no helper with this ID number in the regions you may see."),
        ),
        error(R + 1, "帮扶责任人身份证号", wrong_check(i["c"]), "校验码不符：号码中有数字填错。"),
        error(
            R + 2,
            "户编号",
            "P999",
            _(
                "There is no household numbered %(number)s in village %(village)s "
                "in the regions you may see."
            )
            % {"number": "P999", "village": VILLAGE_A},
        ),
        error(
            R + 3,
            "贫困党员身份证号",
            NOBODY,
            _(
                "A pairing is with a household or with a poor party member, not both: "
                "leave either this or the village code and household number blank."
            ),
        ),
        error(
            R + 4,
            "户编号",
            "",
            _(
                "Required: the household's village code and household number, or the "
                "poor party member's ID number."
            ),
        ),
        error(
            R + 5,
            "村代码",
            "51082110100",
            _("“%(code)s” is not a village code: a village code has 12 digits.")
            % {"code": "51082110100"},
        ),
        error(R + 6, "户编号", "", _("Required with “%(column)s”.") % {"column": "村代码"}),
        error(R + 7, "帮扶类型", "第三帮扶", not_a_kind),
        error(R + 8, "开始日期", "", "必填项，不能为空。"),
        error(
            R + 9,
            "帮扶责任人身份证号",
            i["a"],
            refusal(
                lambda: actions.pair(
                    actor=None, helper=p.helper_a, household=p.household_b, kind="secondary"
                )
            ),
        ),
        error(R + 10, "帮扶类型", "", pair(household=p.household_a)),
        error(R + 11, "结束日期", "2024-02-01", ended(ended_on=datetime.date(2024, 2, 1))),
        error(
            R + 12,
            "开始日期",
            "2999-01-01",
            pair(member=poor_member, started_on=datetime.date(2999, 1, 1)),
        ),
        error(
            R + 13,
            "贫困党员身份证号",
            p.party.member_park.id_number,
            pair(member=p.party.member_park),
        ),
        error(
            R + 14,
            "贫困党员身份证号",
            NOBODY,
            _("There is no party member with this ID number in the regions you may see."),
        ),
    ]


def test_it_refuses_a_file_with_every_kind_of_error_and_saves_nothing(
    cast, pairing, helper_c, poor_member, tmp_path
):
    path, errors = everything_at_once(tmp_path, pairing, helper_c, poor_member)

    code, out = import_refused("import", "pairings", path, "--json")

    assert code == 1
    assert out["saved"] == 0
    assert out["errors"] == errors


def test_it_refuses_a_good_row_beside_a_bad_one(cast, pairing, helper_c, tmp_path):
    i = ids(pairing)
    path = workbook(
        tmp_path / "t.xlsx",
        [
            household_row(i["c"], VILLAGE_A2, "P002", "2024-01-01"),
            household_row(NOBODY, VILLAGE_A2, "P002", "2024-01-01"),
        ],
    )
    code, out = import_refused("import", "pairings", path, "--json")
    assert (code, out["rows"], out["saved"], len(out["errors"])) == (1, 2, 0, 1)


def test_it_refuses_the_second_primary_helper_of_a_household_in_the_file(
    cast, pairing, helper_c, tmp_path
):
    i = ids(pairing)
    path = workbook(
        tmp_path / "t.xlsx",
        [
            household_row(i["c"], VILLAGE_A2, "P002", "2024-01-01"),
            household_row(i["a"], VILLAGE_A2, "P002", "2024-02-01"),
        ],
    )
    code, out = import_refused("import", "pairings", path, "--json")
    assert code == 1
    message = _("%(name)s already has a primary helper: end that pairing first.") % {
        "name": str(pairing.household_a2)
    }
    assert out["errors"] == [error(R + 1, "帮扶类型", "", message)]


def test_it_writes_the_marked_copy_of_a_refused_file(cast, pairing, helper_c, tmp_path):
    i = ids(pairing)
    path = workbook(
        tmp_path / "t.xlsx",
        [
            household_row(i["c"], VILLAGE_A2, "P002", "2024-01-01"),
            household_row(NOBODY, VILLAGE_A2, "P002", "2024-01-01"),
        ],
    )
    marked = tmp_path / "marked.xlsx"

    with nothing_saved(), pytest.raises(CommandError) as e:
        call_command("import", "pairings", str(path), "--errors-out", str(marked))

    assert e.value.returncode == 1
    rows = read_rows(marked)
    assert rows[1][-1] == "错误"
    assert [r[-1] for r in rows[FIRST_ROW - 1 :]] == [
        "",
        "帮扶责任人身份证号："
        + _("There is no helper with this ID number in the regions you may see."),
    ]


def test_it_refuses_a_file_without_a_required_column_and_an_empty_file(cast, pairing, tmp_path):
    path = tmp_path / "no-start.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    for c, label in enumerate(["帮扶责任人身份证号", "村代码", "户编号"]):
        ws.write_string(0, c, label)
    ws.write_string(1, 0, ids(pairing)["a"])
    book.close()
    code, out = import_refused("import", "pairings", path, "--json")
    assert (code, out["errors"]) == (1, [error(1, "开始日期", "", "缺少必填列“开始日期”。")])

    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    code, out = import_refused("import", "pairings", empty, "--json")
    assert (code, out["errors"]) == (2, [error(0, "", "", "文件是空的（0 字节）。")])


# --- the template ---------------------------------------------------------------------------


def test_it_writes_the_template_of_the_pairings(tmp_path):
    out = tmp_path / "pairings.xlsx"

    data = json.loads(command_output("template", "pairings", out, "--json"))

    assert data == {"file": str(out), "columns": COLUMNS}
    rows = read_rows(out)
    assert rows[0][0] == str(PAIRINGS.title)
    assert rows[1] == [
        "*帮扶责任人身份证号",
        "村代码",
        "户编号",
        "贫困党员身份证号",
        "帮扶类型",
        "*开始日期",
        "结束日期",
    ]


# --- scope ----------------------------------------------------------------------------------


def located(result) -> list[tuple[int, str, str, str]]:
    return [(e.row, e.column, e.value, e.message) for e in result.errors]


def test_it_lets_the_county_admin_import_pairings_of_the_county(cast, pairing, helper_c, tmp_path):
    i = ids(pairing)
    path = workbook(
        tmp_path / "t.xlsx",
        [
            household_row(i["c"], VILLAGE_A2, "P002", "2024-01-01"),
            household_row(i["c"], VILLAGE_A, "P001", "2024-01-01", **{"帮扶类型": "次帮扶"}),
        ],
    )

    result = run_import(PAIRINGS, path, actor=cast.county_a_admin, commit=True)

    assert (result.errors, result.saved) == ([], 2)
    made = Pairing.objects.get(household=pairing.household_a2)
    assert (made.made_by, made.source) == (cast.county_a_admin, "import")
    event = AuditEvent.objects.filter(action="pairing.pair").latest("id")
    assert (event.actor, event.region_code) == (cast.county_a_admin, VILLAGE_A)


def test_it_lets_nobody_import_pairings_outside_their_subtree(cast, pairing, helper_c, tmp_path):
    i = ids(pairing)
    path = workbook(
        tmp_path / "t.xlsx",
        [
            household_row(i["c"], VILLAGE_A2, "P002", "2024-01-01"),
            household_row(i["b"], VILLAGE_B, "P003", "2024-01-01", **{"帮扶类型": "次帮扶"}),
        ],
    )
    no_helper = _("There is no helper with this ID number in the regions you may see.")
    no_household = _(
        "There is no household numbered %(number)s in village %(village)s "
        "in the regions you may see."
    )
    only_admins = _("Only an administrator of this village's region may pair here.")

    # County B's administrator sees neither helper C nor household A2; the helper of county
    # B's own row is already its household's helper.
    with nothing_saved():
        result = run_import(PAIRINGS, path, actor=cast.county_b_admin, commit=True)
    assert not result.committed
    already = refusal(
        lambda: actions.pair(
            actor=None, helper=pairing.helper_b, household=pairing.household_b, kind="secondary"
        )
    )
    assert located(result) == [
        (R, "帮扶责任人身份证号", i["c"], no_helper),
        (R, "户编号", "P002", no_household % {"number": "P002", "village": VILLAGE_A2}),
        (R + 1, "帮扶责任人身份证号", i["b"], already),
    ]

    # The village secretary of A sees neither village A2 nor village B.
    with nothing_saved():
        result = run_import(PAIRINGS, path, actor=cast.village_a_secretary, commit=True)
    assert located(result) == [
        (R, "帮扶责任人身份证号", i["c"], no_helper),
        (R, "户编号", "P002", no_household % {"number": "P002", "village": VILLAGE_A2}),
        (R + 1, "帮扶责任人身份证号", i["b"], no_helper),
        (R + 1, "户编号", "P003", no_household % {"number": "P003", "village": VILLAGE_B}),
    ]

    # The auditor sees county A, but pairs nothing.
    county_a = workbook(
        tmp_path / "a.xlsx", [household_row(i["c"], VILLAGE_A2, "P002", "2024-01-01")]
    )
    with nothing_saved():
        result = run_import(PAIRINGS, county_a, actor=cast.auditor, commit=True)
    assert located(result) == [(R, "村代码", VILLAGE_A2, only_admins)]

    # The helper sees only their own household, and pairs nothing either.
    own = workbook(
        tmp_path / "own.xlsx",
        [household_row(i["a"], VILLAGE_A, "P001", "2024-01-01", **{"帮扶类型": "次帮扶"})],
    )
    with nothing_saved():
        result = run_import(PAIRINGS, own, actor=cast.helper, commit=True)
    assert located(result) == [(R, "村代码", VILLAGE_A, only_admins)]


# --- the import page ------------------------------------------------------------------------


def test_it_imports_a_pairing_file_through_the_page(
    cast, pairing, helper_c, poor_member, tmp_path, django_capture_on_commit_callbacks
):
    path = workbook(tmp_path / "t.xlsx", hand_filled_rows(pairing, poor_member))
    client = client_for(cast.county_a_admin)
    assert "/imports/new/pairings/" in client.get("/imports/").content.decode()
    before, last = row_counts(), last_event_id()

    job = import_through_the_page(
        cast.county_a_admin, "pairings", path, django_capture_on_commit_callbacks
    )

    assert (job.status, job.rows, job.saved, job.errors) == (JobStatus.DONE, 4, 4, [])
    assert rows_changed(before) == {
        "imports.importjob": 1,
        "pairing.pairing": 4,
        # The job's own event and one per pairing (an ended one is recorded as history).
        "audit.auditevent": 5,
    }
    assert set(events_since(last).values_list("actor", flat=True)) == {cast.county_a_admin.pk}
    assert set(Pairing.objects.filter(source="import").values_list("made_by", flat=True)) == {
        cast.county_a_admin.pk
    }
