"""Thin Celery wrappers around matching's services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

TRANSIENT = (OperationalError, InterfaceError)  # the database went away for a moment: worth another try


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=4, name="matching.match_requirement")
def match_requirement(self, run_id: int) -> str | None:
    try:
        run = services.execute_match_run(run_id=run_id)
    except TRANSIENT as exc:
        if self.request.retries >= self.max_retries:
            services.fail_match_run(run_id=run_id, error=f"gave up after {self.request.retries + 1} attempts: {exc}")
            return None
        raise self.retry(exc=exc, countdown=min(300, 5 * 2**self.request.retries)) from exc
    return run.status if run else None


@shared_task(acks_late=True, name="matching.rematch_open_requirements")
def rematch_open_requirements() -> int:
    return services.rematch_open_requirements()


@shared_task(acks_late=True, name="matching.refresh_supplier_opportunities")
def refresh_supplier_opportunities(profile_id: int) -> int:
    return services.refresh_supplier_opportunities(profile_id=profile_id)


@shared_task(name="matching.requeue_stalled_runs")
def requeue_stalled_runs() -> int:
    return services.requeue_stalled_runs()


@shared_task(acks_late=True, name="matching.train_ranker")
def train_ranker() -> str | None:
    model = services.train_ranker()
    return model.version if model else None
