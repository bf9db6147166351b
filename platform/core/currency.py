"""Currencies: ISO 4217 alphabetic codes (pycountry's list), checked the same way everywhere."""

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalise_currency(code) -> str:
    return code.strip().upper() if isinstance(code, str) else ""


def is_currency(code) -> bool:
    """True for an ISO 4217 code in any case ("usd", " EUR "); False for anything else, never an exception."""
    code = normalise_currency(code)
    return len(code) == 3 and code.isascii() and code.isalpha() and pycountry.currencies.get(alpha_3=code) is not None


def validate_currency(code, *, field: str = "currency") -> str:
    """The upper-case ISO 4217 code, or a ValidationError on ``field``."""
    normalised = normalise_currency(code)
    if not is_currency(normalised):
        raise ValidationError(
            {field: [_("“%(code)s” is not an ISO 4217 currency code.") % {"code": normalised or code or ""}]}
        )
    return normalised
