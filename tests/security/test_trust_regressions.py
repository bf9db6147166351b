"""Regression tests for the defects an outside probe found (issue 11): each fails on the code before its fix."""

import pytest

from tests import factories


@pytest.mark.django_db
class TestVerificationNeedsAVerdict:
    """A verification sent without ``approve`` used to count as a rejection (form data reads a missing box as no)."""

    @pytest.mark.parametrize("fmt", ["json", "multipart"])
    def test_supplier_profile(self, agency_client, fmt):
        profile = factories.SupplierProfileFactory(verification_status="pending", published=True)
        response = agency_client.post(f"/api/v1/suppliers/{profile.pk}/verify/", {"note": "looked"}, format=fmt)
        assert response.status_code == 400
        assert "approve" in response.json()["errors"]
        profile.refresh_from_db()
        assert profile.verification_status == "pending"

    @pytest.mark.parametrize("fmt", ["json", "multipart"])
    def test_organisation(self, agency_client, fmt):
        organisation = factories.BuyerFactory(verification_status="pending")
        response = agency_client.post(f"/api/v1/organisations/{organisation.pk}/verify/", {"note": "x"}, format=fmt)
        assert response.status_code == 400
        organisation.refresh_from_db()
        assert organisation.verification_status == "pending"

    def test_certificate(self, agency_client):
        certification = factories.CertificationFactory()
        before = certification.status
        response = agency_client.post(f"/api/v1/certifications/{certification.pk}/verify/", {}, format="multipart")
        assert response.status_code == 400
        certification.refresh_from_db()
        assert certification.status == before

    def test_an_explicit_rejection_still_rejects(self, agency_client):
        profile = factories.SupplierProfileFactory(verification_status="pending", published=True)
        response = agency_client.post(
            f"/api/v1/suppliers/{profile.pk}/verify/", {"approve": False, "note": "no visit"}, format="json"
        )
        assert response.status_code == 200
        profile.refresh_from_db()
        assert profile.verification_status == "rejected"
