"""Supplier-development programmes: an agency's cohort of suppliers working with anchor buyers over a period.

Only what the impact dashboard filters by for now; diagnoses, plans, training and outcomes extend it later.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    agency = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="programmes",
        limit_choices_to={"kind": Organisation.Kind.AGENCY},
    )
    description = models.TextField(_("description"), blank=True)
    anchor_buyers = models.ManyToManyField(
        Organisation, related_name="anchored_programmes", blank=True, limit_choices_to={"kind": Organisation.Kind.MNC}
    )
    suppliers = models.ManyToManyField("suppliers.SupplierProfile", related_name="programmes", blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name
