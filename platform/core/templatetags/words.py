"""Numbers, money, scores and times as a person reads them, in the reader's language: ``{% load words %}``.

The one place pages format these (babel is not installed: Django's localised number formatting, so "3,130,000.00"
in English is "3 130 000,00" in Spanish and "3.130.000,00" in Portuguese). The API keeps its raw numbers.
"""

import datetime as dt
import math
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats, timezone, translation
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _
from django_countries import countries

register = template.Library()

RATE_SIGNIFICANT_DIGITS = 6
NBSP = "\xa0"


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def number(value, decimals: int = 0) -> str:
    """``value`` rounded to ``decimals`` places, grouped by thousands, with the reader's separators."""
    amount = _decimal(value)
    if amount is None:
        return ""
    rounded = amount.quantize(Decimal(1).scaleb(-decimals)) if decimals >= 0 else amount
    if rounded == 0:
        rounded = abs(rounded)  # never "-0"
    return formats.number_format(rounded, decimal_pos=max(decimals, 0), use_l10n=True, force_grouping=True)


@register.filter
def money(value, currency: str = "") -> str:
    """An amount with its currency, two decimals: "USD 3,130,000.00" (es "USD 3 130 000,00")."""
    return _with_currency(number(value, 2), currency)


@register.filter
def money_whole(value, currency: str = "") -> str:
    """An amount with its currency, rounded to whole units (totals, estimates): "USD 3,130,000"."""
    return _with_currency(number(value, 0), currency)


def _with_currency(text: str, currency) -> str:
    if not text:
        return ""
    currency = str(currency or "").strip().upper()
    return f"{currency}{NBSP}{text}" if currency else text


@register.filter
def grouped(value, decimals=0) -> str:
    """A plain number, grouped and localised: 12345.6 → "12,346" (``grouped:1`` → "12,345.6")."""
    return number(value, _int(decimals))


@register.filter
def rate(value) -> str:
    """An exchange rate with six significant digits, trailing zeros dropped: 5 → "5", 5.4 → "5.4",
    0.923456789 → "0.923457", 505.1234 → "505.123" — the same shape in every row."""
    amount = _decimal(value)
    if amount is None:
        return ""
    if amount == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(float(amount))))
    decimals = max(0, RATE_SIGNIFICANT_DIGITS - 1 - magnitude)
    rounded = amount.quantize(Decimal(1).scaleb(-decimals)).normalize()
    places = max(0, -rounded.as_tuple().exponent)
    return number(rounded, places)


@register.filter
def score(value, decimals=0) -> str:
    """A 0–1 score as a person reads it, on 0–100: 0.676 → "68" (``score:1`` → "67.6")."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return number(amount * 100, _int(decimals))


@register.filter
def signed_score(value, decimals=1) -> str:
    """A 0–1 contribution on 0–100 with its sign: 0.045 → "+4.5", -0.02 → "−2.0"."""
    amount = _decimal(value)
    if amount is None:
        return ""
    text = number(abs(amount) * 100, _int(decimals))
    zero = number(0, _int(decimals))
    if text == zero:
        return text
    return ("−" if amount < 0 else "+") + text


@register.filter
def out_of_100(value) -> str:
    """A score kept on 0–100 (readiness), rounded: 40.62 → "41/100"."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return f"{number(amount, 0)}/100"


@register.filter
def percent(value, decimals=0) -> str:
    """A 0–1 share as a percentage: 0.487 → "49%" (es "49 %")."""
    amount = _decimal(value)
    if amount is None:
        return ""
    text = number(amount * 100, _int(decimals))
    spaced = (translation.get_language() or "en")[:2] == "es"  # Spanish writes a space before the sign
    return f"{text}{NBSP}%" if spaced else f"{text}%"


@register.filter
def ago(value) -> str:
    """How long ago, in the reader's language: "7 minutes ago", "hace 7 minutos", "há 7 minutos"."""
    if value is None or value == "" or not isinstance(value, dt.date):
        return ""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    seconds = (timezone.now() - value).total_seconds()
    if abs(seconds) < 60:
        return _("just now")
    if seconds < 0:
        return _("in %(time)s") % {"time": timeuntil(value, depth=1)}
    return _("%(time)s ago") % {"time": timesince(value, depth=1)}


@register.filter
def country_name(value) -> str:
    """A country's name in the reader's language from its ISO code ("CR" → "Costa Rica"); a country object too."""
    if value is None or value == "":
        return ""
    code = getattr(value, "code", value)
    return str(countries.name(str(code))) or str(code)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
