"""Notifications are a kind and its facts, worded in the reader's language whenever they are shown."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from linkages import services as linkage_services
from linkages.models import Stage
from notifications import services
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def _member(organisation, role="owner", language="en"):
    user = factories.UserFactory(preferred_language=language)
    factories.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def stage_change(django_capture_on_commit_callbacks):
    """An English-speaking supplier told that a buyer moved their linkage to a meeting."""
    buyer = factories.BuyerFactory()
    supplier = factories.SupplierProfileFactory()
    buyer_member = _member(buyer, "member")
    supplier_owner = _member(supplier.organisation, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        linkage, _ = linkage_services.create_linkage(
            actor=buyer_member, buyer=buyer, supplier=supplier, stage=Stage.CONTACTED
        )
    with django_capture_on_commit_callbacks(execute=True):
        linkage_services.move_linkage(actor=buyer_member, linkage=linkage, to_stage=Stage.MEETING)
    notification = Notification.objects.filter(recipient=supplier_owner).latest("pk")
    return notification, supplier_owner


def test_a_notification_keeps_its_kind_and_facts(stage_change):
    notification, _owner = stage_change
    assert notification.kind == "stage_change"
    assert notification.params["from"] == "contacted"
    assert notification.params["to"] == "meeting"
    assert "Meeting" in notification.title  # stored in the recipient's language at creation


def test_the_inbox_words_it_in_the_pages_language(stage_change, client):
    _notification, owner = stage_change
    client.force_login(owner)
    english = client.get("/notifications/").content.decode()
    spanish = client.get("/es/notifications/").content.decode()
    portuguese = client.get("/pt/notifications/").content.decode()
    assert "The linkage moved from Contacted to Meeting." in english
    assert "El encadenamiento pasó de Contactado a Reunión." in spanish
    assert "O encadeamento passou de Contatado para Reunião." in portuguese
    assert ": Reunión</strong>" in spanish
    assert "moved from" not in spanish
    assert "moved from" not in portuguese


def test_the_api_words_it_in_the_requests_language(stage_change, client_for):
    _notification, owner = stage_change
    api = client_for(owner)
    body = api.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="pt").json()["results"][0]
    assert body["title"].endswith(": Reunião")
    assert body["body"] == "O encadeamento passou de Contatado para Reunião."
    assert body["params"]["to"] == "meeting"  # the facts, for a client that words them itself


def test_the_digest_is_worded_in_the_recipients_language_of_today(stage_change):
    notification, owner = stage_change
    owner.preferred_language = "es"  # changed language after the notification was created (in English)
    owner.save(update_fields=["preferred_language"])
    mail.outbox.clear()
    Notification.objects.exclude(pk=notification.pk).update(emailed_at=timezone.now())
    assert services.send_daily_digests() == 1
    text = mail.outbox[0].body
    assert "El encadenamiento pasó de Contactado a Reunión." in text
    assert "moved from" not in text


def test_rows_without_parameters_keep_their_stored_words(client, sme_owner):
    Notification.objects.create(
        recipient=sme_owner, kind="opportunity", title="Stored before params", body="Old body", dedupe_key="old"
    )
    client.force_login(sme_owner)
    page = client.get("/es/notifications/").content.decode()
    assert "Stored before params" in page
    assert "Old body" in page


def test_a_certificate_expiry_is_worded_with_the_readers_date(client):
    today = timezone.localdate()
    certificate = factories.CertificationFactory(expires_on=today + dt.timedelta(days=7))
    owner = _member(certificate.profile.organisation)
    assert services.scan_expiring_certifications(today=today) == 1
    notification = Notification.objects.get(recipient=owner)
    assert notification.params == {
        "standard": certificate.standard.name,
        "days_left": 7,
        "expires_on": certificate.expires_on.isoformat(),
    }
    client.force_login(owner)
    spanish = client.get("/es/notifications/").content.decode()
    assert "en 7 días" in spanish
    assert certificate.expires_on.isoformat() not in spanish  # a date as the reader writes it, not 2027-05-12
