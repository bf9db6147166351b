"""Match runs and their results, the buyer's shortlist, and the versions of the learned ranker.

A run is a durable job (``core.jobs``): written before its task is queued, so neither a broker outage nor a killed
worker loses it; a queued run nobody received or a running run whose heartbeat stopped is queued again by beat and
failed after ``max_attempts``. Its matches are written in
one transaction with its status, so a reader sees all of a run's matches or none.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.jobs import DurableJob


class MatchRun(DurableJob):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        PUBLISHED = "published", _("Requirement published")
        CHANGED = "changed", _("Requirement changed")
        SUPPLIERS_CHANGED = "suppliers_changed", _("Suppliers changed")
        REQUESTED = "requested", _("Requested")
        COMMAND = "command", _("Batch command")
        RANKER_PROMOTED = "ranker_promoted", _("A better ranker was promoted")

    requirement = models.ForeignKey("buyers.Requirement", on_delete=models.CASCADE, related_name="match_runs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    trigger = models.CharField(max_length=24, choices=Trigger.choices, default=Trigger.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    engine_version = models.CharField(max_length=64, blank=True)
    model_version = models.CharField(max_length=128, blank=True)
    candidates = models.PositiveIntegerField(default=0)
    eligible = models.PositiveIntegerField(default=0)
    excluded = models.PositiveIntegerField(default=0)
    excluded_by_reason = models.JSONField(default=dict, blank=True)
    timings_ms = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)

    job_task = "matching.tasks.match_requirement"
    max_attempts = 5

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requirement", "status", "-finished_at"], name="matchrun_latest")]

    def __str__(self) -> str:
        return f"Run {self.pk} of requirement {self.requirement_id} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class Match(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="matches")
    supplier = models.ForeignKey("suppliers.SupplierProfile", on_delete=models.CASCADE, related_name="matches")
    rank = models.PositiveIntegerField()
    score = models.FloatField()
    components = models.JSONField(default=dict)  # name → contribution; they add up to ``score``
    features = models.JSONField(default=dict)  # name → value in [0, 1]
    gaps = models.JSONField(default=list)  # [{"code", "message", "params", "gain"}], largest gain first
    newcomer = models.BooleanField(default=False)  # had never dealt with this buyer when the run ranked it

    class Meta:
        ordering = ["run", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["run", "rank"], name="match_rank_unique_per_run"),
            models.UniqueConstraint(fields=["run", "supplier"], name="match_supplier_unique_per_run"),
        ]

    def __str__(self) -> str:
        return f"#{self.rank} {self.supplier} ({self.score:.3f})"


class ShortlistEntry(models.Model):
    """A supplier the buyer's team put on the shortlist of a requirement; it outlives re-runs."""

    requirement = models.ForeignKey("buyers.Requirement", on_delete=models.CASCADE, related_name="shortlist")
    supplier = models.ForeignKey("suppliers.SupplierProfile", on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["requirement", "supplier"], name="shortlist_entry_unique")]

    def __str__(self) -> str:
        return f"{self.supplier} on the shortlist of requirement {self.requirement_id}"


class RankerModel(models.Model):
    """One trained scorer: its artifact, how it was evaluated and whether it is the one in use."""

    version = models.CharField(max_length=128, unique=True)
    artifact = models.CharField(max_length=500, help_text=_("Path of the joblib artifact, relative to the models dir"))
    trained_at = models.DateTimeField()
    training_examples = models.PositiveIntegerField(default=0)
    metrics = models.JSONField(default=dict)  # ranker name → {hit@10, mrr, ndcg@10, queries}
    promoted = models.BooleanField(default=False)
    active = models.BooleanField(default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-trained_at"]
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=models.Q(active=True), name="one_active_ranker")
        ]

    def __str__(self) -> str:
        return self.version


class MatchingPolicy(models.Model):
    """The agency's matching settings: one row, edited by agency staff."""

    newcomer_slots = models.PositiveSmallIntegerField(
        _("places for newcomers in the first ten"),
        default=2,
        validators=[MaxValueValidator(10)],
        help_text=_(
            "How many of the first ten places of every ranking go to the best-ranked suppliers that have never "
            "supplied the buyer (when there are that many)."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("matching policy")
        verbose_name_plural = _("matching policy")

    def __str__(self) -> str:
        return str(_("Matching policy"))


class Opportunity(models.Model):
    """One SME's fit for one open requirement, as the last engine pass that assessed the pair found it.

    Stored, not computed per page view: the SME's inbox and its API read these rows, so no web process loads the
    engine state. A requirement's run writes the rows of the suppliers it ranked (and of those it excluded for a
    reason they can act on); a published profile's change writes that supplier's rows for every requirement it may
    see. ``excluded_because`` holds the engine's reason codes when the pair is not eligible.
    """

    requirement = models.ForeignKey("buyers.Requirement", on_delete=models.CASCADE, related_name="opportunities")
    supplier = models.ForeignKey("suppliers.SupplierProfile", on_delete=models.CASCADE, related_name="opportunities")
    eligible = models.BooleanField(default=True)
    score = models.FloatField(default=0.0)
    components = models.JSONField(default=dict, blank=True)
    gaps = models.JSONField(default=list, blank=True)
    excluded_because = models.JSONField(default=list, blank=True)
    model_version = models.CharField(max_length=128, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "opportunities"
        constraints = [
            models.UniqueConstraint(fields=["requirement", "supplier"], name="opportunity_unique_per_supplier")
        ]
        indexes = [models.Index(fields=["supplier", "-score"], name="opportunity_by_supplier")]

    def __str__(self) -> str:
        return f"{self.supplier_id} for requirement {self.requirement_id} ({self.score:.3f})"
