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


class TestSpreadsheetFormulaInjection:
    """A name or region starting with = used to become a live formula in the dashboard's CSV and XLSX exports."""

    ROWS = [{"name": '=HYPERLINK("http://evil.example","x")', "region": "+1+cmd", "value": -5, "note": "@SUM(A1)"}]
    COLUMNS = ["name", "region", "value", "note"]

    def test_xlsx_cells_are_text(self):
        import io

        from openpyxl import load_workbook

        from reporting import exports

        sheet = load_workbook(io.BytesIO(exports.as_xlsx("t", self.COLUMNS, self.ROWS))).active
        name, region, value, note = (cell for cell in sheet[2])
        assert name.data_type == "s"
        assert name.value == "'" + self.ROWS[0]["name"]
        assert region.value == "'+1+cmd"
        assert note.value == "'@SUM(A1)"
        assert value.value == -5  # numbers stay numbers

    def test_csv_fields_are_quoted(self):
        import csv
        import io

        from reporting import exports

        text = exports.as_csv(self.COLUMNS, self.ROWS).decode("utf-8-sig")
        row = next(iter(csv.DictReader(io.StringIO(text))))
        assert row["name"].startswith("'=")
        assert row["region"] == "'+1+cmd"
        assert row["value"] == "-5"


@pytest.mark.django_db
class TestCertificateDocumentsAreNeverPublic:
    """With DEBUG on, /media/certificates/<profile>/<YYYYMM>/<name> used to answer anyone at a guessable path."""

    def test_stored_under_a_random_name_and_no_media_url(self, settings, client):
        from django.core.files.base import ContentFile
        from django.test import Client
        from django.urls import clear_url_caches

        certification = factories.CertificationFactory()
        certification.document.save("iso-9001-acme.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
        name = certification.document.name
        folder, stored = name.split("/")  # no profile or month folder to guess
        assert folder == "certificates"
        assert "acme" not in stored
        assert len(stored.removesuffix(".pdf")) == 32  # a uuid4

        settings.DEBUG = True
        clear_url_caches()
        import importlib

        import config.urls

        importlib.reload(config.urls)
        try:
            assert Client().get(f"/media/{name}").status_code == 404
            staff = Client()
            staff.force_login(factories.AgencyStaffFactory())
            assert staff.get(f"/media/{name}").status_code == 404
            document = staff.get(f"/suppliers/certifications/{certification.pk}/document/")
            assert document.status_code == 200
            assert b"".join(document.streaming_content).startswith(b"%PDF")
        finally:
            settings.DEBUG = False
            importlib.reload(config.urls)
            clear_url_caches()


@pytest.mark.django_db
def test_the_audit_filter_on_a_user_id_past_64_bits_is_a_400(agency_client):
    response = agency_client.get("/api/v1/audit/", {"actor": 10**30})
    assert response.status_code == 400
    assert "actor" in response.json()["errors"]
