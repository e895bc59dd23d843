"""Dividend runs (分红): preview a project's run for a period and a profit, propose it, have it
approved by the township or above, record it (the dividends flow into the households'
property income), discard a run not yet recorded, reverse a recorded one; the run list and
the payout sheet to sign, as .xlsx and as PDF.

Every write goes through fupin/projects/actions; the pages only decide which buttons to show
(`rules.can_approve_runs`) and turn the actions' errors into form errors.
"""

from typing import Any

import django_tables2 as tables
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page
from django.db.models import ExpressionWrapper, F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.audit.links import audit_url
from fupin.lib.fields import HundredthsField
from fupin.lib.forms import ConfirmForm
from fupin.lib.tables import UserTable, ordered
from fupin.lib.views import (
    XLSX,
    ActionFormView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    changeable,
    page_of,
)
from fupin.projects import actions, rules
from fupin.projects.choices import RunStatus
from fupin.projects.filtersets import DividendRunFilterSet
from fupin.projects.models import DividendPayout, DividendRun, Participant, Project
from fupin.projects.payout import sheet_filename, sheet_pdf, sheet_xlsx

# Forms ---------------------------------------------------------------------------------------


class DividendForm(forms.Form):
    """A period and the distributable profit: what a run is computed from."""

    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=30,
        help_text=gettext_lazy("A year (2019) or two dates (2019-07-01..2020-06-30)."),
    )
    profit = forms.DecimalField(
        label=gettext_lazy("Distributable profit (yuan)"), max_digits=14, decimal_places=2
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)

    def clean_period(self) -> tuple[Any, Any]:
        try:
            return rules.parse_period(self.cleaned_data["period"])
        except ValidationError as e:
            # parse_period names the field; a clean_<field> error must not.
            raise ValidationError(e.message_dict.get("period", e.messages)) from None


class ReverseForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Why it is reversed"), max_length=300, required=False)


# Preview and propose ----------------------------------------------------------------------


def payout_page(request: HttpRequest, run: Any) -> Page:
    """One page of a computed run's payouts, each with its shareholder (one query for the
    page's fifty, however many the run has)."""
    page = page_of(request, list(run.payouts))
    ids = [p.shareholder for p in page.object_list]
    people = Participant.objects.filter(pk__in=ids).select_related("household", "region")
    by_id = {p.pk: p for p in people}
    page.object_list = [
        {
            "participant": by_id.get(payout.shareholder),
            "shares": payout.shares,
            "preferred": payout.preferred,
            "ordinary": payout.ordinary,
            "total": payout.total,
        }
        for payout in page.object_list
    ]
    return page


class DividendPreviewView(ActionFormView):
    """The run a period and a profit would give, computed and shown, nothing saved (GET);
    the button under it proposes that run (POST), which then waits for approval."""

    queryset = Project.objects.all()
    object_view = True
    form_class = DividendForm
    template_name = "projects/run_preview.html"
    title = gettext_lazy("Dividend preview")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET" and "period" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        result = None
        if form.is_bound and form.is_valid():
            start, end = form.cleaned_data["period"]
            try:
                result = actions.preview_dividends(
                    project=self.object,
                    period_start=start,
                    period_end=end,
                    profit=form.cleaned_data["profit"],
                )
            except ValidationError as e:
                add_errors(form, e)
        return self.render_to_response(self.get_context_data(form=form, result=result))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not changeable(request.user, self.object):
            raise PermissionDenied(_("Your role does not allow this page."))
        return super().post(request, *args, **kwargs)

    def perform(self, form: Any) -> DividendRun:
        start, end = form.cleaned_data["period"]
        return actions.propose_dividend_run(
            actor=self.request.user,
            project=self.object,
            period_start=start,
            period_end=end,
            profit=form.cleaned_data["profit"],
            note=form.cleaned_data["note"],
        )

    def success_message(self) -> str:
        return _("The dividend run was proposed: it waits for approval.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        project: Project = self.object
        result = kwargs.get("result")
        context.update(
            title=_("Dividend preview: %(project)s") % {"project": project.name},
            project=project,
            result=result,
            payouts=payout_page(self.request, result) if result is not None else None,
            can_propose=changeable(self.request.user, project),
            query=self.request.GET.copy(),
        )
        query = context["query"]
        query.pop("page", None)
        context["query"] = query.urlencode()
        return context


def add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# The list ------------------------------------------------------------------------------------


class DividendRunTable(UserTable):
    project = tables.Column(
        accessor="project__name",
        verbose_name=gettext_lazy("Project"),
        order_by=ordered("project__name"),
    )
    region = tables.Column(
        accessor="project__region_id", verbose_name=gettext_lazy("Region code"), orderable=False
    )
    period = tables.Column(
        accessor="period_label",
        verbose_name=gettext_lazy("Period"),
        linkify=lambda record: record.get_absolute_url(),
        order_by=ordered("period_start"),
    )
    status = tables.Column(verbose_name=gettext_lazy("Status"), order_by=ordered("status"))
    profit = tables.Column(verbose_name=gettext_lazy("Profit"), order_by=ordered("profit"))
    reserve = tables.Column(verbose_name=gettext_lazy("Reserve fund"), orderable=False)
    collective = tables.Column(verbose_name=gettext_lazy("Village collective"), orderable=False)
    distributed_amount = tables.Column(
        verbose_name=gettext_lazy("Distributed"), order_by=ordered("distributed_amount")
    )
    shortfall = tables.Column(verbose_name=gettext_lazy("Shortfall"), orderable=False)
    reverses = tables.Column(
        accessor="reverses_id", verbose_name=gettext_lazy("Reverses run"), orderable=False
    )
    created_at = tables.DateTimeColumn(
        verbose_name=gettext_lazy("Proposed at"), format="Y-m-d H:i", order_by=ordered("created_at")
    )

    class Meta:
        model = DividendRun
        fields = (
            "project",
            "region",
            "period",
            "status",
            "profit",
            "reserve",
            "collective",
            "distributed_amount",
            "shortfall",
            "reverses",
            "created_at",
        )
        order_by = ("-created_at",)


def run_rows(runs: QuerySet[DividendRun]) -> QuerySet[DividendRun]:
    return runs.select_related("project").annotate(
        distributed_amount=ExpressionWrapper(
            F("preferred_total") + F("ordinary_total"), output_field=HundredthsField()
        )
    )


class DividendRunListView(ObjectListView):
    queryset = run_rows(DividendRun.objects.all())
    filterset_class = DividendRunFilterSet
    table_class = DividendRunTable
    title = gettext_lazy("Dividend runs")
    export_name = "dividend-runs"

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}


# One run -------------------------------------------------------------------------------------


def figures_of(run: DividendRun) -> dict[str, Any]:
    """A saved run's parts under the names of the engine's Run (projects/run_figures.html)."""
    return {
        "pool": run.profit,
        "reserve": run.reserve,
        "reserve_drawn": run.reserve_drawn,
        "collective": run.collective,
        "preferred_total": run.preferred_total,
        "ordinary_total": run.ordinary_total,
        "shortfall": run.shortfall,
    }


def buttons(user: Any, run: DividendRun) -> dict[str, Any]:
    """Which of the workflow's buttons `user` sees on `run` (the actions decide in the end),
    and why the next step is someone else's when four eyes keep the user from it."""
    approves = rules.can_approve_runs(user, run.project)
    changes = changeable(user, run)
    recorded = run.status == RunStatus.RECORDED
    reversed_already = DividendRun.objects.filter(reverses=run).exists()
    # The run's next step, approving or recording, may be someone else's under four eyes.
    pending = run.status in (RunStatus.PROPOSED, RunStatus.APPROVED)
    recording = run.status == RunStatus.APPROVED
    not_yours = actions.another_hand(user, run, recording=recording) if approves and pending else ""
    return {
        "can_approve": approves and run.status == RunStatus.PROPOSED and not not_yours,
        "can_record": approves and run.status == RunStatus.APPROVED and not not_yours,
        "can_discard": changes and not recorded,
        "can_reverse": approves and recorded and run.reverses_id is None and not reversed_already,
        "another_hand": not_yours,
    }


class DividendRunDetailView(ObjectDetailView):
    """A run's figures, where it stands, who proposed, approved and recorded it, and its
    payouts; the buttons of the next steps for who may take them."""

    queryset = DividendRun.objects.select_related(
        "project", "proposed_by", "approved_by", "recorded_by", "reverses"
    )
    template_name = "projects/run_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        run: DividendRun = self.object
        payouts = DividendPayout.objects.filter(run=run).select_related(
            "participant__household", "participant__region"
        )
        context.update(
            title=_("Dividend run %(period)s: %(project)s")
            % {"period": run.period_label, "project": run.project.name},
            run=run,
            project=run.project,
            figures=figures_of(run),
            payouts=page_of(self.request, payouts.order_by("participant_id")),
            query="",
            reversed_by=DividendRun.objects.filter(reverses=run).first(),
            audit_url=audit_url(run),
            **buttons(self.request.user, run),
        )
        return context


class DividendRunStepView(ObjectEditView):
    """A confirmation page for one step of a run's workflow: GET shows it, POST takes the
    step through the declared action. Outside the user's CHANGE scope the run answers 404
    (as every edit page); a user in scope whose role may not take the step gets 403."""

    queryset = DividendRun.objects.select_related("project")
    form_class: type[forms.Form] = ConfirmForm
    template_name = "projects/run_confirm.html"
    object_arg = "run"
    explanation: Any = ""

    def allowed(self, obj: Any) -> bool:
        return rules.can_approve_runs(self.request.user, obj.project)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            run=self.object, figures=figures_of(self.object), explanation=self.explanation
        )
        return context


class DividendRunApproveView(DividendRunStepView):
    """403, saying why, to who took an earlier step four eyes keep apart from this one."""

    title = gettext_lazy("Approve dividend run")
    explanation = gettext_lazy(
        "Approving confirms the figures below; the run can then be recorded."
    )
    action = actions.approve_dividend_run
    message = gettext_lazy("The dividend run was approved.")
    recording = False

    def allowed(self, obj: Any) -> bool:
        if not super().allowed(obj):
            return False
        actions.require_another_hand(self.request.user, obj, recording=self.recording)
        return True


class DividendRunRecordView(DividendRunApproveView):
    title = gettext_lazy("Record dividend run")
    recording = True
    explanation = gettext_lazy(
        "Recording adds each dividend to the shareholders' income for the year. A recorded "
        "run cannot be changed: it can only be reversed."
    )
    action = actions.record_dividend_run
    message = gettext_lazy("The dividend run was recorded.")


class DividendRunDiscardView(ObjectDeleteView, DividendRunStepView):
    template_name = "projects/run_confirm.html"
    title = gettext_lazy("Discard dividend run")
    explanation = gettext_lazy("The run is deleted; nothing was paid or recorded.")
    action = actions.discard_dividend_run
    message = gettext_lazy("The dividend run was discarded.")

    def allowed(self, obj: Any) -> bool:
        return True  # whoever may change the project (the CHANGE scope) may discard its run

    def get_success_url(self, result: Any = None) -> str:
        return f"{reverse('projects:run-list')}?project={self.object.project_id}"


class DividendRunReverseView(DividendRunStepView):
    form_class = ReverseForm
    title = gettext_lazy("Reverse dividend run")
    explanation = gettext_lazy(
        "A reversing run with every amount negated is recorded; the two add up to zero for "
        "every shareholder. Propose a corrected run afterwards."
    )
    action = actions.reverse_dividend_run
    message = gettext_lazy("The dividend run was reversed.")

    def get_success_url(self, result: Any = None) -> str:
        return str(result.get_absolute_url())  # the reversing run's page


# The payout sheet ------------------------------------------------------------------------


class DividendSheetXlsxView(ObjectDetailView):
    """The payout sheet as .xlsx: one row per shareholder, the total, a column to sign."""

    queryset = DividendRun.objects.select_related("project")

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        run: DividendRun = self.object
        response = HttpResponse(sheet_xlsx(run), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{sheet_filename(run, "xlsx")}"'
        return response


class DividendSheetPdfView(ObjectDetailView):
    """The payout sheet as PDF, to print and have each shareholder sign."""

    queryset = DividendRun.objects.select_related("project")

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        run: DividendRun = self.object
        response = HttpResponse(sheet_pdf(run), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{sheet_filename(run, "pdf")}"'
        return response
