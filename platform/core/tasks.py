"""Thin Celery wrappers around the ground floor: the outbox and the requeue of every durable job."""

from celery import shared_task

from . import jobs, outbox


@shared_task(acks_late=True, name="core.send_outgoing_email")
def send_outgoing_email(email_id: int) -> str | None:
    email = outbox.send_email(email_id=email_id)
    return email.status if email else None


@shared_task(name="core.requeue_stalled_jobs")
def requeue_stalled_jobs() -> dict[str, int]:
    return jobs.requeue_all_stalled()
