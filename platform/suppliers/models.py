"""Supplier profiles: what an SME makes, with what, how much, certified by whom, and how ready it is."""

import operator
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from core.documents import unguessable_name
from core.verification import Verifiable, VerificationStatus  # VerificationStatus: apps above import it from here


class Assessor(models.TextChoices):
    """Who scored a readiness diagnostic: a self-assessment counts only while no one else has assessed the supplier."""

    SELF = "self", _("Self-assessment")
    CONSULTANT = "consultant", _("Assessed by a consultant")
    AGENCY = "agency", _("Assessed by agency staff")


class SupplierProfile(Verifiable):
    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="supplier_profile")
    summary = models.TextField(_("summary"), blank=True)
    production_capacity = models.TextField(_("production capacity"), blank=True)
    quality_systems = models.TextField(_("quality systems"), blank=True)
    readiness_score = models.DecimalField(
        _("readiness score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("0–100: the latest diagnostic assessed by others, else the latest self-assessment."),
    )
    readiness_assessor = models.CharField(
        _("readiness assessed by"), max_length=12, choices=Assessor.choices, blank=True
    )
    published = models.BooleanField(_("published"), default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__legal_name"]

    def __str__(self) -> str:
        return str(self.organisation)


class Capability(models.Model):
    class Language(models.TextChoices):
        EN = "en", _("English")
        ES = "es", _("Spanish")
        PT = "pt", _("Portuguese")

    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="capabilities")
    category = models.ForeignKey("taxonomy.Category", on_delete=models.PROTECT, related_name="capabilities")
    description = models.TextField(_("description"))
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ES)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    monthly_capacity = models.DecimalField(
        _("monthly capacity"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    capacity_unit = models.CharField(_("capacity unit"), max_length=32, blank=True)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), null=True, blank=True)
    minimum_order = models.DecimalField(
        _("minimum order"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    # Set for a capability learned from an imported award (that award's day), empty for one the supplier declared:
    # matching counts it only for requirements after that day, so history never leaks into the past.
    evidence_date = models.DateField(_("shown by an award on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["profile_id", "id"]
        verbose_name_plural = _("capabilities")

    def __str__(self) -> str:
        return f"{self.profile}: {self.category.code}"


class Machine(models.Model):
    """One line of the machinery inventory."""

    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="machines")
    name = models.CharField(_("machine"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])
    manufacturer = models.CharField(_("manufacturer / model"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    class Meta:
        ordering = ["profile_id", "name"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"


def certificate_upload_to(instance: "Certification", filename: str) -> str:
    return unguessable_name("certificates", filename)


# -- the valid-certificate rule -----------------------------------------------------------------------------------
# Written once, as Q objects: the shortlist filter, the supplier search, the expiry reminders, the engine's feed and
# the instance method all use these. A certificate is valid on a day when its status is active, the agency has not
# rejected it (pending and verified count) and the day lies within issued_on..expires_on, both days included.


def certificate_in_standing_q(prefix: str = "") -> models.Q:
    """The day-independent half of the rule: active and not rejected by the agency."""
    return models.Q(**{f"{prefix}status": Certification.Status.ACTIVE}) & ~models.Q(
        **{f"{prefix}verification_status": VerificationStatus.REJECTED}
    )


def certificate_valid_on_q(day: date, prefix: str = "") -> models.Q:
    """Valid on ``day``; ``prefix`` (e.g. ``"certifications__"``) to use it across a relation."""
    return certificate_in_standing_q(prefix) & models.Q(
        **{f"{prefix}issued_on__lte": day, f"{prefix}expires_on__gte": day}
    )


_LOOKUPS = {
    "exact": operator.eq,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "in": lambda value, options: value in options,
}


def _q_holds(q: models.Q, instance) -> bool:
    """Evaluate a Q of plain field lookups against an instance in Python, as the database would."""
    results = []
    for child in q.children:
        if isinstance(child, models.Q):
            results.append(_q_holds(child, instance))
            continue
        lookup, expected = child
        name, _sep, op = lookup.partition("__")
        if op not in _LOOKUPS and op != "":
            raise ValueError(f"the certificate rule uses a lookup this check cannot evaluate: {lookup}")
        value = getattr(instance, name)
        results.append(value is not None and _LOOKUPS[op or "exact"](value, expected))
    held = all(results) if q.connector == models.Q.AND else any(results)
    return held != q.negated


class CertificationQuerySet(models.QuerySet):
    def in_standing(self) -> "CertificationQuerySet":
        return self.filter(certificate_in_standing_q())

    def valid_on(self, day: date) -> "CertificationQuerySet":
        return self.filter(certificate_valid_on_q(day))


class Certification(Verifiable):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="certifications")
    standard = models.ForeignKey(
        "taxonomy.CertificationStandard", on_delete=models.PROTECT, related_name="certifications"
    )
    number = models.CharField(_("certificate number"), max_length=100, blank=True)
    certifying_body = models.CharField(_("certifying body"), max_length=200)
    scope = models.TextField(_("scope"), blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    document = models.FileField(_("certificate document"), upload_to=certificate_upload_to, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        ordering = ["expires_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("issued_on")), name="certification_expires_after_issue"
            )
        ]

    def __str__(self) -> str:
        return f"{self.standard} — {self.profile}"

    def is_valid_on(self, day: date) -> bool:
        """The same rule as ``Certification.objects.valid_on(day)``: the one Q, evaluated on this instance."""
        return _q_holds(certificate_valid_on_q(day), self)

    @property
    def is_in_standing(self) -> bool:
        return _q_holds(certificate_in_standing_q(), self)

    @property
    def valid_today(self) -> bool:
        return self.is_valid_on(timezone.localdate())

    @property
    def effective_status(self) -> str:
        """What a reader needs: "active" exactly when the certificate is valid today; otherwise why not —
        suspended, withdrawn, rejected (by the agency), not_yet_valid (issued later) or expired."""
        today = timezone.localdate()
        if self.is_valid_on(today):
            return self.Status.ACTIVE
        if self.status != self.Status.ACTIVE:
            return self.status
        if self.verification_status == VerificationStatus.REJECTED:
            return "rejected"
        if self.issued_on > today:
            return "not_yet_valid"
        return "expired"


DIAGNOSTIC_AREAS = (
    ("environmental_management", _("Environmental management")),
    ("information_systems", _("Information systems")),
    ("infrastructure", _("Infrastructure")),
    ("innovation", _("Innovation")),
    ("managerial_capital", _("Intellectual and managerial capital")),
    ("investment", _("Investment")),
    ("marketing", _("Marketing")),
    ("production_capacity", _("Production capacity")),
)


def _area_field(label):
    return models.PositiveSmallIntegerField(label, validators=[MinValueValidator(1), MaxValueValidator(5)])


class ReadinessDiagnostic(models.Model):
    """The eight areas Costa Rica Provee assesses, scored 1–5; the readiness score maps their mean to 0–100."""

    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="diagnostics")
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessor = models.CharField(_("assessed by"), max_length=12, choices=Assessor.choices, default=Assessor.SELF)
    environmental_management = _area_field(_("Environmental management"))
    information_systems = _area_field(_("Information systems"))
    infrastructure = _area_field(_("Infrastructure"))
    innovation = _area_field(_("Innovation"))
    managerial_capital = _area_field(_("Intellectual and managerial capital"))
    investment = _area_field(_("Investment"))
    marketing = _area_field(_("Marketing"))
    production_capacity = _area_field(_("Production capacity"))
    notes = models.TextField(blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        get_latest_by = ["assessed_on", "id"]

    def __str__(self) -> str:
        return f"{self.profile} {self.assessed_on}: {self.score}"

    def save(self, *args, **kwargs):
        self.score = self.score_from_areas(self.area_scores())
        super().save(*args, **kwargs)

    def area_scores(self) -> dict[str, int]:
        return {name: getattr(self, name) for name, _label in DIAGNOSTIC_AREAS}

    def labelled_area_scores(self) -> list[tuple[str, int]]:
        return [(label, getattr(self, name)) for name, label in DIAGNOSTIC_AREAS]

    @staticmethod
    def score_from_areas(areas: dict[str, int]) -> Decimal:
        """Mean of the eight 1–5 scores mapped linearly onto 0–100 (all ones = 0, all fives = 100)."""
        mean = Decimal(sum(areas.values())) / Decimal(len(areas))
        return ((mean - 1) * 25).quantize(Decimal("0.01"))


class ExposureCount(models.Model):
    """How often buyers met a supplier on one day: among the results of their supplier searches, or opening its
    profile (page or API). One row per supplier, day and kind, counted up in bulk after each response
    (``suppliers.services.record_exposures``); the SME's market page reads the totals per period, never who."""

    class Kind(models.TextChoices):
        SEARCH = "search", _("Shown in a supplier search")
        VIEW = "view", _("Profile viewed")

    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="exposure_counts")
    day = models.DateField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "day", "kind"], name="exposure_count_once_per_day_and_kind")
        ]

    def __str__(self) -> str:
        return f"{self.profile_id} {self.day} {self.kind}: {self.count}"
