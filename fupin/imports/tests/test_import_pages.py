"""The import pages (fupin/imports/urls.py) for every member of the cast: the job list, the
upload form, the job page and its htmx progress fragment, the commit after a clean dry run,
the annotated copy and the template download. Jobs run at once in tests (ImmediateBackend)
when the upload's on_commit callbacks are executed."""

import datetime
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fupin.imports import actions
from fupin.imports.models import ImportJob, JobStatus
from fupin.imports.tests.xlsx_parts import Parts
from fupin.registry.models import Household, Person
from fupin.registry.tests.rosters import head, member, person_id, roster
from fupin.testing import (
    FIRST_ROW,
    VILLAGE_A,
    VILLAGE_A2,
    client_for,
    nothing_saved,
    read_rows,
    row_counts,
    rows_changed,
)

pytestmark = pytest.mark.django_db

LIST = "/imports/"
UPLOAD = "/imports/new/households/"
TEMPLATE = "/imports/template/households/"
LOGIN = "/accounts/login/"
R = FIRST_ROW

ID_1 = person_id(datetime.date(1970, 1, 2), 11)
ID_2 = person_id(datetime.date(1972, 3, 4), 22)
ID_3 = person_id(datetime.date(1985, 6, 7), 33)
BAD_ID = ID_2[:-1] + ("1" if ID_2[-1] != "1" else "2")


def good_roster(path: Path) -> Path:
    """Two households of county A, three people."""
    return roster(
        path,
        [
            head(VILLAGE_A, "0001", "王大山", ID_1),
            member(VILLAGE_A, "0001", "李秀英", ID_2, "配偶"),
            head(VILLAGE_A2, "0002", "赵小川", ID_3),
        ],
    )


def bad_roster(path: Path) -> Path:
    """A mistyped ID (row 5) and text in a number column (row 6)."""
    return roster(
        path,
        [
            head(VILLAGE_A, "0001", "王大山", ID_1),
            member(VILLAGE_A, "0001", "李秀英", BAD_ID, "配偶"),
            head(VILLAGE_A2, "0002", "赵小川", ID_3, **{"耕地面积（亩）": "两亩"}),
        ],
    )


def upload(user, path: Path, capture=None, *, commit: bool = False):
    """POST the file to the upload page; with `capture` (django_capture_on_commit_callbacks)
    the job is queued and, with the ImmediateBackend, run."""
    data: dict[str, Any] = {"commit": "on"} if commit else {}
    with path.open("rb") as f:
        data["upload"] = f
        if capture is None:
            return client_for(user).post(UPLOAD, data)
        with capture(execute=True):
            return client_for(user).post(UPLOAD, data)


def job_of(response) -> ImportJob:
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


@contextmanager
def registry_untouched():
    """The block adds no household or person (an import job and its audit event are fine)."""
    before = (Household.objects.count(), Person.objects.count())
    yield
    assert (Household.objects.count(), Person.objects.count()) == before


@pytest.fixture
def checked(cast, tmp_path, django_capture_on_commit_callbacks) -> ImportJob:
    """A dry run by county A's administrator that found errors (so it has an annotated copy)."""
    job = job_of(
        upload(
            cast.county_a_admin,
            bad_roster(tmp_path / "bad.xlsx"),
            django_capture_on_commit_callbacks,
        )
    )
    assert (job.status, job.error_count, bool(job.annotated)) == (JobStatus.DONE, 2, True)
    return job


# --- every page, every member of the cast ---------------------------------------------------

# (job list, upload form, template, job page, annotated copy, commit page) of a county A job.
STATUS = {
    "province_admin": (200, 200, 200, 200, 200, 200),
    "county_a_admin": (200, 200, 200, 200, 200, 200),
    # The job is filed under county A, above the secretary's village.
    "village_a_secretary": (200, 200, 200, 404, 404, 404),
    "county_b_admin": (200, 200, 200, 404, 404, 404),
    "auditor": (200, 403, 200, 200, 200, 403),
    # A helper sees only their own households and plans: no import job is theirs.
    "helper": (403, 403, 200, 403, 403, 403),
    "anonymous": (302, 302, 302, 302, 302, 302),
}


def test_it_answers_each_page_to_each_member_of_the_cast(cast, checked):
    pages = [
        LIST,
        UPLOAD,
        TEMPLATE,
        f"/imports/{checked.pk}/",
        f"/imports/{checked.pk}/annotated/",
        f"/imports/{checked.pk}/commit/",
    ]
    for name, member_ in cast.all().items():
        client = client_for(member_)
        for url, expected in zip(pages, STATUS[name], strict=True):
            response = client.get(url)
            assert response.status_code == expected, (name, url)
            if expected == 302:
                assert response["Location"].startswith(LOGIN), (name, url)


@pytest.mark.parametrize("name", ["auditor", "helper", "anonymous"])
def test_it_refuses_an_upload_from_who_may_not_change_records(
    cast, tmp_path, django_capture_on_commit_callbacks, name
):
    user = cast.all()[name]
    with nothing_saved():
        response = upload(
            user, good_roster(tmp_path / "t.xlsx"), django_capture_on_commit_callbacks
        )
    if user is None:
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(
    "name", ["province_admin", "county_a_admin", "village_a_secretary", "county_b_admin"]
)
def test_it_lets_who_may_change_records_upload(cast, tmp_path, name):
    before = row_counts()

    job = job_of(upload(cast.all()[name], good_roster(tmp_path / "t.xlsx")))

    assert rows_changed(before) == {"imports.importjob": 1, "audit.auditevent": 1}
    assert (job.kind, job.commit, job.status) == ("households", False, JobStatus.QUEUED)
    assert job.created_by == cast.all()[name]


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("village_a_secretary", 404),
        ("county_b_admin", 404),
        ("auditor", 403),
        ("helper", 403),
        ("anonymous", 302),
    ],
)
def test_it_refuses_the_commit_to_who_may_not_change_the_job(
    cast, checked, django_capture_on_commit_callbacks, name, status
):
    with nothing_saved(), django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.all()[name]).post(f"/imports/{checked.pk}/commit/")
    assert response.status_code == status


def test_it_hides_county_a_jobs_from_the_sibling_county(cast, checked):
    client = client_for(cast.county_b_admin)
    for url in (
        f"/imports/{checked.pk}/",
        f"/imports/{checked.pk}/annotated/",
        f"/imports/{checked.pk}/commit/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404, url
    with nothing_saved():
        assert client.post(f"/imports/{checked.pk}/commit/").status_code == 404


# --- the upload form ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upload_", "message"),
    [
        (None, "该字段是必填项。"),
        (SimpleUploadedFile("roster.pdf", b"%PDF-1.7\n"), "请上传 .xlsx 或 .csv 文件。"),
        (
            SimpleUploadedFile("roster.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 64),
            "请上传 .xlsx 或 .csv 文件。",
        ),
        (SimpleUploadedFile("roster.xlsx", b""), "提交的是空文件。"),
    ],
    ids=["no file", "a pdf", "an xls", "an empty file"],
)
def test_it_refuses_bad_uploads_in_chinese(cast, upload_, message):
    data = {} if upload_ is None else {"upload": upload_}
    with nothing_saved():
        response = client_for(cast.county_a_admin).post(UPLOAD, data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"upload": [message]}
    assert message in response.content.decode()


def test_it_refuses_a_file_larger_than_the_upload_limit(cast, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("roster.csv", "户编号\n".encode() + b"P001\n" * 300_000)
    with nothing_saved():
        response = client_for(cast.county_a_admin).post(UPLOAD, {"upload": big})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "upload": [
            "文件大小为 1.4 MB，单次上传最多 1 MB。请拆分成几个文件（例如按乡镇），"
            "或请管理员调高 IMPORT_MAX_UPLOAD_MB。"
        ]
    }


def test_it_says_why_a_file_that_is_no_spreadsheet_cannot_be_read(
    cast, tmp_path, django_capture_on_commit_callbacks
):
    pdf = tmp_path / "roster.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")

    with registry_untouched():
        job = job_of(upload(cast.county_a_admin, pdf, django_capture_on_commit_callbacks))

    assert (job.status, job.rows, job.error_count, bool(job.annotated)) == (
        JobStatus.FAILED,
        0,
        0,
        False,
    )
    html = client_for(cast.county_a_admin).get(f"/imports/{job.pk}/").content.decode()
    assert "这是 PDF 文档，不是电子表格；请导入 .xlsx 或 .csv 文件。" in html
    assert "保存数据" not in html and "下载标注错误的副本" not in html


# --- a dry run, its errors, the annotated copy, the commit ----------------------------------


def test_it_shows_the_errors_of_a_dry_run_and_offers_the_annotated_copy(cast, checked, tmp_path):
    assert Household.objects.count() == 0
    page = client_for(cast.county_a_admin).get(f"/imports/{checked.pk}/")
    html = page.content.decode()

    assert page.status_code == 200
    assert "未保存任何数据" in html
    assert checked.errors == [
        {
            "row": R + 1,
            "column": "身份证号",
            "value": BAD_ID,
            "message": "校验码不符：号码中有数字填错。",
        },
        {"row": R + 2, "column": "耕地面积（亩）", "value": "两亩", "message": "不是数字。"},
    ]
    for cells in (
        [str(R + 1), "身份证号", BAD_ID, "校验码不符：号码中有数字填错。"],
        [str(R + 2), "耕地面积（亩）", "两亩", "不是数字。"],
    ):
        assert "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>" in html
    assert f'href="/imports/{checked.pk}/annotated/"' in html
    assert "下载标注错误的副本" in html
    assert "保存数据" not in html

    response = client_for(cast.county_a_admin).get(f"/imports/{checked.pk}/annotated/")
    assert response.status_code == 200
    assert 'filename="bad-errors.xlsx"' in response["Content-Disposition"]
    annotated = tmp_path / "annotated.xlsx"
    annotated.write_bytes(b"".join(response.streaming_content))
    parts = Parts(annotated)
    # 身份证号 is column D, 耕地面积（亩） column Y.
    assert parts.comments() == {
        f"D{R + 1}": "校验码不符：号码中有数字填错。",
        f"Y{R + 2}": "不是数字。",
    }
    assert parts.fill(parts.cell_style(f"D{R + 1}")) == "FFFFC7CE"
    assert read_rows(annotated)[R][3] == BAD_ID, "the user's own cells, kept"


def test_it_offers_to_save_after_a_clean_dry_run_and_saves(
    cast, tmp_path, django_capture_on_commit_callbacks
):
    client = client_for(cast.county_a_admin)
    with registry_untouched():
        job = job_of(
            upload(
                cast.county_a_admin,
                good_roster(tmp_path / "t.xlsx"),
                django_capture_on_commit_callbacks,
            )
        )
    assert (job.status, job.rows, job.saved, job.error_count) == (JobStatus.DONE, 3, 0, 0)
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "文件检查通过：所有行都可以保存。" in page
    assert f'<a class="button" href="/imports/{job.pk}/commit/">保存数据</a>' in page
    reader = client_for(cast.auditor).get(f"/imports/{job.pk}/").content.decode()
    assert "文件检查通过" in reader and "保存数据" not in reader, "no button that would 403"
    assert client.get(f"/imports/{job.pk}/annotated/").status_code == 404, "nothing to annotate"
    assert client.get(f"/imports/{job.pk}/commit/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{job.pk}/commit/")

    saved = job_of(response)
    assert saved.pk != job.pk
    assert (saved.commit, saved.status, saved.rows, saved.saved) == (True, JobStatus.DONE, 3, 3)
    assert sorted(Household.objects.values_list("village_id", "number")) == [
        (VILLAGE_A, "0001"),
        (VILLAGE_A2, "0002"),
    ]
    assert Person.objects.count() == 3
    assert "已保存 3 行。" in client.get(response["Location"]).content.decode()
    listed = client.get("/registry/households/")
    assert {r.record.number for r in listed.context["table"].page} == {"0001", "0002"}


def test_it_answers_the_progress_poll_with_the_fragment(cast, tmp_path, checked):
    # Not run: its on_commit callback is never executed inside the test's transaction.
    queued = job_of(upload(cast.county_a_admin, good_roster(tmp_path / "t.xlsx")))
    ImportJob.objects.filter(pk=queued.pk).update(
        status=JobStatus.RUNNING, stage="check", done=1, total=4
    )
    client = client_for(cast.county_a_admin)

    fragment = client.get(f"/imports/{queued.pk}/", HTTP_HX_REQUEST="true").content.decode()

    assert fragment.lstrip().startswith('<div id="job-status"')
    assert "<html" not in fragment
    assert f'hx-get="/imports/{queued.pk}/"' in fragment and 'hx-trigger="every 1s"' in fragment
    assert '<progress max="100" value="25">' in fragment and "1 / 4 (check)" in fragment
    # A finished job's fragment stops the polling.
    done = client.get(f"/imports/{checked.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in done and "下载标注错误的副本" in done
    # Without htmx, the whole page.
    assert "<html" in client.get(f"/imports/{queued.pk}/").content.decode()


# --- the template ---------------------------------------------------------------------------


def test_it_downloads_the_template_as_a_real_workbook(cast, tmp_path):
    for name, member_ in cast.all().items():
        if member_ is None:
            continue
        response = client_for(member_).get(TEMPLATE)
        assert response.status_code == 200, name
        assert response["Content-Type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert 'filename="households-template.xlsx"' in response["Content-Disposition"]
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(response.content)
        header = [c.lstrip("*") for c in read_rows(path)[1]]
        assert header[:5] == ["村代码", "户编号", "姓名", "身份证号", "与户主关系"], name
        assert client_for(member_).get("/imports/template/nothings/").status_code == 404


# --- the job list ---------------------------------------------------------------------------

VISIBLE = {
    "province_admin": {"province.xlsx", "county-a.xlsx", "village-a.xlsx", "county-b.xlsx"},
    "county_a_admin": {"county-a.xlsx", "village-a.xlsx"},
    "village_a_secretary": {"village-a.xlsx"},
    "county_b_admin": {"county-b.xlsx"},
    "auditor": {"county-a.xlsx", "village-a.xlsx"},
}


def start(user, name: str) -> ImportJob:
    return actions.start_import(
        actor=user, kind="households", upload=SimpleUploadedFile(name, b"PK\x03\x04"), commit=False
    )


def test_it_lists_only_the_jobs_in_scope(cast):
    for user, name in (
        (cast.province_admin, "province.xlsx"),
        (cast.county_a_admin, "county-a.xlsx"),
        (cast.village_a_secretary, "village-a.xlsx"),
        (cast.county_b_admin, "county-b.xlsx"),
    ):
        start(user, name)
    for name, member_ in cast.all().items():
        response = client_for(member_).get(LIST)
        if member_ is None:
            assert response["Location"].startswith(LOGIN)
            continue
        if name == "helper":
            assert response.status_code == 403  # no job is a helper's
            continue
        listed = {r.record.original_name for r in response.context["table"].page}
        assert listed == VISIBLE[name], name
        html = response.content.decode()
        if name == "auditor":
            assert UPLOAD not in html, "no upload button for who cannot upload"
        else:
            assert f'href="{UPLOAD}"' in html and f'href="{TEMPLATE}"' in html


def test_it_lists_jobs_with_a_fixed_number_of_queries(cast):
    client = client_for(cast.county_a_admin)
    start(cast.county_a_admin, "first.xlsx")
    client.get(LIST)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for n in range(5):
        start(cast.village_a_secretary, f"more-{n}.xlsx")
    with CaptureQueriesContext(connection) as six:
        response = client.get(LIST)
    assert len(response.context["table"].page) == 6
    assert len(six) == len(one)
