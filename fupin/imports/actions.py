"""Starting and running import jobs. The rows themselves are written by the domain's schema,
through the pipeline, inside the job."""

import logging
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts.actions import home_region
from fupin.audit.log import acting_user, record
from fupin.imports import pipeline, registry
from fupin.imports.errors import FileUnreadable
from fupin.imports.models import ImportJob, JobStatus

MAX_ERRORS_SHOWN = 1000
# Writing progress costs a query; every few thousand rows is often enough for a progress bar.
PROGRESS_EVERY = 2000

log = logging.getLogger(__name__)


@transaction.atomic
def start_import(*, actor: Any, kind: str, upload: UploadedFile, commit: bool) -> ImportJob:
    """File the upload as a job and queue it; the background worker runs it."""
    from fupin.imports.tasks import run_import_job

    registry.get(kind)  # unknown kinds fail here, before anything is stored
    job = ImportJob(
        kind=kind,
        original_name=Path(upload.name or "upload").name[:200],
        commit=commit,
        created_by=acting_user(actor),
        region_code=home_region(actor) if acting_user(actor) is not None else "",
    )
    job.upload.save(job.original_name, upload, save=False)
    job.save()
    record(
        actor=actor,
        action="imports.start_import",
        obj=job,
        region_code=job.region_code,
        after={"kind": kind, "file": job.original_name, "commit": commit},
    )
    transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
    return job


@transaction.atomic
def repeat_as_commit(*, actor: Any, job: ImportJob) -> ImportJob:
    """After a clean dry run, the same file again, saved this time."""
    with job.upload.open("rb") as f:
        upload = ContentFile(f.read(), name=job.original_name)
    return start_import(actor=actor, kind=job.kind, upload=upload, commit=True)  # type: ignore[arg-type]


def run_job(job: ImportJob) -> ImportJob:
    """Run a queued job to the end, keeping its progress and result on the row."""
    schema = registry.get(job.kind)
    job.status = JobStatus.RUNNING
    job.save(update_fields=["status"])
    last = {"done": -PROGRESS_EVERY}

    def progress(stage: str, done: int, total: int) -> None:
        if stage != job.stage or done - last["done"] >= PROGRESS_EVERY or done == total:
            last["done"] = done
            job.stage, job.done, job.total = stage, done, total
            ImportJob.objects.filter(pk=job.pk).update(stage=stage, done=done, total=total)

    try:
        result = pipeline.run_import(
            schema,
            Path(job.upload.path),
            actor=job.created_by,
            commit=job.commit,
            progress=progress,
        )
    except FileUnreadable as e:
        job.status, job.message = JobStatus.FAILED, str(e)
    except Exception:
        log.exception("import job %s failed", job.pk)
        job.status, job.message = JobStatus.FAILED, _("The import failed; nothing was saved.")
    else:
        job.status = JobStatus.DONE
        job.rows, job.saved, job.error_count = result.rows, result.saved, len(result.errors)
        job.errors = [
            {"row": e.row, "column": e.column, "value": e.value, "message": e.message}
            for e in result.errors[:MAX_ERRORS_SHOWN]
        ]
        if result.errors:
            out = Path(job.upload.path).with_suffix(".errors.xlsx")
            pipeline.write_annotated(
                Path(job.upload.path), result.errors, out, header_row=result.header_row
            )
            job.annotated.name = str(Path(job.upload.name).with_suffix(".errors.xlsx"))
    job.finished_at = timezone.now()
    job.save()
    return job
