"""Tax identifiers, validated with python-stdnum wherever the country has a validator."""

import importlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.util import get_cc_module

# Where a country has several identifiers an organisation may register with (a company number and a personal
# number for sole traders), any of them is accepted. Countries not listed use stdnum's VAT module if it has one.
_EXTRA_MODULES = {
    "cr": ["stdnum.cr.cpj", "stdnum.cr.cpf", "stdnum.cr.cr"],
    "br": ["stdnum.br.cnpj", "stdnum.br.cpf"],
    "us": ["stdnum.us.ein", "stdnum.us.tin"],
    "mx": ["stdnum.mx.rfc"],
    "cl": ["stdnum.cl.rut"],
    "co": ["stdnum.co.nit"],
    "pe": ["stdnum.pe.ruc"],
    "ar": ["stdnum.ar.cuit"],
    "kr": ["stdnum.kr.brn"],
}


def validators_for(country: str) -> list:
    code = (country or "").lower()
    modules = []
    for name in _EXTRA_MODULES.get(code, []):
        try:
            modules.append(importlib.import_module(name))
        except ImportError:
            continue
    vat = get_cc_module(code, "vat") if code else None
    if vat is not None and vat not in modules:
        modules.append(vat)
    return modules


def validate_tax_id(*, country: str, tax_id: str) -> str:
    """The compact form of a valid tax identifier, or a ValidationError naming the expected format."""
    raw = (tax_id or "").strip()
    if not raw:
        return ""
    modules = validators_for(str(country))
    if not modules:
        # No validator for this country: keep a cleaned form so uniqueness still ignores spacing and case.
        return "".join(raw.split()).upper()
    for module in modules:
        try:
            return module.validate(raw)
        except (StdnumError, ValueError, TypeError, IndexError):
            # Not this identifier type (or malformed for it): the next candidate may still accept it.
            pass
    names = ", ".join(module.__doc__.strip().splitlines()[0].rstrip(".") for module in modules if module.__doc__)
    raise ValidationError(
        {
            "tax_id": [
                _("“%(value)s” is not a valid tax identifier for this country (expected: %(formats)s).")
                % {"value": raw, "formats": names}
            ]
        }
    )
