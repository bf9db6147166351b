"""The requirement form's categories: a picker of CPV codes, checked on the server whether or not it ran."""

import json
import re

import pytest
from django.utils import translation

from buyers.forms import RequirementForm
from taxonomy.models import Category
from tests import factories

pytestmark = pytest.mark.django_db

BASE = {"title": "Bandejas", "specification": "PETG", "currency": "USD", "visibility": "public"}


def _form(codes):
    return RequirementForm(data={**BASE, "category_codes": codes})


def _chips(html):
    return json.loads(re.search(r'data-chips="([^"]*)"', html).group(1).replace("&quot;", '"'))


@pytest.mark.parametrize(
    "codes", ["19520000-3, 44600000", "19520000;44600000", "19520000 44600000", " 44600000 , 19520000-3, 19520000 "]
)
def test_codes_by_comma_semicolon_or_space_with_or_without_check_digit(codes):
    form = _form(codes)
    assert form.is_valid(), form.errors
    assert sorted(c.code for c in form.cleaned_data["category_codes"]) == ["19520000", "44600000"]


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        ("19520000, 99999999, 123", "Unknown CPV codes: 99999999, 123"),
        ("tornillos", "Unknown CPV codes: tornillos"),
        ("", "Give at least one CPV code."),
        (" , ; ", "Give at least one CPV code."),
    ],
)
def test_unknown_or_missing_codes_are_field_errors(codes, message):
    form = _form(codes)
    assert not form.is_valid()
    assert form.errors["category_codes"] == [message]


def test_the_page_names_the_unknown_code(client, buyer_owner):
    client.force_login(buyer_owner)
    response = client.post("/requirements/new/", {**BASE, "category_codes": "19520000, 99999999"})
    assert response.status_code == 400
    assert "Unknown CPV codes: 99999999" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "name"),
    [("en", "Medical consumables"), ("es", "Material médico fungible"), ("pt", "Material médico de consumo")],
)
def test_chips_carry_the_category_names_in_the_readers_language(language, name):
    requirement = factories.RequirementFactory()
    requirement.categories.set(Category.objects.filter(code__in=["33140000", "19520000"]))
    with translation.override(language):
        html = str(RequirementForm(instance=requirement)["category_codes"])
    assert 'data-picker="multiple"' in html
    assert f'data-source="{"" if language == "en" else "/" + language}/taxonomy/categories/autocomplete/"' in html
    chips = _chips(html)
    assert {"code": "33140000", "name": name} in chips
    assert re.search(r'value="(19520000, 33140000|33140000, 19520000)"', html)


def test_a_rejected_code_comes_back_as_a_chip_without_a_name():
    html = str(_form("19520000, 99999999")["category_codes"])
    assert _chips(html) == [{"code": "19520000", "name": "Plastic products"}, {"code": "99999999", "name": ""}]
