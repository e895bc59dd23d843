from fupin.audit.api.serializers import AuditEventSerializer
from fupin.audit.filtersets import AuditEventFilterSet
from fupin.audit.models import AuditEvent
from fupin.lib.api import ScopedReadOnlyViewSet


class AuditEventViewSet(ScopedReadOnlyViewSet):
    """Audit events of the caller's subtree, newest first. Events are never changed."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    ordering_fields = ["time"]
