from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from fupin.lib.fields import user_key

# Audit sits below accounts (whose actions write events), so it does not import the scoping
# module: it names the region-scoped queryset through a setting, the way apps name the user
# model (AUTH_USER_MODEL).
_scoped: Any = import_string(settings.SCOPED_QUERYSET)


class Recorded(models.Model):
    """A record that keeps who entered it: `recorded_by` is the signed-in user of the action
    that wrote it (`log.acting_user`), empty for an operator's command or a job, and stays
    when the account is deleted. The full story of the record is in its audit events."""

    recorded_by = user_key(_("recorded by"))

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One write to the platform: who did what to which object, in which region, when.

    Every action writes exactly one event per object it changes (or one summary event for a
    bulk load). Events are never edited or deleted by the product; they are scoped by region
    code like everything else, so a county sees the events of its own subtree.
    """

    scope_field: ClassVar[str] = "region_code"

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = user_key(_("actor"))
    # Kept as text so the event still says who acted after the account is deleted; "system"
    # for the CLI and jobs run by an operator.
    actor_name = models.CharField(_("actor name"), max_length=150)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    region_code = models.CharField(_("region code"), max_length=12, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request or job id"), max_length=64, blank=True)

    objects = _scoped.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-time", "-id"]
        indexes = [
            # The audit log of a subtree: region prefix, newest first.
            models.Index(fields=["region_code", "-time"], name="audit_region_time"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def get_absolute_url(self) -> str:
        return reverse("audit:auditevent-detail", args=[self.pk])
