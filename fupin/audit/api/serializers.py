from rest_framework import serializers

from fupin.audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "time",
            "actor",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "region_code",
            "before",
            "after",
            "request_id",
        ]
