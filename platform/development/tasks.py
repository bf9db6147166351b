"""Thin Celery wrappers around supplier development's services."""

from celery import shared_task

from . import services


@shared_task(name="development.send_due_follow_ups")
def send_due_follow_ups() -> int:
    return services.send_due_follow_ups()
