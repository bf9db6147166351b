"""What a user should know: kept in the app, and sent by e-mail once a day as one digest."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        OPPORTUNITY = "opportunity", _("New matching opportunity")
        STAGE_CHANGE = "stage_change", _("Linkage stage change")
        MEETING_REQUEST = "meeting_request", _("Meeting request")
        MEETING_DECISION = "meeting_decision", _("Meeting decision")
        CERTIFICATE_EXPIRY = "certificate_expiry", _("Certificate expiry")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    # The same event never notifies a person twice (a re-run, a redelivered task, a second daily scan).
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once_per_recipient")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.title}"
