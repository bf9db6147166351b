import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from buyers import selectors, services
from buyers.models import Requirement
from taxonomy.models import Category, CertificationStandard
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def world():
    """A buyer with a member, another MNC, an invited and a non-invited SME, agency staff and a consultancy."""
    buyer = factories.BuyerFactory()
    invited_profile = factories.SupplierProfileFactory()
    people = {
        "buyer member": factories.MembershipFactory(organisation=buyer, role="member").user,
        "buyer viewer": factories.MembershipFactory(organisation=buyer, role="viewer").user,
        "other MNC": factories.BuyerOwnerFactory(),
        "SME invited": factories.MembershipFactory(organisation=invited_profile.organisation).user,
        "SME not invited": factories.SmeOwnerFactory(),
        "agency": factories.AgencyStaffFactory(),
        "consultancy": factories.MembershipFactory(organisation=factories.OrganisationFactory(kind="consultancy")).user,
    }
    return buyer, invited_profile, people


# (visibility, status) → roles that see it; the buyer's own team sees everything.
CASES = {
    ("public", "open"): {"buyer member", "buyer viewer", "SME invited", "SME not invited", "agency"},
    ("public", "draft"): {"buyer member", "buyer viewer", "agency"},
    ("public", "awarded"): {"buyer member", "buyer viewer", "SME invited", "SME not invited", "agency"},
    ("invited", "open"): {"buyer member", "buyer viewer", "SME invited", "agency"},
    ("invited", "draft"): {"buyer member", "buyer viewer", "agency"},
    ("invited", "closed"): {"buyer member", "buyer viewer", "SME invited", "agency"},
    ("agency", "open"): {"buyer member", "buyer viewer", "agency"},
}
ROLES = ["buyer member", "buyer viewer", "other MNC", "SME invited", "SME not invited", "agency", "consultancy"]


@pytest.mark.parametrize(("visibility", "status"), list(CASES))
def test_confidentiality_matrix_in_api_and_pages(world, client_for, client, visibility, status):
    buyer, invited_profile, people = world
    requirement = factories.RequirementFactory(buyer=buyer, visibility=visibility, status=status)
    factories.RequirementInvitationFactory(requirement=requirement, supplier=invited_profile)
    for role in ROLES:
        user = people[role]
        expected = role in CASES[(visibility, status)]
        api = client_for(user)
        listed = {row["id"] for row in api.get("/api/v1/requirements/").json()["results"]}
        assert (requirement.pk in listed) is expected, role
        assert api.get(f"/api/v1/requirements/{requirement.pk}/").status_code == (200 if expected else 404), role
        client.force_login(user)
        assert client.get(f"/requirements/{requirement.pk}/").status_code == (200 if expected else 404), role
    from rest_framework.test import APIClient

    assert APIClient().get(f"/api/v1/requirements/{requirement.pk}/").status_code in (401, 403)


def test_invited_sme_sees_only_its_own_invitation(world, client_for):
    buyer, invited_profile, people = world
    requirement = factories.RequirementFactory(buyer=buyer, visibility="invited")
    factories.RequirementInvitationFactory(requirement=requirement, supplier=invited_profile)
    factories.RequirementInvitationFactory(requirement=requirement)
    sme_view = client_for(people["SME invited"]).get(f"/api/v1/requirements/{requirement.pk}/invitations/").json()
    assert [row["supplier"] for row in sme_view] == [invited_profile.pk]
    buyer_view = client_for(people["buyer member"]).get(f"/api/v1/requirements/{requirement.pk}/invitations/")
    assert len(buyer_view.json()) == 2


class TestTransitions:
    @pytest.mark.parametrize(
        ("start", "target", "allowed"),
        [
            ("draft", "open", True),
            ("draft", "closed", True),
            ("draft", "awarded", False),
            ("open", "closed", True),
            ("open", "awarded", True),
            ("open", "draft", False),
            ("closed", "open", True),
            ("closed", "awarded", False),
            ("awarded", "open", False),
            ("awarded", "closed", False),
        ],
    )
    def test_allowed_and_refused(self, buyer_owner, start, target, allowed):
        requirement = factories.RequirementFactory(buyer=buyer_owner.memberships.get().organisation, status=start)
        requirement.categories.add(Category.objects.get(code="42600000"))
        if allowed:
            assert services.change_status(requirement=requirement, actor=buyer_owner, to_status=target).status == target
        else:
            with pytest.raises(ValidationError, match="allowed"):
                services.change_status(requirement=requirement, actor=buyer_owner, to_status=target)

    def test_publishing_needs_a_category_and_sets_published_at(self, buyer_owner):
        requirement = factories.RequirementFactory(buyer=buyer_owner.memberships.get().organisation, status="draft")
        with pytest.raises(ValidationError) as error:
            services.change_status(requirement=requirement, actor=buyer_owner, to_status="open")
        assert "categories" in error.value.message_dict
        requirement.categories.add(Category.objects.get(code="19520000"))
        opened = services.change_status(requirement=requirement, actor=buyer_owner, to_status="open")
        assert opened.published_at is not None

    def test_refused_to_outsiders_and_viewers(self, world, client_for):
        buyer, _profile, people = world
        requirement = factories.RequirementFactory(buyer=buyer, status="open")
        for role in ("buyer viewer", "SME invited", "other MNC", "consultancy"):
            response = client_for(people[role]).post(
                f"/api/v1/requirements/{requirement.pk}/transition/", {"status": "closed"}, format="json"
            )
            assert response.status_code in (403, 404), role
        requirement.refresh_from_db()
        assert requirement.status == "open"
        response = client_for(people["agency"]).post(
            f"/api/v1/requirements/{requirement.pk}/transition/", {"status": "closed"}, format="json"
        )
        assert response.status_code == 200

    def test_published_signal_after_commit(self, buyer_owner, django_capture_on_commit_callbacks):
        from buyers.signals import requirement_published

        seen = []
        requirement_published.connect(
            lambda sender, requirement, **kw: seen.append(requirement.pk), weak=False, dispatch_uid="test-published"
        )
        try:
            requirement = factories.RequirementFactory(buyer=buyer_owner.memberships.get().organisation, status="draft")
            requirement.categories.add(Category.objects.get(code="42600000"))
            with django_capture_on_commit_callbacks(execute=True):
                services.change_status(requirement=requirement, actor=buyer_owner, to_status="open")
                assert seen == []
            assert seen == [requirement.pk]
        finally:
            requirement_published.disconnect(dispatch_uid="test-published")


class TestCreateAndValidate:
    def payload(self, **overrides):
        return {
            "title": "Cajas corrugadas",
            "specification": "Onda BC, 275 lb",
            "categories": ["44600000"],
            "required_certifications": [
                {"standard": "iso-9001", "mandatory": True},
                {"standard": "fsc", "mandatory": False},
            ],
            "quantity": "90000",
            "unit": "units",
            "estimated_annual_value": "380000",
            "currency": "USD",
            "delivery_country": "SV",
            "needed_by": str(TODAY + dt.timedelta(days=60)),
            **overrides,
        }

    def test_buyer_creates_a_draft(self, buyer_client):
        response = buyer_client.post("/api/v1/requirements/", self.payload(), format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["status"] == "draft"
        assert body["required_certifications"] == [
            {"standard": "iso-9001", "mandatory": True},
            {"standard": "fsc", "mandatory": False},
        ]

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"currency": "XXY"}, "currency"),
            ({"currency": "usd1"}, "currency"),
            ({"needed_by": str(TODAY - dt.timedelta(days=1))}, "needed_by"),
            ({"quantity": "-4"}, "quantity"),
            ({"categories": ["00000001"]}, "categories"),
            ({"required_certifications": [{"standard": "iso-0000"}]}, "required_certifications"),
            ({"estimated_annual_value": "a lot"}, "estimated_annual_value"),
            ({"visibility": "secret"}, "visibility"),
            ({"title": ""}, "title"),
        ],
    )
    def test_bad_input_is_a_field_error(self, buyer_client, overrides, field):
        response = buyer_client.post("/api/v1/requirements/", self.payload(**overrides), format="json")
        assert response.status_code == 400
        assert field in response.json()["errors"]
        assert not Requirement.objects.exists()

    def test_malformed_json(self, buyer_client):
        response = buyer_client.post("/api/v1/requirements/", data="[1,", content_type="application/json")
        assert response.status_code == 400

    def test_smes_and_consultancies_cannot_post(self, sme_client, client_for):
        assert sme_client.post("/api/v1/requirements/", self.payload(), format="json").status_code == 403
        consultant = factories.MembershipFactory(organisation=factories.OrganisationFactory(kind="consultancy")).user
        assert client_for(consultant).post("/api/v1/requirements/", self.payload(), format="json").status_code == 403

    def test_cannot_post_for_another_buyer(self, buyer_client):
        other = factories.BuyerFactory()
        response = buyer_client.post("/api/v1/requirements/", self.payload(buyer=other.pk), format="json")
        assert response.status_code == 403

    def test_closed_requirements_are_read_only(self, buyer_owner):
        requirement = factories.RequirementFactory(buyer=buyer_owner.memberships.get().organisation, status="closed")
        with pytest.raises(ValidationError):
            services.update_requirement(requirement=requirement, actor=buyer_owner, title="New")

    def test_only_drafts_are_deleted(self, buyer_owner, buyer_client):
        buyer = buyer_owner.memberships.get().organisation
        draft = factories.RequirementFactory(buyer=buyer, status="draft")
        opened = factories.RequirementFactory(buyer=buyer, status="open")
        assert buyer_client.delete(f"/api/v1/requirements/{draft.pk}/").status_code == 204
        assert buyer_client.delete(f"/api/v1/requirements/{opened.pk}/").status_code == 400


class TestInvitations:
    def test_idempotent_and_only_published(self, buyer_owner):
        requirement = factories.RequirementFactory(buyer=buyer_owner.memberships.get().organisation)
        supplier = factories.SupplierProfileFactory(published=True)
        services.invite_suppliers(requirement=requirement, actor=buyer_owner, suppliers=[supplier])
        services.invite_suppliers(requirement=requirement, actor=buyer_owner, suppliers=[supplier])
        assert requirement.invitations.count() == 1
        for refused in (
            factories.SupplierProfileFactory(published=False),
            factories.SupplierProfileFactory(published=True, verification_status="rejected"),
        ):
            with pytest.raises(ValidationError):
                services.invite_suppliers(requirement=requirement, actor=buyer_owner, suppliers=[refused])

    def test_outsiders_cannot_invite(self, sme_owner):
        requirement = factories.RequirementFactory()
        with pytest.raises(PermissionDenied):
            services.invite_suppliers(
                requirement=requirement, actor=sme_owner, suppliers=[factories.SupplierProfileFactory()]
            )

    def test_api_invitation_validation(self, buyer_owner, buyer_client):
        requirement = factories.RequirementFactory(buyer=buyer_owner.memberships.get().organisation)
        url = f"/api/v1/requirements/{requirement.pk}/invitations/"
        assert buyer_client.post(url, {"suppliers": "all"}, format="json").status_code == 400
        assert buyer_client.post(url, {"suppliers": [999999]}, format="json").status_code == 400
        supplier = factories.SupplierProfileFactory()
        assert buyer_client.post(url, {"suppliers": [supplier.pk]}, format="json").status_code == 201


class TestPages:
    def test_create_page_only_for_buyers(self, client, sme_owner, buyer_owner):
        client.force_login(sme_owner)
        assert client.get("/requirements/new/").status_code == 403
        client.force_login(buyer_owner)
        assert client.get("/requirements/new/").status_code == 200

    def test_create_through_the_form(self, client, buyer_owner):
        client.force_login(buyer_owner)
        iso = CertificationStandard.objects.get(code="iso-13485")
        response = client.post(
            "/requirements/new/",
            {
                "title": "Bandejas termoformadas",
                "specification": "PETG",
                "category_codes": "19520000-3, 44600000",
                "currency": "USD",
                "visibility": "invited",
                "mandatory_certifications": [iso.pk],
                "needed_by": str(TODAY + dt.timedelta(days=90)),
            },
        )
        assert response.status_code == 302
        requirement = Requirement.objects.get(title="Bandejas termoformadas")
        assert sorted(requirement.categories.values_list("code", flat=True)) == ["19520000", "44600000"]
        assert requirement.required_certifications.get().mandatory

    def test_form_errors_are_shown(self, client, buyer_owner):
        client.force_login(buyer_owner)
        response = client.post(
            "/requirements/new/",
            {"title": "", "specification": "x", "category_codes": "123", "currency": "USD", "visibility": "public"},
        )
        assert response.status_code == 400
        assert "Unknown CPV codes" in response.content.decode()

    def test_edit_refused_to_viewer(self, client, world):
        buyer, _profile, people = world
        requirement = factories.RequirementFactory(buyer=buyer)
        client.force_login(people["buyer viewer"])
        assert client.get(f"/requirements/{requirement.pk}/edit/").status_code == 403
        response = client.post(f"/requirements/{requirement.pk}/status/", {"status": "closed"})
        assert response.status_code == 403
        requirement.refresh_from_db()
        assert requirement.status == "open"

    def test_selector_open_requirements_for_supplier(self):
        profile = factories.SupplierProfileFactory()
        public = factories.RequirementFactory(visibility="public")
        invited = factories.RequirementFactory(visibility="invited")
        factories.RequirementFactory(visibility="invited")
        factories.RequirementFactory(visibility="public", status="draft")
        factories.RequirementInvitationFactory(requirement=invited, supplier=profile)
        assert set(selectors.open_requirements_for_supplier(profile=profile)) == {public, invited}
