from django_tasks import task

from fupin.audit.context import request_id
from fupin.imports.models import ImportJob


@task()
def run_import_job(job_id: int) -> None:
    """The background half of an import: the worker (`fupin db_worker`) runs it."""
    from fupin.imports.actions import run_job

    with request_id(f"import-{job_id}"):
        run_job(ImportJob.objects.get(pk=job_id))
