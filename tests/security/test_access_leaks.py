"""Regression tests for the access leaks an outside probe found; each fails on the code before its fix.

1. Requirements leaked through linkages (creating one naming a requirement one may not see, its title on the
   linkage's pages, ``?search=`` probing its words, "belongs to another buyer" telling who owns an id).
2. An SME became a buyer by declaring an MNC organisation: buyer powers now wait for agency verification; SMEs no
   longer list their competitors' organisations (tax id, address, employees, sales band).
3. Buyers could contact, shortlist, link with or invite unpublished and rejected suppliers, and the refusal named them.
4. A verification without a real yes/no ``approve`` is refused, never read as a rejection.

Roles refused are named in each test: anonymous, SME owner/member/viewer, the buyer of another MNC, a declared but
unverified (or rejected) MNC, and agency staff where the rule holds for them too.
"""

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Organisation
from buyers.models import Requirement, RequirementInvitation
from linkages import services as linkage_services
from linkages.models import Linkage, Stage
from matching import services as matching_services
from matching.models import MatchRun, ShortlistEntry
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"


def _member(organisation, role="owner"):
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def _api(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


def _pages(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _without_ids(messages, *ids) -> list[str]:
    """Field messages with the ids they quote blanked, so two refusals can be compared word for word."""
    text = " ".join(messages)
    for pk in ids:
        text = re.sub(rf"\b{pk}\b", "#", text)
    return text


# -- 1. requirements leak through linkages ---------------------------------------------------------------------------


@pytest.fixture
def market():
    """A verified buyer with requirements of every kind an SME may not see, and an SME with a published profile."""
    buyer = factories.BuyerFactory(legal_name="Orthovia Medical")
    other_buyer = factories.BuyerFactory(legal_name="Hanil Autoparts")
    sme = factories.SmeFactory(legal_name="Tornos del Valle")
    profile = factories.SupplierProfileFactory(organisation=sme)
    somebody_else = factories.SupplierProfileFactory()
    hidden = {
        "agency": factories.RequirementFactory(
            buyer=buyer, title="Zirconium spinal cage prototypes", visibility=Requirement.Visibility.AGENCY
        ),
        "draft": factories.RequirementFactory(
            buyer=buyer, title="Cobalt chrome knee draft", status=Requirement.Status.DRAFT
        ),
        "invited": factories.RequirementFactory(
            buyer=other_buyer, title="Magnesium housing tender", visibility=Requirement.Visibility.INVITED
        ),
    }
    factories.RequirementInvitationFactory(requirement=hidden["invited"], supplier=somebody_else)
    public = factories.RequirementFactory(buyer=buyer, title="Public titanium screws")
    return {
        "buyer": buyer,
        "other_buyer": other_buyer,
        "sme": sme,
        "profile": profile,
        "hidden": hidden,
        "public": public,
    }


@pytest.mark.parametrize("kind", ["agency", "draft", "invited"])
@pytest.mark.parametrize("role", ["owner", "member"])
def test_an_sme_cannot_link_itself_to_a_requirement_it_may_not_see(market, kind, role):
    requirement = market["hidden"][kind]
    client = _api(_member(market["sme"], role))
    payload = {"buyer": requirement.buyer_id, "supplier": market["profile"].pk, "requirement": requirement.pk}

    refused = client.post("/api/v1/linkages/", payload)
    nowhere = client.post("/api/v1/linkages/", {**payload, "requirement": 987654})

    assert refused.status_code == 400
    assert nowhere.status_code == 400
    # Word for word the answer for an id that exists nowhere: nothing tells the requirement exists.
    assert _without_ids(refused.json()["errors"]["requirement"], requirement.pk) == _without_ids(
        nowhere.json()["errors"]["requirement"], 987654
    )
    assert requirement.title not in refused.content.decode()
    assert not Linkage.objects.exists()


@pytest.mark.parametrize("kind", ["agency", "draft", "invited"])
def test_a_wrong_buyer_id_does_not_tell_who_owns_a_requirement(market, kind):
    """Naming another buyer used to answer "the requirement belongs to another buyer": an ownership oracle."""
    requirement = market["hidden"][kind]
    wrong = market["other_buyer"] if requirement.buyer_id == market["buyer"].pk else market["buyer"]
    sme = _api(_member(market["sme"]))
    payload = {"buyer": wrong.pk, "supplier": market["profile"].pk, "requirement": requirement.pk}

    response = sme.post("/api/v1/linkages/", payload)

    assert response.status_code == 400
    text = response.content.decode()
    assert "another buyer" not in text
    assert "does not exist" in " ".join(response.json()["errors"]["requirement"])


def test_a_viewer_of_the_sme_and_another_buyer_get_the_same_does_not_exist(market):
    requirement = market["hidden"]["agency"]
    other_buyer_user = _member(market["other_buyer"])
    listed = factories.SupplierProfileFactory()  # visible to a verified buyer
    cases = [
        (_member(market["sme"], "viewer"), requirement.buyer_id, market["profile"].pk),
        (other_buyer_user, market["other_buyer"].pk, listed.pk),  # own buyer, another's requirement
        (other_buyer_user, requirement.buyer_id, listed.pk),
    ]
    for user, buyer_id, supplier_id in cases:
        response = _api(user).post(
            "/api/v1/linkages/", {"buyer": buyer_id, "supplier": supplier_id, "requirement": requirement.pk}
        )
        assert response.status_code == 400, response.content
        assert "does not exist" in " ".join(response.json()["errors"]["requirement"])
        assert "another buyer" not in response.content.decode()
    assert not Linkage.objects.exists()


def test_anonymous_cannot_record_a_linkage(market):
    payload = {"buyer": market["buyer"].pk, "supplier": market["profile"].pk, "requirement": market["public"].pk}
    assert _api(None).post("/api/v1/linkages/", payload).status_code in (401, 403)
    assert not Linkage.objects.exists()


def test_an_sme_still_links_itself_to_a_requirement_it_sees(market):
    payload = {"buyer": market["buyer"].pk, "supplier": market["profile"].pk, "requirement": market["public"].pk}
    response = _api(_member(market["sme"])).post("/api/v1/linkages/", payload)
    assert response.status_code == 201, response.content
    assert response.json()["requirement_title"] == "Public titanium screws"


def test_the_service_itself_refuses_a_requirement_the_actor_may_not_see(market):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        linkage_services.create_linkage(
            actor=_member(market["sme"]),
            buyer=market["buyer"],
            supplier=market["profile"],
            requirement=market["hidden"]["agency"],
        )
    assert "another buyer" not in str(refused.value)
    assert not Linkage.objects.exists()


@pytest.fixture
def linked(market):
    """The buyer contacted the SME from its agency-only requirement (legitimate: the buyer sees its own)."""
    requirement = market["hidden"]["agency"]
    linkage, _created = linkage_services.create_linkage(
        actor=_member(market["buyer"]),
        buyer=market["buyer"],
        supplier=market["profile"],
        requirement=requirement,
        stage=Stage.CONTACTED,
    )
    return {**market, "linkage": linkage, "requirement": requirement}


@pytest.mark.parametrize("role", ["owner", "member", "viewer"])
def test_the_linkage_pages_do_not_show_a_requirement_the_supplier_may_not_see(linked, role):
    pages = _pages(_member(linked["sme"], role))
    title = linked["requirement"].title

    detail = pages.get(f"/linkages/{linked['linkage'].pk}/")
    listing = pages.get("/linkages/")

    assert detail.status_code == 200
    assert listing.status_code == 200
    assert title not in detail.content.decode()
    assert f"/requirements/{linked['requirement'].pk}/" not in detail.content.decode()
    assert title not in listing.content.decode()
    assert "Orthovia Medical" in listing.content.decode()  # the linkage itself is still the SME's to see


@pytest.mark.parametrize("role", ["owner", "member", "viewer"])
def test_the_linkage_api_does_not_show_a_requirement_the_supplier_may_not_see(linked, role):
    api = _api(_member(linked["sme"], role))
    title = linked["requirement"].title

    detail = api.get(f"/api/v1/linkages/{linked['linkage'].pk}/")
    listing = api.get("/api/v1/linkages/")

    assert detail.status_code == 200
    assert detail.json()["requirement_title"] is None
    assert title not in detail.content.decode()
    assert [row["requirement_title"] for row in listing.json()["results"]] == [None]


def test_the_buyer_and_agency_staff_still_read_the_requirement_on_the_linkage(linked, agency_user):
    title = linked["requirement"].title
    for user in (_member(linked["buyer"], "viewer"), agency_user):
        assert _api(user).get(f"/api/v1/linkages/{linked['linkage'].pk}/").json()["requirement_title"] == title
        assert title in _pages(user).get(f"/linkages/{linked['linkage'].pk}/").content.decode()


@pytest.mark.parametrize("role", ["owner", "member", "viewer"])
def test_linkage_search_does_not_probe_the_words_of_a_requirement_one_may_not_see(linked, role):
    user = _member(linked["sme"], role)
    assert _api(user).get("/api/v1/linkages/", {"search": "Zirconium"}).json()["count"] == 0
    assert _api(user).get("/api/v1/linkages/", {"search": "Orthovia"}).json()["count"] == 1
    page = _pages(user).get("/linkages/", {"q": "Zirconium"}).content.decode()
    assert f'data-linkage="{linked["linkage"].pk}"' not in page
    page = _pages(user).get("/linkages/", {"q": "Orthovia"}).content.decode()
    assert f'data-linkage="{linked["linkage"].pk}"' in page


def test_linkage_search_still_finds_requirement_words_for_those_who_see_it(linked, agency_user):
    for user in (_member(linked["buyer"]), agency_user):
        assert _api(user).get("/api/v1/linkages/", {"search": "Zirconium"}).json()["count"] == 1
    board = _pages(agency_user).get("/linkages/board/", {"q": "Zirconium"}).content.decode()
    assert "Zirconium spinal cage" in board


def test_the_requirement_filter_is_no_oracle_of_ids(linked):
    api = _api(_member(linked["sme"]))
    existing = api.get("/api/v1/linkages/", {"requirement": linked["hidden"]["invited"].pk})
    nowhere = api.get("/api/v1/linkages/", {"requirement": 987654})
    assert existing.status_code == nowhere.status_code == 200
    assert existing.json()["count"] == nowhere.json()["count"] == 0


# -- 2. buyer powers wait for verification ---------------------------------------------------------------------------


@pytest.fixture
def competitor():
    """A competitor SME with a published, verified profile, a certificate and a diagnostic."""
    sme = factories.SmeFactory(legal_name="Competidora de Precisión", tax_id="3-101-555555", address="Calle 5")
    profile = factories.SupplierProfileFactory(organisation=sme)
    factories.CertificationFactory(profile=profile)
    factories.ReadinessDiagnosticFactory(profile=profile)
    return profile


def _declare_mnc(user, status="pending"):
    """The probe: an SME's owner registers an MNC organisation through the API (pending verification)."""
    response = _api(user).post(
        "/api/v1/organisations/",
        {"kind": "mnc", "legal_name": "Totally A Buyer Inc.", "country": "CR"},
        format="json",
    )
    assert response.status_code == 201, response.content
    organisation = Organisation.objects.get(pk=response.json()["id"])
    assert organisation.verification_status == "pending"
    if status != "pending":
        organisation.verification_status = status
        organisation.save(update_fields=["verification_status"])
    return organisation


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_a_declared_buyer_cannot_read_its_competitors(sme_owner, competitor, status):
    _declare_mnc(sme_owner, status)
    api = _api(sme_owner)
    pages = _pages(sme_owner)

    assert api.get("/api/v1/suppliers/").status_code == 403
    assert api.get(f"/api/v1/suppliers/{competitor.pk}/").status_code == 404
    assert api.get("/api/v1/certifications/", {"supplier": competitor.pk}).json()["count"] == 0
    assert api.get("/api/v1/diagnostics/", {"supplier": competitor.pk}).json()["count"] == 0
    assert api.get("/api/v1/capabilities/", {"supplier": competitor.pk}).json()["count"] == 0
    assert pages.get("/suppliers/search/").status_code == 403
    assert pages.get(f"/suppliers/{competitor.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["owner", "member", "viewer"])
def test_no_member_of_an_unverified_buyer_reads_suppliers(competitor, role):
    buyer = factories.BuyerFactory(verification_status="pending")
    api = _api(_member(buyer, role))
    assert api.get("/api/v1/suppliers/").status_code == 403
    assert api.get(f"/api/v1/suppliers/{competitor.pk}/").status_code == 404


def test_a_declared_consultancy_cannot_read_suppliers_either(competitor):
    consultancy = factories.OrganisationFactory(kind="consultancy", verification_status="pending")
    api = _api(_member(consultancy))
    assert api.get("/api/v1/suppliers/").status_code == 403
    assert api.get(f"/api/v1/suppliers/{competitor.pk}/").status_code == 404


def test_once_agency_staff_verify_the_buyer_its_powers_open(sme_owner, competitor, agency_client):
    organisation = _declare_mnc(sme_owner)
    verified = agency_client.post(f"/api/v1/organisations/{organisation.pk}/verify/", {"approve": True})
    assert verified.status_code == 200
    api = _api(type(sme_owner).objects.get(pk=sme_owner.pk))  # a fresh request's user
    assert api.get("/api/v1/suppliers/").status_code == 200
    assert api.get(f"/api/v1/suppliers/{competitor.pk}/").status_code == 200


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_a_declared_buyer_cannot_publish_or_invite(sme_owner, competitor, status):
    organisation = _declare_mnc(sme_owner, status)
    api = _api(sme_owner)
    category = factories.CategoryFactory()
    draft = api.post(
        "/api/v1/requirements/",
        {
            "buyer": organisation.pk,
            "title": "Anything you make",
            "specification": "Tell us everything",
            "categories": [category.code],
        },
        format="json",
    )
    assert draft.status_code == 201, draft.content  # preparing a draft is still allowed
    pk = draft.json()["id"]

    published = api.post(f"/api/v1/requirements/{pk}/transition/", {"status": "open"})
    invited = api.post(f"/api/v1/requirements/{pk}/invitations/", {"suppliers": [competitor.pk]}, format="json")

    assert published.status_code == 403
    assert invited.status_code == 403
    assert Requirement.objects.get(pk=pk).status == Requirement.Status.DRAFT
    assert not RequirementInvitation.objects.exists()
    assert not Notification.objects.exists()
    page = _pages(sme_owner).post(f"/requirements/{pk}/status/", {"status": "open"})
    assert page.status_code == 302
    assert Requirement.objects.get(pk=pk).status == Requirement.Status.DRAFT
    detail = _pages(sme_owner).get(f"/requirements/{pk}/").content.decode()
    assert 'id="buyer-unverified"' in detail
    assert 'id="ranked-suppliers"' not in detail


@pytest.mark.parametrize("status", ["pending", "rejected"])
@pytest.mark.parametrize("role", ["owner", "member", "viewer"])
def test_an_unverified_buyer_reads_no_ranking(ranked_titanium, status, role):
    requirement = ranked_titanium["requirement"]
    Organisation.objects.filter(pk=requirement.buyer_id).update(verification_status=status)
    user = _member(requirement.buyer, role)
    api = _api(user)
    fit = ranked_titanium["fit"].pk

    assert api.get(f"/api/v1/requirements/{requirement.pk}/matches/").status_code == 403
    assert api.post(f"/api/v1/requirements/{requirement.pk}/match/").status_code == 403
    assert api.post(f"/api/v1/requirements/{requirement.pk}/shortlist/", {"supplier": fit}).status_code == 403
    assert api.post(f"/api/v1/requirements/{requirement.pk}/contact/", {"supplier": fit}).status_code == 403
    pages = _pages(user)
    assert pages.get(f"/requirements/{requirement.pk}/matches/").status_code == 403
    assert (
        pages.post(f"/requirements/{requirement.pk}/matches/{fit}/shortlist/", {"shortlisted": "1"}).status_code == 403
    )
    assert pages.post(f"/requirements/{requirement.pk}/matches/{fit}/contact/").status_code == 403
    assert pages.post(f"/requirements/{requirement.pk}/matches/run/").status_code == 403
    assert MatchRun.objects.filter(requirement=requirement).count() == 1
    assert not Linkage.objects.exists()
    assert not ShortlistEntry.objects.exists()


@pytest.fixture
def ranked_titanium(titanium):
    matching_services.run_now(requirement=titanium["requirement"])
    return titanium


def test_a_verified_buyer_still_reads_its_ranking(ranked_titanium):
    requirement = ranked_titanium["requirement"]
    response = _api(_member(requirement.buyer, "viewer")).get(f"/api/v1/requirements/{requirement.pk}/matches/")
    assert response.status_code == 200
    assert response.json()["count"] >= 1


@pytest.mark.parametrize("role", ["owner", "member", "viewer"])
def test_an_sme_does_not_list_its_competitors_organisations(competitor, role):
    own = factories.SmeFactory(tax_id="3-101-123456", annual_sales_band="1m-10m")
    user = _member(own, role)
    buyer = factories.BuyerFactory(tax_id="3-101-777777", address="Zona Franca", annual_sales_band="gt50m")

    listing = _api(user).get("/api/v1/organisations/", {"kind": "sme"})
    every = _api(user).get("/api/v1/organisations/")

    assert listing.status_code == 200
    assert [row["id"] for row in listing.json()["results"]] == [own.pk]
    assert "3-101-555555" not in every.content.decode()
    assert _api(user).get(f"/api/v1/organisations/{competitor.organisation_id}/").status_code == 404
    rows = {row["id"]: row for row in every.json()["results"]}
    assert set(rows) == {own.pk, buyer.pk}
    assert rows[own.pk]["tax_id"] == "3-101-123456"  # one's own organisation: every field
    public = rows[buyer.pk]  # a verified buyer: its public fields only
    assert public["legal_name"] == buyer.legal_name
    for confidential in ("tax_id", "address", "employees", "women_employees", "annual_sales_band", "latitude"):
        assert confidential not in public


def test_buyers_do_not_list_sme_organisations_either_but_agency_staff_do(competitor, buyer_client, agency_client):
    assert buyer_client.get("/api/v1/organisations/", {"kind": "sme"}).json()["count"] == 0
    seen = agency_client.get(f"/api/v1/organisations/{competitor.organisation_id}/").json()
    assert seen["tax_id"] == "3-101-555555"
    assert seen["address"] == "Calle 5"


def test_anonymous_lists_no_organisation(competitor):
    assert _api(None).get("/api/v1/organisations/", {"kind": "sme"}).status_code in (401, 403)


# -- 3. hidden suppliers are not targets -----------------------------------------------------------------------------


@pytest.fixture
def hidden_suppliers(ranked_titanium):
    """Suppliers that appeared in the ranking, then were withdrawn or rejected."""
    unpublished, rejected = ranked_titanium["near"], ranked_titanium["off"]
    unpublished.organisation.legal_name = "Secreta Sin Publicar"
    unpublished.organisation.save(update_fields=["legal_name"])
    rejected.organisation.legal_name = "Rechazada por la Agencia"
    rejected.organisation.save(update_fields=["legal_name"])
    type(unpublished).objects.filter(pk=unpublished.pk).update(published=False)
    type(rejected).objects.filter(pk=rejected.pk).update(verification_status="rejected")
    return {**ranked_titanium, "hidden": [unpublished, rejected]}


@pytest.mark.parametrize("action", ["shortlist", "contact"])
def test_a_buyer_cannot_shortlist_or_contact_a_hidden_supplier(hidden_suppliers, action, agency_user):
    requirement = hidden_suppliers["requirement"]
    for user in (_member(requirement.buyer, "member"), agency_user):
        api = _api(user)
        nowhere = api.post(f"/api/v1/requirements/{requirement.pk}/{action}/", {"supplier": 987654})
        for supplier in hidden_suppliers["hidden"]:
            response = api.post(f"/api/v1/requirements/{requirement.pk}/{action}/", {"supplier": supplier.pk})
            assert response.status_code == 400
            assert _without_ids(response.json()["errors"]["supplier"], supplier.pk) == _without_ids(
                nowhere.json()["errors"]["supplier"], 987654
            )
            assert supplier.organisation.legal_name not in response.content.decode()
    assert not Linkage.objects.exists()
    assert not ShortlistEntry.objects.exists()


def test_the_shortlist_page_answers_404_for_a_hidden_supplier(hidden_suppliers):
    requirement = hidden_suppliers["requirement"]
    pages = _pages(_member(requirement.buyer, "member"))
    for supplier in hidden_suppliers["hidden"]:
        base = f"/requirements/{requirement.pk}/matches/{supplier.pk}"
        assert pages.post(f"{base}/shortlist/", {"shortlisted": "1"}).status_code == 404
        assert pages.post(f"{base}/contact/").status_code == 404
    assert not Linkage.objects.exists()
    assert not ShortlistEntry.objects.exists()


def test_a_buyer_cannot_record_a_linkage_with_a_hidden_supplier(hidden_suppliers):
    requirement = hidden_suppliers["requirement"]
    api = _api(_member(requirement.buyer))
    for supplier in hidden_suppliers["hidden"]:
        for payload in ({}, {"requirement": requirement.pk}):
            response = api.post(
                "/api/v1/linkages/", {"buyer": requirement.buyer_id, "supplier": supplier.pk, **payload}
            )
            assert response.status_code == 400
            assert "does not exist" in " ".join(response.json()["errors"]["supplier"])
            assert supplier.organisation.legal_name not in response.content.decode()
    assert not Linkage.objects.exists()


def test_the_linkage_service_refuses_a_hidden_supplier_to_the_buyer_side(hidden_suppliers):
    from django.core.exceptions import ValidationError

    requirement = hidden_suppliers["requirement"]
    for supplier in hidden_suppliers["hidden"]:
        with pytest.raises(ValidationError):
            linkage_services.create_linkage(
                actor=_member(requirement.buyer), buyer=requirement.buyer, supplier=supplier, requirement=requirement
            )
    assert not Linkage.objects.exists()


def test_an_invitation_refusal_does_not_name_a_hidden_supplier(hidden_suppliers, agency_user):
    requirement = hidden_suppliers["requirement"]
    for user in (_member(requirement.buyer), agency_user):
        api = _api(user)
        nowhere = api.post(f"/api/v1/requirements/{requirement.pk}/invitations/", {"suppliers": [987654]})
        for supplier in hidden_suppliers["hidden"]:
            response = api.post(f"/api/v1/requirements/{requirement.pk}/invitations/", {"suppliers": [supplier.pk]})
            assert response.status_code == 400
            assert supplier.organisation.legal_name not in response.content.decode()
            assert _without_ids(response.json()["errors"]["suppliers"], supplier.pk) == _without_ids(
                nowhere.json()["errors"]["suppliers"], 987654
            )
        pages = _pages(user)
        for supplier in hidden_suppliers["hidden"]:
            page = pages.post(f"/requirements/{requirement.pk}/invite/", {"supplier": supplier.pk}, follow=True)
            assert supplier.organisation.legal_name not in page.content.decode()
    assert not RequirementInvitation.objects.exists()


def test_a_listed_supplier_is_still_contacted(hidden_suppliers):
    requirement = hidden_suppliers["requirement"]
    api = _api(_member(requirement.buyer, "member"))
    response = api.post(f"/api/v1/requirements/{requirement.pk}/contact/", {"supplier": hidden_suppliers["fit"].pk})
    assert response.status_code == 201
    assert Linkage.objects.get().supplier == hidden_suppliers["fit"]


# -- 4. a verification needs a real verdict --------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["organisation", "supplier"])
@pytest.mark.parametrize("verdict", [{}, {"approve": None}, {"approve": "yes"}, {"approve": 1}, {"approve": "0"}])
def test_a_verification_without_a_boolean_approve_is_refused(agency_client, target, verdict):
    if target == "organisation":
        obj = factories.BuyerFactory(verification_status="pending")
        url = f"/api/v1/organisations/{obj.pk}/verify/"
    else:
        obj = factories.SupplierProfileFactory(verification_status="pending")
        url = f"/api/v1/suppliers/{obj.pk}/verify/"
    response = agency_client.post(url, {"note": "looked at it", **verdict}, format="json")
    assert response.status_code == 400
    assert "approve" in response.json()["errors"]
    obj.refresh_from_db()
    assert obj.verification_status == "pending"


@pytest.mark.parametrize("who", [ANONYMOUS, "sme", "buyer"])
def test_only_agency_staff_verify(who, sme_owner, buyer_owner):
    organisation = factories.BuyerFactory(verification_status="pending")
    user = {ANONYMOUS: None, "sme": sme_owner, "buyer": buyer_owner}[who]
    response = _api(user).post(f"/api/v1/organisations/{organisation.pk}/verify/", {"approve": True})
    assert response.status_code in (401, 403)
    organisation.refresh_from_db()
    assert organisation.verification_status == "pending"


def test_a_supplier_that_unpublishes_after_the_run_leaves_the_ranking_at_once(ranked_titanium):
    requirement, fit = ranked_titanium["requirement"], ranked_titanium["fit"]
    client = _api(_member(requirement.buyer, "viewer"))
    url = f"/api/v1/requirements/{requirement.pk}/matches/"
    assert fit.pk in {row["supplier"]["id"] for row in client.get(url).json()["results"]}
    fit.published = False
    fit.save(update_fields=["published"])
    assert fit.pk not in {row["supplier"]["id"] for row in client.get(url).json()["results"]}


@pytest.mark.parametrize("resource", ["capabilities", "machines", "certifications", "diagnostics"])
def test_writing_for_another_smes_profile_says_does_not_exist_like_a_missing_one(sme_owner, resource):
    """It answered 403 for a profile that exists and 400 for one that does not: an oracle of profile ids."""
    other = factories.SupplierProfileFactory(published=False)
    client = _api(sme_owner)
    hidden = client.post(f"/api/v1/{resource}/", {"supplier": other.pk}, format="json")
    missing = client.post(f"/api/v1/{resource}/", {"supplier": 10**9}, format="json")
    assert hidden.status_code == missing.status_code == 400
    hidden_message = hidden.json()["errors"]["supplier"]
    assert _without_ids(hidden_message, other.pk) == _without_ids(missing.json()["errors"]["supplier"], 10**9)


def test_a_pending_buyer_is_not_offered_supplier_search(client):
    buyer = factories.BuyerFactory(verification_status="pending")
    client.force_login(_member(buyer))
    page = client.get("/").content.decode()
    assert 'href="/suppliers/search/"' not in page
    buyer.verification_status = "verified"
    buyer.save(update_fields=["verification_status"])
    assert 'href="/suppliers/search/"' in client.get("/").content.decode()


def test_certificate_upload_endpoint_keeps_the_json_depth_limit(sme_owner):
    """The certificates view named DRF's own JSONParser, bypassing the platform's depth limit."""
    body = '{"supplier": ' + "[" * 5000 + "]" * 5000 + "}"
    response = _api(sme_owner).post("/api/v1/certifications/", body, content_type="application/json")
    assert response.status_code == 400
