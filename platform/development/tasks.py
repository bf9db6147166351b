"""Thin Celery wrappers around supplier development's services."""

from celery import shared_task

from . import services


@shared_task(name="development.send_due_follow_ups")
def send_due_follow_ups() -> int:
    return services.send_due_follow_ups()


@shared_task(name="development.estimate_impact")
def estimate_impact(programme_id: int, kpi: str) -> str | None:
    return services.estimate_impact(programme_id=programme_id, kpi=kpi)
