"""Middleware and request helpers of the whole site."""

from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are in Chinese unless the user picked English in the language menu (a cookie).

    Django's own middleware follows the browser's Accept-Language, and many office machines
    in China run English-language browsers: their users would get English pages they never
    asked for. API clients state what they want, so the API still follows Accept-Language.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if not chosen and request.path.startswith("/api/"):
            chosen = translation.get_language_from_request(request)
        try:
            language = translation.get_supported_language_variant(chosen or settings.LANGUAGE_CODE)
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RefuseNulMiddleware:
    """Answers 400 to an address or query string holding a NUL character. No text of ours
    holds one, and PostgreSQL refuses it in any string (an error, a 500, wherever a view hands
    the value to a query); forms and serializers already refuse it in what is posted."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return HttpResponseBadRequest(
                _("The address holds a NUL character, which no value may contain."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def client_address(request: HttpRequest) -> str | None:
    """The address a request came from, for the lock-out after failed logins (axes).

    Behind `TRUSTED_PROXY_COUNT` reverse proxies every request comes from the last proxy, so
    locking by that address would let anyone lock an administrator out by guessing. Each
    proxy appends the address it was called from to X-Forwarded-For, so the client is the
    entry that many places from the right; what the client wrote before it is not trusted."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-count] if len(hops) >= count else hops[0]
    return request.META.get("REMOTE_ADDR")


class ProtectiveHeadersMiddleware:
    """Two headers on every answer of the site (pages, API, downloads; static files are served
    before this, by WhiteNoise, and stay cacheable):

    - never kept by a browser or a proxy: nearly every answer carries personal data or figures
      of a user's scope, and a shared office computer's cache must not hand them to the next
      user;
    - `settings.CONTENT_SECURITY_POLICY`: scripts only from our own static files (no inline
      script, no handler attribute), so that text someone got into a page cannot run there."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        if settings.CONTENT_SECURITY_POLICY and not response.has_header("Content-Security-Policy"):
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        return response
