import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image

from suppliers import selectors, services
from suppliers.models import DIAGNOSTIC_AREAS, ReadinessDiagnostic, SupplierProfile
from taxonomy.models import Category, CertificationStandard
from tests import factories

pytestmark = pytest.mark.django_db
AREAS = [name for name, _label in DIAGNOSTIC_AREAS]
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def own_profile(sme_owner):
    return services.get_or_create_profile(organisation=sme_owner.memberships.get().organisation)


def category(code="42600000"):
    return Category.objects.get(code=code)


def standard(code="iso-9001"):
    return CertificationStandard.objects.get(code=code)


class TestReadiness:
    @pytest.mark.parametrize(
        ("score", "expected"), [(1, Decimal("0.00")), (5, Decimal("100.00")), (3, Decimal("50.00"))]
    )
    def test_uniform_scores_map_onto_0_to_100(self, own_profile, sme_owner, score, expected):
        diagnostic = services.record_diagnostic(
            profile=own_profile, assessed_by=sme_owner, areas=dict.fromkeys(AREAS, score)
        )
        assert diagnostic.score == expected

    def test_mixed_scores_and_latest_diagnostic_wins(self, own_profile, sme_owner):
        mixed = dict(zip(AREAS, [1, 2, 3, 4, 5, 5, 4, 3], strict=True))  # mean 3.375 → 59.375
        services.record_diagnostic(profile=own_profile, assessed_by=sme_owner, areas=mixed)
        services.record_diagnostic(
            profile=own_profile,
            assessed_by=sme_owner,
            areas=dict.fromkeys(AREAS, 1),
            assessed_on=TODAY - dt.timedelta(days=400),
        )
        own_profile.refresh_from_db()
        assert own_profile.readiness_score == Decimal("59.38")

    def test_every_area_must_be_scored_1_to_5(self, own_profile, sme_owner):
        areas = dict.fromkeys(AREAS, 3) | {"marketing": 6, "innovation": True}
        del areas["investment"]
        with pytest.raises(ValidationError) as error:
            services.record_diagnostic(profile=own_profile, assessed_by=sme_owner, areas=areas)
        assert set(error.value.message_dict) == {"marketing", "innovation", "investment"}
        assert not ReadinessDiagnostic.objects.exists()


class TestCertifications:
    def test_dates_must_make_sense_but_expired_history_is_allowed(self, own_profile, sme_owner):
        common = {"profile": own_profile, "actor": sme_owner, "standard": standard(), "certifying_body": "INTECO"}
        with pytest.raises(ValidationError) as error:
            services.add_certification(
                **common, issued_on=TODAY + dt.timedelta(days=1), expires_on=TODAY + dt.timedelta(days=900)
            )
        assert "issued_on" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            services.add_certification(**common, issued_on=TODAY, expires_on=TODAY)
        assert "expires_on" in error.value.message_dict
        lapsed = services.add_certification(
            **common, issued_on=TODAY - dt.timedelta(days=1200), expires_on=TODAY - dt.timedelta(days=100)
        )
        assert lapsed.effective_status == "expired"
        assert not lapsed.is_valid_on(TODAY)

    @pytest.mark.parametrize(
        ("name", "content", "ok"),
        [
            ("certificate.pdf", PDF, True),
            ("certificate.png", None, True),
            ("certificate.pdf", b"MZ\x90\x00 this is an executable", False),
            ("certificate.exe", PDF, False),
            ("certificate.png", b"\x89PNG\r\n\x1a\n" + b"broken", False),
        ],
    )
    def test_documents_checked_by_content(self, own_profile, sme_owner, name, content, ok):
        upload = SimpleUploadedFile(name, content if content is not None else png_bytes())
        arguments = {
            "profile": own_profile,
            "actor": sme_owner,
            "standard": standard(),
            "certifying_body": "SGS",
            "issued_on": TODAY - dt.timedelta(days=10),
            "expires_on": TODAY + dt.timedelta(days=700),
            "document": upload,
        }
        if ok:
            assert services.add_certification(**arguments).document
        else:
            with pytest.raises(ValidationError) as error:
                services.add_certification(**arguments)
            assert "document" in error.value.message_dict

    def test_oversized_document_is_refused(self, own_profile, sme_owner, settings):
        settings.CERTIFICATE_MAX_UPLOAD_BYTES = 1024
        upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)
        with pytest.raises(ValidationError, match="limit"):
            services.add_certification(
                profile=own_profile,
                actor=sme_owner,
                standard=standard(),
                certifying_body="SGS",
                issued_on=TODAY,
                expires_on=TODAY + dt.timedelta(365),
                document=upload,
            )

    def test_holder_change_resets_verification(self, own_profile, sme_owner, agency_user):
        certification = factories.CertificationFactory(profile=own_profile, standard=standard())
        services.verify_certification(certification=certification, verified_by=agency_user, approve=True)
        services.update_certification(certification=certification, actor=sme_owner, scope="More scope")
        certification.refresh_from_db()
        assert certification.verification_status == "pending"


class TestPermissions:
    def test_others_cannot_write(self, own_profile, buyer_owner):
        with pytest.raises(PermissionDenied):
            services.add_capability(profile=own_profile, actor=buyer_owner, category=category(), description="x")
        viewer = factories.MembershipFactory(organisation=own_profile.organisation, role="viewer").user
        with pytest.raises(PermissionDenied):
            services.update_profile(profile=own_profile, actor=viewer, summary="x")
        with pytest.raises(PermissionDenied):
            services.verify_profile(profile=own_profile, verified_by=buyer_owner, approve=True)

    def test_publishing_needs_a_capability(self, own_profile, sme_owner):
        with pytest.raises(ValidationError):
            services.set_published(profile=own_profile, actor=sme_owner, published=True)
        services.add_capability(
            profile=own_profile,
            actor=sme_owner,
            category=category(),
            description="Mecanizado CNC",
            keywords="cnc, torno, CNC",
        )
        assert own_profile.capabilities.get().keywords == ["cnc", "torno"]
        assert services.set_published(profile=own_profile, actor=sme_owner, published=True).published

    def test_supplier_changed_signal_fires_after_commit(
        self, own_profile, sme_owner, django_capture_on_commit_callbacks
    ):
        from suppliers.signals import supplier_changed

        received = []
        supplier_changed.connect(
            lambda sender, **kw: received.append(kw["reason"]), weak=False, dispatch_uid="test-listener"
        )
        try:
            with django_capture_on_commit_callbacks(execute=False) as callbacks:
                services.add_capability(
                    profile=own_profile, actor=sme_owner, category=category(), description="Inyección de plásticos"
                )
            assert received == []
            for callback in callbacks:
                callback()
            assert received == ["capabilities"]
        finally:
            supplier_changed.disconnect(dispatch_uid="test-listener")


class TestSearch:
    def test_visibility_by_role(self, sme_owner, buyer_owner, agency_user):
        published = factories.SupplierProfileFactory(published=True)
        hidden = factories.SupplierProfileFactory(published=False)
        rejected = factories.SupplierProfileFactory(published=True, verification_status="rejected")
        own = services.get_or_create_profile(organisation=sme_owner.memberships.get().organisation)
        buyer_sees = set(selectors.profiles_visible_to(user=buyer_owner))
        assert published in buyer_sees
        assert hidden not in buyer_sees
        assert rejected not in buyer_sees
        assert set(selectors.profiles_visible_to(user=sme_owner)) == {own}
        assert {published, hidden, rejected, own} <= set(selectors.profiles_visible_to(user=agency_user))

    def test_filters(self, buyer_owner):
        dairy = factories.CapabilityFactory(
            category=category("15540000"), description="Quesos madurados para cafeterías industriales"
        ).profile
        metal = factories.CapabilityFactory(category=category("42600000"), description="Torno CNC").profile
        factories.CertificationFactory(profile=metal, standard=standard("iso-9001"))
        factories.CertificationFactory(
            profile=dairy,
            standard=standard("haccp"),
            issued_on=TODAY - dt.timedelta(days=900),
            expires_on=TODAY - dt.timedelta(days=1),
        )

        def found(**filters):
            return set(selectors.search_suppliers(user=buyer_owner, **filters))

        assert found(category_code="15500000") == {dairy}
        assert found(query="quesos cafeterías") == {dairy}
        assert found(certification="iso-9001") == {metal}
        assert found(certification="haccp") == set()

    def test_search_list_has_no_n_plus_one(self, buyer_client, django_assert_max_num_queries):
        for _ in range(8):
            profile = factories.CapabilityFactory().profile
            factories.CertificationFactory(profile=profile)
            factories.MachineFactory(profile=profile)
        with django_assert_max_num_queries(12):
            response = buyer_client.get("/api/v1/suppliers/")
        assert response.json()["count"] == 8


class TestApi:
    def test_search_refused_to_anonymous_and_smes(self, api_client, sme_client, buyer_client, agency_client):
        assert api_client.get("/api/v1/suppliers/").status_code in (401, 403)
        assert sme_client.get("/api/v1/suppliers/").status_code == 403
        assert buyer_client.get("/api/v1/suppliers/").status_code == 200
        assert agency_client.get("/api/v1/suppliers/").status_code == 200

    def test_invalid_filter_is_a_400(self, buyer_client):
        response = buyer_client.get("/api/v1/suppliers/", {"min_readiness": "lots", "size_class": "huge"})
        assert response.status_code == 400
        assert {"min_readiness", "size_class"} <= set(response.json()["errors"])

    def test_me_creates_and_edits_own_profile(self, sme_client, buyer_client):
        assert sme_client.get("/api/v1/suppliers/me/").status_code == 200
        response = sme_client.patch("/api/v1/suppliers/me/", {"summary": "Mecanizado de precisión"}, format="json")
        assert response.json()["summary"] == "Mecanizado de precisión"
        assert buyer_client.get("/api/v1/suppliers/me/").status_code == 404

    def test_capability_crud_and_refusals(self, sme_owner, sme_client, buyer_client, client_for):
        profile = services.get_or_create_profile(organisation=sme_owner.memberships.get().organisation)
        payload = {
            "supplier": profile.pk,
            "category": "42600000",
            "description": "Torneado CNC",
            "language": "es",
            "keywords": ["cnc"],
            "monthly_capacity": "5000",
            "lead_time_days": 10,
        }
        created = sme_client.post("/api/v1/capabilities/", payload, format="json")
        assert created.status_code == 201, created.json()
        # A profile the buyer may not see (unpublished) "does not exist" for it: refused without confirming it is there.
        refused = buyer_client.post("/api/v1/capabilities/", payload, format="json")
        assert refused.status_code == 400
        assert "supplier" in refused.json()["errors"]
        viewer = factories.MembershipFactory(organisation=profile.organisation, role="viewer").user
        url = f"/api/v1/capabilities/{created.json()['id']}/"
        assert client_for(viewer).patch(url, {"description": "x"}, format="json").status_code == 403
        other_sme = client_for(factories.SmeOwnerFactory())
        assert other_sme.patch(url, {"description": "x"}, format="json").status_code == 404

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"category": "99999999"}, "category"),
            ({"monthly_capacity": "-5"}, "monthly_capacity"),
            ({"lead_time_days": "soon"}, "lead_time_days"),
            ({"language": "fr"}, "language"),
            ({"keywords": "not-a-list"}, "keywords"),
        ],
    )
    def test_capability_validation(self, sme_owner, sme_client, payload, field):
        profile = services.get_or_create_profile(organisation=sme_owner.memberships.get().organisation)
        base = {"supplier": profile.pk, "category": "42600000", "description": "Torneado", "language": "es"}
        response = sme_client.post("/api/v1/capabilities/", base | payload, format="json")
        assert response.status_code == 400
        assert field in response.json()["errors"]

    def test_certificate_upload_and_protected_download(self, sme_owner, sme_client, buyer_owner, client, client_for):
        profile = services.get_or_create_profile(organisation=sme_owner.memberships.get().organisation)
        response = sme_client.post(
            "/api/v1/certifications/",
            {
                "supplier": profile.pk,
                "standard": "iso-9001",
                "certifying_body": "INTECO",
                "issued_on": str(TODAY - dt.timedelta(days=30)),
                "expires_on": str(TODAY + dt.timedelta(days=700)),
                "document": SimpleUploadedFile("iso.pdf", PDF, content_type="application/pdf"),
            },
            format="multipart",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["document_url"].endswith(f"/suppliers/certifications/{body['id']}/document/")
        bad = sme_client.post(
            "/api/v1/certifications/",
            {
                "supplier": profile.pk,
                "standard": "iso-9001",
                "certifying_body": "INTECO",
                "issued_on": str(TODAY),
                "expires_on": str(TODAY + dt.timedelta(days=700)),
                "document": SimpleUploadedFile("iso.pdf", b"GIF89a not a pdf"),
            },
            format="multipart",
        )
        assert bad.status_code == 400
        assert "document" in bad.json()["errors"]
        url = f"/suppliers/certifications/{body['id']}/document/"
        client.force_login(factories.SmeOwnerFactory())
        assert client.get(url).status_code == 404
        profile.published = True
        profile.save()
        client.force_login(buyer_owner)
        assert client.get(url).status_code == 200

    def test_verification_only_by_agency(self, sme_client, buyer_client, agency_client):
        profile = factories.SupplierProfileFactory(verification_status="pending", published=True)
        url = f"/api/v1/suppliers/{profile.pk}/verify/"
        assert buyer_client.post(url, {"approve": True}, format="json").status_code == 403
        assert sme_client.post(url, {"approve": True}, format="json").status_code == 403
        assert agency_client.post(url, {"approve": "yes"}, format="json").status_code == 400
        assert agency_client.post(url, {"approve": True, "note": "Visited"}, format="json").status_code == 200
        profile.refresh_from_db()
        assert profile.verification_status == "verified"

    def test_diagnostic_api(self, sme_owner, sme_client, buyer_client):
        profile = services.get_or_create_profile(organisation=sme_owner.memberships.get().organisation)
        payload = {"supplier": profile.pk, **dict.fromkeys(AREAS, 4)}
        response = sme_client.post("/api/v1/diagnostics/", payload, format="json")
        assert response.status_code == 201
        assert response.json()["score"] == "75.00"
        assert sme_client.post("/api/v1/diagnostics/", payload | {"marketing": 9}, format="json").status_code == 400
        refused = buyer_client.post("/api/v1/diagnostics/", payload, format="json")
        assert refused.status_code == 400  # the SME's unpublished profile does not exist for a buyer
        assert "supplier" in refused.json()["errors"]


class TestPages:
    def test_onboarding_needs_an_sme_editor(self, client, buyer_owner):
        assert client.get("/suppliers/onboarding/").status_code == 302
        client.force_login(buyer_owner)
        assert client.get("/suppliers/onboarding/").status_code == 403

    def test_search_page_refused_to_smes(self, client, sme_owner, buyer_owner):
        client.force_login(sme_owner)
        assert client.get("/suppliers/search/").status_code == 403
        client.force_login(buyer_owner)
        assert client.get("/suppliers/search/").status_code == 200

    def test_search_page_sorts_as_the_reader_picks_unassessed_suppliers_last(self, client, buyer_owner):
        scores = {"Alfa Metales": None, "Beta Metales": Decimal("40"), "Gamma Metales": Decimal("90")}
        for name, score in scores.items():
            profile = factories.SupplierProfileFactory(organisation__legal_name=name, summary="metales")
            SupplierProfile.objects.filter(pk=profile.pk).update(readiness_score=score)
        client.force_login(buyer_owner)

        def names(**params):
            response = client.get("/suppliers/search/", {"q": "metales", **params})
            assert response.status_code == 200
            return [str(profile.organisation) for profile in response.context["page"]]

        assert names() == ["Gamma Metales", "Beta Metales", "Alfa Metales"]  # readiness first, unassessed last
        assert names(ordering="name") == ["Alfa Metales", "Beta Metales", "Gamma Metales"]
        with translation.override("es"):
            page = client.get("/es/suppliers/search/", {"q": "metales", "ordering": "name"}).content.decode()
        assert "Ordenar por" in page
        assert '<option value="name" selected>' in page
        refused = client.get("/suppliers/search/", {"q": "metales", "ordering": "price"})
        assert refused.context["form"].errors["ordering"]
        assert list(refused.context["page"]) == []

    def test_queue_only_for_agency(self, client, buyer_owner, agency_user):
        client.force_login(buyer_owner)
        assert client.get("/suppliers/verification/").status_code == 403
        pending = factories.SupplierProfileFactory(verification_status="pending")
        assert client.post(f"/suppliers/verification/profile/{pending.pk}/", {"approve": "1"}).status_code == 403
        client.force_login(agency_user)
        assert pending.organisation.legal_name in client.get("/suppliers/verification/").content.decode()
        client.post(f"/suppliers/verification/profile/{pending.pk}/", {"approve": "1", "note": "ok"})
        pending.refresh_from_db()
        assert pending.verification_status == "verified"

    def test_unpublished_profile_page_hidden_from_buyers(self, client, buyer_owner):
        hidden = factories.SupplierProfileFactory(published=False)
        client.force_login(buyer_owner)
        assert client.get(f"/suppliers/{hidden.pk}/").status_code == 404

    def test_onboarding_capability_form_shows_errors(self, client, sme_owner):
        client.force_login(sme_owner)
        response = client.post(
            "/suppliers/onboarding/capabilities/",
            {"action": "add", "category": "12345678", "description": "", "language": "es"},
        )
        assert response.status_code == 400
        assert "is not a known CPV category code" in response.content.decode()
        assert not SupplierProfile.objects.get(organisation__memberships__user=sme_owner).capabilities.exists()
