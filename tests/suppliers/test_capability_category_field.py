"""The capability form's category: the same picker holding one category."""

import pytest

from suppliers.forms import CapabilityForm

pytestmark = pytest.mark.django_db


def _form(category):
    return CapabilityForm(data={"category": category, "description": "Centros de mecanizado", "language": "es"})


@pytest.mark.parametrize("value", ["42612000", "42612000-9", " 42612000 "])
def test_one_code_with_or_without_check_digit(value):
    form = _form(value)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["category"].code == "42612000"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12345678", "“12345678” is not a known CPV category code."),
        ("42612000, 33140000", "Choose one category."),
        ("", "This field is required."),
    ],
)
def test_errors(value, message):
    form = _form(value)
    assert not form.is_valid()
    assert form.errors["category"] == [message]


def test_the_picker_holds_one_chip():
    html = str(CapabilityForm(initial={"category": "42612000"})["category"])
    assert 'data-picker="single"' in html
    assert "Machining centre" in html
