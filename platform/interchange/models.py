"""What an OCDS import remembers, so importing the same file again changes nothing and a newer release updates."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.jobs import DurableJob

from .progress import live_progress


class ImportRun(DurableJob):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Imported")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")

    file_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    default_country = models.CharField(max_length=2, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    processed = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    # A run is a durable job (core.jobs), a row before it is a message: beat sends again a run nobody picked up
    # (broker down) or whose worker stopped its heartbeat and progress reports, and gives up after 3 attempts.

    job_task = "interchange.tasks.import_ocds_run"
    max_attempts = 3

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"

    def gave_up_error(self) -> str:
        return f"Gave up after {self.attempts} attempts: the worker stopped before the import finished."

    def is_alive(self) -> bool:
        return live_progress(run_id=self.pk) is not None  # a long file still reporting progress


class ImportedRecord(models.Model):
    """One version of a contracting process (ocid) that was imported: the same content is never applied twice."""

    ocid = models.CharField(max_length=255, db_index=True)
    latest_release_date = models.DateField(null=True, blank=True)
    digest = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ocid", "digest"], name="imported_record_once")]

    def __str__(self) -> str:
        return self.ocid


class ExternalIdentifier(models.Model):
    """An organisation as publishers identify it: ``scheme-id``, or ``name:`` and its normalised name."""

    key = models.CharField(max_length=255, unique=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="external_identifiers"
    )
    # The publisher's identifier as given (empty for a name key), so exports can say it back as scheme and id.
    scheme = models.CharField(max_length=255, blank=True)
    identifier = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return self.key


class ImportedObject(models.Model):
    """Which platform object an OCDS object became: the tender's requirement, an award's linkage, a payment."""

    ocid = models.CharField(max_length=255)
    kind = models.CharField(max_length=16)
    key = models.CharField(max_length=255)
    object_id = models.PositiveBigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ocid", "kind", "key"], name="imported_object_once")]
        indexes = [models.Index(fields=["kind", "object_id"], name="imported_object_target")]  # exports look up

    def __str__(self) -> str:
        return f"{self.ocid} {self.kind} {self.key}"
