"""One verification rule for organisations, supplier profiles and certificates."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts import services as account_services
from accounts.models import Organisation
from core.verification import VERIFICATION_FIELDS, VerificationStatus, record_verification
from suppliers import services as supplier_services
from suppliers.models import Certification, SupplierProfile
from tests import factories

pytestmark = pytest.mark.django_db


def _pending(obj):
    obj.verification_status = VerificationStatus.PENDING
    obj.save(update_fields=["verification_status"])
    return obj


@pytest.fixture
def subjects():
    profile = _pending(factories.SupplierProfileFactory())
    return {
        "organisation": _pending(profile.organisation),
        "profile": profile,
        "certification": _pending(factories.CertificationFactory(profile=profile)),
    }


def _verify(kind, obj, by, approve, note):
    if kind == "organisation":
        return account_services.verify_organisation(organisation=obj, verified_by=by, approve=approve, note=note)
    if kind == "profile":
        return supplier_services.verify_profile(profile=obj, verified_by=by, approve=approve, note=note)
    return supplier_services.verify_certification(certification=obj, verified_by=by, approve=approve, note=note)


MODELS = {"organisation": Organisation, "profile": SupplierProfile, "certification": Certification}


@pytest.mark.parametrize("kind", list(MODELS))
@pytest.mark.parametrize("approve", [True, False])
def test_every_service_writes_the_same_verdict(subjects, agency_user, kind, approve):
    obj = subjects[kind]
    _verify(kind, obj, agency_user, approve, "checked the registry")
    stored = MODELS[kind].objects.get(pk=obj.pk)
    assert stored.verification_status == (VerificationStatus.VERIFIED if approve else VerificationStatus.REJECTED)
    assert stored.verified_by == agency_user
    assert stored.verified_at is not None
    assert stored.verification_note == "checked the registry"
    assert stored.is_verified is approve


@pytest.mark.parametrize("kind", list(MODELS))
def test_only_agency_staff_verify(subjects, buyer_owner, kind):
    with pytest.raises(PermissionDenied):
        _verify(kind, subjects[kind], buyer_owner, True, "")
    assert MODELS[kind].objects.get(pk=subjects[kind].pk).verification_status == VerificationStatus.PENDING


def test_a_verdict_saves_only_the_verification_fields(subjects, agency_user):
    certification = subjects["certification"]
    Certification.objects.filter(pk=certification.pk).update(certifying_body="Changed elsewhere")
    certification.certifying_body = "Stale in memory"
    record_verification(obj=certification, approve=True, by=agency_user, note="")
    certification.refresh_from_db()
    assert certification.certifying_body == "Changed elsewhere"  # the stale in-memory value was not written
    assert certification.verification_status == VerificationStatus.VERIFIED
    assert set(VERIFICATION_FIELDS) == {"verification_status", "verified_by", "verified_at", "verification_note"}


def test_approve_must_be_a_boolean(subjects, agency_user):
    with pytest.raises(TypeError):
        record_verification(obj=subjects["profile"], approve="false", by=agency_user, note="")
    assert SupplierProfile.objects.get(pk=subjects["profile"].pk).verification_status == VerificationStatus.PENDING


def test_the_holder_changing_a_certificate_sends_it_back_to_the_queue(subjects, agency_user):
    certification = subjects["certification"]
    holder = factories.MembershipFactory(organisation=certification.profile.organisation).user
    supplier_services.verify_certification(
        certification=certification, verified_by=agency_user, approve=True, note="ok"
    )
    supplier_services.update_certification(certification=certification, actor=holder, scope="New scope")
    certification.refresh_from_db()
    assert (certification.verification_status, certification.verified_by, certification.verification_note) == (
        VerificationStatus.PENDING,
        None,
        "",
    )
    assert certification.scope == "New scope"
