"""Thin Celery wrappers around suppliers' services."""

from celery import shared_task

from . import services


@shared_task(name="suppliers.record_exposures", ignore_result=True)
def record_exposures(viewer_id: int, kind: str, shown: list) -> int:
    return services.record_exposures_of(viewer_id=viewer_id, kind=kind, shown=shown)
