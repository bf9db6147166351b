"""Exchange rates agency staff maintain, so reports can add up transactions in US dollars without internet access."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeRate(models.Model):
    currency = models.CharField(_("currency"), max_length=3)
    units_per_usd = models.DecimalField(
        _("units per US dollar"), max_digits=18, decimal_places=6, validators=[MinValueValidator(0)]
    )
    valid_from = models.DateField(_("valid from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["currency", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["currency", "valid_from"], name="exchange_rate_unique")]

    def __str__(self) -> str:
        return f"1 USD = {self.units_per_usd} {self.currency} from {self.valid_from}"
