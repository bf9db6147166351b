"""Sourcing requirements posted by MNC buyers, the certifications they ask for, and the suppliers invited."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.models import Organisation


class Requirement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        AWARDED = "awarded", _("Awarded")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: every signed-in supplier")
        INVITED = "invited", _("Invited suppliers only")
        AGENCY = "agency", _("Agency staff only")

    # Which status may follow which. Awarded is final; a closed requirement may be reopened.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.DRAFT: (Status.OPEN, Status.CLOSED),
        Status.OPEN: (Status.CLOSED, Status.AWARDED),
        Status.CLOSED: (Status.OPEN,),
        Status.AWARDED: (),
    }

    buyer = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="requirements")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=255)
    specification = models.TextField(_("technical specification"))
    categories = models.ManyToManyField("taxonomy.Category", related_name="requirements", blank=True)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    estimated_annual_value = models.DecimalField(
        _("estimated annual value"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    delivery_country = CountryField(_("delivery country"), blank=True)
    delivery_region = models.CharField(_("delivery region"), max_length=128, blank=True)
    delivery_city = models.CharField(_("delivery city"), max_length=128, blank=True)
    delivery_latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    delivery_longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    # Invited suppliers that have not answered by this day are reminded (marketplace).
    respond_by = models.DateField(_("answers wanted by"), null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC)
    restrict_to_delivery_country = models.BooleanField(_("only suppliers in the delivery country"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # A past tender with its award, imported from award history: a query the ranker learns from and is evaluated
    # on (dated by its release), never live sourcing: lists, counts and dashboards leave it out.
    historic = models.BooleanField(_("historic (imported award history)"), default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]


class RequiredCertification(models.Model):
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="required_certifications")
    standard = models.ForeignKey("taxonomy.CertificationStandard", on_delete=models.PROTECT, related_name="+")
    mandatory = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["requirement", "standard"], name="required_certification_unique")
        ]

    def __str__(self) -> str:
        return f"{self.standard} ({'mandatory' if self.mandatory else 'preferred'})"


class RequirementInvitation(models.Model):
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="invitations")
    supplier = models.ForeignKey(
        "suppliers.SupplierProfile", on_delete=models.CASCADE, related_name="requirement_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["requirement", "supplier"], name="requirement_invitation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.supplier} invited to {self.requirement}"


class PurchasingDeclaration(models.Model):
    """What a buyer reports buying in a year, all suppliers together, and how much of it locally: the denominator of
    its local share (Enlace records only the purchases it helped start, which are all local by construction)."""

    buyer = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="purchasing_declarations")
    year = models.PositiveSmallIntegerField(_("year"))
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    total_purchases = models.DecimalField(_("total purchases"), max_digits=16, decimal_places=2)
    local_purchases = models.DecimalField(
        _("purchases from local suppliers"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    local_share_target = models.DecimalField(
        _("target local share %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["buyer", "-year"]
        constraints = [models.UniqueConstraint(fields=["buyer", "year"], name="one_declaration_per_buyer_year")]

    def __str__(self) -> str:
        return f"{self.buyer} {self.year}: {self.total_purchases} {self.currency}"
