"""Every write endpoint of a supplier profile, refused to every role that must not write it."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from suppliers.models import DIAGNOSTIC_AREAS
from tests import factories

pytestmark = pytest.mark.django_db
AREAS = [name for name, _label in DIAGNOSTIC_AREAS]


def payloads(profile_id):
    today = timezone.localdate()
    return {
        "/api/v1/capabilities/": {
            "supplier": profile_id,
            "category": "42600000",
            "description": "Torno CNC",
            "language": "es",
        },
        "/api/v1/machines/": {"supplier": profile_id, "name": "Torno CNC", "quantity": 2},
        "/api/v1/certifications/": {
            "supplier": profile_id,
            "standard": "iso-9001",
            "certifying_body": "SGS",
            "issued_on": str(today - dt.timedelta(days=10)),
            "expires_on": str(today + dt.timedelta(days=300)),
        },
        "/api/v1/diagnostics/": {"supplier": profile_id, **dict.fromkeys(AREAS, 3)},
    }


@pytest.fixture
def profile():
    return factories.SupplierProfileFactory(published=True)


def role_client(role, profile):
    if role == "anonymous":
        return APIClient()
    user = {
        "viewer of the SME": lambda: factories.MembershipFactory(organisation=profile.organisation, role="viewer").user,
        "another SME": factories.SmeOwnerFactory,
        "buyer": factories.BuyerOwnerFactory,
        "consultancy": lambda: (
            factories.MembershipFactory(organisation=factories.OrganisationFactory(kind="consultancy")).user
        ),
    }[role]()
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("role", ["anonymous", "viewer of the SME", "another SME", "buyer", "consultancy"])
@pytest.mark.parametrize("endpoint", list(payloads(0)))
def test_writes_refused(profile, role, endpoint):
    client = role_client(role, profile)
    response = client.post(endpoint, payloads(profile.pk)[endpoint], format="json")
    if role == "another SME":
        # SMEs do not see their competitors: the profile "does not exist" for it (400 on the field), not a 403
        # that would confirm the id.
        assert response.status_code == 400, (role, endpoint, response.status_code)
        assert "supplier" in response.json()["errors"]
    else:
        assert response.status_code in (401, 403), (role, endpoint, response.status_code)


@pytest.mark.parametrize("role", ["anonymous", "viewer of the SME", "another SME", "buyer"])
def test_profile_edit_and_publish_refused(profile, role):
    client = role_client(role, profile)
    patch = client.patch(f"/api/v1/suppliers/{profile.pk}/", {"summary": "hijacked"}, format="json")
    publish = client.post(f"/api/v1/suppliers/{profile.pk}/publish/", {"published": False}, format="json")
    assert patch.status_code in (401, 403, 404)
    assert publish.status_code in (401, 403, 404)
    profile.refresh_from_db()
    assert profile.summary != "hijacked"
    assert profile.published


@pytest.mark.parametrize("role", ["anonymous", "viewer of the SME", "another SME", "buyer"])
def test_existing_records_cannot_be_changed_or_deleted(profile, role):
    capability = factories.CapabilityFactory(profile=profile)
    machine = factories.MachineFactory(profile=profile)
    certification = factories.CertificationFactory(profile=profile)
    client = role_client(role, profile)
    for url in (
        f"/api/v1/capabilities/{capability.pk}/",
        f"/api/v1/machines/{machine.pk}/",
        f"/api/v1/certifications/{certification.pk}/",
    ):
        assert client.delete(url).status_code in (401, 403, 404), (role, url)
    assert profile.capabilities.count() == 1
    assert profile.machines.count() == 1
    assert profile.certifications.count() == 1
    verify = client.post(f"/api/v1/certifications/{certification.pk}/verify/", {"approve": True}, format="json")
    assert verify.status_code in (401, 403, 404)
