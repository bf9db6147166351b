"""Thin Celery wrappers around notifications' services (both in Celery beat, daily)."""

from celery import shared_task

from . import services, services_alerts


@shared_task(name="notifications.scan_expiring_certifications")
def scan_expiring_certifications() -> int:
    return services.scan_expiring_certifications()


@shared_task(name="notifications.send_daily_digests")
def send_daily_digests() -> int:
    return services.send_daily_digests()


@shared_task(name="notifications.check_saved_searches")
def check_saved_searches() -> int:
    """Daily, before the digest: what each saved search newly finds (notifications.services_alerts)."""
    return services_alerts.check_saved_searches()
