"""The verification queue (search, filters, pages, bulk approval) and the one-step verification of an organisation,
its supplier profile and its certificates."""

import io

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Organisation
from suppliers import selectors, services
from suppliers.models import Certification, SupplierProfile
from tests import factories

pytestmark = pytest.mark.django_db
QUEUE = "/suppliers/verification/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def _new_sme(name="Troqueles del Valle S.A.", tax_id="", country="CR", certificates=2, **documents):
    """A new SME as it signs up: organisation, profile and certificates all pending."""
    organisation = factories.SmeFactory(
        legal_name=name,
        tax_id=tax_id,
        tax_id_normalised=tax_id.replace("-", ""),  # what accounts.services keeps (python-stdnum's compact form)
        country=country,
        verification_status=Organisation.VerificationStatus.PENDING,
    )
    profile = factories.SupplierProfileFactory(organisation=organisation, verification_status="pending")
    made = [
        factories.CertificationFactory(profile=profile, verification_status="pending", **documents)
        for _ in range(certificates)
    ]
    return organisation, profile, made


def _status(obj) -> str:
    return type(obj).objects.values_list("verification_status", flat=True).get(pk=obj.pk)


def _names(response) -> list[str]:
    return [case.legal_name for case in response.context["page"]]


# --- the one-step service -----------------------------------------------------------------------------------------


def test_one_step_approves_the_organisation_its_profile_and_its_certificates_together(agency_user):
    organisation, profile, certificates = _new_sme()
    counts = services.verify_supplier(organisation=organisation, verified_by=agency_user, approve=True, note="Visita")
    assert counts == {"verified": 4, "rejected": 0}
    assert {_status(obj) for obj in (organisation, profile, *certificates)} == {"verified"}
    assert Organisation.objects.get(pk=organisation.pk).verified_by == agency_user
    assert set(Certification.objects.values_list("verification_note", flat=True)) == {"Visita"}


def test_one_step_rejection_needs_a_note_and_reaches_everything_pending(agency_user):
    organisation, profile, certificates = _new_sme()
    with pytest.raises(ValidationError) as error:
        services.verify_supplier(organisation=organisation, verified_by=agency_user, approve=False, note="  ")
    assert "note" in error.value.message_dict
    assert _status(organisation) == "pending"

    services.verify_supplier(organisation=organisation, verified_by=agency_user, approve=False, note="Cédula falsa")
    assert {_status(obj) for obj in (organisation, profile, *certificates)} == {"rejected"}
    assert SupplierProfile.objects.get(pk=profile.pk).verification_note == "Cédula falsa"


def test_certificate_decisions_win_and_decided_items_stay_unless_named(agency_user):
    organisation, profile, (expired_scan, good) = _new_sme()
    verified_before = factories.CertificationFactory(profile=profile, verification_status="verified")
    with pytest.raises(ValidationError):  # a rejected certificate needs the note too
        services.verify_supplier(
            organisation=organisation,
            verified_by=agency_user,
            approve=True,
            certificate_decisions={expired_scan.pk: False},
        )
    counts = services.verify_supplier(
        organisation=organisation,
        verified_by=agency_user,
        approve=True,
        note="El escaneo no se lee",
        certificate_decisions={expired_scan.pk: False},
    )
    assert counts == {"verified": 3, "rejected": 1}
    assert _status(expired_scan) == "rejected"
    assert [_status(obj) for obj in (organisation, profile, good, verified_before)] == ["verified"] * 4
    assert Certification.objects.get(pk=verified_before.pk).verification_note == ""  # untouched


def test_one_step_refuses_others_certificates_non_staff_and_is_one_transaction(agency_user, sme_owner, buyer_owner):
    organisation, profile, _certificates = _new_sme()
    stranger = factories.CertificationFactory(verification_status="pending")
    with pytest.raises(ValidationError):
        services.verify_supplier(
            organisation=organisation, verified_by=agency_user, approve=True, certificate_decisions={stranger.pk: True}
        )
    assert _status(organisation) == "pending"  # nothing was written before the refusal
    for outsider in (sme_owner, buyer_owner):
        with pytest.raises(PermissionDenied):
            services.verify_supplier(organisation=organisation, verified_by=outsider, approve=True)
    assert _status(profile) == "pending"


def test_the_single_services_leave_their_audit_entries(agency_user):
    organisation, profile, certificates = _new_sme(certificates=1)
    before = LogEntry.objects.count()
    services.verify_supplier(organisation=organisation, verified_by=agency_user, approve=True)
    for obj in (organisation, profile, certificates[0]):
        entry = LogEntry.objects.get_for_object(obj).order_by("-pk").first()
        assert entry.changes_dict["verification_status"] == ["pending", "verified"]
    assert LogEntry.objects.count() >= before + 3


def test_bulk_approval_is_all_or_nothing(agency_user):
    first, _profile, _certificates = _new_sme("Uno S.A.")
    second = factories.BuyerFactory(verification_status="pending")
    counts = services.approve_suppliers(organisations=[first, second], verified_by=agency_user)
    assert counts == {"organisations": 2, "verified": 5, "rejected": 0}
    assert _status(second) == "verified"
    with pytest.raises(ValidationError):
        services.approve_suppliers(
            organisations=[second] * (services.MAX_BULK_VERIFICATIONS + 1), verified_by=agency_user
        )


# --- the queue ----------------------------------------------------------------------------------------------------


def test_queue_has_one_row_per_organisation_with_what_is_pending(client, agency_user):
    organisation, _profile, _certificates = _new_sme()
    verified_sme = factories.SupplierProfileFactory(verification_status="verified")  # organisation verified too
    factories.CertificationFactory(profile=verified_sme, verification_status="pending")
    factories.SupplierProfileFactory(verification_status="verified")  # nothing pending: not in the queue
    client.force_login(agency_user)
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert _names(response) == [organisation.legal_name, verified_sme.organisation.legal_name]
    html = response.content.decode()
    assert 'data-part="organisation"' in html
    assert 'data-part="profile"' in html
    assert "2 certificates" in html
    assert "1 certificate" in html
    assert html.count('name="organisation"') == 2
    assert f'href="/suppliers/verification/organisations/{organisation.pk}/?next=' in html


def test_queue_search_by_name_and_tax_id_and_filters(client, agency_user):
    _new_sme("Troqueles del Valle S.A.", tax_id="3-101-123456")
    _new_sme("Plásticos Ticos S.A.", country="PA", certificates=0)
    buyer = factories.BuyerFactory(legal_name="Orthovia Medical", verification_status="pending")
    client.force_login(agency_user)
    assert _names(client.get(QUEUE, {"q": "troqueles"})) == ["Troqueles del Valle S.A."]
    assert _names(client.get(QUEUE, {"q": "3101123456"})) == ["Troqueles del Valle S.A."]
    assert _names(client.get(QUEUE, {"q": "101-1234"})) == ["Troqueles del Valle S.A."]
    assert _names(client.get(QUEUE, {"kind": "mnc"})) == [buyer.legal_name]
    assert _names(client.get(QUEUE, {"country": "PA"})) == ["Plásticos Ticos S.A."]
    assert _names(client.get(QUEUE, {"pending": "certificates"})) == ["Troqueles del Valle S.A."]
    assert set(_names(client.get(QUEUE, {"pending": "profile"}))) == {
        "Troqueles del Valle S.A.",
        "Plásticos Ticos S.A.",
    }
    assert _names(client.get(QUEUE, {"kind": "sme", "q": "orthovia"})) == []


def test_queue_pages_keep_the_filters(client, agency_user):
    for number in range(30):
        factories.SmeFactory(legal_name=f"Proveedor {number:02d}", verification_status="pending")
    factories.BuyerFactory(verification_status="pending")
    client.force_login(agency_user)
    first = client.get(QUEUE, {"kind": "sme"})
    assert len(first.context["page"]) == 25
    assert first.context["page"].paginator.count == 30
    assert 'href="?kind=sme&amp;page=2"' in first.content.decode()
    second = client.get(QUEUE, {"kind": "sme", "page": "2"})
    assert len(second.context["page"]) == 5
    assert client.get(QUEUE, {"page": "999"}).status_code == 200
    assert client.get(QUEUE, {"kind": "nonsense", "country": "XX"}).status_code == 200


def test_bulk_approve_from_the_queue(client, agency_user):
    first, profile, certificates = _new_sme("Uno S.A.")
    second, _profile, _certificates = _new_sme("Dos S.A.")
    untouched, _profile, _certificates = _new_sme("Tres S.A.")
    agency = agency_user.memberships.get().organisation
    client.force_login(agency_user)
    response = client.post(
        f"{QUEUE}approve/",
        {"organisation": [first.pk, second.pk, agency.pk, "junk"], "next": f"{QUEUE}?kind=sme"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?kind=sme"
    assert {_status(obj) for obj in (first, second, profile, *certificates)} == {"verified"}
    assert _status(untouched) == "pending"
    assert _names(client.get(QUEUE)) == ["Tres S.A."]
    nothing = client.post(f"{QUEUE}approve/", {})
    assert nothing.status_code == 302
    assert client.get(f"{QUEUE}approve/").status_code == 405


# --- the one-step page --------------------------------------------------------------------------------------------


def test_one_step_page_shows_everything_with_document_previews(client, agency_user):
    organisation, profile, _none = _new_sme(certificates=0)
    scan = factories.CertificationFactory(
        profile=profile, verification_status="pending", document=SimpleUploadedFile("scan.png", _png())
    )
    pdf = factories.CertificationFactory(
        profile=profile, verification_status="pending", document=SimpleUploadedFile("iso.pdf", PDF)
    )
    bare = factories.CertificationFactory(profile=profile, verification_status="verified")
    client.force_login(agency_user)
    html = client.get(f"/suppliers/verification/organisations/{organisation.pk}/").content.decode()
    assert organisation.legal_name in html
    assert 'id="case-profile"' in html
    assert f'<img src="/suppliers/certifications/{scan.pk}/document/"' in html
    assert f'<iframe src="/suppliers/certifications/{pdf.pk}/document/"' in html
    assert f'name="certificate-{bare.pk}"' in html
    assert "Keep as it is" in html
    document = client.get(f"/suppliers/certifications/{pdf.pk}/document/")
    assert document.status_code == 200
    assert document["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in document["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in client.get(QUEUE)["Content-Security-Policy"]  # the rest of the site: none


def test_documents_keep_their_permission_checks(client, buyer_owner, sme_owner):
    _organisation, profile, (certificate,) = _new_sme(certificates=1, document=SimpleUploadedFile("iso.pdf", PDF))
    SupplierProfile.objects.filter(pk=profile.pk).update(published=False)
    for user in (buyer_owner, sme_owner):  # an unpublished profile is nobody's but its owners' and the agency's
        client.force_login(user)
        assert client.get(f"/suppliers/certifications/{certificate.pk}/document/").status_code == 404


def test_one_step_page_posts_the_verdict(client, agency_user):
    organisation, profile, (first, second) = _new_sme()
    url = f"/suppliers/verification/organisations/{organisation.pk}/"
    client.force_login(agency_user)
    refused = client.post(url, {"approve": "0", "note": ""})
    assert refused.status_code == 400
    assert "the supplier reads it" in refused.content.decode()
    assert _status(organisation) == "pending"
    done = client.post(url, {"approve": "1", "note": "", f"certificate-{second.pk}": "reject", "next": QUEUE})
    assert done.status_code == 400  # a rejected certificate needs the note
    done = client.post(
        url, {"approve": "1", "note": "Vencido", f"certificate-{second.pk}": "reject", "next": f"{QUEUE}?page=2"}
    )
    assert done.status_code == 302
    assert done["Location"] == f"{QUEUE}?page=2"
    assert [_status(obj) for obj in (organisation, profile, first, second)] == [
        "verified",
        "verified",
        "verified",
        "rejected",
    ]
    offsite = client.post(url, {"approve": "1", "next": "https://evil.example/"})
    assert offsite["Location"] == QUEUE


def test_rejecting_from_the_page(client, agency_user):
    organisation, profile, certificates = _new_sme()
    client.force_login(agency_user)
    response = client.post(
        f"/suppliers/verification/organisations/{organisation.pk}/", {"approve": "0", "note": "Sin planta"}
    )
    assert response.status_code == 302
    assert {_status(obj) for obj in (organisation, profile, *certificates)} == {"rejected"}
    follow = client.get(QUEUE)
    assert organisation.legal_name not in [case.legal_name for case in follow.context["page"]]


def test_agencies_and_unknown_organisations_have_no_page(client, agency_user):
    client.force_login(agency_user)
    agency = agency_user.memberships.get().organisation
    assert client.get(f"/suppliers/verification/organisations/{agency.pk}/").status_code == 404
    assert client.get("/suppliers/verification/organisations/999999/").status_code == 404


@pytest.mark.parametrize("role", ["sme", "buyer", "viewer"])
def test_smes_buyers_and_others_are_refused(client, role, sme_owner, buyer_owner):
    organisation, _profile, _certificates = _new_sme()
    user = {"sme": sme_owner, "buyer": buyer_owner}.get(role)
    if user is None:  # an agency viewer is not agency staff
        user = factories.UserFactory()
        factories.MembershipFactory(user=user, organisation=factories.AgencyFactory(), role="viewer")
    client.force_login(user)
    case = f"/suppliers/verification/organisations/{organisation.pk}/"
    assert client.get(QUEUE).status_code == 403
    assert client.get(case).status_code == 403
    assert client.post(case, {"approve": "1"}).status_code == 403
    assert client.post(f"{QUEUE}approve/", {"organisation": [organisation.pk]}).status_code == 403
    assert _status(organisation) == "pending"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    organisation, _profile, _certificates = _new_sme()
    for method, url in (
        ("get", QUEUE),
        ("get", f"/suppliers/verification/organisations/{organisation.pk}/"),
        ("post", f"/suppliers/verification/organisations/{organisation.pk}/"),
        ("post", f"{QUEUE}approve/"),
    ):
        response = getattr(client, method)(url, {"approve": "1"} if method == "post" else None)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url
    assert _status(organisation) == "pending"


def test_the_selector_counts_pending_certificates_per_organisation():
    organisation, _profile, _certificates = _new_sme(certificates=3)
    case = selectors.verification_cases().get(pk=organisation.pk)
    assert (case.organisation_pending, case.profile_pending, case.pending_certificates) == (True, True, 3)


def test_the_home_page_count_is_the_queue_rows(client, agency_user):
    _new_sme("Uno S.A.", certificates=3)  # organisation, profile and three certificates: one row
    factories.BuyerFactory(verification_status="pending")
    assert selectors.pending_verification_count() == 2
    client.force_login(agency_user)
    assert client.get("/").context["pending_verifications"] == 2


def test_bulk_approval_and_the_verdict_need_the_csrf_token(agency_user):
    from django.test import Client

    organisation, _profile, _certificates = _new_sme()
    client = Client(enforce_csrf_checks=True)
    client.force_login(agency_user)
    assert client.post(f"{QUEUE}approve/", {"organisation": [organisation.pk]}).status_code == 403
    assert client.post(f"/suppliers/verification/organisations/{organisation.pk}/", {"approve": "1"}).status_code == 403
    assert _status(organisation) == "pending"
