"""Message threads between a buyer's team and a supplier's members: one per linkage and one per response.

A thread names its two organisations (``buyer`` and ``supplier``, copied from its linkage or response) so who may
read it is one indexed filter. Each person's place in a thread is a read marker (the last message id they have
seen): unread counts are messages after it written by somebody else. Agency staff may read every thread (they
follow every linkage); each of their reads is recorded in the audit trail (django-auditlog's "access" entries) and
shown to the people in the thread.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.documents import unguessable_name


class Side(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SUPPLIER = "supplier", _("Supplier")


class Thread(models.Model):
    class Kind(models.TextChoices):
        LINKAGE = "linkage", _("Linkage")
        RESPONSE = "response", _("Response")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    # A linkage thread has its linkage; a response thread has its response (and the linkage it belongs to, if any).
    linkage = models.ForeignKey(
        "linkages.Linkage", null=True, blank=True, on_delete=models.CASCADE, related_name="threads"
    )
    response = models.OneToOneField(
        "marketplace.Response", null=True, blank=True, on_delete=models.CASCADE, related_name="thread"
    )
    buyer = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="threads_as_buyer")
    supplier = models.ForeignKey("suppliers.SupplierProfile", on_delete=models.CASCADE, related_name="threads")
    created_at = models.DateTimeField()
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        verbose_name = _("message thread")
        constraints = [
            models.UniqueConstraint(
                fields=["linkage"], condition=models.Q(kind="linkage"), name="one_thread_per_linkage"
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="linkage", linkage__isnull=False, response__isnull=True))
                | models.Q(kind="response", response__isnull=False),
                name="thread_has_its_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"


def attachment_upload_to(instance: "MessageAttachment", filename: str) -> str:
    return unguessable_name("messages", filename)


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    side = models.CharField(max_length=16, choices=Side.choices)
    body = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["thread", "id"], name="message_thread_id")]

    def __str__(self) -> str:
        return f"{self.thread_id}/{self.pk}"


class MessageAttachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_upload_to)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class ReadMarker(models.Model):
    """How far ``user`` has read ``thread``: every message with a larger id is unread (unless they wrote it)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_markers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.PositiveBigIntegerField(default=0)
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="one_read_marker_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.thread_id}: {self.last_read_id}"
