"""Every row or none (DESIGN §3, rule 5): a dry run saves nothing, a file with any problem saves
nothing, and a failure while saving rolls every row back."""

import pytest

from fupin.imports.pipeline import run_import
from fupin.imports.schema import RowError
from fupin.imports.tests.things import HEADER, ID_A, ID_B, ID_C, Things, saved_events, xlsx
from fupin.testing import nothing_saved

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(tmp_path):
    return xlsx(
        tmp_path / "roster.xlsx",
        [
            ["标题"],
            HEADER,
            ["510821100001", "张三", ID_A],
            ["510821100001", "李四", ID_B],
            ["510824100001", "王五", ID_C],
        ],
    )


def test_it_saves_every_row_when_all_are_good(roster):
    schema = Things()
    before = saved_events()

    result = run_import(schema, roster, actor=None, commit=True)

    assert (result.rows, result.saved, result.errors, result.committed) == (3, 3, [], True)
    assert saved_events() == before + 3
    assert [r.values["name"] for r in schema.saved] == ["张三", "李四", "王五"]


def test_it_saves_nothing_in_a_dry_run(roster):
    schema = Things()
    with nothing_saved():
        result = run_import(schema, roster, actor=None, commit=False)
    assert (result.rows, result.saved, result.errors, result.committed) == (3, 0, [], False)
    assert schema.checked is not None and schema.saved == []


def test_it_saves_nothing_when_a_cell_is_bad(tmp_path):
    path = xlsx(
        tmp_path / "t.xlsx",
        [HEADER, ["510821100001", "张三", ID_A], ["510821100001", "李四", ID_B, "not a date"]],
    )
    schema = Things()
    with nothing_saved():
        result = run_import(schema, path, actor=None, commit=True)
    assert [(e.row, e.column) for e in result.errors] == [(3, "出生日期")]
    assert (result.saved, result.committed, schema.saved) == (0, False, [])


def test_it_saves_nothing_when_the_schema_check_refuses_a_row(tmp_path):
    path = xlsx(
        tmp_path / "t.xlsx",
        [HEADER, ["510821100001", "张三", ID_A], ["330100000000", "李四", ID_B]],
    )
    schema = Things()
    with nothing_saved():
        result = run_import(schema, path, actor=None, commit=True)
    assert [(e.row, e.column, e.message) for e in result.errors] == [(3, "村代码", "不在本县")]
    assert (result.saved, result.committed, schema.saved) == (0, False, [])


def test_it_rolls_back_every_row_when_saving_fails_halfway(roster):
    schema = Things()
    schema.fail_after = 2
    with nothing_saved(), pytest.raises(RuntimeError, match="went away"):
        run_import(schema, roster, actor=None, commit=True)
    assert len(schema.saved) == 2, "two rows were written before the failure, then rolled back"


def test_it_rolls_back_and_reports_rows_the_schema_rejects_while_saving(roster):
    schema = Things()
    schema.reject = [RowError(4, "身份证号", ID_B, "已被另一次导入登记")]
    with nothing_saved():
        result = run_import(schema, roster, actor=None, commit=True)
    assert len(schema.saved) == 3
    assert (result.saved, result.committed) == (0, False)
    assert [(e.row, e.column, e.message, e.col) for e in result.errors] == [
        (4, "身份证号", "已被另一次导入登记", 2)
    ]


def test_it_reports_progress_by_stage(roster):
    calls = []
    run_import(Things(), roster, actor=None, commit=True, progress=lambda *a: calls.append(a))
    stages = [stage for stage, _done, _total in calls]
    assert stages == sorted(stages, key=["read", "check", "save"].index)
    assert {"read", "check", "save"} == set(stages)
    assert calls[-1] == ("save", 3, 3)
    assert ("check", 3, 3) in calls


def test_it_saves_nothing_from_a_file_without_rows(tmp_path):
    path = xlsx(tmp_path / "t.xlsx", [["标题"], HEADER, [], []])
    with nothing_saved():
        result = run_import(Things(), path, actor=None, commit=True)
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "", "表头下面没有数据行。")
    ]
