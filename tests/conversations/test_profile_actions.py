"""From a supplier's profile a verified buyer's team contacts it, invites it to an open requirement (warned when it
lacks a mandatory certificate) or shortlists it; nobody else can, and hidden suppliers are not reachable."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from buyers.models import Requirement, RequirementInvitation
from conversations import services
from conversations.models import Message, Thread
from linkages import services as linkage_services
from linkages.models import Linkage, Stage
from matching.models import ShortlistEntry
from suppliers.models import VerificationStatus
from tests import factories

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def fresh(world):
    """A supplier the buyer has no linkage with yet, and an open requirement of the buyer needing ISO 9001."""
    supplier = factories.SupplierProfileFactory(organisation=factories.SmeFactory(legal_name="Nuevo Taller S.A."))
    owner = factories.UserFactory(full_name="Marta Nuevo")
    factories.MembershipFactory(user=owner, organisation=supplier.organisation)
    requirement = factories.RequirementFactory(buyer=world.buyer, title="Carcasas de aluminio")
    iso = factories.CertificationStandardFactory()
    factories.RequiredCertificationFactory(requirement=requirement, standard=iso, mandatory=True)
    world.fresh, world.fresh_owner, world.requirement, world.iso = supplier, owner, requirement, iso
    return world


def test_the_profile_offers_the_actions_to_a_verified_buyer_team_only(fresh):
    url = f"/suppliers/{fresh.fresh.pk}/"
    page = _client(fresh.buyer_member).get(url)
    assert page.status_code == 200
    assert b'id="supplier-actions"' in page.content
    assert b"Carcasas de aluminio" in page.content
    for role in ("buyer_viewer", "agency"):
        shown = _client(getattr(fresh, role)).get(url)
        assert shown.status_code == 200
        assert b'id="supplier-actions"' not in shown.content
    assert b'id="supplier-actions"' not in _client(fresh.fresh_owner).get(url).content  # its own profile


def test_contact_starts_the_linkage_at_contacted_and_opens_its_thread(fresh):
    response = _client(fresh.buyer_member).post(
        f"/messages/suppliers/{fresh.fresh.pk}/contact/", {"body": "Queremos conocer su capacidad."}
    )
    assert response.status_code == 302
    linkage = Linkage.objects.get(buyer=fresh.buyer, supplier=fresh.fresh)
    assert linkage.requirement is None
    assert linkage.stage == Stage.CONTACTED
    thread = Thread.objects.get(linkage=linkage)
    assert response["Location"].endswith(f"/messages/{thread.pk}/#message-{thread.messages.get().pk}")
    assert thread.messages.get().body == "Queremos conocer su capacidad."
    # Contacting again writes in the same thread of the same linkage.
    _client(fresh.buyer_owner).post(f"/messages/suppliers/{fresh.fresh.pk}/contact/", {"body": "¿Tienen catálogo?"})
    assert Linkage.objects.filter(buyer=fresh.buyer, supplier=fresh.fresh).count() == 1
    assert thread.messages.count() == 2


def test_contact_moves_a_proposed_linkage_on(fresh):
    linkage, _created = linkage_services.create_linkage(
        actor=None, buyer=fresh.buyer, supplier=fresh.fresh, stage=Stage.PROPOSED, system=True
    )
    services.contact_supplier(actor=fresh.buyer_owner, buyer=fresh.buyer, supplier=fresh.fresh, body="Hola")
    linkage.refresh_from_db()
    assert linkage.stage == Stage.CONTACTED


def test_an_empty_contact_is_a_field_error_and_creates_nothing(fresh):
    response = _client(fresh.buyer_owner).post(f"/messages/suppliers/{fresh.fresh.pk}/contact/", {"body": " "})
    assert response.status_code == 400
    assert b"Write a message or attach a file." in response.content
    assert not Linkage.objects.filter(supplier=fresh.fresh).exists()


@pytest.mark.parametrize("role", ["unverified_buyer", "other_sme", "buyer_viewer", "agency"])
def test_others_are_refused_every_action(fresh, role):
    client = _client(getattr(fresh, role))
    base = f"/messages/suppliers/{fresh.fresh.pk}"
    for action, data in (
        ("contact", {"body": "hola"}),
        ("invite", {"requirement": fresh.requirement.pk, "confirmed": "true"}),
        ("shortlist", {"requirement": fresh.requirement.pk}),
    ):
        assert client.post(f"{base}/{action}/", data).status_code in (403, 404), action
    assert not Linkage.objects.filter(supplier=fresh.fresh).exists()
    assert not RequirementInvitation.objects.exists()
    assert not ShortlistEntry.objects.exists()


def test_the_services_refuse_them_too(fresh):
    for user in (fresh.unverified_buyer, fresh.other_sme, fresh.buyer_viewer):
        with pytest.raises(PermissionDenied):
            services.contact_supplier(actor=user, buyer=fresh.buyer, supplier=fresh.fresh, body="hola")
        with pytest.raises(PermissionDenied):
            services.shortlist_supplier(actor=user, requirement=fresh.requirement, supplier=fresh.fresh)


@pytest.mark.parametrize("hide", ["unpublished", "rejected"])
def test_hidden_suppliers_are_not_reachable(fresh, hide):
    if hide == "unpublished":
        fresh.fresh.published = False
    else:
        fresh.fresh.verification_status = VerificationStatus.REJECTED
    fresh.fresh.save()
    client = _client(fresh.buyer_owner)
    base = f"/messages/suppliers/{fresh.fresh.pk}"
    assert client.post(f"{base}/contact/", {"body": "hola"}).status_code == 404
    assert client.post(f"{base}/invite/", {"requirement": fresh.requirement.pk, "confirmed": "true"}).status_code == 404
    assert client.post(f"{base}/shortlist/", {"requirement": fresh.requirement.pk}).status_code == 404
    assert not Linkage.objects.filter(supplier=fresh.fresh).exists()
    assert not RequirementInvitation.objects.exists()


def test_inviting_a_supplier_without_the_mandatory_certificate_asks_to_confirm(fresh):
    client = _client(fresh.buyer_owner)
    url = f"/messages/suppliers/{fresh.fresh.pk}/invite/"
    warned = client.post(url, {"requirement": fresh.requirement.pk})
    assert warned.status_code == 200
    assert b'id="missing-certificates"' in warned.content
    assert b"ISO 9001" in warned.content
    assert not RequirementInvitation.objects.exists()
    confirmed = client.post(url, {"requirement": fresh.requirement.pk, "confirmed": "true"})
    assert confirmed.status_code == 302
    assert RequirementInvitation.objects.filter(requirement=fresh.requirement, supplier=fresh.fresh).exists()


def test_a_valid_certificate_invites_at_once(fresh):
    factories.CertificationFactory(profile=fresh.fresh, standard=fresh.iso)
    response = _client(fresh.buyer_owner).post(
        f"/messages/suppliers/{fresh.fresh.pk}/invite/", {"requirement": fresh.requirement.pk}
    )
    assert response.status_code == 302
    assert RequirementInvitation.objects.filter(requirement=fresh.requirement, supplier=fresh.fresh).exists()


def test_a_certificate_that_expires_before_the_needed_by_date_still_warns(fresh):
    today = timezone.localdate()
    factories.CertificationFactory(profile=fresh.fresh, standard=fresh.iso, expires_on=today + dt.timedelta(days=10))
    invited, missing = services.invite_supplier(
        actor=fresh.buyer_owner, requirement=fresh.requirement, supplier=fresh.fresh
    )
    assert invited is False
    assert [standard.code for standard in missing] == ["iso-9001"]
    fresh.requirement.required_certifications.update(mandatory=False)
    invited, missing = services.invite_supplier(
        actor=fresh.buyer_owner, requirement=fresh.requirement, supplier=fresh.fresh
    )
    assert (invited, missing) == (True, [])


def test_only_the_buyers_own_open_requirements_can_be_chosen(fresh):
    others = factories.RequirementFactory(title="De otro comprador")
    closed = factories.RequirementFactory(buyer=fresh.buyer, status=Requirement.Status.CLOSED)
    client = _client(fresh.buyer_owner)
    for requirement_id in (others.pk, closed.pk, "abc", "99999999999999999999"):
        for action in ("invite", "shortlist"):
            response = client.post(
                f"/messages/suppliers/{fresh.fresh.pk}/{action}/", {"requirement": requirement_id, "confirmed": "true"}
            )
            assert response.status_code == 400, (action, requirement_id)
            assert b"Select a valid choice" in response.content
    assert not RequirementInvitation.objects.exists()
    assert not ShortlistEntry.objects.exists()


def test_shortlist_from_the_profile(fresh):
    response = _client(fresh.buyer_member).post(
        f"/messages/suppliers/{fresh.fresh.pk}/shortlist/", {"requirement": fresh.requirement.pk}
    )
    assert response.status_code == 302
    assert ShortlistEntry.objects.filter(requirement=fresh.requirement, supplier=fresh.fresh).exists()


def test_the_action_pages_render_for_the_buyer(fresh):
    client = _client(fresh.buyer_owner)
    assert client.get(f"/messages/suppliers/{fresh.fresh.pk}/contact/").status_code == 200
    assert client.get(f"/es/messages/suppliers/{fresh.fresh.pk}/invite/").status_code == 200
    assert Message.objects.count() == 0
