"""Reference data: product/service categories (CPV 2008), industries (ISIC Rev.4) and certification standards."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class LocalisedNameMixin(models.Model):
    name_en = models.CharField(_("name (English)"), max_length=400)
    name_es = models.CharField(_("name (Spanish)"), max_length=400, blank=True)
    name_pt = models.CharField(_("name (Portuguese)"), max_length=400, blank=True)
    # Code and every name, lower-cased and without accents: "lácteos" and "lacteos" find the same row.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        """The name in the active language, falling back to English where no translation is shipped."""
        language = (translation.get_language() or "en")[:2]
        return getattr(self, f"name_{language}", "") or self.name_en


class Category(LocalisedNameMixin):
    """A product or service category. Codes are CPV 2008 main-vocabulary codes without the check digit.

    ``lineage`` holds the codes from the root down ("/15000000/15500000/15510000/"), so a subtree is one
    indexed prefix query, on SQLite and PostgreSQL alike.
    """

    scheme = models.CharField(max_length=16, default="CPV")
    code = models.CharField(max_length=16)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    level = models.PositiveSmallIntegerField()
    lineage = models.CharField(max_length=255, db_index=True)

    class Meta:
        ordering = ["scheme", "code"]
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="category_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Industry(LocalisedNameMixin):
    """ISIC Rev.4: section (letter), division (2 digits), group (3) and class (4)."""

    class Level(models.IntegerChoices):
        SECTION = 1, _("Section")
        DIVISION = 2, _("Division")
        GROUP = 3, _("Group")
        CLASS = 4, _("Class")

    code = models.CharField(max_length=8, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    level = models.PositiveSmallIntegerField(choices=Level.choices)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CertificationStandard(models.Model):
    code = models.SlugField(max_length=48, unique=True)
    name = models.CharField(max_length=200)
    issuing_body = models.CharField(max_length=200)
    description_en = models.TextField(blank=True)
    description_es = models.TextField(blank=True)
    sectors = models.JSONField(default=list, blank=True)
    typical_validity_years = models.PositiveSmallIntegerField(default=3)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
