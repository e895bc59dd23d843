"""Base page views every app's views.py declares itself from (NetBox-style generic views).

Scoping is applied here and only here: each view names its queryset and the action it needs
("view", "change", "manage_users"), and `get_queryset` passes it through the model's
`for_user`. App views stay declarative; a view without `queryset` fails loudly.
"""

import csv
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.forms import BaseForm
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from fupin.lib.spreadsheets import write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel reads a CSV file as UTF-8 only when it starts with a byte-order mark; without it,
# Chinese comes out as mojibake in the Chinese editions of Excel (which assume GBK).
BOM = "\ufeff"


class _Line:
    """csv.writer writes into this and gets the line back, to stream it."""

    def write(self, value: str) -> str:
        return value


def spreadsheet_safe(value: Any) -> str:
    """A cell as text that a spreadsheet will not run as a formula (=, +, -, @ open one)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


class ScopedMixin(LoginRequiredMixin):
    """Every page that shows records: signed-in users only, queryset through `for_user`."""

    queryset: Any = None
    scope_action: ClassVar[str] = "view"
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.check_role()
        return super().dispatch(request, *args, **kwargs)

    def check_role(self) -> None:
        """A role without this action anywhere (a village secretary on the user pages) gets a
        plain 403; a record outside the user's subtree gets a 404 from the queryset."""
        if self.request.user.is_authenticated and self.get_queryset().query.is_empty():
            raise PermissionDenied(_("Your role does not allow this page."))

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "queryset", None) is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare a queryset.")
        return self.queryset.for_user(self.request.user, self.scope_action)


class ObjectListView(ScopedMixin, SingleTableMixin, FilterView):
    """A filtered, sorted, paged table; `?export=xlsx` or `?export=csv` downloads every
    filtered row, as the table shows it to this user (masked columns stay masked)."""

    template_name = "generic/object_list.html"
    # Paged by the table (django-tables2), not by ListView too, which would count twice.
    table_pagination = {"per_page": 50}
    title: ClassVar[Any] = ""
    export_name: ClassVar[str] = "export"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.GET.get("export") == "xlsx":
            return self.export()
        if request.GET.get("export") == "csv":
            return self.export_csv()
        return super().get(request, *args, **kwargs)

    def export_rows(self) -> Iterator[Sequence[Any]]:
        """The header, then every filtered row, read from the database in chunks."""
        filterset = self.get_filterset(self.get_filterset_class())
        qs = filterset.qs if filterset.is_valid() else self.get_queryset().none()
        table = self.get_table_class()(qs, **self.get_table_kwargs())
        # django-tables2 iterates the queryset itself, which would hold every row in memory.
        table.data.data = qs.iterator(chunk_size=2000)
        return iter(table.as_values())

    def export_filename(self, extension: str) -> str:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return f'attachment; filename="{self.export_name}-{stamp}.{extension}"'

    def export(self) -> HttpResponse:
        body = write_xlsx(self.export_rows(), sheet=str(self.title))
        response = HttpResponse(body, content_type=XLSX)
        response["Content-Disposition"] = self.export_filename("xlsx")
        return response

    def export_csv(self) -> StreamingHttpResponse:
        rows = self.export_rows()
        # The rows are written after the view returns, while the server sends them: keep the
        # request's language for the headers and labels.
        language = translation.get_language()

        def lines() -> Iterator[str]:
            with translation.override(language):
                writer = csv.writer(_Line())
                yield BOM
                for row in rows:
                    yield writer.writerow([spreadsheet_safe(cell) for cell in row])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = self.export_filename("csv")
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        return context


class ObjectDetailView(ScopedMixin, DetailView):
    pass


class ActionFormView(ScopedMixin, FormView):
    """A form whose valid data is handed to an action (`perform`); the action's
    ValidationError becomes form errors and nothing is saved.

    With `object_view = True` the URL's pk is first looked up through the scope, so a record
    outside the user's subtree answers 404.
    """

    template_name = "generic/form.html"
    object_view: ClassVar[bool] = False
    title: ClassVar[Any] = ""
    object: Any = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.check_role()
        if self.object_view:
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_object(self) -> Model:
        try:
            return self.get_queryset().get(pk=self.kwargs["pk"])
        except (self.queryset.model.DoesNotExist, ValueError):
            raise Http404 from None

    def perform(self, form: Any) -> Model | None:
        raise NotImplementedError

    def success_message(self) -> str:
        return _("Saved.")

    def form_valid(self, form: BaseForm) -> HttpResponse:
        try:
            result = self.perform(form)
        except ValidationError as e:
            if hasattr(e, "error_dict"):
                for field, errors in e.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, e)
            return self.form_invalid(form)
        except PermissionDenied as e:
            form.add_error(None, str(e) or _("You may not do this."))
            return self.form_invalid(form)
        messages.success(self.request, self.success_message())
        return HttpResponseRedirect(self.get_success_url(result))

    def get_success_url(self, result: Model | None = None) -> str:
        target = result if result is not None else self.object
        return str(target.get_absolute_url())  # type: ignore[union-attr]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context["object"] = self.object
        return context


def changes_somewhere(user: Any, records: Any) -> bool:
    """Whether `user` may change `records` (a scoped model's manager or queryset) in some
    region: whether a list offers "Add …" (the action still checks where).

    Asked of the scope itself, with no query: a role without the change action anywhere gets
    a visibly empty queryset. Rows a user changes as their owner count too, so to ask whether
    a user administers some region, pass records that nobody changes as their owner.
    """
    return not records.for_user(user, "change").query.is_empty()
