import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fupin.audit.models import AuditEvent


class AuditEventFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    action = django_filters.CharFilter(lookup_expr="startswith", label=_("Action"))
    actor = django_filters.CharFilter(field_name="actor_name", label=_("Actor (user name)"))
    region = django_filters.CharFilter(
        field_name="region_code", lookup_expr="startswith", label=_("Within region (code)")
    )
    object_type = django_filters.CharFilter(label=_("Object type"))
    object_id = django_filters.CharFilter(label=_("Object id"))
    since = django_filters.DateFilter(field_name="time", lookup_expr="date__gte", label=_("From"))
    until = django_filters.DateFilter(field_name="time", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = AuditEvent
        fields = ["q", "action", "actor", "region", "object_type", "object_id", "since", "until"]

    def search(self, queryset: QuerySet[AuditEvent], name: str, value: str) -> QuerySet[AuditEvent]:
        return queryset.filter(
            Q(object_repr__icontains=value) | Q(actor_name__icontains=value) | Q(action=value)
        )
