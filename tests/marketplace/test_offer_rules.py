"""Any offer a client can send is either accepted or refused with errors keyed by its fields, never a crash."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.models import DeclineReason, ResponseKind
from marketplace.services import _clean_offer

FIELDS = {"kind", "price", "currency", "unit", "lead_time_days", "valid_until", "notes", "decline_reason"}

offers = st.fixed_dictionaries(
    {
        "kind": st.sampled_from([*ResponseKind.values, "bid", ""]),
        "price": st.one_of(
            st.none(),
            st.decimals(allow_nan=True, allow_infinity=True),
            st.text(max_size=12),
            st.integers(min_value=-(10**15), max_value=10**15),
        ),
        "currency": st.one_of(st.sampled_from(["USD", "crc", " eur ", "XYZ", "", "US"]), st.text(max_size=5)),
        "lead_time_days": st.one_of(st.none(), st.integers(min_value=-10, max_value=5000), st.text(max_size=4)),
        "valid_until": st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1))),
        "decline_reason": st.sampled_from([*DeclineReason.values, "", "tired"]),
        "notes": st.text(max_size=50),
    }
)


@settings(max_examples=300, deadline=None)
@given(offers)
def test_an_offer_is_accepted_or_refused_by_field(offer):
    refused = None
    try:
        cleaned = _clean_offer(**offer)
    except ValidationError as error:
        refused = set(error.message_dict)
    if refused is not None:
        assert refused <= FIELDS
        return
    assert cleaned["kind"] in ResponseKind.values
    if cleaned["kind"] == ResponseKind.QUOTE:
        assert cleaned["price"] >= 0
        assert len(cleaned["currency"]) == 3
        assert cleaned["currency"].isupper()
    else:
        assert cleaned["price"] is None
    if cleaned["kind"] == ResponseKind.DECLINE:
        assert cleaned["decline_reason"] in DeclineReason.values
    if cleaned["valid_until"] is not None:
        assert cleaned["valid_until"] >= dt.date.today() - dt.timedelta(days=1)
    if cleaned["price"] is not None:
        assert cleaned["price"] == cleaned["price"].quantize(Decimal("0.0001"))
        assert cleaned["price"] < Decimal("1e12")  # fits the column: 16 digits, 4 of them decimals


def test_a_price_that_rounds_past_the_column_is_refused():
    with pytest.raises(ValidationError) as error:
        _clean_offer(kind="quote", price="999999999999.99999", currency="USD")
    assert "price" in error.value.message_dict
