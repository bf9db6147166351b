import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.tax_ids import validate_tax_id


@pytest.mark.parametrize(
    ("country", "raw", "compact"),
    [
        ("CR", "3-101-291417", "3101291417"),
        ("MX", "RSX960404-8B1", "RSX9604048B1"),
        ("CL", "76.064.151-0", "760641510"),
        ("CO", "968.344.978-6", "9683449786"),
        ("PE", "20707049996", "20707049996"),
        ("BR", "82.359.775/0001-12", "82359775000112"),
        ("AR", "20-26756539-3", "20267565393"),
        ("KR", "116-82-00276", "1168200276"),
        ("US", "12-3456789", "123456789"),
        ("SV", "0614-121281-315-4", "06141212813154"),
    ],
)
def test_valid_identifiers_are_compacted(country, raw, compact):
    assert validate_tax_id(country=country, tax_id=raw) == compact


@pytest.mark.parametrize(
    ("country", "raw"),
    [
        ("CR", "3-101-ABCDEF"),
        ("MX", "XYZ"),
        ("CL", "76.064.151-9"),
        ("CO", "968.344.978-0"),
        ("PE", "20707049990"),
        ("BR", "82.359.775/0001-13"),
        ("AR", "20-26756539-0"),
        ("KR", "116-82-002"),
    ],
)
def test_invalid_identifiers_name_the_expected_format(country, raw):
    with pytest.raises(ValidationError) as error:
        validate_tax_id(country=country, tax_id=raw)
    message = error.value.message_dict["tax_id"][0]
    assert raw in message
    assert "expected" in message


def test_country_without_validator_keeps_a_cleaned_identifier():
    assert validate_tax_id(country="HN", tax_id=" 0801 1990 12345 ") == "0801199012345"
    assert validate_tax_id(country="CR", tax_id="") == ""


@settings(max_examples=200, deadline=None)
@given(
    country=st.sampled_from(["CR", "MX", "CL", "CO", "PE", "BR", "AR", "KR", "US", "SV", "GT", "HN"]),
    raw=st.text(max_size=30),
)
def test_any_input_validates_or_raises_a_validation_error(country, raw):
    try:
        result = validate_tax_id(country=country, tax_id=raw)
    except ValidationError as error:
        errors = error.message_dict
        result = None
    else:
        errors = {}
    assert isinstance(result, str) or list(errors) == ["tax_id"]
