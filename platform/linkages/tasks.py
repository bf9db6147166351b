"""Thin Celery wrappers around linkages' services."""

from celery import shared_task

from . import services


@shared_task(name="linkages.mark_dormant_linkages")
def mark_dormant_linkages() -> int:
    return services.mark_dormant_linkages()
