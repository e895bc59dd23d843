"""Links into the audit log, for the pages of every app (the "Audit log of this …" link)."""

from django.db.models import Model
from django.urls import reverse


def audit_url(obj: Model) -> str:
    """The audit log filtered to one object's events."""
    return (
        f"{reverse('audit:auditevent-list')}?object_type={obj._meta.label_lower}&object_id={obj.pk}"
    )
