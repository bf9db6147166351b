import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Membership, Organisation, User
from tests import factories

pytestmark = pytest.mark.django_db


def org_data(**overrides):
    return {
        "kind": "sme",
        "legal_name": "Plásticos del Valle S.A.",
        "country": "CR",
        "tax_id": "3-101-291417",
        **overrides,
    }


class TestSignup:
    def test_creates_user_pending_organisation_and_owner_membership(self):
        user = services.signup(
            email="Ana@Example.com", password="un-secreto-largo-2026", full_name="Ana", organisation=org_data()
        )
        organisation = user.memberships.get().organisation
        assert user.email == "ana@example.com"
        assert organisation.verification_status == Organisation.VerificationStatus.PENDING
        assert organisation.tax_id_normalised == "3101291417"
        assert user.memberships.get().role == Membership.Role.OWNER

    def test_weak_password_and_duplicate_email_are_field_errors(self):
        with pytest.raises(ValidationError) as error:
            services.signup(email="a@example.com", password="123", organisation=None)
        assert "password" in error.value.message_dict
        factories.UserFactory(email="taken@example.com")
        with pytest.raises(ValidationError) as error:
            services.signup(email="TAKEN@example.com", password="un-secreto-largo-2026")
        assert "email" in error.value.message_dict

    def test_nothing_is_written_when_the_organisation_is_invalid(self):
        with pytest.raises(ValidationError):
            services.signup(
                email="b@example.com", password="un-secreto-largo-2026", organisation=org_data(tax_id="XYZ")
            )
        assert not User.objects.filter(email="b@example.com").exists()

    def test_agencies_cannot_sign_themselves_up(self):
        user = factories.UserFactory()
        with pytest.raises(ValidationError) as error:
            services.register_organisation(user=user, **org_data(kind="agency"))
        assert "kind" in error.value.message_dict

    def test_tax_id_unique_per_country_whatever_the_formatting(self):
        services.register_organisation(user=factories.UserFactory(), **org_data(tax_id="3-101-291417"))
        with pytest.raises(ValidationError) as error:
            services.register_organisation(user=factories.UserFactory(), **org_data(tax_id="3101291417"))
        assert "already registered in Costa Rica" in error.value.message_dict["tax_id"][0]
        # The same digits are another company in another country.
        services.register_organisation(user=factories.UserFactory(), **org_data(country="HN", tax_id="3101291417"))

    def test_women_cannot_exceed_employees(self):
        with pytest.raises(ValidationError):
            services.register_organisation(user=factories.UserFactory(), **org_data(employees=10, women_employees=11))


class TestVerificationAndMembers:
    def test_only_agency_staff_verify(self, agency_user, sme_owner):
        organisation = factories.SmeFactory(verification_status="pending")
        with pytest.raises(PermissionDenied):
            services.verify_organisation(organisation=organisation, verified_by=sme_owner, approve=True)
        services.verify_organisation(
            organisation=organisation, verified_by=agency_user, approve=False, note="Tax certificate missing"
        )
        organisation.refresh_from_db()
        assert organisation.verification_status == "rejected"
        assert organisation.verified_by == agency_user

    def test_agency_viewer_is_not_staff(self):
        viewer = factories.UserFactory()
        factories.MembershipFactory(user=viewer, organisation=factories.AgencyFactory(), role="viewer")
        assert not viewer.is_agency_staff

    def test_the_last_owner_stays(self, sme_owner):
        membership = sme_owner.memberships.get()
        with pytest.raises(ValidationError):
            services.remove_member(membership=membership, actor=sme_owner)
        with pytest.raises(ValidationError):
            services.change_member_role(membership=membership, role="member", actor=sme_owner)


class TestInvitations:
    def test_owner_invites_and_colleague_accepts(self, sme_owner, django_capture_on_commit_callbacks):
        from config.celery import app

        # The e-mail task runs in-process here; tests/accounts/test_worker.py sends it through Redis.
        previous = app.conf.task_always_eager
        app.conf.task_always_eager = True
        try:
            organisation = sme_owner.memberships.get().organisation
            with django_capture_on_commit_callbacks(execute=True):
                invitation = services.invite_colleague(
                    organisation=organisation, email="Colleague@Example.com", role="member", invited_by=sme_owner
                )
        finally:
            app.conf.task_always_eager = previous
        assert len(mail.outbox) == 1
        assert invitation.token in mail.outbox[0].body
        colleague = factories.UserFactory(email="colleague@example.com")
        membership = services.accept_invitation(token=invitation.token, user=colleague)
        assert membership.organisation == organisation
        assert membership.role == "member"
        with pytest.raises(ValidationError, match="already been used"):
            services.accept_invitation(token=invitation.token, user=colleague)

    def test_members_and_viewers_cannot_invite(self):
        organisation = factories.SmeFactory()
        member = factories.MembershipFactory(organisation=organisation, role="member").user
        with pytest.raises(PermissionDenied):
            services.invite_colleague(
                organisation=organisation, email="x@example.com", role="member", invited_by=member
            )

    def test_expired_or_misaddressed_invitations_are_refused(self):
        expired = factories.InvitationFactory(
            expires_at=timezone.now() - dt.timedelta(minutes=1), email="late@example.com"
        )
        with pytest.raises(ValidationError, match="expired"):
            services.accept_invitation(token=expired.token, user=factories.UserFactory(email="late@example.com"))
        other = factories.InvitationFactory(email="right@example.com")
        with pytest.raises(ValidationError, match="another e-mail"):
            services.accept_invitation(token=other.token, user=factories.UserFactory(email="wrong@example.com"))
        assert not Invitation.objects.filter(accepted_at__isnull=False).exists()


class TestApi:
    def test_token_authentication(self, api_client):
        factories.UserFactory(email="token@example.com")
        response = api_client.post(
            "/api/v1/auth/token/", {"email": "token@example.com", "password": "correct-horse-battery"}
        )
        assert response.status_code == 200
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        assert api_client.get("/api/v1/me/").json()["email"] == "token@example.com"
        bad = api_client.post("/api/v1/auth/token/", {"email": "token@example.com", "password": "wrong"})
        assert bad.status_code == 400

    @pytest.mark.parametrize("path", ["/api/v1/me/", "/api/v1/organisations/", "/api/v1/invitations/"])
    def test_anonymous_refused(self, api_client, path):
        assert api_client.get(path).status_code in (401, 403)

    def test_register_with_invalid_tax_id_gives_field_error(self, sme_client):
        response = sme_client.post("/api/v1/organisations/", org_data(tax_id="XYZ"), format="json")
        assert response.status_code == 400
        assert "tax_id" in response.json()["errors"]

    def test_malformed_json_is_a_400(self, sme_client):
        response = sme_client.post("/api/v1/organisations/", data="{not json", content_type="application/json")
        assert response.status_code == 400

    def test_wrong_types_are_field_errors(self, sme_client):
        response = sme_client.post(
            "/api/v1/organisations/", {**org_data(), "employees": "many", "languages": "es"}, format="json"
        )
        assert response.status_code == 400
        assert {"employees", "languages"} <= set(response.json()["errors"])

    def test_member_edits_own_organisation_but_not_another(self, sme_owner, sme_client):
        own = sme_owner.memberships.get().organisation
        assert sme_client.patch(f"/api/v1/organisations/{own.pk}/", {"city": "Heredia"}).status_code == 200
        other = factories.SmeFactory()  # a competitor: not even visible to an SME
        assert sme_client.patch(f"/api/v1/organisations/{other.pk}/", {"city": "X"}).status_code == 404
        buyer = factories.BuyerFactory()  # a verified buyer: visible, but not the SME's to edit
        assert sme_client.patch(f"/api/v1/organisations/{buyer.pk}/", {"city": "X"}).status_code == 403
        other.refresh_from_db()
        assert other.city == "San José"

    def test_viewer_cannot_edit(self, client_for):
        organisation = factories.SmeFactory()
        viewer = factories.MembershipFactory(organisation=organisation, role="viewer").user
        response = client_for(viewer).patch(f"/api/v1/organisations/{organisation.pk}/", {"city": "X"})
        assert response.status_code == 403

    def test_pending_organisations_of_others_are_hidden(self, buyer_client):
        pending = factories.SmeFactory(verification_status="pending")
        assert buyer_client.get(f"/api/v1/organisations/{pending.pk}/").status_code == 404

    def test_only_agency_verifies(self, sme_client, buyer_client, agency_client):
        organisation = factories.SmeFactory(verification_status="pending")
        url = f"/api/v1/organisations/{organisation.pk}/verify/"
        assert sme_client.post(url, {"approve": True}).status_code == 403
        assert buyer_client.post(url, {"approve": True}).status_code == 403
        assert agency_client.post(url, {"approve": "maybe"}, format="json").status_code == 400
        assert agency_client.post(url, {"approve": True}).status_code == 200
        organisation.refresh_from_db()
        assert organisation.is_verified

    def test_members_list_only_for_members_and_agency(self, sme_owner, sme_client, buyer_client, agency_client):
        organisation = sme_owner.memberships.get().organisation
        url = f"/api/v1/organisations/{organisation.pk}/members/"
        assert len(sme_client.get(url).json()["results"]) == 1
        assert buyer_client.get(url).json()["results"] == []
        assert len(agency_client.get(url).json()["results"]) == 1

    def test_only_owners_invite_via_api(self, client_for):
        organisation = factories.SmeFactory()
        member = factories.MembershipFactory(organisation=organisation, role="member").user
        response = client_for(member).post(
            "/api/v1/invitations/", {"organisation": organisation.pk, "email": "x@example.com", "role": "member"}
        )
        assert response.status_code == 403
        assert not Invitation.objects.exists()


class TestPages:
    def test_signup_page_creates_account_and_lands_on_onboarding(self, client):
        response = client.post(
            "/accounts/signup/",
            {
                "full_name": "Ana Mora",
                "email": "ana@example.com",
                "password1": "un-secreto-largo-2026",
                "password2": "un-secreto-largo-2026",
                "kind": "sme",
                "legal_name": "Plásticos del Valle S.A.",
                "country": "CR",
                "tax_id": "3-101-291417",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == "/suppliers/onboarding/"

    def test_signup_with_invalid_tax_id_shows_the_field_error(self, client):
        response = client.post(
            "/accounts/signup/",
            {
                "full_name": "Ana Mora",
                "email": "ana@example.com",
                "password1": "un-secreto-largo-2026",
                "password2": "un-secreto-largo-2026",
                "kind": "mnc",
                "legal_name": "Global S.A.",
                "country": "MX",
                "tax_id": "XYZ",
            },
        )
        assert response.status_code == 200
        assert "is not a valid tax identifier" in response.content.decode()
        assert not User.objects.filter(email="ana@example.com").exists()

    def test_organisation_page_requires_login(self, client):
        assert client.get("/accounts/organisation/").status_code == 302

    def test_viewer_cannot_save_organisation(self, client):
        organisation = factories.SmeFactory()
        viewer = factories.MembershipFactory(organisation=organisation, role="viewer").user
        client.force_login(viewer)
        response = client.post("/accounts/organisation/", {"action": "save", "legal_name": "Hacked", "country": "CR"})
        assert response.status_code == 403
        organisation.refresh_from_db()
        assert organisation.legal_name != "Hacked"


def test_organisation_list_has_no_n_plus_one(agency_client, django_assert_max_num_queries):
    industry = factories.IndustryFactory()
    for _ in range(10):
        factories.SmeFactory(industry=industry)
    with django_assert_max_num_queries(8):
        response = agency_client.get("/api/v1/organisations/")
    assert response.json()["count"] >= 10
