"""Every write of the reporting app: the exchange-rate table."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import is_agency_staff
from core.currency import validate_currency

from .models import ExchangeRate


def _require_agency(actor) -> None:
    if not is_agency_staff(actor):
        raise PermissionDenied(_("Only agency staff maintain exchange rates."))


@transaction.atomic
def set_rate(
    *, actor, currency: str, units_per_usd: Decimal, valid_from: dt.date, system: bool = False
) -> ExchangeRate:
    """Add (or correct) the rate of a currency from a day on."""
    if not system:
        _require_agency(actor)
    currency = validate_currency(currency)
    if units_per_usd is None or Decimal(units_per_usd) <= 0:
        raise ValidationError({"units_per_usd": [_("A rate must be more than zero.")]})
    if currency == "USD" and Decimal(units_per_usd) != 1:
        raise ValidationError({"units_per_usd": [_("One US dollar is one US dollar.")]})
    rate, _created = ExchangeRate.objects.update_or_create(
        currency=currency,
        valid_from=valid_from,
        defaults={"units_per_usd": Decimal(units_per_usd), "created_by": actor if not system else None},
    )
    return rate


def delete_rate(*, actor, rate: ExchangeRate) -> None:
    _require_agency(actor)
    rate.delete()
