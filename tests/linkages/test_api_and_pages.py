"""Linkages through the API and the pages, role by role, and the nightly dormancy."""

import datetime as dt

import pytest
from django.utils import timezone

from linkages import services
from linkages.models import Linkage, Stage
from tests import factories

pytestmark = pytest.mark.django_db


def _member(organisation, role="owner"):
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def linkage():
    supplier = factories.SupplierProfileFactory()
    buyer = factories.BuyerFactory()
    created, _ = services.create_linkage(
        actor=_member(buyer), buyer=buyer, supplier=supplier, stage=Stage.CONTACTED, note="First call"
    )
    return created


def test_each_party_lists_its_own_linkages_only(linkage, client_for, agency_client, buyer_client, sme_client):
    buyer = client_for(_member(linkage.buyer, "viewer"))
    supplier = client_for(_member(linkage.supplier.organisation))
    assert [row["id"] for row in buyer.get("/api/v1/linkages/").json()["results"]] == [linkage.pk]
    assert [row["id"] for row in supplier.get("/api/v1/linkages/").json()["results"]] == [linkage.pk]
    assert agency_client.get("/api/v1/linkages/").json()["count"] == 1
    assert buyer_client.get("/api/v1/linkages/").json()["count"] == 0
    assert sme_client.get("/api/v1/linkages/").json()["count"] == 0
    assert buyer_client.get(f"/api/v1/linkages/{linkage.pk}/").status_code == 404


def test_detail_shows_history_transactions_and_the_moves_this_user_may_make(linkage, client_for):
    supplier = client_for(_member(linkage.supplier.organisation))
    body = supplier.get(f"/api/v1/linkages/{linkage.pk}/").json()
    assert [change["to_stage"] for change in body["stage_changes"]] == ["contacted"]
    assert set(body["allowed_moves"]) == {"meeting", "negotiation", "declined"}


def test_moving_through_the_api_and_refusals(linkage, client_for, agency_client):
    supplier = client_for(_member(linkage.supplier.organisation))
    viewer = client_for(_member(linkage.buyer, "viewer"))
    assert supplier.post(f"/api/v1/linkages/{linkage.pk}/move/", {"stage": "meeting"}).json()["stage"] == "meeting"
    assert viewer.post(f"/api/v1/linkages/{linkage.pk}/move/", {"stage": "negotiation"}).status_code == 403
    bad = agency_client.post(f"/api/v1/linkages/{linkage.pk}/move/", {"stage": "repeat_business"})
    assert bad.status_code == 400
    assert "stage" in bad.json()["errors"]


def test_transactions_through_the_api(linkage, client_for):
    buyer = client_for(_member(linkage.buyer, "member"))
    supplier = client_for(_member(linkage.supplier.organisation))
    payload = {"date": str(timezone.localdate()), "value": "1500.00", "currency": "USD", "description": "PO 1"}
    created = buyer.post(f"/api/v1/linkages/{linkage.pk}/transactions/", payload)
    assert created.status_code == 201
    assert created.json()["kind"] == "first"
    assert supplier.post(f"/api/v1/linkages/{linkage.pk}/transactions/", payload).status_code == 403
    wrong = buyer.post(f"/api/v1/linkages/{linkage.pk}/transactions/", {**payload, "currency": "ZZZ"})
    assert wrong.status_code == 400
    assert [t["value"] for t in supplier.get(f"/api/v1/linkages/{linkage.pk}/transactions/").json()] == ["1500.00"]
    assert Linkage.objects.get(pk=linkage.pk).stage == Stage.FIRST_TRANSACTION


def test_recording_a_linkage_by_hand(client_for, sme_client):
    buyer = factories.BuyerFactory()
    supplier = factories.SupplierProfileFactory()
    payload = {"buyer": buyer.pk, "supplier": supplier.pk, "note": "Met at the fair"}
    response = client_for(_member(buyer)).post("/api/v1/linkages/", payload)
    assert response.status_code == 201
    assert response.json()["source"] == "manual"
    # Another SME's profile is not the SME's to see: answered as an id that does not exist (no oracle).
    refused = sme_client.post("/api/v1/linkages/", payload)
    assert refused.status_code == 400
    assert "supplier" in refused.json()["errors"]


def test_pages_for_the_parties_and_the_board_for_agency_staff_only(linkage, client, agency_user):
    supplier = _member(linkage.supplier.organisation)
    client.force_login(supplier)
    assert client.get("/linkages/").status_code == 200
    page = client.get(f"/linkages/{linkage.pk}/").content.decode()
    assert 'data-stage="meeting"' in page
    assert 'id="transaction-form"' not in page  # suppliers do not record what the buyer bought
    assert client.get("/linkages/board/").status_code == 403
    response = client.post(f"/linkages/{linkage.pk}/move/", {"stage": "meeting"})
    assert response.status_code == 302
    assert Linkage.objects.get(pk=linkage.pk).stage == Stage.MEETING

    client.force_login(factories.BuyerOwnerFactory())
    assert client.get(f"/linkages/{linkage.pk}/").status_code == 404
    assert client.post(f"/linkages/{linkage.pk}/move/", {"stage": "declined"}).status_code == 404

    client.force_login(agency_user)
    board = client.get("/linkages/board/").content.decode()
    assert f'data-linkage="{linkage.pk}"' in board
    assert 'data-stage="dormant"' in board


def test_a_bad_transaction_on_the_page_keeps_the_form_with_errors(linkage, client):
    client.force_login(_member(linkage.buyer, "member"))
    future = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(f"/linkages/{linkage.pk}/transactions/", {"date": future, "value": "10", "currency": "USD"})
    assert response.status_code == 400
    assert "future" in response.content.decode()
    assert not linkage.transactions.exists()


def test_idle_linkages_become_dormant_and_active_ones_stay(linkage, settings):
    settings.LINKAGE_DORMANT_AFTER_DAYS = 90
    fresh, _ = services.create_linkage(
        actor=None, buyer=linkage.buyer, supplier=factories.SupplierProfileFactory(), stage=Stage.CONTACTED, system=True
    )
    Linkage.objects.filter(pk=linkage.pk).update(last_activity_at=timezone.now() - dt.timedelta(days=91))

    assert services.mark_dormant_linkages() == 1
    assert Linkage.objects.get(pk=linkage.pk).stage == Stage.DORMANT
    assert Linkage.objects.get(pk=fresh.pk).stage == Stage.CONTACTED
    assert services.mark_dormant_linkages() == 0
