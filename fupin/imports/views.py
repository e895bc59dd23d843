import tempfile
from pathlib import Path
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views import View

from fupin.accounts.roles import Action
from fupin.accounts.scoping import prefixes
from fupin.imports import actions, registry
from fupin.imports.filtersets import ImportJobFilterSet
from fupin.imports.forms import UploadForm
from fupin.imports.models import ImportJob
from fupin.imports.pipeline import write_template
from fupin.imports.tables import ImportJobTable
from fupin.lib.forms import ConfirmForm
from fupin.lib.views import ActionFormView, ObjectDetailView, ObjectListView, ScopedMixin
from fupin.regions.models import Region


class ImportJobListView(ObjectListView):
    queryset = ImportJob.objects.select_related("created_by")
    filterset_class = ImportJobFilterSet
    table_class = ImportJobTable
    title = _("Imports")
    export_name = "imports"
    template_name = "imports/importjob_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["kinds"] = [registry.get(name) for name in registry.names()]
        # Readers (auditors, helpers) see the jobs but get no upload button: it would 403.
        scope = prefixes(self.request.user, Action.CHANGE)
        context["can_import"] = scope is None or bool(scope)
        return context


class ImportJobDetailView(ObjectDetailView):
    """A job's page; "Save the rows" only for who may (`permitted.change`: ImportCommitView
    answers readers with 403)."""

    queryset = ImportJob.objects.select_related("created_by")
    template_name = "imports/importjob_detail.html"

    def get_template_names(self) -> list[str]:
        # htmx polls the progress fragment until the job has finished.
        if self.request.headers.get("HX-Request"):
            return ["imports/importjob_status.html"]
        return [self.template_name]


class ImportStartView(ActionFormView):
    """Upload a roster: a dry run by default, which checks every row and saves nothing."""

    # Anyone who may change records somewhere may import into that part of the tree; the
    # schema refuses rows outside it, row by row.
    queryset = ImportJob.objects.all()
    scope_action = Action.CHANGE
    form_class = UploadForm
    template_name = "imports/upload.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            self.schema = registry.get(kwargs["kind"])
        except KeyError:
            raise Http404 from None
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Import: %(title)s") % {"title": self.schema.title}
        context["schema"] = self.schema
        return context

    def perform(self, form: Any) -> ImportJob:
        return actions.start_import(
            actor=self.request.user,
            kind=self.schema.name,
            upload=form.cleaned_data["upload"],
            commit=form.cleaned_data["commit"],
        )

    def success_message(self) -> str:
        return str(_("The file is being checked; this page shows the progress."))


class ImportCommitView(ActionFormView):
    """Save the rows of a file whose dry run found no errors."""

    queryset = ImportJob.objects.all()
    scope_action = Action.CHANGE
    object_view = True
    template_name = "generic/confirm_delete.html"
    title = _("Save the rows")

    form_class = ConfirmForm

    def perform(self, form: Any) -> ImportJob:
        return actions.repeat_as_commit(actor=self.request.user, job=self.object)


class AnnotatedDownloadView(ScopedMixin, View):
    """The uploaded workbook with the bad cells marked and explained."""

    queryset = ImportJob.objects.all()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        job = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        if not job.annotated:
            raise Http404
        name = f"{Path(job.original_name).stem}-errors.xlsx"
        return FileResponse(job.annotated.open("rb"), as_attachment=True, filename=name)


class TemplateDownloadView(ScopedMixin, View):
    """The blank workbook to fill in, with the columns the import reads."""

    queryset = Region.objects.all()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            schema = registry.get(kwargs["kind"])
        except KeyError:
            raise Http404 from None
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{schema.name}.xlsx"
            write_template(schema, path)
            body = path.read_bytes()
        response = HttpResponse(
            body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{schema.name}-template.xlsx"'
        return response
