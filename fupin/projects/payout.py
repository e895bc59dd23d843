"""The payout sheet (分红发放表) of a dividend run: one row per shareholder — name, village,
household number, shares held, guaranteed preferred dividend, ordinary dividend, total — a
total row, and a column where each shareholder signs (签字) for what they receive. As .xlsx
(xlsxwriter, amounts as numbers so the sheet can be summed again) and as PDF (WeasyPrint, from
projects/payout_sheet.html, to print and sign).

The rows are the run's saved payouts, so the sheet's total is their sum, which the action
made equal to what the run distributes (preferred + ordinary) to the fen; `sheet_totals`
checks it again, as a wrong sheet handed out for signing would be worse than none.

The PDF asks for Noto Sans CJK (fonts-noto-cjk) as the plan sheet does
(fupin/pairing/pdf.py); WeasyPrint is imported only when a PDF is made.
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.projects.choices import RunStatus
from fupin.projects.models import DividendPayout, DividendRun

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class SheetRow:
    number: int  # 序号, from 1
    shareholder: int  # the participant's id
    name: str
    village: str
    household: str  # the registry household number, "" for a participant without one
    shares: Decimal
    preferred: Decimal
    ordinary: Decimal
    total: Decimal


@dataclass(frozen=True)
class SheetTotals:
    shareholders: int
    shares: Decimal
    preferred: Decimal
    ordinary: Decimal
    total: Decimal


def sheet_rows(run: DividendRun) -> Iterator[SheetRow]:
    """The run's payouts in shareholder order, read in chunks (a run may have 100,000)."""
    payouts = (
        DividendPayout.objects.filter(run=run)
        .select_related("participant__household", "participant__region")
        .order_by("participant_id")
    )
    for number, payout in enumerate(payouts.iterator(chunk_size=2000), start=1):
        participant = payout.participant
        yield SheetRow(
            number=number,
            shareholder=participant.pk,
            name=participant.name,
            village=participant.region.name,
            household=participant.household.number if participant.household else "",
            shares=payout.shares,
            preferred=payout.preferred,
            ordinary=payout.ordinary,
            total=payout.total,
        )


def sheet_totals(run: DividendRun, rows: list[SheetRow]) -> SheetTotals:
    totals = SheetTotals(
        shareholders=len(rows),
        shares=sum((r.shares for r in rows), ZERO),
        preferred=sum((r.preferred for r in rows), ZERO),
        ordinary=sum((r.ordinary for r in rows), ZERO),
        total=sum((r.total for r in rows), ZERO),
    )
    if totals.total != run.distributed:
        raise AssertionError(
            f"Run {run.pk}: the payouts add up to {totals.total}, the run distributes "
            f"{run.distributed}."
        )
    return totals


def sheet_filename(run: DividendRun, extension: str) -> str:
    return f"dividends-{run.project_id}-{run.period_start:%Y%m%d}-{run.pk}.{extension}"


def headers() -> list[str]:
    return [
        _("No."),
        _("Shareholder ID"),
        _("Shareholder"),
        _("Village"),
        _("Household number"),
        _("Shares"),
        _("Preferred dividend (yuan)"),
        _("Ordinary dividend (yuan)"),
        _("Total (yuan)"),
        _("Signature"),
    ]


def title(run: DividendRun) -> str:
    return _("Dividend payout sheet: %(project)s, %(period)s") % {
        "project": run.project.name,
        "period": run.period_label,
    }


def status_note(run: DividendRun) -> str:
    """What the sheet says of the run's standing: a sheet printed before the run is recorded
    is a draft, and a reversing run's sheet says so."""
    if run.status != RunStatus.RECORDED:
        return _("Draft: the run is %(status)s, not recorded.") % {
            "status": run.get_status_display()
        }
    if run.reverses_id is not None:
        return _("Reversal of run %(run)s.") % {"run": run.reverses_id}
    return _("Recorded %(date)s.") % {
        "date": timezone.localtime(run.recorded_at).strftime("%Y-%m-%d") if run.recorded_at else ""
    }


def figures(run: DividendRun) -> list[tuple[str, Decimal]]:
    """The run's parts, for the lines above the table."""
    return [
        (_("Distributable profit"), run.profit),
        (_("Reserve fund"), run.reserve),
        (_("Village collective"), run.collective),
        (_("Preferred dividends"), run.preferred_total),
        (_("Ordinary dividends"), run.ordinary_total),
        (_("Shortfall of the guarantee"), run.shortfall),
    ]


def sheet_xlsx(run: DividendRun) -> bytes:
    """The payout sheet as .xlsx bytes: a title, the run's figures, the table with a total
    row (a SUM formula, its value stored too) and an empty signature column."""
    import xlsxwriter

    rows = list(sheet_rows(run))
    totals = sheet_totals(run, rows)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet(_("Payout sheet")[:31])
    bold = book.add_format({"bold": True})
    heading = book.add_format({"bold": True, "font_size": 14})
    cell = book.add_format({"border": 1})
    head = book.add_format({"border": 1, "bold": True, "bg_color": "#EEEEEE", "text_wrap": True})
    money = book.add_format({"border": 1, "num_format": "0.00"})
    total_label = book.add_format({"border": 1, "bold": True})
    total_money = book.add_format({"border": 1, "bold": True, "num_format": "0.00"})
    plain_money = book.add_format({"num_format": "0.00"})

    ws.write_string(0, 0, title(run), heading)
    ws.write_string(1, 0, status_note(run))
    r = 2
    for label, amount in figures(run):
        ws.write_string(r, 0, label)
        ws.write_number(r, 2, float(amount), plain_money)
        r += 1
    r += 1
    header_row = r
    for c, text in enumerate(headers()):
        ws.write_string(header_row, c, text, head)
    first = header_row + 1
    for i, row in enumerate(rows):
        at = first + i
        ws.write_number(at, 0, row.number, cell)
        ws.write_number(at, 1, row.shareholder, cell)
        ws.write_string(at, 2, row.name, cell)
        ws.write_string(at, 3, row.village, cell)
        ws.write_string(at, 4, row.household, cell)
        ws.write_number(at, 5, float(row.shares), money)
        ws.write_number(at, 6, float(row.preferred), money)
        ws.write_number(at, 7, float(row.ordinary), money)
        ws.write_number(at, 8, float(row.total), money)
        ws.write_blank(at, 9, None, cell)
    end = first + len(rows)  # the total row (0-based); the data rows are first..end-1
    ws.write_string(end, 0, _("Total"), total_label)
    ws.write_number(end, 1, totals.shareholders, total_label)
    for c in (2, 3, 4):
        ws.write_blank(end, c, None, total_label)
    for c, amount in (
        (5, totals.shares),
        (6, totals.preferred),
        (7, totals.ordinary),
        (8, totals.total),
    ):
        letter = "ABCDEFGHIJ"[c]
        if rows:
            formula = f"=SUM({letter}{first + 1}:{letter}{end})"
            ws.write_formula(end, c, formula, total_money, float(amount))
        else:
            ws.write_number(end, c, 0, total_money)
    ws.write_blank(end, 9, None, total_label)
    ws.write_string(end + 2, 0, _("Prepared by:"), bold)
    ws.write_string(end + 2, 4, _("Checked by:"), bold)
    ws.write_string(end + 2, 7, _("Date:"), bold)

    ws.set_column(0, 1, 8)
    ws.set_column(2, 4, 14)
    ws.set_column(5, 8, 14)
    ws.set_column(9, 9, 18)
    ws.freeze_panes(first, 0)
    ws.repeat_rows(header_row)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()


def sheet_context(run: DividendRun) -> dict[str, Any]:
    rows = list(sheet_rows(run))
    return {
        "run": run,
        "project": run.project,
        "title": title(run),
        "status_note": status_note(run),
        "figures": figures(run),
        "headers": headers(),
        "rows": rows,
        "totals": sheet_totals(run, rows),
        "printed_on": timezone.localdate(),
    }


def sheet_pdf(run: DividendRun) -> bytes:
    """The payout sheet as PDF bytes."""
    from weasyprint import HTML  # imported here: it loads Pango, which only these pages need

    html = render_to_string("projects/payout_sheet.html", sheet_context(run))
    return bytes(HTML(string=html).write_pdf())
