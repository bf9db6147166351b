"""What the ground floor stores: the outbox of e-mails every app sends through."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .jobs import DurableJob


class OutgoingEmail(DurableJob):
    """One e-mail, written in the transaction of what causes it and sent once by a worker after that commits.

    ``dedupe_key`` names what the e-mail is about (``invitation:42``): asking twice for the same e-mail queues it once.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    language = models.CharField(max_length=8, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True)

    job_task = "core.tasks.send_outgoing_email"
    max_attempts = 5
    requeue_running = False  # the SMTP server may have taken it before the worker died: never send it twice

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self) -> str:
        return f"{self.subject} → {self.to} ({self.status})"

    def lost_worker_error(self) -> str:
        return "The worker stopped while sending it: it may have left, so it is not sent again automatically."
