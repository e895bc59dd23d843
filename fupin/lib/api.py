"""Base API viewsets: the API twin of lib/views.py. Scoping is applied here and only here."""

from collections.abc import Callable
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from rest_framework import exceptions, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# The methods of a resource that is written: no PUT, a write changes the fields it gives.
READ_WRITE = ["get", "post", "patch", "delete", "head", "options"]


class ScopedViewSetMixin:
    """`queryset` through `for_user`: reads need `scope_action`, writes `write_action`.

    An object outside the scope is simply not in the queryset, so it answers 404 and its
    existence does not leak.
    """

    queryset: Any = None
    scope_action: ClassVar[str] = "view"
    write_action: ClassVar[str] = "change"
    request: Any

    def get_queryset(self) -> QuerySet[Any]:
        action = (
            self.scope_action
            if self.request.method in ("GET", "HEAD", "OPTIONS")
            else (self.write_action)
        )
        return self.queryset.for_user(self.request.user, action)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Writes go through actions: serializers or `perform_create`/`perform_update` call them,
    and DELETE calls the declared `delete_action` with the record as `object_arg`
    (`delete_action = actions.delete_partner`, `object_arg = "partner"`), as the pages'
    ObjectDeleteView does."""

    delete_action: ClassVar[Callable[..., Any] | None] = None
    object_arg: ClassVar[str] = ""

    def perform_destroy(self, instance: Any) -> None:
        # The class attribute, not `self.delete_action`: a plain function stays unbound.
        delete = type(self).delete_action
        if delete is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare a delete_action.")
        delete(actor=self.request.user, **{self.object_arg: instance})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Actions raise Django's ValidationError; the API answers it as a 400 with the messages."""
    if isinstance(exc, DjangoValidationError):
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        # Django's text ("No User matches the given query.") is untranslated and names the
        # model; NotFound's own detail is translated and says no more than "not found".
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
