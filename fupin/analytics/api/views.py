"""`GET /api/v1/stats/?region=CODE&year=Y`: the figures of a region and of its child regions,
read from the summary rows (the same answer as `fupin stats --region CODE --json`)."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from fupin.accounts.roles import Action
from fupin.accounts.scoping import prefixes, region_in_scope
from fupin.analytics.api.serializers import StatsQuerySerializer, StatsSerializer, stats
from fupin.analytics.models import RegionFigures
from fupin.lib.api import ScopedViewSetMixin
from fupin.regions.models import Region


def in_scope(scope: list[str] | None, code: str) -> bool:
    return scope is None or any(code.startswith(p) for p in scope)


class StatsViewSet(ScopedViewSetMixin, viewsets.ViewSet):
    """The figures of a region (`?region=CODE`, default the top of the caller's scope) at the
    end of a year (`?year=Y`, default the latest year with data), with those of each child
    region. 404 for a region outside the caller's scope; a helper, who sees only their own
    households, gets a 403. For roles without personal data (an auditor), cells of fewer than
    5 in the breakdowns by cause and by household attribute are null."""

    queryset = RegionFigures.objects.all()

    @extend_schema(parameters=[StatsQuerySerializer], responses=StatsSerializer)
    def list(self, request: Request) -> Response:
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if prefixes(request.user, Action.VIEW) == []:
            raise PermissionDenied
        code = region_in_scope(request.user, query.validated_data.get("region", ""))
        region = Region.objects.filter(code=code).first() if code else None
        if region is None:
            raise NotFound
        personal = prefixes(request.user, Action.PERSONAL_DATA)
        answer: dict[str, Any] = stats(
            region, query.validated_data.get("year"), lambda c: in_scope(personal, c)
        )
        return Response(answer)
