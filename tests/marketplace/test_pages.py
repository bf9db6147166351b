"""The requirement page's response panel and the respond page, per role."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketplace import services
from marketplace.models import Response

from .conftest import PDF

pytestmark = pytest.mark.django_db


def _page(client, user, requirement):
    client.force_login(user)
    answer = client.get(f"/requirements/{requirement.pk}/")
    assert answer.status_code == 200
    return answer.content.decode()


def test_a_supplier_responds_through_the_page(market, client):
    client.force_login(market.sme_a)
    url = f"/responses/requirements/{market.requirement.pk}/respond/"
    assert client.get(url).status_code == 200
    answer = client.post(
        url,
        {
            "kind": "quote",
            "price": "7.25",
            "currency": "usd",
            "unit": "piece",
            "lead_time_days": "14",
            "valid_until": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
            "attachments": [
                SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("b.pdf", PDF, content_type="application/pdf"),
            ],
        },
    )
    assert answer.status_code == 302
    response = Response.objects.get()
    assert response.currency == "USD"
    assert response.attachments.count() == 2
    html = _page(client, market.sme_a, market.requirement)
    assert 'id="own-response"' in html
    assert "USD\xa07.25" in html
    assert "Revise your response" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "quote", "price": "-1", "currency": "USD"}, "cannot be negative"),
        ({"kind": "quote", "price": "1", "currency": "ZZZ"}, "ISO 4217"),
        ({"kind": "quote", "price": "1", "currency": "USD", "valid_until": "2001-02-03"}, "in the past"),
        ({"kind": "decline"}, "reason for declining"),
    ],
)
def test_bad_input_on_the_page_is_shown_by_its_field(market, client, data, message):
    client.force_login(market.sme_a)
    answer = client.post(f"/responses/requirements/{market.requirement.pk}/respond/", data)
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not Response.objects.exists()


def test_a_second_response_from_another_tab_is_refused_on_the_page(market, client, quote):
    client.force_login(market.sme_a)
    url = f"/responses/requirements/{market.requirement.pk}/respond/"
    client.get(url)
    services.submit_response(actor=market.sme_a, requirement=market.requirement, **quote)
    # The page revises the live response (the form knows it); the service keeps one live response per supplier.
    answer = client.post(url, {"kind": "interest"})
    assert answer.status_code == 302
    assert Response.objects.get().version == 2


def test_who_sees_which_actions(market, client, quote):
    services.submit_response(actor=market.sme_a, requirement=market.requirement, **quote)
    viewer = _page(client, market.sme_a_viewer, market.requirement)
    assert 'id="own-response"' in viewer
    assert 'id="respond-link"' not in viewer
    assert 'id="question-form"' not in viewer
    other = _page(client, market.sme_b, market.requirement)
    assert 'id="respond-link"' in other
    assert 'id="own-response"' not in other
    assert "12.50" not in other
    buyer = _page(client, market.buyer, market.requirement)
    assert 'id="compare-link"' in buyer
    assert 'id="respond-link"' not in buyer
    agency = _page(client, market.agency, market.requirement)
    assert 'id="compare-link"' in agency
    client.force_login(market.sme_a_viewer)
    assert client.get(f"/responses/requirements/{market.requirement.pk}/respond/").status_code == 403


def test_an_unverified_buyer_gets_no_comparison(market, client):
    html = _page(client, market.unverified_buyer, market.unverified_requirement)
    assert 'id="compare-link"' not in html
    assert client.get(f"/responses/requirements/{market.unverified_requirement.pk}/compare/").status_code == 404


def test_the_requirement_page_stays_light(market, client, quote):
    services.submit_response(actor=market.sme_a, requirement=market.requirement, **quote)
    services.revise_response(actor=market.sme_a, response=Response.objects.get(), **{**quote, "price": "11"})
    services.ask_question(actor=market.sme_b, requirement=market.requirement, question="Lots?")
    client.force_login(market.sme_a)
    client.get(f"/requirements/{market.requirement.pk}/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/requirements/{market.requirement.pk}/").status_code == 200
    assert len(queries) <= 25, len(queries)
    assert not any("matching_match" in q["sql"] for q in queries.captured_queries)
