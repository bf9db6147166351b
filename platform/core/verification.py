"""Agency verification, written once for everything agency staff verify: organisations, supplier profiles and
certificates.

A verifiable model inherits ``Verifiable`` (the four columns) and its app's service calls ``record_verification``
after checking that the actor may verify; who may verify is the app's rule (core imports no app), what a verdict
writes is this one.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


# What a verdict writes; a model's ``updated_at`` (when it has one) is saved with them.
VERIFICATION_FIELDS = ("verification_status", "verified_by", "verified_at", "verification_note")


class Verifiable(models.Model):
    verification_status = models.CharField(
        max_length=16, choices=VerificationStatus.choices, default=VerificationStatus.PENDING, db_index=True
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_note = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED

    @property
    def is_rejected(self) -> bool:
        return self.verification_status == VerificationStatus.REJECTED


def _fields_to_save(obj) -> list[str]:
    names = list(VERIFICATION_FIELDS)
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        names.append("updated_at")
    return names


def record_verification(*, obj: Verifiable, approve: bool, by, note: str = "") -> Verifiable:
    """Record agency staff's verdict on ``obj`` and save it. The caller has checked that ``by`` may verify."""
    if not isinstance(approve, bool):
        raise TypeError("approve must be True or False")  # a truthy string must never pass as an approval
    obj.verification_status = VerificationStatus.VERIFIED if approve else VerificationStatus.REJECTED
    obj.verified_by = by
    obj.verified_at = timezone.now()
    obj.verification_note = note or ""
    obj.save(update_fields=_fields_to_save(obj))
    return obj


def reset_verification(*, obj: Verifiable) -> list[str]:
    """Mark ``obj`` as waiting for verification again (its holder changed it); unsaved. Returns the fields set."""
    obj.verification_status = VerificationStatus.PENDING
    obj.verified_by = None
    obj.verified_at = None
    obj.verification_note = ""
    return list(VERIFICATION_FIELDS)
