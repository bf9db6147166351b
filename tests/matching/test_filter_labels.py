"""Every checkbox of the filter forms is rendered with its own label right after it, in a field marked as a
checkbox field (the stylesheet puts the two on one line): "Shortlisted only" no longer reads as the box under
"Verified suppliers only"."""

import pytest
from django.test.html import Element, parse_html

from matching.forms import MatchFilterForm
from tests import factories

pytestmark = pytest.mark.django_db


def _elements(node):
    for child in getattr(node, "children", []):
        if isinstance(child, Element):
            yield child
            yield from _elements(child)


def _checkbox_fields(html: str) -> dict[str, tuple[set[str], list]]:
    """Each checkbox's id → (its field's classes, the field's children that are elements)."""
    found = {}
    for element in _elements(parse_html(html)):
        attributes = dict(element.attributes)
        if element.name != "div" or "field" not in attributes.get("class", "").split():
            continue
        children = [child for child in element.children if isinstance(child, Element)]
        for child in children:
            child_attributes = dict(child.attributes)
            if child.name == "input" and child_attributes.get("type") == "checkbox":
                found[child_attributes["id"]] = (set(attributes["class"].split()), children)
    return found


def _assert_beside_own_label(html: str, labels: dict[str, str]):
    fields = _checkbox_fields(html)
    assert set(labels) <= set(fields), fields.keys()
    for box_id, text in labels.items():
        classes, children = fields[box_id]
        assert "checkbox" in classes
        first, second = children[0], children[1]
        assert dict(first.attributes)["id"] == box_id, "the box comes first"
        assert second.name == "label"
        assert dict(second.attributes)["for"] == box_id, "its label names it"
        assert "".join(str(c) for c in second.children).strip().rstrip(":") == text
        assert [c for c in children if c.name == "input"] == [first], "one box per field"


def test_the_shortlist_filters(client):
    requirement = factories.RequirementFactory()
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=requirement.buyer)
    client.force_login(user)
    response = client.get(f"/requirements/{requirement.pk}/matches/")
    assert response.status_code == 200
    form = MatchFilterForm()
    _assert_beside_own_label(
        response.content.decode(),
        {"id_verified": str(form.fields["verified"].label), "id_shortlisted": str(form.fields["shortlisted"].label)},
    )


def test_the_supplier_search_and_requirement_list_filters(client):
    client.force_login(factories.BuyerOwnerFactory())
    _assert_beside_own_label(
        client.get("/suppliers/search/").content.decode(), {"id_verified": "Verified suppliers only"}
    )
    _assert_beside_own_label(
        client.get("/requirements/").content.decode(),
        {"id_history": "Include past tenders imported from award history"},
    )


def test_other_fields_keep_their_label_above(client):
    client.force_login(factories.BuyerOwnerFactory())
    html = client.get("/suppliers/search/").content.decode()
    assert '<div class="field checkbox">' in html
    assert html.count('class="field checkbox') == 1
