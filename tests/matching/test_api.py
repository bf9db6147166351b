"""The matching API, role by role: who may run, read, shortlist and contact, and who is refused."""

import math

import pytest
from django.utils import formats, timezone

from linkages.models import Linkage, Stage
from matching import services
from matching.models import MatchRun, ShortlistEntry
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(titanium):
    services.run_now(requirement=titanium["requirement"])
    return titanium


def _member(organisation, role):
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def test_buyer_requests_a_run_and_gets_202_with_it(ranked, client_for, monkeypatch):
    monkeypatch.setattr(services, "_enqueue", lambda run_id: None)
    requirement = ranked["requirement"]
    response = client_for(_member(requirement.buyer, "owner")).post(f"/api/v1/requirements/{requirement.pk}/match/")

    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert MatchRun.objects.filter(pk=response.json()["id"], requirement=requirement).exists()


def test_agency_staff_may_request_a_run(ranked, agency_client, monkeypatch):
    monkeypatch.setattr(services, "_enqueue", lambda run_id: None)
    response = agency_client.post(f"/api/v1/requirements/{ranked['requirement'].pk}/match/")
    assert response.status_code == 202


@pytest.mark.parametrize("who", ["sme", "viewer"])
def test_a_supplier_or_a_buyer_viewer_may_not_request_a_run(ranked, client_for, sme_client, who):
    requirement = ranked["requirement"]
    client = sme_client if who == "sme" else client_for(_member(requirement.buyer, "viewer"))
    response = client.post(f"/api/v1/requirements/{requirement.pk}/match/")
    assert response.status_code == 403


def test_another_buyer_gets_404_everywhere(ranked, buyer_client):
    requirement = ranked["requirement"]
    run = requirement.match_runs.get()
    assert buyer_client.post(f"/api/v1/requirements/{requirement.pk}/match/").status_code == 404
    assert buyer_client.get(f"/api/v1/requirements/{requirement.pk}/matches/").status_code == 404
    assert buyer_client.get(f"/api/v1/match-runs/{run.pk}/").status_code == 404


def test_anonymous_is_refused(ranked, api_client):
    requirement = ranked["requirement"]
    assert api_client.get(f"/api/v1/requirements/{requirement.pk}/matches/").status_code in (401, 403)
    assert api_client.post(f"/api/v1/requirements/{requirement.pk}/match/").status_code in (401, 403)
    assert api_client.get("/api/v1/suppliers/me/opportunities/").status_code in (401, 403)


def test_matches_are_ranked_with_components_and_gaps(ranked, client_for):
    requirement = ranked["requirement"]
    response = client_for(_member(requirement.buyer, "viewer")).get(f"/api/v1/requirements/{requirement.pk}/matches/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert body["run"]["status"] == "succeeded"
    assert [m["rank"] for m in body["results"]] == [1, 2, 3]
    assert body["results"][0]["supplier"]["id"] == ranked["fit"].pk
    for match in body["results"]:
        assert math.isclose(sum(match["components"].values()), match["score"], abs_tol=1e-9)
        assert isinstance(match["gaps"], list)


def test_matches_filter_and_validate(ranked, agency_client):
    url = f"/api/v1/requirements/{ranked['requirement'].pk}/matches/"
    top = agency_client.get(url).json()["results"][0]["score"]
    assert agency_client.get(url, {"min_score": top}).json()["count"] == 1
    assert agency_client.get(url, {"country": "mx"}).json()["count"] == 0
    bad = agency_client.get(url, {"min_score": "lots"})
    assert bad.status_code == 400
    assert "min_score" in bad.json()["errors"]


def test_a_supplier_never_sees_the_ranking_of_a_public_requirement(ranked, client_for):
    owner = _member(ranked["fit"].organisation, "owner")
    response = client_for(owner).get(f"/api/v1/requirements/{ranked['requirement'].pk}/matches/")
    assert response.status_code == 403


def test_shortlist_and_contact_start_a_linkage(ranked, client_for):
    requirement = ranked["requirement"]
    buyer = client_for(_member(requirement.buyer, "member"))
    supplier = ranked["near"].pk

    assert buyer.post(f"/api/v1/requirements/{requirement.pk}/shortlist/", {"supplier": supplier}).json() == {
        "supplier": supplier,
        "shortlisted": True,
    }
    contacted = buyer.post(f"/api/v1/requirements/{requirement.pk}/contact/", {"supplier": ranked["fit"].pk})

    assert contacted.status_code == 201
    assert contacted.json()["stage"] == Stage.CONTACTED
    linkage = Linkage.objects.get(pk=contacted.json()["linkage"])
    assert (linkage.buyer, linkage.supplier, linkage.requirement) == (requirement.buyer, ranked["fit"], requirement)
    assert linkage.source == Linkage.Source.MATCH
    assert ShortlistEntry.objects.filter(requirement=requirement).count() == 2
    shortlisted = buyer.get(f"/api/v1/requirements/{requirement.pk}/matches/", {"shortlisted": "true"}).json()
    assert {m["supplier"]["id"] for m in shortlisted["results"]} == {supplier, ranked["fit"].pk}


@pytest.mark.parametrize("action", ["shortlist", "contact"])
def test_suppliers_and_viewers_may_not_shortlist_or_contact(ranked, client_for, action):
    requirement = ranked["requirement"]
    for user in (_member(ranked["fit"].organisation, "owner"), _member(requirement.buyer, "viewer")):
        response = client_for(user).post(
            f"/api/v1/requirements/{requirement.pk}/{action}/", {"supplier": ranked["fit"].pk}
        )
        assert response.status_code == 403
    assert not Linkage.objects.exists()
    assert not ShortlistEntry.objects.exists()


@pytest.mark.parametrize("action", ["shortlist", "contact"])
def test_a_buyer_whose_verification_is_pending_may_not_shortlist_or_contact(ranked, client_for, action):
    requirement = ranked["requirement"]
    owner = _member(requirement.buyer, "owner")
    requirement.buyer.verification_status = requirement.buyer.VerificationStatus.PENDING
    requirement.buyer.save(update_fields=["verification_status"])
    response = client_for(owner).post(
        f"/api/v1/requirements/{requirement.pk}/{action}/", {"supplier": ranked["fit"].pk}
    )
    assert response.status_code == 403
    assert not Linkage.objects.exists()
    assert not ShortlistEntry.objects.exists()


def test_opportunities_rank_open_requirements_for_the_sme_itself(ranked, client_for):
    other = factories.RequirementFactory(title="Queso fresco para comedores", specification="Queso fresco")
    other.categories.set([ranked["off"].capabilities.get().category])
    services.run_now(requirement=other)
    factories.RequirementFactory(visibility="agency", title="Confidential sourcing")
    owner = _member(ranked["fit"].organisation, "owner")

    response = client_for(owner).get("/api/v1/suppliers/me/opportunities/")

    assert response.status_code == 200
    results = response.json()["results"]
    titles = [r["title"] for r in results]
    assert titles[0] == ranked["requirement"].title
    assert "Confidential sourcing" not in titles
    assert titles.index(other.title) == 1
    assert results[0]["score"] > results[1]["score"]
    assert math.isclose(sum(results[0]["components"].values()), results[0]["score"], abs_tol=1e-9)


@pytest.mark.parametrize("who", ["buyer", "agency"])
def test_opportunities_are_for_suppliers_only(ranked, buyer_client, agency_client, who):
    client = buyer_client if who == "buyer" else agency_client
    assert client.get("/api/v1/suppliers/me/opportunities/").status_code == 403


def test_a_run_of_an_invisible_requirement_is_404_for_a_supplier(ranked, sme_client):
    run = ranked["requirement"].match_runs.get()
    assert sme_client.get(f"/api/v1/match-runs/{run.pk}/").status_code == 404


def test_gap_messages_follow_the_pages_language(ranked, client):
    client.force_login(factories.AgencyStaffFactory())
    english = client.get(f"/requirements/{ranked['requirement'].pk}/matches/").content.decode()
    spanish = client.get(f"/es/requirements/{ranked['requirement'].pk}/matches/").content.decode()

    assert "No readiness diagnostic yet" in english
    assert "Aún sin diagnóstico de preparación" in spanish
    assert "No readiness diagnostic yet" not in spanish


def test_the_page_names_exclusions_and_certificates_in_words(titanium, client):
    standard = factories.CertificationStandardFactory(code="iso-13485", name="ISO 13485")
    factories.RequiredCertificationFactory(requirement=titanium["requirement"], standard=standard, mandatory=True)
    factories.CertificationFactory(profile=titanium["fit"], standard=standard)
    optional = factories.CertificationStandardFactory(code="iso-9001", name="ISO 9001")
    factories.RequiredCertificationFactory(requirement=titanium["requirement"], standard=optional, mandatory=False)
    services.run_now(requirement=titanium["requirement"])
    client.force_login(factories.AgencyStaffFactory())
    page = client.get(f"/requirements/{titanium['requirement'].pk}/matches/").content.decode()
    assert 'data-reason="missing_mandatory_certification"' in page
    day = titanium["requirement"].needed_by or timezone.localdate()
    assert f"no valid ISO 13485 certificate on {formats.date_format(day, 'DATE_FORMAT')}: 2" in page
    assert "No valid ISO 9001 certificate (preferred)" in page


def test_opportunities_cost_the_same_queries_for_three_or_thirty_requirements(ranked, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    owner = client_for(_member(ranked["fit"].organisation, "owner"))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert owner.get("/api/v1/suppliers/me/opportunities/").status_code == 200
        return len(captured)

    few = queries()
    category = ranked["requirement"].categories.get()
    for requirement in factories.RequirementFactory.create_batch(27):
        requirement.categories.set([category])
    assert queries() <= few + 2
