"""What the project pages share: the table mixin and the "New …" button of the lists.

Who may open a page and which record answers 404 is decided by the base views
(fupin/lib/views.py); the forms are `ObjectEditView` / `ObjectDeleteView` declarations.
"""

from typing import Any

from django.http import HttpRequest

from fupin.lib.views import changes_somewhere
from fupin.projects.models import Project


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
