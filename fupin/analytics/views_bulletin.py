"""The bulletin page and the standard report tables of a region (/stats/CODE/bulletin/ and
/stats/CODE/reports/; without a code, the top of the user's scope; 404 outside it), each with
its downloads (?format=docx|pdf|text for the bulletin, ?format=xlsx|pdf for the tables).

Both read the summary figures only. A role that sees records of a region sees its bulletin
and tables (the auditor included: they are aggregates with no breakdown of people); a helper,
who sees only their own households, has no region and gets a 403.
"""

import datetime
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from fupin.accounts.roles import Action
from fupin.accounts.scoping import can, region_in_scope
from fupin.analytics import figures as analytics
from fupin.analytics.bulletin import (
    PRECISION,
    PRECISIONS,
    Number,
    bulletin_docx,
    bulletin_pdf,
    write_bulletin,
)
from fupin.analytics.models import RegionFigures
from fupin.analytics.reports import report_pdf, report_xlsx, standard_report
from fupin.lib.views import XLSX, ScopedMixin
from fupin.regions.models import Region

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class BulletinForm(forms.Form):
    as_of = forms.DateField(label=gettext_lazy("As of"), required=False)
    precision = forms.TypedChoiceField(
        label=gettext_lazy("Significant digits"),
        choices=[(n, str(n)) for n in PRECISIONS],
        coerce=int,
        required=False,
        empty_value=None,
    )


class YearForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"),
        choices=[(y, str(y)) for y in analytics.YEARS],
        coerce=int,
        required=False,
        empty_value=None,
    )


class RegionPageMixin(ScopedMixin):
    """A page about one region the user may see; the region's ancestors they may also see
    become breadcrumbs, its children links to their own page."""

    queryset = RegionFigures.objects.all()
    code: str

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        code = region_in_scope(request.user, str(kwargs.get("code", "")).strip())
        if code is None:
            raise Http404
        self.code = code
        self.region = Region.objects.get(code=code)
        return self.respond(request)

    def respond(self, request: HttpRequest) -> HttpResponse:
        raise NotImplementedError

    def region_context(self) -> dict[str, Any]:
        user = self.request.user
        return {
            "region": self.region,
            "ancestors": [a for a in self.region.ancestors() if can(user, Action.VIEW, a.code)],
            "subregions": list(self.region.children.order_by("code")),
        }


def download(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class BulletinView(RegionPageMixin, TemplateView):
    """The region's bulletin, each number a link to the records it counts."""

    template_name = "analytics/bulletin.html"

    def respond(self, request: HttpRequest) -> HttpResponse:
        data = request.GET.copy()
        # Show the precision the bulletin is written in when none was asked for.
        data.setdefault("precision", str(PRECISION))
        form = BulletinForm(data)
        # A date or precision the form refuses is shown with its error, over the default bulletin.
        asked = form.cleaned_data if form.is_valid() else {}
        as_of: datetime.date | None = asked.get("as_of")
        precision: int = asked.get("precision") or PRECISION
        bulletin = write_bulletin(self.code, as_of, precision)
        name = f"bulletin-{self.code}-{bulletin.as_of:%Y%m%d}"
        kind = request.GET.get("format", "")
        if kind == "docx":
            return download(bulletin_docx(bulletin), DOCX, f"{name}.docx")
        if kind == "pdf":
            return download(bulletin_pdf(bulletin), "application/pdf", f"{name}.pdf")
        if kind == "text":
            return download(bulletin.text().encode(), "text/plain; charset=utf-8", f"{name}.txt")
        context = self.get_context_data(
            title=_("Bulletin"),
            bulletin=bulletin,
            paragraphs=[
                [
                    {
                        "text": str(piece),
                        "link": getattr(piece, "link", None),
                        "hint": hint(piece),
                        "number": not isinstance(piece, str),
                    }
                    for piece in paragraph
                ]
                for paragraph in bulletin.paragraphs
            ],
            form=form,
            query=request.GET.urlencode(),
            **self.region_context(),
        )
        return self.render_to_response(context)


def hint(piece: Any) -> str:
    """The exact figure behind a number, shown when the pointer rests on it."""
    if isinstance(piece, Number):
        return f"{analytics.label(piece.key)}：{piece.value:,}"
    if isinstance(piece, str):
        return ""
    return f"{analytics.label(piece.numerator)} {piece.part:,} / {piece.whole:,}"


class ReportView(RegionPageMixin, TemplateView):
    """The standard tables of the region's child regions, with .xlsx and PDF downloads."""

    template_name = "analytics/reports.html"

    def respond(self, request: HttpRequest) -> HttpResponse:
        form = YearForm(request.GET)
        year = form.cleaned_data.get("year") if form.is_valid() else None
        report = standard_report(self.code, year)
        name = f"report-{self.code}-{report.year or ''}"
        kind = request.GET.get("format", "")
        if kind == "xlsx":
            return download(report_xlsx(report), XLSX, f"{name}.xlsx")
        if kind == "pdf":
            return download(report_pdf(report), "application/pdf", f"{name}.pdf")
        context = self.get_context_data(
            title=_("Report tables"),
            report=report,
            form=form,
            query=request.GET.urlencode(),
            **self.region_context(),
        )
        return self.render_to_response(context)
