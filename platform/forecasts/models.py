"""Demand forecasts: what a buyer expects to buy over the next one to three years, the suppliers the engine finds fit
for it, and the SMEs' "we could supply this" with the investment it would take.

A forecast is not a requirement: nothing is bought from it, nobody quotes. It gives suppliers time to invest (80 % of
the SMEs in UNCTAD's Argentina pilot said uncertain client forecasts held their investment back), so it says
plainly how far it looks (``start_year``..``end_year``), how much per year (``ForecastVolume``) and how sure the buyer
is (``confidence``). It is seen by the same rule as requirements (``buyers.selectors.visible_sourcing``) and ranked
by the same engine in a durable job (``ForecastMatchRun``); the result is kept as ``ForecastFit`` rows.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.models import Organisation
from buyers.models import Requirement
from core.jobs import DurableJob

MAX_HORIZON_YEARS = 3


class Confidence(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


CONFIDENCE_EXPLANATIONS = {
    Confidence.LOW: _("An early estimate: the volumes may change a lot or the need may not come at all."),
    Confidence.MEDIUM: _("Planned: the need is in the buyer's plans, the volumes may still move by a fair margin."),
    Confidence.HIGH: _("Committed: the buyer expects to buy close to these volumes in these years."),
}


class DemandForecast(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Same values and words as requirements: one confidentiality rule for a buyer's sourcing.
    Visibility = Requirement.Visibility

    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.DRAFT: (Status.PUBLISHED,),
        Status.PUBLISHED: (Status.WITHDRAWN,),
        Status.WITHDRAWN: (Status.PUBLISHED,),
    }

    buyer = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="demand_forecasts")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"))
    categories = models.ManyToManyField("taxonomy.Category", related_name="demand_forecasts", blank=True)
    delivery_country = CountryField(_("delivery country"), blank=True)
    delivery_region = models.CharField(_("delivery region"), max_length=128, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    confidence = models.CharField(_("confidence"), max_length=8, choices=Confidence.choices, default=Confidence.MEDIUM)
    local_share_target = models.DecimalField(
        _("target share of local supply (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    local_content_note = models.TextField(_("local-content note"), blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Requirement.Visibility.choices, default=Requirement.Visibility.PUBLIC
    )
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    @property
    def horizon_years(self) -> int:
        return self.end_year - self.start_year + 1

    @property
    def confidence_explanation(self) -> str:
        return str(CONFIDENCE_EXPLANATIONS.get(self.confidence, ""))


class ForecastVolume(models.Model):
    """What the buyer expects to buy in one year of the horizon."""

    forecast = models.ForeignKey(DemandForecast, on_delete=models.CASCADE, related_name="volumes")
    year = models.PositiveSmallIntegerField(_("year"))
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    unit = models.CharField(_("unit"), max_length=32)
    estimated_value = models.DecimalField(
        _("estimated value"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")

    class Meta:
        ordering = ["forecast", "year"]
        constraints = [models.UniqueConstraint(fields=["forecast", "year"], name="forecast_volume_one_per_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.quantity} {self.unit}"


class ForecastInvitation(models.Model):
    """A supplier invited to an invitation-only forecast."""

    forecast = models.ForeignKey(DemandForecast, on_delete=models.CASCADE, related_name="invitations")
    supplier = models.ForeignKey(
        "suppliers.SupplierProfile", on_delete=models.CASCADE, related_name="forecast_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["forecast", "supplier"], name="forecast_invitation_unique")]

    def __str__(self) -> str:
        return f"{self.supplier} invited to {self.forecast}"


class ForecastMatchRun(DurableJob):
    """One ranking of suppliers for a forecast by the matching engine, run by a worker (``core.jobs``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        PUBLISHED = "published", _("Forecast published")
        CHANGED = "changed", _("Forecast changed")
        COMMAND = "command", _("Batch command")

    forecast = models.ForeignKey(DemandForecast, on_delete=models.CASCADE, related_name="match_runs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    trigger = models.CharField(max_length=16, choices=Trigger.choices, default=Trigger.PUBLISHED)
    engine_version = models.CharField(max_length=64, blank=True)
    model_version = models.CharField(max_length=128, blank=True)
    candidates = models.PositiveIntegerField(default=0)
    eligible = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)

    job_task = "forecasts.tasks.match_forecast"
    max_attempts = 5

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Run {self.pk} of forecast {self.forecast_id} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class ForecastFit(models.Model):
    """A supplier's place in the forecast's latest ranking: replaced whole by each successful run."""

    forecast = models.ForeignKey(DemandForecast, on_delete=models.CASCADE, related_name="fits")
    supplier = models.ForeignKey("suppliers.SupplierProfile", on_delete=models.CASCADE, related_name="forecast_fits")
    run = models.ForeignKey(ForecastMatchRun, null=True, on_delete=models.SET_NULL, related_name="fits")
    rank = models.PositiveIntegerField()
    score = models.FloatField()
    components = models.JSONField(default=dict)
    gaps = models.JSONField(default=list)  # [{"code", "message", "params", "gain"}], largest gain first
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["forecast", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["forecast", "supplier"], name="forecast_fit_one_per_supplier"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} #{self.rank} for {self.forecast}"


class ForecastInterest(models.Model):
    """An SME's "we could supply this": the capacity it could offer, the investment it would need, from which year."""

    forecast = models.ForeignKey(DemandForecast, on_delete=models.CASCADE, related_name="interests")
    supplier = models.ForeignKey(
        "suppliers.SupplierProfile", on_delete=models.CASCADE, related_name="forecast_interests"
    )
    capacity_quantity = models.DecimalField(
        _("capacity per year"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    capacity_unit = models.CharField(_("capacity unit"), max_length=32)
    capacity_note = models.TextField(_("about the capacity"), blank=True)
    investment_amount = models.DecimalField(
        _("investment needed"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    investment_currency = models.CharField(_("investment currency"), max_length=3, default="USD")
    investment_purpose = models.TextField(_("what the investment is for"), blank=True)
    from_year = models.PositiveSmallIntegerField(_("could supply from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revisions = models.PositiveIntegerField(default=0)  # times revised after it was first sent
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["forecast", "-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["forecast", "supplier"], name="forecast_interest_one_per_supplier"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} could supply {self.forecast}"
