from typing import Any

from django.utils.translation import gettext_lazy as _

from fupin.audit.filtersets import AuditEventFilterSet
from fupin.audit.models import AuditEvent
from fupin.audit.tables import AuditEventTable
from fupin.lib.views import ObjectDetailView, ObjectListView


class AuditEventListView(ObjectListView):
    queryset = AuditEvent.objects.all()
    filterset_class = AuditEventFilterSet
    table_class = AuditEventTable
    title = _("Audit log")
    export_name = "audit-log"


class AuditEventDetailView(ObjectDetailView):
    queryset = AuditEvent.objects.all()
    template_name = "audit/auditevent_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("Audit event")
        return context
