"""Exchange rates for the demo's currencies (approximate yearly averages), deterministic and idempotent."""

import datetime as dt
from decimal import Decimal

from .models import ExchangeRate
from .services import set_rate

# Units per US dollar on the first day of each year, approximate.
RATES = {
    "USD": (1, 1, 1, 1),
    "MXN": (17.0, 17.8, 19.6, 18.4),
    "BRL": (4.9, 5.0, 5.8, 5.4),
    "CLP": (880, 930, 960, 940),
    "PEN": (3.7, 3.75, 3.7, 3.6),
    "COP": (3900, 4000, 4300, 4100),
    "CRC": (520, 510, 505, 500),
}


def seed_reporting(*, today: dt.date) -> dict[str, int]:
    if ExchangeRate.objects.exists():
        return {}
    first_year = today.year - 3
    count = 0
    for currency, values in RATES.items():
        for offset, units in enumerate(values):
            set_rate(
                actor=None,
                currency=currency,
                units_per_usd=Decimal(str(units)),
                valid_from=dt.date(first_year + offset, 1, 1),
                system=True,
            )
            count += 1
    return {"exchange rates": count}
