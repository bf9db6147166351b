"""One ISO 4217 check for requirements, transactions, exchange rates and imports."""

import pytest
from django.core.exceptions import ValidationError

from core.currency import is_currency, validate_currency


@pytest.mark.parametrize("code", ["USD", "crc", " MXN ", "PYG", "EUR"])
def test_iso_codes_pass_and_come_back_upper_case(code):
    assert is_currency(code)
    assert validate_currency(code) == code.strip().upper()


@pytest.mark.parametrize("code", ["", "  ", "US", "USDD", "XYZ", "U$D", "ÜSD", None, 840, "US D"])
def test_anything_else_is_refused_on_the_named_field(code):
    assert not is_currency(code)
    with pytest.raises(ValidationError) as error:
        validate_currency(code, field="amount_currency")
    assert "amount_currency" in error.value.message_dict


@pytest.mark.django_db
def test_every_writer_uses_it(buyer_owner):
    from buyers import services as buyer_services
    from linkages import services as linkage_services
    from reporting import services as reporting_services

    # The apps call the core check itself, not a copy of it.
    assert buyer_services.validate_currency is validate_currency
    assert linkage_services.validate_currency is validate_currency
    assert reporting_services.validate_currency is validate_currency
    buyer = buyer_owner.memberships.get().organisation
    with pytest.raises(ValidationError) as error:
        buyer_services.create_requirement(
            buyer=buyer, created_by=buyer_owner, title="Valves", specification="Brass valves", currency="ABC"
        )
    assert "currency" in error.value.message_dict
