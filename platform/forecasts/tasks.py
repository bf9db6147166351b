"""Thin Celery wrappers around the forecasts' services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=4, name="forecasts.match_forecast")
def match_forecast(self, run_id: int) -> str | None:
    try:
        run = services.execute_match_run(run_id=run_id)
    except TRANSIENT as exc:
        if self.request.retries >= self.max_retries:
            services.fail_match_run(run_id=run_id, error=f"gave up after {self.request.retries + 1} attempts: {exc}")
            return None
        raise self.retry(exc=exc, countdown=min(300, 5 * 2**self.request.retries)) from exc
    return run.status if run else None
