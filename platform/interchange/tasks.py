"""Thin Celery wrappers around interchange's services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, name="interchange.import_ocds_run")
def import_ocds_run(run_id: int) -> str | None:
    run = services.execute_import_run(run_id=run_id)
    return run.status if run else None


@shared_task(name="interchange.requeue_stalled_imports")
def requeue_stalled_imports() -> int:
    return services.requeue_stalled_imports()
