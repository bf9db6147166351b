"""Thin Celery wrappers around notifications' services (both in Celery beat, daily)."""

from celery import shared_task

from . import services


@shared_task(name="notifications.scan_expiring_certifications")
def scan_expiring_certifications() -> int:
    return services.scan_expiring_certifications()


@shared_task(name="notifications.send_daily_digests")
def send_daily_digests() -> int:
    return services.send_daily_digests()
