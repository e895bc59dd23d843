from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from fupin.audit.context import request_id


class RequestIdMiddleware:
    """Gives each request an id (or keeps the proxy's X-Request-ID) for its audit events."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")[:64]
        with request_id(incoming or None) as rid:
            response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response
