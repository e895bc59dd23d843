"""Base page views every app's views.py declares itself from (NetBox-style generic views).

Scoping is applied here and only here: each view names its queryset and the action it needs
("view", "change", "manage_users"), and `get_queryset` passes it through the model's
`for_user`. App views stay declarative; a view without `queryset` fails loudly.
"""

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms import BaseForm, Form
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.urls import reverse
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
        user = self.request.user
        if not user.is_authenticated:
            return
        queryset = self.get_queryset()
        if queryset.query.is_empty() or action_nowhere(user, queryset.model, self.scope_action):
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
    """One record, looked up through the user's scope (404 outside it); its template gets
    `permitted` (`permitted_actions`) to decide its buttons."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["permitted"] = permitted_actions(self.request.user, self.object)
        return context


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

    def save(self, form: Any) -> Model | None:
        """What a valid form does: `perform` (ObjectEditView wraps it in a transaction)."""
        return self.perform(form)

    def form_valid(self, form: BaseForm) -> HttpResponse:
        try:
            result = self.save(form)
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


# Generic edit and delete.
#
# One rule for 403 and 404 (README, "Roles and scope"): a role that may do a page's action on
# no record of its kind gets 403 on every page of that kind, before any record is looked up
# (`ScopedMixin.check_role`, `action_nowhere`); a record outside the user's scope for the
# page's action answers 404 (`ObjectEditView.get_object`); a record in scope whose step the
# role may not take (a village secretary approving a dividend run) gets 403 (`allowed`).

PER_PAGE = 50


def page_of(request: HttpRequest, rows: Any, name: str = "page") -> Page:
    """One page of `rows`, the page number read from the query string's `name`."""
    return Paginator(rows, PER_PAGE).get_page(request.GET.get(name))


def scoped_for(user: Any, obj: Model, action: str) -> bool:
    """Whether `obj` is in `user`'s scope for `action`, asked of its model's `for_user` (lib
    imports no app: any model whose manager scopes answers)."""
    manager: Any = type(obj)._default_manager
    return bool(manager.for_user(user, action).filter(pk=obj.pk).exists())


def changeable(user: Any, obj: Model) -> bool:
    """Whether `user` may change `obj` (its model's CHANGE scope, a helper's ownership too)."""
    return scoped_for(user, obj, "change")


class Permitted(Mapping[str, bool]):
    """The answer of `permitted_actions`: read lazily, so a page that shows no button asks
    nothing of the database, and once per request however many buttons ask."""

    ACTIONS = ("change", "delete")

    def __init__(self, user: Any, obj: Model) -> None:
        self.user, self.obj = user, obj
        self._change: bool | None = None

    def __getitem__(self, action: str) -> bool:
        if action not in self.ACTIONS:
            raise KeyError(action)
        if self._change is None:
            self._change = changeable(self.user, self.obj)
        # Deleting needs what changing needs; the delete action refuses what else stands in
        # the way (records that still refer to this one), in words.
        return self._change

    def __iter__(self) -> Iterator[str]:
        return iter(self.ACTIONS)

    def __len__(self) -> int:
        return len(self.ACTIONS)


def permitted_actions(user: Any, obj: Model) -> Permitted:
    """The buttons of a record's page `user` sees, for its template: `permitted.change` (edit
    and the forms that add to the record) and `permitted.delete`. The actions decide in the
    end; this only keeps a button away from who would be refused. Every detail page has it
    (`ObjectDetailView`); a page about another record asks for it by name."""
    return Permitted(user, obj)


def _owner_model(model: Any, path: str) -> Any:
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model


def action_nowhere(user: Any, model: Any, action: str) -> bool:
    """Whether `user` may do `action` on no record of `model` at all: its scoped queryset is
    empty by construction, or that of the records it belongs to is (a project's participants
    and runs, `Model.scope_through`), which its own queryset filters by as a subquery."""
    manager = model._default_manager
    if not hasattr(manager, "for_user"):
        return False
    if manager.for_user(user, action).query.is_empty():
        return True
    through: str | None = getattr(model, "scope_through", None)
    if not through:
        return False
    return action_nowhere(user, _owner_model(model, through), action)


def region_page(code: str | None, asked: str) -> str:
    """The region a per-region page shows (`code`, as the scoping module found it for the
    `asked` one), or the rule's answer: 403 to a role with no region at all (nothing asked
    and nothing to show: a helper, who sees only their own households), 404 for a region
    outside the user's scope."""
    if code is not None:
        return code
    if not asked:
        raise PermissionDenied(_("Your role does not allow this page."))
    raise Http404


class ObjectEditView(ActionFormView):
    """A form whose valid data goes to a domain action, declared on the view (NetBox's
    ObjectEditView): `action = actions.update_partner` and `object_arg = "partner"`.

    Without a pk in the URL it creates (`action(actor=…, **data)`); with one it first looks
    the record up through the user's scope for `lookup_action` (404 outside it) and hands it
    to the action as `object_arg`. `allowed(obj)` refuses with 403 a record in scope whose
    step the role may not take. Inside the transaction the saved record is read again
    through the user's scope for the page's action: an action that left it outside rolls
    back, refused.
    """

    scope_action: ClassVar[str] = "change"
    # The scope the URL's record is looked up in: "view" where a user adds to a record they
    # need only see (a county's villager joining a park committee across two counties).
    lookup_action: ClassVar[str] = ""
    action: ClassVar[Callable[..., Any] | None] = None
    object_arg: ClassVar[str] = ""
    # Form fields the action takes under another name: a region chosen on the form is the
    # action's code (`{"region": "region_code"}`).
    renamed: ClassVar[Mapping[str, str]] = {}
    # The URL name to go back to when there is no record (a create form's list page).
    cancel: ClassVar[str] = ""
    message: ClassVar[Any] = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if "pk" in kwargs:
            self.object_view = True  # type: ignore[misc]
        return super().dispatch(request, *args, **kwargs)

    def lookup_queryset(self) -> QuerySet[Any]:
        return self.queryset.for_user(self.request.user, self.lookup_action or self.scope_action)

    def get_object(self) -> Model:
        try:
            obj: Model = self.lookup_queryset().get(pk=self.kwargs["pk"])
        except (self.queryset.model.DoesNotExist, ValueError):
            raise Http404 from None
        if not self.allowed(obj):
            raise PermissionDenied(_("Your role does not allow this page."))
        return obj

    def allowed(self, obj: Any) -> bool:
        return True

    def action_kwargs(self, form: Any) -> dict[str, Any]:
        """What the action gets besides the actor and the record: the form's data, under the
        action's names."""
        return {self.renamed.get(k, k): v for k, v in form.cleaned_data.items()}

    def call_action(self, form: Any) -> Any:
        if self.action is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare an action.")
        kwargs = self.action_kwargs(form)
        if self.object is not None and self.object_arg:
            kwargs[self.object_arg] = self.object
        # The class attribute, not `self.action`: a plain function stays unbound.
        return type(self).action(actor=self.request.user, **kwargs)  # type: ignore[misc]

    def perform(self, form: Any) -> Model | None:
        result = self.call_action(form)
        return result if isinstance(result, Model) else None

    def save(self, form: Any) -> Model | None:
        with transaction.atomic():
            result = self.perform(form)
            self.check_saved(result)
        return result

    def check_saved(self, result: Any) -> None:
        """Read the saved record again through the user's scope; raise (and so roll back)
        when the action left it outside."""
        if isinstance(result, Model) and hasattr(type(result)._default_manager, "for_user"):
            inside = scoped_for(self.request.user, result, self.scope_action)
        elif self.object is not None and self.object.pk is not None:
            inside = self.lookup_queryset().filter(pk=self.object.pk).exists()
        else:
            inside = True  # nothing left to read (a record the action deleted)
        if not inside:
            raise PermissionDenied(_("This is outside the regions you are responsible for."))

    def success_message(self) -> str:
        return str(self.message) if self.message else _("Saved.")

    def get_success_url(self, result: Model | None = None) -> str:
        # Back to the page's record (a project after an investment was added to it); a
        # create form goes to what it created.
        return super().get_success_url(self.object if self.object is not None else result)

    def cancel_url(self) -> str:
        if self.object is not None and hasattr(self.object, "get_absolute_url"):
            return str(self.object.get_absolute_url())
        return reverse(self.cancel) if self.cancel else ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.cancel_url()
        return context


class ObjectDeleteView(ObjectEditView):
    """The confirmation page of a delete: GET asks, POST calls the declared action with the
    record (`action(actor=…, <object_arg>=record)`) and goes to `success_url_name` (the
    list), or to what `get_success_url` says."""

    template_name = "generic/confirm_delete.html"
    success_url_name: ClassVar[str] = ""

    def get_form_class(self) -> Any:
        if self.form_class is not None:
            return self.form_class
        return Form  # nothing to fill in: the POST itself is the confirmation

    def action_kwargs(self, form: Any) -> dict[str, Any]:
        return {}

    def save(self, form: Any) -> Model | None:
        # Nothing to read again: the record is gone.
        with transaction.atomic():
            return self.perform(form)

    def get_success_url(self, result: Model | None = None) -> str:
        if self.success_url_name:
            return reverse(self.success_url_name)
        return super().get_success_url(result)
