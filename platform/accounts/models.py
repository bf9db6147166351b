"""Users, organisations (SME, MNC, agency, consultancy) and the memberships that tie them together."""

import secrets

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.verification import Verifiable, VerificationStatus


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with an e-mail address; what they may do comes from their memberships."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_agency_staff(self) -> bool:
        """Agency staff: an active member (not a mere viewer) of a verified agency organisation.

        Cached per user object, because every permission check in a request asks.
        """
        if not self.is_active:
            return False
        cached = getattr(self, "_is_agency_staff", None)
        if cached is None:
            cached = self.memberships.filter(agency_staff_q()).exists()
            self._is_agency_staff = cached
        return cached

    @property
    def agency_staff_known(self) -> bool:
        return getattr(self, "_is_agency_staff", None) is not None

    def remember_agency_staff(self, answer: bool) -> None:
        """``is_agency_staff``'s answer when another query has just read it (``agency_staff_q``)."""
        self._is_agency_staff = answer


class Organisation(Verifiable):
    class Kind(models.TextChoices):
        SME = "sme", _("SME supplier")
        MNC = "mnc", _("MNC buyer")
        AGENCY = "agency", _("Agency")
        CONSULTANCY = "consultancy", _("Consultancy")

    VerificationStatus = VerificationStatus  # the one core list, still reachable as Organisation.VerificationStatus

    class SizeClass(models.TextChoices):
        MICRO = "micro", _("Micro (1–10)")
        SMALL = "small", _("Small (11–50)")
        MEDIUM = "medium", _("Medium (51–250)")
        LARGE = "large", _("Large (250+)")

    class SalesBand(models.TextChoices):
        UNDER_100K = "lt100k", _("Under US$100k")
        UNDER_1M = "100k-1m", _("US$100k–1M")
        UNDER_10M = "1m-10m", _("US$1M–10M")
        UNDER_50M = "10m-50m", _("US$10M–50M")
        OVER_50M = "gt50m", _("Over US$50M")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, db_index=True)
    legal_name = models.CharField(_("legal name"), max_length=255)
    trade_name = models.CharField(_("trade name"), max_length=255, blank=True)
    country = CountryField(_("country"), db_index=True)
    tax_id = models.CharField(_("tax identifier"), max_length=64, blank=True)
    # The compact form (python-stdnum) is what uniqueness is checked on, so "3-101-123456" == "3101123456".
    tax_id_normalised = models.CharField(max_length=64, blank=True, editable=False)
    region = models.CharField(_("region / state"), max_length=128, blank=True)
    city = models.CharField(_("city"), max_length=128, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    website = models.URLField(_("website"), blank=True)
    size_class = models.CharField(_("size"), max_length=8, choices=SizeClass.choices, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    women_employees = models.PositiveIntegerField(_("women employees"), null=True, blank=True)
    annual_sales_band = models.CharField(_("annual sales"), max_length=8, choices=SalesBand.choices, blank=True)
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"), null=True, blank=True, validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    export_destinations = CountryField(_("export destinations"), multiple=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    industry = models.ForeignKey(
        "taxonomy.Industry",
        verbose_name=_("industry (ISIC Rev.4)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "tax_id_normalised"],
                condition=~models.Q(tax_id_normalised=""),
                name="organisation_tax_id_unique_per_country",
            ),
            models.CheckConstraint(
                condition=models.Q(women_employees__isnull=True)
                | models.Q(employees__isnull=True)
                | models.Q(women_employees__lte=models.F("employees")),
                name="organisation_women_within_employees",
            ),
        ]

    def __str__(self) -> str:
        return self.trade_name or self.legal_name

    @property
    def display_name(self) -> str:
        return str(self)


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")
        VIEWER = "viewer", _("Viewer")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"

    @property
    def can_edit(self) -> bool:
        return self.role in (self.Role.OWNER, self.Role.MEMBER)


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A colleague invited by e-mail to join an organisation; accepted by following the token link."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=8, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


def agency_staff_q() -> models.Q:
    """The memberships that make their user agency staff: an owner or member of a verified agency organisation."""
    return models.Q(
        organisation__kind=Organisation.Kind.AGENCY,
        organisation__verification_status=Organisation.VerificationStatus.VERIFIED,
        role__in=[Membership.Role.OWNER, Membership.Role.MEMBER],
    )
