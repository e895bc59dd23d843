"""The classes DRF's settings name (the JSON parser, the pagination), apart from lib/api.py:
DRF imports them while its own views load, and lib/api.py imports those views."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import JSONParser


class BoundedJSONParser(JSONParser):
    """JSON, refused with a 400 when it nests deeper than Python's parser can follow (a
    RecursionError, which is no ValueError, would otherwise be a 500)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("The JSON is nested too deeply.")) from None


class Pagination(LimitOffsetPagination):
    """`?limit=` and `?offset=` pages of at most `max_limit` rows: a larger limit is cut to it
    (one answer never holds a province), an offset past the end gives an empty page."""

    max_limit = 1000
