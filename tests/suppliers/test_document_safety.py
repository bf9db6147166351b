"""Certificate documents: never public (no media URL, DEBUG included), stored under names nobody can guess, read only
through the permission-checked view; image uploads refused by the pixel count their header declares."""

import datetime as dt
import importlib
import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.test import Client
from django.urls import clear_url_caches
from django.utils import timezone
from PIL import Image

from suppliers import services
from taxonomy.models import CertificationStandard
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def declared_png(width: int, height: int) -> bytes:
    """A valid PNG of a few dozen bytes whose header declares ``width`` × ``height`` pixels (1-bit grey)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 16)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")


def small_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def own_profile(sme_owner):
    return services.get_or_create_profile(organisation=sme_owner.memberships.get().organisation)


def _certify(profile, actor, upload):
    return services.add_certification(
        profile=profile,
        actor=actor,
        standard=CertificationStandard.objects.get(code="iso-9001"),
        certifying_body="INTECO",
        issued_on=TODAY - dt.timedelta(days=10),
        expires_on=TODAY + dt.timedelta(days=700),
        number="CR-77",
        document=upload,
    )


@pytest.fixture
def debug_urls(settings):
    """The URLconf as a DEBUG process builds it at import time."""
    import config.urls

    settings.DEBUG = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


class TestNeverPublic:
    def test_stored_under_an_unguessable_name(self, own_profile, sme_owner):
        certification = _certify(own_profile, sme_owner, SimpleUploadedFile("acme-iso-9001 (2).PDF", PDF))
        folder, stored = certification.document.name.split("/")
        assert folder == "certificates"
        stem, _dot, extension = stored.partition(".")
        assert extension == "pdf"
        assert len(stem) == 32
        assert int(stem, 16) >= 0
        assert "acme" not in stored
        other = _certify(own_profile, sme_owner, SimpleUploadedFile("acme-iso-9001 (2).PDF", PDF))
        assert other.document.name != certification.document.name

    def test_no_media_url_answers_with_debug_on(self, own_profile, sme_owner, agency_user, debug_urls):
        certification = _certify(own_profile, sme_owner, SimpleUploadedFile("iso.pdf", PDF))
        name = certification.document.name
        guesses = [f"/media/{name}", f"/media/certificates/{own_profile.pk}/{TODAY:%Y%m}/iso.pdf", "/media/"]
        anonymous, owner, staff = Client(), Client(), Client()
        owner.force_login(sme_owner)
        staff.force_login(agency_user)
        for client in (anonymous, owner, staff):
            for url in guesses:
                response = client.get(url)
                assert response.status_code == 404, (url, response.status_code)
                assert not isinstance(response, FileResponse)
        # The one way in still works with DEBUG on.
        assert staff.get(f"/suppliers/certifications/{certification.pk}/document/").status_code == 200


class TestThePermissionCheckedView:
    def test_owner_and_agency_staff_read_it_others_do_not(self, own_profile, sme_owner, agency_user, buyer_owner):
        certification = _certify(own_profile, sme_owner, SimpleUploadedFile("iso.pdf", PDF))
        url = f"/suppliers/certifications/{certification.pk}/document/"
        for user in (sme_owner, agency_user):
            client = Client()
            client.force_login(user)
            response = client.get(url)
            assert response.status_code == 200
            assert isinstance(response, FileResponse)  # streamed, never read whole into the response
            assert b"".join(response.streaming_content) == PDF
            disposition = response["Content-Disposition"]
            assert disposition.startswith("inline; filename=")
            assert disposition.endswith('.pdf"')
            assert response["Content-Type"] == "application/pdf"
        stranger, buyer = Client(), Client()
        stranger.force_login(factories.SmeOwnerFactory())
        buyer.force_login(buyer_owner)
        assert stranger.get(url).status_code == 404
        assert buyer.get(url).status_code == 404  # the profile is not published
        anonymous = Client().get(url)
        assert anonymous.status_code == 302
        assert "/accounts/" in anonymous["Location"]


class TestDecompressionBombs:
    def test_a_tiny_png_declaring_900_megapixels_is_refused(self, own_profile, sme_owner):
        bomb = declared_png(30_000, 30_000)
        assert len(bomb) < 200
        with pytest.raises(ValidationError) as error:
            _certify(own_profile, sme_owner, SimpleUploadedFile("scan.png", bomb))
        assert "megapixels" in error.value.message_dict["document"][0]

    def test_between_the_cap_and_pillows_own_warning_is_refused_too(self, own_profile, sme_owner, settings):
        settings.CERTIFICATE_MAX_IMAGE_PIXELS = 10  # a 4 × 4 image declares 16
        with pytest.raises(ValidationError, match="megapixels"):
            _certify(own_profile, sme_owner, SimpleUploadedFile("scan.png", small_png()))
        settings.CERTIFICATE_MAX_IMAGE_PIXELS = 16
        assert _certify(own_profile, sme_owner, SimpleUploadedFile("scan.png", small_png())).document

    def test_pillows_bomb_warning_is_an_error(self, own_profile, sme_owner, settings, monkeypatch):
        monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10)  # Pillow warns above this, errors above twice this
        settings.CERTIFICATE_MAX_IMAGE_PIXELS = 10**9
        with pytest.raises(ValidationError, match="megapixels"):
            _certify(own_profile, sme_owner, SimpleUploadedFile("scan.png", declared_png(4, 4)))

    def test_api_answers_400(self, own_profile, sme_client):
        response = sme_client.post(
            "/api/v1/certifications/",
            {
                "supplier": own_profile.pk,
                "standard": "iso-9001",
                "certifying_body": "INTECO",
                "issued_on": str(TODAY - dt.timedelta(days=30)),
                "expires_on": str(TODAY + dt.timedelta(days=700)),
                "document": SimpleUploadedFile("scan.png", declared_png(30_000, 30_000), content_type="image/png"),
            },
            format="multipart",
        )
        assert response.status_code == 400
        assert "megapixels" in str(response.json()["errors"]["document"])
        assert not own_profile.certifications.exists()

    def test_the_page_shows_a_form_error(self, own_profile, sme_owner, client):
        client.force_login(sme_owner)
        standard = CertificationStandard.objects.get(code="iso-9001")
        response = client.post(
            "/suppliers/onboarding/certifications/",
            {
                "action": "add",
                "standard": standard.pk,
                "certifying_body": "INTECO",
                "issued_on": str(TODAY - dt.timedelta(days=30)),
                "expires_on": str(TODAY + dt.timedelta(days=700)),
                "document": SimpleUploadedFile("scan.png", declared_png(30_000, 30_000), content_type="image/png"),
            },
        )
        assert response.status_code == 400  # the form shown again, with its errors
        assert "megapixels" in response.content.decode()
        assert not own_profile.certifications.exists()
