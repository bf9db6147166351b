"""Thin Celery wrappers around the marketplace's services."""

from celery import shared_task

from . import services


@shared_task(name="marketplace.send_response_reminders")
def send_response_reminders() -> int:
    return services.send_response_reminders()
