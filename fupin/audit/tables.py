import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from fupin.audit.models import AuditEvent


class AuditEventTable(tables.Table):
    time = tables.DateTimeColumn(linkify=True, verbose_name=_("Time"), format="Y-m-d H:i:s")
    actor_name = tables.Column(verbose_name=_("Actor"))
    action = tables.Column(verbose_name=_("Action"))
    object_type = tables.Column(verbose_name=_("Object type"))
    object_repr = tables.Column(verbose_name=_("Object"))
    region_code = tables.Column(verbose_name=_("Region code"))

    class Meta:
        model = AuditEvent
        fields = ("time", "actor_name", "action", "object_type", "object_repr", "region_code")
        attrs = {"class": "table"}
