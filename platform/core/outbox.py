"""The e-mail outbox: every e-mail the platform sends is a row first (``queue_email``), sent once by a worker."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from . import jobs
from .models import OutgoingEmail

logger = logging.getLogger(__name__)


def _task():
    from .tasks import send_outgoing_email  # tasks import this module

    return send_outgoing_email


def queue_email(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    language: str = "",
    dedupe_key: str,
    publish: bool = True,
) -> tuple[OutgoingEmail, bool]:
    """Write the e-mail in the caller's transaction and have a worker send it after that commits (``publish``
    False: the caller, a worker already, sends it with ``deliver_now``; beat sends it if the caller dies first).
    An e-mail with the same ``dedupe_key`` already queued or sent is returned instead (``created`` False)."""
    with transaction.atomic():
        email, created = OutgoingEmail.objects.get_or_create(
            dedupe_key=dedupe_key[:200],
            defaults={
                "to": to,
                "subject": subject[:300],
                "body_text": body_text,
                "body_html": body_html,
                "language": language,
            },
        )
        if created and publish:
            jobs.enqueue_after_commit(email, _task())
    return email, created


def send_email(*, email_id: int) -> OutgoingEmail | None:
    """Send a queued e-mail once, whatever the number of messages about it; a failed try is retried by beat."""
    email = jobs.claim(OutgoingEmail, email_id)
    if email is None:
        return OutgoingEmail.objects.filter(pk=email_id).first()  # sent, failed, or another worker is sending it
    message = EmailMultiAlternatives(email.subject, email.body_text, settings.DEFAULT_FROM_EMAIL, [email.to])
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:  # SMTP down, refused recipient...: beat sends it again until max_attempts
        logger.warning(
            "outbox: e-mail %s to %s not sent (attempt %s)", email.pk, email.to, email.attempts, exc_info=True
        )
        if email.attempts >= email.max_attempts:
            return jobs.finish(email, status=OutgoingEmail.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
        jobs.release(email, error=f"{type(exc).__name__}: {exc}")
        return OutgoingEmail.objects.get(pk=email.pk)
    return jobs.finish(email, status=OutgoingEmail.Status.SENT, error="")


def deliver_now(email: OutgoingEmail) -> OutgoingEmail | None:
    """Send an e-mail from this process (a worker already, as for the daily digest), after its row committed."""
    return send_email(email_id=email.pk)


def resend(*, email_ids) -> int:
    """Queue failed e-mails again (an operator's decision, from the admin)."""
    count = 0
    for email in OutgoingEmail.objects.filter(pk__in=list(email_ids), status=OutgoingEmail.Status.FAILED):
        OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmail.Status.FAILED).update(
            status=OutgoingEmail.Status.QUEUED, attempts=0, error="", published_at=None, finished_at=None
        )
        jobs.enqueue(OutgoingEmail, email.pk, _task())
        count += 1
    return count
