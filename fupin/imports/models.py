from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import ScopedQuerySet


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One uploaded roster and what became of it: a dry run or a commit, run in the background.

    Filed under the uploader's region, so the uploader and the administrators above see it.
    The errors are kept (capped) to show on the page; the annotated workbook has them all.
    """

    scope_field: ClassVar[str] = "region_code"

    kind = models.CharField(_("kind"), max_length=32)
    upload = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    commit = models.BooleanField(_("save the rows"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    stage = models.CharField(_("stage"), max_length=16, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    saved = models.PositiveIntegerField(_("rows saved"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors (first 1,000)"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    annotated = models.FileField(_("annotated copy"), upload_to="imports/%Y/%m/", blank=True)
    region_code = models.CharField(_("region code"), max_length=12, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region_code", "-created_at"], name="import_region_time")]

    def __str__(self) -> str:
        return f"{self.original_name} ({JobStatus(self.status).label})"

    def get_absolute_url(self) -> str:
        return reverse("imports:importjob-detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 0
