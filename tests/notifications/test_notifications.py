"""Who hears about what: opportunities, stage changes, certificate expiries; the daily digest; the inbox."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from linkages import services as linkage_services
from linkages.models import Stage
from matching import services as matching_services
from notifications import services
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def _member(organisation, role="owner", language="en"):
    user = factories.UserFactory(preferred_language=language)
    factories.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def test_top_suppliers_hear_of_an_open_requirement_once(titanium, django_capture_on_commit_callbacks):
    fit_owner = _member(titanium["fit"].organisation)
    with django_capture_on_commit_callbacks(execute=True):
        matching_services.run_now(requirement=titanium["requirement"])
    with django_capture_on_commit_callbacks(execute=True):
        matching_services.run_now(requirement=titanium["requirement"])  # a re-run tells nobody twice

    notes = Notification.objects.filter(recipient=fit_owner, kind="opportunity")
    assert notes.count() == 1
    assert titanium["requirement"].title in notes.get().title
    assert notes.get().url == f"/requirements/{titanium['requirement'].pk}/"


@pytest.mark.parametrize("visibility", ["agency", "invited"])
def test_confidential_requirements_are_not_announced_to_the_uninvited(
    titanium, visibility, django_capture_on_commit_callbacks
):
    titanium["requirement"].visibility = visibility
    titanium["requirement"].save()
    _member(titanium["fit"].organisation)
    with django_capture_on_commit_callbacks(execute=True):
        matching_services.run_now(requirement=titanium["requirement"])
    assert not Notification.objects.filter(kind="opportunity").exists()


def test_the_other_side_hears_of_a_stage_change_in_its_language(django_capture_on_commit_callbacks):
    buyer = factories.BuyerFactory()
    supplier = factories.SupplierProfileFactory()
    buyer_member = _member(buyer, "member")
    supplier_owner = _member(supplier.organisation, language="es")
    with django_capture_on_commit_callbacks(execute=True):
        linkage, _ = linkage_services.create_linkage(
            actor=buyer_member, buyer=buyer, supplier=supplier, stage=Stage.CONTACTED
        )
    with django_capture_on_commit_callbacks(execute=True):
        linkage_services.move_linkage(actor=supplier_owner, linkage=linkage, to_stage=Stage.MEETING)

    to_supplier = Notification.objects.get(recipient=supplier_owner)
    assert "Contactado" in to_supplier.title
    to_buyer = Notification.objects.get(recipient=buyer_member)
    assert "Meeting" in to_buyer.title
    assert to_buyer.url == f"/linkages/{linkage.pk}/"


def test_back_dated_history_is_not_news(django_capture_on_commit_callbacks):
    buyer = factories.BuyerFactory()
    supplier = factories.SupplierProfileFactory()
    _member(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        linkage_services.create_linkage(
            actor=None,
            buyer=buyer,
            supplier=supplier,
            stage=Stage.CONTACTED,
            at=timezone.now() - dt.timedelta(days=400),
            system=True,
        )
    assert not Notification.objects.exists()


def test_certificates_are_announced_at_30_7_and_0_days():
    today = timezone.localdate()
    certificate = factories.CertificationFactory(expires_on=today + dt.timedelta(days=25))
    owner = _member(certificate.profile.organisation)
    factories.CertificationFactory(expires_on=today + dt.timedelta(days=60))  # not yet

    assert services.scan_expiring_certifications(today=today) == 1
    assert services.scan_expiring_certifications(today=today + dt.timedelta(days=1)) == 0  # same threshold
    assert services.scan_expiring_certifications(today=today + dt.timedelta(days=19)) == 1  # 6 days left
    assert services.scan_expiring_certifications(today=today + dt.timedelta(days=25)) == 1  # expires today
    assert services.scan_expiring_certifications(today=today + dt.timedelta(days=26)) == 0  # expired: silence
    titles = list(Notification.objects.filter(recipient=owner).order_by("pk").values_list("title", flat=True))
    assert len(titles) == 3
    assert titles[0].endswith("in 25 days")
    assert titles[2].endswith("today")


def test_a_hundred_expiries_make_one_email_in_the_recipients_language():
    today = timezone.localdate()
    profile = factories.SupplierProfileFactory()
    owner = _member(profile.organisation, language="pt")
    factories.CertificationFactory.create_batch(100, profile=profile, expires_on=today + dt.timedelta(days=3))
    assert services.scan_expiring_certifications(today=today) == 100

    assert services.send_daily_digests() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [owner.email]
    assert "100" in mail.outbox[0].subject
    assert "Olá" in mail.outbox[0].body
    assert services.send_daily_digests() == 0  # nothing left to send
    assert not Notification.objects.filter(emailed_at=None).exists()


def test_inbox_api_and_pages_show_only_ones_own(client_for, client, sme_owner):
    mine = Notification.objects.create(recipient=sme_owner, kind="opportunity", title="Mine", dedupe_key="a")
    theirs = Notification.objects.create(
        recipient=factories.UserFactory(), kind="opportunity", title="Theirs", dedupe_key="a"
    )
    api = client_for(sme_owner)
    assert [n["title"] for n in api.get("/api/v1/notifications/").json()["results"]] == ["Mine"]
    assert api.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert api.post(f"/api/v1/notifications/{mine.pk}/read/").json()["read_at"] is not None
    assert api.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 0

    client.force_login(sme_owner)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    Notification.objects.create(recipient=sme_owner, kind="opportunity", title="Second", dedupe_key="b")
    assert 'id="unread-count"' in client.get("/notifications/").content.decode()
    client.post("/notifications/read-all/")
    assert 'id="unread-count"' not in client.get("/notifications/").content.decode()
    client.logout()
    assert client.get("/notifications/").status_code == 302
