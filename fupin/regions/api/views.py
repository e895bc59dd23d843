from typing import Any

from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fupin.lib.api import ScopedReadOnlyViewSet
from fupin.regions.api.serializers import RegionSerializer
from fupin.regions.filtersets import RegionFilterSet
from fupin.regions.models import Region


class RegionViewSet(ScopedReadOnlyViewSet):
    """The region tree: readable by every signed-in user, changed only by operators' commands."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet
    ordering_fields = ["code", "name", "level"]

    @action(detail=True)
    def children(self, request: Request, pk: Any = None) -> Response:
        region = self.get_object()
        page = self.paginate_queryset(self.get_queryset().filter(parent=region))
        data = self.get_serializer(page, many=True).data
        return self.get_paginated_response(data)
