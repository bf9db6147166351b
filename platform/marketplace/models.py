"""How suppliers answer a requirement (interest, a quote or a decline), the questions asked about it and the answers
published to everyone who may see it, and the buyer's award.

One response per supplier and requirement: revising it keeps the earlier versions (``ResponseRevision``), so the
buyer's comparison always reads the live one and nobody loses what was sent before. A question is not a response:
it is asked privately and, once answered, published to everyone who may see the requirement without saying who
asked (clarifications, as in public tendering).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.documents import unguessable_name


class ResponseKind(models.TextChoices):
    INTEREST = "interest", _("Interest")
    QUOTE = "quote", _("Quote")
    DECLINE = "decline", _("Decline")


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("No capacity for this volume or date")
    OUT_OF_SCOPE = "out_of_scope", _("Outside what we make or do")
    CERTIFICATION = "certification", _("We lack a required certificate")
    DELIVERY = "delivery", _("Cannot deliver there or by then")
    PRICE = "price", _("Cannot meet the expected price")
    OTHER = "other", _("Another reason")


class ResponseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Not awarded")


class _Offer(models.Model):
    """The words and figures of a response: the live one and each kept revision."""

    kind = models.CharField(_("response"), max_length=16, choices=ResponseKind.choices)
    price = models.DecimalField(
        _("unit price"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), null=True, blank=True)
    valid_until = models.DateField(_("quote valid until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    decline_reason = models.CharField(_("reason"), max_length=16, choices=DeclineReason.choices, blank=True)

    class Meta:
        abstract = True


# An offer's own fields (what a revision keeps of its response), in the order forms and the API show them.
OFFER_FIELDS = ("kind", "price", "currency", "unit", "lead_time_days", "valid_until", "notes", "decline_reason")


class Response(_Offer):
    requirement = models.ForeignKey("buyers.Requirement", on_delete=models.CASCADE, related_name="responses")
    supplier = models.ForeignKey("suppliers.SupplierProfile", on_delete=models.CASCADE, related_name="responses")
    # The buyer × supplier linkage this response started or moved on (a response is the supplier's first answer).
    linkage = models.ForeignKey(
        "linkages.Linkage", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    status = models.CharField(max_length=16, choices=ResponseStatus.choices, default=ResponseStatus.SUBMITTED)
    version = models.PositiveIntegerField(default=1)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["requirement", "supplier"], name="one_response_per_supplier")]

    def __str__(self) -> str:
        return f"{self.supplier} → {self.requirement} ({self.get_kind_display()})"


class ResponseRevision(_Offer):
    """A response as it was before a revision replaced it (version ``version``)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["response", "-version"]
        constraints = [models.UniqueConstraint(fields=["response", "version"], name="one_revision_per_version")]

    def __str__(self) -> str:
        return f"{self.response} v{self.version}"


def attachment_upload_to(instance: "ResponseAttachment", filename: str) -> str:
    return unguessable_name("responses", filename)


class ResponseAttachment(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_upload_to)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Clarification(models.Model):
    """A supplier's question about a requirement and the buyer's answer, published to all who may see it.

    Who asked is kept for the buyer's team and agency staff only; suppliers read the question and answer unsigned.
    """

    requirement = models.ForeignKey("buyers.Requirement", on_delete=models.CASCADE, related_name="clarifications")
    asked_by_supplier = models.ForeignKey(
        "suppliers.SupplierProfile", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    question = models.TextField(_("question"))
    asked_at = models.DateTimeField()
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return self.question[:60]


class ResponseReminder(models.Model):
    """An invited supplier was reminded to answer a requirement by its respond-by date (once per pair)."""

    requirement = models.ForeignKey("buyers.Requirement", on_delete=models.CASCADE, related_name="+")
    supplier = models.ForeignKey("suppliers.SupplierProfile", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["requirement", "supplier"], name="one_reminder_per_supplier")]

    def __str__(self) -> str:
        return f"{self.supplier} reminded about {self.requirement_id}"
