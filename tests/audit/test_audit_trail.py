"""The audit trail: django-auditlog on the main models, the actor from the request, page and API for agency staff."""

import datetime as dt

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Membership, Organisation
from audit import selectors
from buyers import services as buyer_services
from buyers.models import Requirement
from linkages.models import Linkage, Transaction
from reporting.models import ExchangeRate
from suppliers.models import Capability, Certification, SupplierProfile
from tests import factories

pytestmark = pytest.mark.django_db

AUDIT_API = "/api/v1/audit/"


def entries_for(obj):
    return LogEntry.objects.get_for_object(obj).order_by("pk")


@pytest.fixture
def buyer_requirement(buyer_owner):
    buyer = buyer_owner.memberships.get().organisation
    return factories.RequirementFactory(buyer=buyer, created_by=buyer_owner, title="Titanium screws")


# --- What gets recorded -------------------------------------------------------------------------------------------


def test_every_main_model_is_registered():
    from auditlog.registry import auditlog

    for model in (
        Organisation,
        Membership,
        SupplierProfile,
        Capability,
        Certification,
        Requirement,
        Linkage,
        Transaction,
        ExchangeRate,
    ):
        assert auditlog.contains(model), model


def test_a_change_through_the_api_records_actor_before_and_after(buyer_owner, buyer_requirement, client_for):
    """The API authenticates inside the view (token or forced): the actor must still be the signed-in buyer."""
    response = client_for(buyer_owner).patch(
        f"/api/v1/requirements/{buyer_requirement.pk}/", {"title": "Titanium bone screws"}, format="json"
    )
    assert response.status_code == 200, response.content
    update = entries_for(buyer_requirement).filter(action=LogEntry.Action.UPDATE).get()
    assert update.actor == buyer_owner
    assert update.actor_email == buyer_owner.email
    assert update.changes_dict["title"] == ["Titanium screws", "Titanium bone screws"]
    assert "updated_at" not in update.changes_dict  # bookkeeping is left out
    assert update.additional_data["organisations"] == {str(buyer_requirement.buyer_id): True}


def test_a_change_through_a_page_records_the_session_user(agency_user):
    """Session sign-in (pages): the verification queue approves an organisation through the accounts service."""
    organisation = factories.SmeFactory(verification_status=Organisation.VerificationStatus.PENDING)
    client = Client()
    client.force_login(agency_user)
    response = client.post(reverse("suppliers:verify", args=["organisation", organisation.pk]), {"approve": "1"})
    assert response.status_code in (200, 302)
    organisation.refresh_from_db()
    assert organisation.verification_status == Organisation.VerificationStatus.VERIFIED
    update = entries_for(organisation).filter(action=LogEntry.Action.UPDATE).latest("pk")
    assert update.actor == agency_user
    before, after = update.changes_dict["verification_status"]
    assert (before, after) == ("pending", "verified")


def test_a_service_called_outside_a_request_records_the_actor_given_to_set_actor(buyer_owner, buyer_requirement):
    """Commands and tasks name their actor with auditlog's set_actor; without it the entry says "the system"."""
    with set_actor(buyer_owner):
        buyer_services.update_requirement(requirement=buyer_requirement, actor=buyer_owner, quantity=20000)
    buyer_services.update_requirement(requirement=buyer_requirement, actor=buyer_owner, unit="boxes")
    named, unnamed = entries_for(buyer_requirement).filter(action=LogEntry.Action.UPDATE)
    assert named.actor == buyer_owner
    assert named.changes_dict["quantity"][1].startswith("20000")
    assert unnamed.actor is None
    assert unnamed.changes_dict["unit"] == ["pieces", "boxes"]


def test_creation_and_deletion_are_recorded_with_the_organisations_concerned():
    capability = factories.CapabilityFactory()
    organisation_id = capability.profile.organisation_id
    pk = capability.pk
    capability.delete()
    created, deleted = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Capability), object_pk=str(pk)
    ).order_by("pk")
    assert created.action == LogEntry.Action.CREATE
    assert deleted.action == LogEntry.Action.DELETE
    assert created.additional_data["organisations"] == {str(organisation_id): True}


# --- Reading it in words ------------------------------------------------------------------------------------------


def test_changes_read_in_words_with_translated_labels_choices_and_names(agency_user):
    profile = factories.SupplierProfileFactory()
    organisation = profile.organisation
    with set_actor(agency_user):
        organisation.verification_status = Organisation.VerificationStatus.REJECTED
        organisation.size_class = Organisation.SizeClass.MEDIUM
        organisation.save()
    entry = entries_for(organisation).filter(action=LogEntry.Action.UPDATE).get()
    with translation.override("es"):
        rows = {change.field: change for change in selectors.changes(entry)}
        assert rows["size_class"].label == "Tamaño"
        assert rows["size_class"].before == str(Organisation.SizeClass.SMALL.label)
        assert rows["size_class"].after == str(Organisation.SizeClass.MEDIUM.label)


def test_foreign_keys_are_shown_by_name_not_by_id():
    profile = factories.SupplierProfileFactory()
    other = factories.CategoryFactory(code="15500000", name_en="Dairy products", lineage="/15000000/15500000/")
    capability = factories.CapabilityFactory(profile=profile)
    capability.category = other
    capability.save()
    entry = entries_for(capability).filter(action=LogEntry.Action.UPDATE).get()
    [(_, _, rows)] = selectors.with_changes([entry])
    category = next(row for row in rows if row.field == "category")
    assert category.after == str(other)
    assert not category.after.startswith("#")


# --- Who may read it ----------------------------------------------------------------------------------------------


@pytest.fixture
def refused_users():
    sme_viewer = factories.UserFactory()
    factories.MembershipFactory(user=sme_viewer, organisation=factories.SmeFactory(), role=Membership.Role.VIEWER)
    agency_viewer = factories.UserFactory()
    factories.MembershipFactory(user=agency_viewer, organisation=factories.AgencyFactory(), role=Membership.Role.VIEWER)
    return {
        "sme owner": factories.SmeOwnerFactory(),
        "buyer": factories.BuyerOwnerFactory(),
        "sme viewer": sme_viewer,
        "agency viewer": agency_viewer,
    }


@pytest.mark.parametrize("role", ["sme owner", "buyer", "sme viewer", "agency viewer"])
def test_api_refuses_everyone_but_agency_staff(refused_users, role, client_for):
    factories.CapabilityFactory()  # something in the trail to leak
    response = client_for(refused_users[role]).get(AUDIT_API)
    assert response.status_code == 403
    assert "results" not in response.json()


def test_api_refuses_anonymous(api_client):
    response = api_client.get(AUDIT_API)
    assert response.status_code in (401, 403)
    assert "results" not in response.json()


@pytest.mark.parametrize("role", ["sme owner", "buyer", "sme viewer", "agency viewer"])
def test_page_refuses_everyone_but_agency_staff(refused_users, role):
    client = Client()
    client.force_login(refused_users[role])
    assert client.get("/audit/").status_code == 403


def test_page_sends_anonymous_visitors_to_sign_in():
    response = Client().get("/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_staff_nav_links_to_the_trail_only_for_agency_staff(agency_user, sme_owner):
    staff, sme = Client(), Client()
    staff.force_login(agency_user)
    sme.force_login(sme_owner)
    assert 'href="/audit/"' in staff.get("/").content.decode()
    assert 'href="/audit/"' not in sme.get("/").content.decode()


# --- The API and page for agency staff ----------------------------------------------------------------------------


def test_api_lists_entries_with_changes_in_words_and_filters(agency_client, buyer_owner, buyer_requirement):
    with set_actor(buyer_owner):
        buyer_services.update_requirement(requirement=buyer_requirement, actor=buyer_owner, title="Bone screws")
    other = factories.CapabilityFactory()

    response = agency_client.get(AUDIT_API, {"model": "buyers.requirement", "action": LogEntry.Action.UPDATE})
    assert response.status_code == 200
    [entry] = response.json()["results"]
    assert entry["model"] == "buyers.requirement"
    assert entry["action"] == "update"
    assert entry["actor"]["email"] == buyer_owner.email
    assert entry["organisations"] == [buyer_requirement.buyer_id]
    title = next(change for change in entry["changes"] if change["field"] == "title")
    assert (title["label"], title["before"], title["after"]) == ("Title", "Titanium screws", "Bone screws")

    by_organisation = agency_client.get(AUDIT_API, {"organisation": other.profile.organisation_id}).json()
    assert by_organisation["count"] >= 1
    assert {row["model"] for row in by_organisation["results"]} <= {
        "accounts.organisation",
        "suppliers.supplierprofile",
        "suppliers.capability",
    }
    assert all(other.profile.organisation_id in row["organisations"] for row in by_organisation["results"])

    by_actor = agency_client.get(AUDIT_API, {"actor": buyer_owner.pk}).json()
    assert [row["object_pk"] for row in by_actor["results"]] == [str(buyer_requirement.pk)]

    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert agency_client.get(AUDIT_API, {"date_from": tomorrow}).json()["count"] == 0
    assert agency_client.get(AUDIT_API, {"model": "auth.permission"}).status_code == 400


def test_api_is_paginated(agency_client):
    for _ in range(30):
        factories.SmeFactory()
    body = agency_client.get(AUDIT_API).json()
    assert body["count"] >= 30
    assert len(body["results"]) == 25
    assert body["next"]


def test_api_is_in_the_schema(agency_client):
    schema = agency_client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/audit/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"model", "organisation", "actor", "date_from", "date_to", "page"} <= names


def test_page_shows_who_what_when_and_the_diff_filtered(agency_user, buyer_owner, buyer_requirement):
    with set_actor(buyer_owner):
        buyer_services.update_requirement(requirement=buyer_requirement, actor=buyer_owner, title="Bone screws")
    factories.CapabilityFactory()
    client = Client()
    client.force_login(agency_user)
    requirement_type = ContentType.objects.get_for_model(Requirement)

    page = client.get("/audit/", {"model": requirement_type.pk, "action": LogEntry.Action.UPDATE})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<del>Titanium screws</del>" in html
    assert "<ins>Bone screws</ins>" in html
    assert buyer_owner.full_name in html
    assert 'name="viewport"' in html  # the base layout: readable on a phone
    assert len(page.context["rows"]) == 1

    spanish = client.get("/es/audit/", {"model": requirement_type.pk, "action": LogEntry.Action.UPDATE})
    assert "<strong>Título</strong>" in spanish.content.decode()

    nothing = client.get("/audit/", {"date_to": "2000-01-01"})
    assert nothing.context["page"].paginator.count == 0


def test_page_is_paginated(agency_user):
    for _ in range(55):
        factories.SmeFactory()
    client = Client()
    client.force_login(agency_user)
    first = client.get("/audit/")
    assert len(first.context["rows"]) == 50
    assert "page=2" in first.content.decode()
    second = client.get("/audit/", {"page": 2})
    assert len(second.context["rows"]) >= 5
