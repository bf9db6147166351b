"""The readiness diagnostic step: what each level means beside every choice, and the saved scores shown again."""

import pytest
from django.test.html import Element, parse_html

from suppliers import services
from suppliers.forms import DIAGNOSTIC_RUBRIC
from suppliers.models import DIAGNOSTIC_AREAS, SupplierProfile
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/suppliers/onboarding/diagnostic/"


def _elements(node):
    for child in getattr(node, "children", []):
        if isinstance(child, Element):
            yield child
            yield from _elements(child)


def _radios(html: str) -> dict[str, list[tuple[str, bool]]]:
    """Each area's radio buttons as (value, checked), in page order."""
    radios = {}
    for element in _elements(parse_html(html)):
        attributes = dict(element.attributes)
        if element.name == "input" and attributes.get("type") == "radio":
            radios.setdefault(attributes["name"], []).append((attributes["value"], "checked" in attributes))
    return radios


def _checked(html: str) -> dict[str, int]:
    return {name: int(value) for name, choices in _radios(html).items() for value, checked in choices if checked}


def _textarea(html: str, name: str) -> str:
    for element in _elements(parse_html(html)):
        if element.name == "textarea" and dict(element.attributes).get("name") == name:
            return "".join(str(child) for child in element.children)
    raise AssertionError(f"no textarea {name}")


@pytest.fixture
def sme(client):
    user = factories.SmeOwnerFactory()
    client.force_login(user)
    return user


def test_each_level_of_each_area_says_what_it_means(client, sme):
    html = client.get(URL).content.decode()
    radios = _radios(html)
    assert list(radios) == [name for name, _label in DIAGNOSTIC_AREAS]
    for name, _label in DIAGNOSTIC_AREAS:
        assert [value for value, _checked in radios[name]] == ["1", "2", "3", "4", "5"]
        assert len(DIAGNOSTIC_RUBRIC[name]) == 5
        for meaning in DIAGNOSTIC_RUBRIC[name]:
            assert str(meaning).replace("'", "&#x27;") in html
    assert _checked(html) == {}, "nothing is ticked before a first diagnostic"
    assert 'id="diagnostic-saved"' not in html


def test_the_saved_scores_come_back_after_saving(client, sme):
    first = {name: index % 5 + 1 for index, (name, _label) in enumerate(DIAGNOSTIC_AREAS)}
    response = client.post(URL, {"action": "save", "notes": "Planta nueva desde 2025.", **first}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Diagnostic saved" in html
    assert _checked(html) == first
    assert _textarea(html, "notes").strip() == "Planta nueva desde 2025."
    assert 'id="diagnostic-saved"' in html

    # A later diagnostic is the one shown.
    second = dict.fromkeys(first, 5)
    client.post(URL, {"action": "save", "notes": "", **second})
    assert _checked(client.get(URL).content.decode()) == second


def test_the_latest_diagnostic_is_shown_when_the_step_is_opened_again(client, sme):
    client.get(URL)  # opening the onboarding creates the profile
    profile = SupplierProfile.objects.get(organisation__memberships__user=sme)
    areas = {name: 2 for name, _label in DIAGNOSTIC_AREAS} | {"marketing": 4}
    services.record_diagnostic(profile=profile, assessed_by=sme, areas=areas, notes="Visita de la agencia")
    html = client.get(URL).content.decode()
    assert _checked(html) == areas
    assert "Visita de la agencia" in _textarea(html, "notes")


def test_a_refused_diagnostic_keeps_what_was_typed(client, sme):
    client.get(URL)
    profile = SupplierProfile.objects.get(organisation__memberships__user=sme)
    services.record_diagnostic(profile=profile, assessed_by=sme, areas={name: 3 for name, _label in DIAGNOSTIC_AREAS})
    partial = {"environmental_management": 1, "marketing": 5}
    response = client.post(URL, {"action": "save", **partial})
    assert response.status_code == 400
    html = response.content.decode()
    assert _checked(html) == partial, "the posted answers, not the saved ones, on a refused form"
    assert 'id="diagnostic-saved"' not in html


def test_the_rubric_is_translated(client, sme):
    html = client.get("/es" + URL).content.decode()
    assert "Sin prácticas ni registros ambientales." in html
