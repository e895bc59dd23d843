"""What the project pages share: who may change a record, the form base, the table mixin."""

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from fupin.accounts.roles import Action
from fupin.lib.views import ActionFormView, changes_somewhere
from fupin.projects.models import Project

PER_PAGE = 50


def changeable(user: Any, obj: Model) -> bool:
    """Whether `user` may change `obj` (a project only when every covered village is theirs;
    a project's records as their project)."""
    manager: Any = type(obj)._default_manager
    return bool(manager.for_user(user, Action.CHANGE).filter(pk=obj.pk).exists())


def page_of(request: HttpRequest, rows: Any, name: str) -> Page:
    return Paginator(rows, PER_PAGE).get_page(request.GET.get(name))


class ThroughProjectMixin:
    """Pages of a project's records (participants, contracts): a role that sees no project
    gets a plain 403, as on the project pages (their queryset alone is never empty: it
    filters by a subquery)."""

    request: HttpRequest
    scope_action: ClassVar[str]

    def check_role(self) -> None:
        super().check_role()  # type: ignore[misc]
        user = self.request.user
        if (
            user.is_authenticated
            and Project.objects.for_user(user, Action(self.scope_action)).query.is_empty()
        ):
            raise PermissionDenied(_("Your role does not allow this page."))


class UserTableMixin:
    request: HttpRequest

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}


class CanAddMixin:
    """Lists offer "New …" to who changes records somewhere (the action checks where)."""

    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["can_add"] = changes_somewhere(self.request.user, Project.objects)
        return context


class ProjectsFormView(ThroughProjectMixin, ActionFormView):
    """A form about one record (the URL's pk): 404 when the user does not see it, 403 when
    they see it but may not change it (a project spanning a county border, for one of the two
    counties); readers get 403 before any lookup."""

    scope_action = Action.CHANGE
    cancel: str = ""

    def get_object(self) -> Model:
        try:
            obj = self.queryset.for_user(self.request.user, Action.VIEW).get(pk=self.kwargs["pk"])
        except (self.queryset.model.DoesNotExist, ValueError):
            raise Http404 from None
        if not changeable(self.request.user, obj) or not self.allowed(obj):
            raise PermissionDenied(_("Your role does not allow this page."))
        return obj

    def allowed(self, obj: Any) -> bool:
        return True

    def cancel_url(self) -> str:
        if self.object is not None and hasattr(self.object, "get_absolute_url"):
            return str(self.object.get_absolute_url())
        return reverse(self.cancel) if self.cancel else ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.cancel_url()
        return context
