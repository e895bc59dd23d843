"""The payout sheet of a dividend run (分红发放表), as .xlsx (read back with calamine, the
project's spreadsheet reader) and as PDF (read back with pypdf): one row per shareholder, a
total row, a signature column (签字); the sheet adds up to what the run distributed, to the fen.
"""

import datetime
import io
import re
import subprocess
from decimal import Decimal
from typing import Any

import python_calamine
from django.urls import reverse
from pypdf import PdfReader

from fupin.projects import actions
from fupin.projects.models import DividendRun
from fupin.projects.tests.conftest import propose_run
from fupin.testing import VILLAGE_A, client_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AMOUNT = r"(-?\d+\.\d\d)"
# A shareholder's line of the PDF: 序号, 股东编号, name, village, household, then the figures.
ROW = re.compile(rf"^(\d+) (\d+) .* {AMOUNT} {AMOUNT} {AMOUNT} {AMOUNT}$")
TOTAL = re.compile(rf"^\S+ (\d+) {AMOUNT} {AMOUNT} {AMOUNT} {AMOUNT}$")
SEES_A = {"province_admin", "county_a_admin", "village_a_secretary", "auditor"}


def has_cjk_font() -> bool:
    found = subprocess.run(
        ["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, check=False
    )
    return "Noto Sans CJK" in found.stdout


def fen(value: Any) -> Decimal:
    """A cell read back (a float for a number) as an exact amount."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def xlsx_rows(response: Any) -> tuple[list[Any], list[list[Any]], list[Any]]:
    """The header, the shareholders' rows and the total row of the sheet."""
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    cells = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    start = next(i for i, row in enumerate(cells) if "签字" in row)
    end = next(i for i, row in enumerate(cells) if i > start and row[0] == "合计")
    return cells[start], cells[start + 1 : end], cells[end]


def pdf_lines(response: Any) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    return [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]


def pdf_sheet(response: Any) -> tuple[list[tuple[str, ...]], tuple[str, ...], list[str]]:
    lines = pdf_lines(response)
    rows = [m.groups() for m in map(ROW.match, lines) if m]
    totals = [m.groups() for m in map(TOTAL.match, lines) if m]
    assert len(totals) == 1, totals
    return rows, totals[0], lines


def many_shareholders(projects: Any) -> DividendRun:
    """Thirty more shareholders with awkward stakes, so the run rounds and spans pages; the
    2019 run recorded."""
    for i in range(30):
        holder = actions.add_participant(
            actor=None,
            project=projects.project_a,
            name=f"股东{i:02d}",
            region_code=VILLAGE_A,
            is_shareholder=True,
            joined_on=datetime.date(2018, 3, 1),
        )
        actions.contribute(
            actor=None,
            participant=holder,
            asset="cash",
            amount=Decimal(10137 + 3711 * i).scaleb(-2),
            dated_on=datetime.date(2019, 2, 1),
        )
    run = propose_run(projects.project_a, "12345.67")
    actions.approve_dividend_run(actor=None, run=run)
    return actions.record_dividend_run(actor=None, run=run)


def test_it_writes_the_xlsx_sheet_adding_up_to_the_run(cast, projects):
    run = projects.run_2018
    response = client_for(cast.county_a_admin).get(reverse("projects:run-xlsx", args=[run.pk]))
    assert response["Content-Disposition"] == (
        f'attachment; filename="dividends-{run.project_id}-20180101-{run.pk}.xlsx"'
    )
    header, rows, total = xlsx_rows(response)
    assert header == [
        "序号",
        "股东编号",
        "股东",
        "村",
        "户编号",
        "股数",
        "优先股分红（元）",
        "普通股分红（元）",
        "合计（元）",
        "签字",
    ]
    payouts = list(run.payouts.select_related("participant__household").order_by("participant"))
    assert len(rows) == len(payouts) == 4
    for number, (row, payout) in enumerate(zip(rows, payouts, strict=True), start=1):
        assert row[0] == number and row[1] == payout.participant_id
        assert row[2] == payout.participant.name
        household = payout.participant.household
        assert row[4] == (household.number if household else "")
        assert [fen(v) for v in row[5:9]] == [
            payout.shares,
            payout.preferred,
            payout.ordinary,
            payout.total,
        ]
        assert row[9] == ""  # where the shareholder signs
    assert sum(fen(row[8]) for row in rows) == run.distributed == Decimal("17000.00")
    assert total[1] == 4
    assert [fen(v) for v in total[5:9]] == [
        Decimal("21600.00"),
        run.preferred_total,
        run.ordinary_total,
        run.distributed,
    ]


def test_it_prints_the_pdf_sheet_adding_up_to_the_run(cast, projects):
    run = projects.run_2018
    response = client_for(cast.county_a_admin).get(reverse("projects:run-pdf", args=[run.pk]))
    assert response["Content-Disposition"] == (
        f'inline; filename="dividends-{run.project_id}-20180101-{run.pk}.pdf"'
    )
    rows, total, lines = pdf_sheet(response)
    payouts = list(run.payouts.order_by("participant"))
    assert [(int(r[1]), *map(Decimal, r[2:])) for r in rows] == [
        (p.participant_id, p.shares, p.preferred, p.ordinary, p.total) for p in payouts
    ]
    assert sum(Decimal(r[5]) for r in rows) == run.distributed
    assert total == ("4", "21600.00", "420.00", "16580.00", "17000.00")
    if has_cjk_font():
        text = "\n".join(lines)
        for words in ("分红发放表", "签字", "入股户甲一", "J001", "可分配利润 20000.00", "入账"):
            assert words in text, words


def test_it_adds_up_a_run_that_rounds_over_several_pages(cast, projects):
    run = many_shareholders(projects)
    assert run.payouts.count() == 34
    client = client_for(cast.province_admin)
    _, rows, total = xlsx_rows(client.get(reverse("projects:run-xlsx", args=[run.pk])))
    assert len(rows) == 34
    assert sum(fen(row[8]) for row in rows) == run.distributed == fen(total[8])
    assert sum(fen(row[6]) for row in rows) == run.preferred_total
    assert sum(fen(row[7]) for row in rows) == run.ordinary_total
    response = client.get(reverse("projects:run-pdf", args=[run.pk]))
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 2
    pdf_rows, pdf_total, _ = pdf_sheet(response)
    assert [int(r[0]) for r in pdf_rows] == list(range(1, 35))
    assert sum(Decimal(r[5]) for r in pdf_rows) == run.distributed == Decimal(pdf_total[4])
    assert run.reserve + run.collective + run.distributed == run.profit == Decimal("12345.67")


def test_it_marks_a_draft_and_a_reversal(cast, projects):
    client = client_for(cast.county_a_admin)
    reversal = actions.reverse_dividend_run(actor=None, run=projects.run_2018, note="更正")
    _, rows, total = xlsx_rows(client.get(reverse("projects:run-xlsx", args=[reversal.pk])))
    assert fen(total[8]) == reversal.distributed == Decimal("-17000.00")
    assert sorted(fen(r[8]) for r in rows) == sorted(
        -p.total for p in projects.run_2018.payouts.all()
    )
    draft = propose_run(projects.project_a, "0")
    _, rows, total = xlsx_rows(client.get(reverse("projects:run-xlsx", args=[draft.pk])))
    assert fen(total[8]) == draft.distributed == Decimal("0.00")
    if has_cjk_font():
        reversed_text = "".join(
            pdf_lines(client.get(reverse("projects:run-pdf", args=[reversal.pk])))
        )
        assert f"冲销第{projects.run_2018.pk}号分红" in reversed_text
        draft_text = "".join(pdf_lines(client.get(reverse("projects:run-pdf", args=[draft.pk]))))
        assert "草稿" in draft_text and "尚未入账" in draft_text


def test_it_gives_the_sheets_only_to_who_sees_the_run(cast, projects):
    run = projects.run_2018
    for kind in ("xlsx", "pdf"):
        url = reverse(f"projects:run-{kind}", args=[run.pk])
        for name, user in cast.all().items():
            response = client_for(user).get(url)
            if user is None:
                assert response.status_code == 302
                assert response["Location"].startswith("/accounts/login/")
            elif name in SEES_A:
                assert response.status_code == 200, (name, kind)
            elif name == "helper":  # no project, so no run anywhere (README, "Roles and scope")
                assert response.status_code == 403, kind
            else:
                assert response.status_code == 404, (name, kind)
