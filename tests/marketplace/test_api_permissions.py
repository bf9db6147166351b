"""The responses API per role: who sees which response, quote and attachment; who may write; bad input is a 400."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from buyers.models import Requirement
from marketplace import services
from marketplace.models import Response, ResponseStatus
from tests import factories

from .conftest import PDF

pytestmark = pytest.mark.django_db

URL = "/api/v1/responses/"


def _quote_payload(target, **changes):
    return {
        "requirement": target.pk,
        "kind": "quote",
        "price": "12.50",
        "currency": "USD",
        "unit": "piece",
        "lead_time_days": 30,
        "valid_until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        **changes,
    }


@pytest.fixture
def answered(market, quote):
    """Supplier A quoted with an attachment; supplier B sent interest."""
    upload = SimpleUploadedFile("alfa-quote.pdf", PDF, content_type="application/pdf")
    a = services.submit_response(actor=market.sme_a, requirement=market.requirement, attachments=[upload], **quote)
    b = services.submit_response(actor=market.sme_b, requirement=market.requirement, kind="interest")
    return a, b


def test_a_supplier_creates_its_response_with_an_attachment(market, client_for):
    client = client_for(market.sme_a)
    payload = _quote_payload(market.requirement)
    payload["attachments"] = [SimpleUploadedFile("q.pdf", PDF, content_type="application/pdf")]
    answer = client.post(URL, payload, format="multipart")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["supplier"] == market.supplier_a.pk
    assert body["price"] == "12.5000"
    assert body["attachments"][0]["name"] == "q.pdf"
    assert body["attachments"][0]["url"].startswith("/responses/attachments/")
    again = client.post(URL, _quote_payload(market.requirement), format="json")
    assert again.status_code == 400
    assert "revise" in again.json()["errors"]["requirement"][0]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"currency": "XYZ"}, "currency"),
        ({"price": "-5"}, "price"),
        ({"valid_until": "2001-01-01"}, "valid_until"),
        ({"kind": "decline"}, "decline_reason"),
        ({"kind": "nonsense"}, "kind"),
        ({"requirement": 99999999}, "requirement"),
        ({"requirement": "abc"}, "requirement"),
    ],
)
def test_bad_input_is_a_field_error(market, client_for, change, field):
    answer = client_for(market.sme_a).post(URL, _quote_payload(market.requirement, **change), format="json")
    assert answer.status_code == 400
    assert field in answer.json()["errors"]


def test_fake_and_oversized_attachments_are_field_errors(market, client_for, settings):
    client = client_for(market.sme_a)
    payload = _quote_payload(market.requirement)
    payload["attachments"] = [SimpleUploadedFile("q.pdf", b"GIF89a not a pdf", content_type="application/pdf")]
    answer = client.post(URL, payload, format="multipart")
    assert answer.status_code == 400
    assert "attachments" in answer.json()["errors"]
    settings.CERTIFICATE_MAX_UPLOAD_BYTES = 8
    payload["attachments"] = [SimpleUploadedFile("q.pdf", PDF, content_type="application/pdf")]
    answer = client.post(URL, payload, format="multipart")
    assert answer.status_code == 400
    assert "limit" in answer.json()["errors"]["attachments"][0]
    assert not Response.objects.exists()


def test_a_closed_requirement_is_a_field_error(market, client_for):
    Requirement.objects.filter(pk=market.requirement.pk).update(status=Requirement.Status.CLOSED)
    answer = client_for(market.sme_a).post(URL, _quote_payload(market.requirement), format="json")
    assert answer.status_code == 400
    assert "requirement" in answer.json()["errors"]


def test_viewers_and_buyers_cannot_respond(market, client_for):
    assert client_for(market.sme_a_viewer).post(URL, _quote_payload(market.requirement)).status_code == 403
    assert client_for(market.buyer).post(URL, _quote_payload(market.requirement)).status_code == 403


def test_anonymous_gets_nothing(market, api_client, answered):
    assert api_client.get(URL).status_code in (401, 403)
    assert api_client.get(f"{URL}{answered[0].pk}/").status_code in (401, 403)
    assert api_client.get(f"/responses/attachments/{answered[0].attachments.get().pk}/").status_code == 302


def test_a_supplier_never_sees_another_suppliers_response(market, client_for, client, answered):
    a, b = answered
    api = client_for(market.sme_b)
    listed = api.get(URL).json()["results"]
    assert [row["id"] for row in listed] == [b.pk]
    assert api.get(f"{URL}{a.pk}/").status_code == 404
    assert api.post(f"{URL}{a.pk}/revise/", {"kind": "interest"}).status_code == 404
    assert api.get(f"/api/v1/requirements/{market.requirement.pk}/responses/comparison/").status_code == 404
    client.force_login(market.sme_b)
    attachment = a.attachments.get()
    assert client.get(f"/responses/attachments/{attachment.pk}/").status_code == 404
    page = client.get(f"/requirements/{market.requirement.pk}/").content.decode()
    assert "12.50" not in page
    assert "alfa-quote" not in page
    assert client.get(f"/responses/requirements/{market.requirement.pk}/compare/").status_code == 404
    # Its own attachment it may read (and so may the buyer).
    client.force_login(market.sme_a)
    assert client.get(f"/responses/attachments/{attachment.pk}/").status_code == 200
    client.force_login(market.buyer_viewer)
    assert client.get(f"/responses/attachments/{attachment.pk}/").status_code == 200


def test_a_buyer_never_sees_responses_to_a_competitors_requirement(market, client_for, client, answered):
    a, _b = answered
    api = client_for(market.other_buyer)
    assert api.get(URL).json()["results"] == []
    assert api.get(f"{URL}{a.pk}/").status_code == 404
    assert api.get(f"/api/v1/requirements/{market.requirement.pk}/responses/comparison/").status_code == 404
    answer = api.post(f"/api/v1/requirements/{market.requirement.pk}/responses/award/", {"suppliers": [a.supplier_id]})
    assert answer.status_code == 404
    client.force_login(market.other_buyer)
    assert client.get(f"/responses/attachments/{a.attachments.get().pk}/").status_code == 404
    assert client.get(f"/responses/requirements/{market.requirement.pk}/compare/").status_code == 404


def test_an_unverified_buyer_has_no_buyer_powers(market, client_for, quote):
    response = factories.ResponseFactory(requirement=market.unverified_requirement, supplier=market.supplier_a)
    api = client_for(market.unverified_buyer)
    assert api.get(URL).json()["results"] == []
    assert api.get(f"{URL}{response.pk}/").status_code == 404
    base = f"/api/v1/requirements/{market.unverified_requirement.pk}"
    assert api.get(f"{base}/responses/comparison/").status_code == 404
    assert api.post(f"{base}/responses/award/", {"suppliers": [market.supplier_a.pk]}, format="json").status_code == 404
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED


def test_the_buyers_team_reads_responses_and_a_viewer_cannot_award(market, client_for, answered):
    a, b = answered
    listed = client_for(market.buyer_viewer).get(URL, {"requirement": market.requirement.pk}).json()["results"]
    assert {row["id"] for row in listed} == {a.pk, b.pk}
    answer = client_for(market.buyer_viewer).post(
        f"/api/v1/requirements/{market.requirement.pk}/responses/award/", {"suppliers": [a.supplier_id]}, format="json"
    )
    assert answer.status_code == 403
    assert Requirement.objects.get(pk=market.requirement.pk).status == Requirement.Status.OPEN


def test_agency_reads_are_recorded(market, client_for, answered):
    a, _b = answered
    access = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Response), action=LogEntry.Action.ACCESS
    )
    assert not access.exists()
    api = client_for(market.agency)
    assert api.get(f"{URL}{a.pk}/").status_code == 200
    entry = access.get()
    assert entry.object_pk == str(a.pk)
    assert entry.actor == market.agency
    assert set(entry.additional_data["organisations"]) == {str(market.buyer_org.pk), str(a.supplier.organisation_id)}
    assert api.get(f"/api/v1/requirements/{market.requirement.pk}/responses/comparison/").status_code == 200
    assert access.count() == 3
    # The buyer's and the supplier's own reads are not agency reads.
    client_for(market.buyer).get(f"{URL}{a.pk}/")
    client_for(market.sme_a).get(f"{URL}{a.pk}/")
    assert access.count() == 3


def test_a_revision_through_the_api_keeps_the_history(market, client_for, answered):
    a, _b = answered
    answer = client_for(market.sme_a).post(
        f"{URL}{a.pk}/revise/", {"kind": "quote", "price": "9.99", "currency": "EUR"}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    body = client_for(market.sme_a).get(f"{URL}{a.pk}/").json()
    assert body["version"] == 2
    assert body["currency"] == "EUR"
    assert [r["version"] for r in body["revisions"]] == [1]
    assert body["revisions"][0]["price"] == "12.5000"


def test_agency_reads_show_in_the_audit_trail(market, client_for, client, answered):
    a, _b = answered
    client.force_login(market.agency)
    assert client.get(f"/responses/requirements/{market.requirement.pk}/compare/").status_code == 200
    entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=market.agency)
    assert entries.count() == 2  # the two responses the comparison showed
    page = client.get("/audit/", {"action": LogEntry.Action.ACCESS, "organisation": market.supplier_a.organisation_id})
    assert page.status_code == 200
    html = page.content.decode()
    a_entry = entries.get(object_pk=str(a.pk))
    assert f'id="audit-entry-{a_entry.pk}"' in html
    assert "Viewed" in html
    assert html.count('class="card audit-entry"') == 1  # supplier A's response only: B's belongs to another SME
