"""What one supplier search costs in queries, pinned so it cannot creep back (issue 11: under load the search was
slower than the matches endpoint, at 11 queries for an API call and 16 for the page, session and user included),
and proof that reading the results' capabilities and certificates with the page (selectors.search_results) shows
what the models say."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from suppliers import selectors
from suppliers.models import Certification, SupplierProfile
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _counted_in_process(eager):
    """Exposure counts are a worker's job (suppliers.tasks.record_exposures): here the task runs in the process."""
    from config.celery import app

    eager(app)


TODAY = timezone.localdate()

# A buyer's API search with a word: may the user search? (one query that also tells whether the user is agency staff,
# remembered for the rest of the request), and the page with its count, its capabilities and certificates and the
# categories the words name (core.pagination.OneQueryPaginator; the categories were two queries of their own, and
# the user's role one more, before). The page
# adds the session, the user, the form's choices (countries, standards) and what base.html shows (organisation,
# notifications, programmes). Before: 9 (API) and 16 (page) for a buyer.
# After the response is sent, a buyer's search also has the page's suppliers counted as shown (suppliers.ExposureCount,
# the SME's market page) by a worker: one message from the web process, no query. Tests run tasks inline, so the
# worker's queries land here: the viewer, its memberships and one upsert (in savepoints). Agency staff's searches
# are not counted.
EXPOSURE_QUERIES = {"buyer": 6, "agency": 0}
# The API tests' client keeps one user object, whose role is then known: agency staff skip the first query.
API_QUERIES = {role: 2 - (role == "agency") + EXPOSURE_QUERIES[role] for role in EXPOSURE_QUERIES}
# The page: 9 and, since the navigation shows unread messages, their count.
PAGE_QUERIES = {role: 10 + EXPOSURE_QUERIES[role] for role in EXPOSURE_QUERIES}


def _suppliers(count):
    standard = factories.CertificationStandardFactory()
    for n in range(count):
        profile = factories.CapabilityFactory(description=f"Mecanizado de titanio, lote {n}").profile
        factories.CapabilityFactory(profile=profile, monthly_capacity=None, lead_time_days=None)
        factories.CertificationFactory(profile=profile, standard=standard)
        factories.CertificationFactory(
            profile=profile,
            standard=standard,
            issued_on=TODAY - dt.timedelta(days=900),
            expires_on=TODAY - dt.timedelta(days=1),
        )
        factories.MachineFactory(profile=profile)


@pytest.fixture
def users():
    return {"buyer": factories.BuyerOwnerFactory(), "agency": factories.AgencyStaffFactory()}


def _api_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.json()


@pytest.mark.parametrize("role", ["buyer", "agency"])
def test_an_api_search_costs_the_same_few_queries_for_3_or_30_results(role, users, client_for):
    client = client_for(users[role])
    _suppliers(3)
    _api_queries(client, "/api/v1/suppliers/")  # the user's role, checked once per user object, is now known
    few, found = _api_queries(client, "/api/v1/suppliers/?q=titanio")
    assert found["count"] == 3
    _suppliers(27)
    many, found = _api_queries(client, "/api/v1/suppliers/?q=titanio")
    assert found["count"] == 30
    assert len(found["results"]) == 25
    assert many == few
    assert many == API_QUERIES[role]


def test_the_api_query_count_is_pinned(users, client_for, django_assert_max_num_queries):
    _suppliers(30)
    buyer = client_for(users["buyer"])
    with django_assert_max_num_queries(API_QUERIES["buyer"]):
        assert buyer.get("/api/v1/suppliers/?q=titanio&page=2").json()["count"] == 30
    with django_assert_max_num_queries(API_QUERIES["buyer"]):
        assert len(buyer.get("/api/v1/suppliers/?ordering=-readiness").json()["results"]) == 25


@pytest.mark.parametrize("role", ["buyer", "agency"])
def test_the_search_page_query_count_is_pinned(role, users, django_assert_num_queries):
    _suppliers(30)
    client = Client()
    client.force_login(users[role])
    client.get("/suppliers/search/")  # the first page of a session may write it
    with django_assert_num_queries(PAGE_QUERIES[role]):
        response = client.get("/suppliers/search/", {"q": "titanio", "page": 2})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 30
    assert len(response.context["page"]) == 10


def _expected(profile):
    """A result's capabilities and certificates as the models themselves say (the way the search read them before)."""
    language = translation.get_language()
    with translation.override(language):
        capabilities = [
            {
                "id": capability.pk,
                "category": capability.category.code,
                "category_name": capability.category.name,
                "description": capability.description,
                "language": capability.language,
                "monthly_capacity": None
                if capability.monthly_capacity is None
                else f"{capability.monthly_capacity:.2f}",
                "capacity_unit": capability.capacity_unit,
                "lead_time_days": capability.lead_time_days,
            }
            for capability in profile.capabilities.select_related("category").order_by("pk")
        ]
    certifications = [
        {
            "id": certificate.pk,
            "standard": certificate.standard.code,
            "standard_name": certificate.standard.name,
            "effective_status": certificate.effective_status,
            "expires_on": certificate.expires_on.isoformat(),
        }
        for certificate in sorted(profile.certifications.select_related("standard"), key=lambda c: (c.expires_on, c.pk))
    ]
    return capabilities, certifications


def test_results_show_what_the_models_say_in_every_certificate_state(buyer_client):
    profile = factories.SupplierProfileFactory()
    # A scheme of their own: the factory's CPV codes may be the migrated vocabulary's, with its own names.
    spanish = factories.CategoryFactory(scheme="TEST", code="1", name_en="Titanium", name_es="Titanio")
    english_only = factories.CategoryFactory(scheme="TEST", code="2", name_en="Castings", name_es="")
    for category, capacity in ((english_only, Decimal("1234.5")), (spanish, None)):
        factories.CapabilityFactory(profile=profile, category=category, monthly_capacity=capacity)
    standard = factories.CertificationStandardFactory(code="iso-13485", name="ISO 13485")
    states = [
        {},  # valid today
        {"issued_on": TODAY - dt.timedelta(days=900), "expires_on": TODAY - dt.timedelta(days=1)},
        {"issued_on": TODAY + dt.timedelta(days=1), "expires_on": TODAY + dt.timedelta(days=400)},
        {"status": Certification.Status.SUSPENDED},
        {"status": Certification.Status.WITHDRAWN, "expires_on": TODAY + dt.timedelta(days=10)},
        {"verification_status": "rejected"},
        {"verification_status": "verified", "expires_on": TODAY},  # the last valid day
        {"issued_on": TODAY, "expires_on": TODAY + dt.timedelta(days=730)},  # same expiry as the first: by id
    ]
    for fields in states:
        factories.CertificationFactory(profile=profile, standard=standard, **fields)
    expected_statuses = {"active", "expired", "not_yet_valid", "suspended", "withdrawn", "rejected"}

    (result,) = buyer_client.get("/api/v1/suppliers/").json()["results"]
    capabilities, certifications = _expected(profile)
    assert result["capabilities"] == capabilities
    assert result["certifications"] == certifications
    assert {row["effective_status"] for row in result["certifications"]} == expected_statuses
    assert [row["monthly_capacity"] for row in result["capabilities"]] == ["1234.50", None]
    # Categories are named in the active language, as Category.name does, English where there is no translation.
    for language, names in (("en", ["Castings", "Titanium"]), ("es", ["Castings", "Titanio"])):
        with translation.override(language):
            (found,) = selectors.summarise_results(selectors.search_results(SupplierProfile.objects.all()))
            assert found.capability_summaries == _expected(profile)[0]
        assert [row["category_name"] for row in found.capability_summaries] == names


def test_the_page_marks_valid_certificates_and_names_categories(buyer_owner):
    profile = factories.CapabilityFactory(
        category=factories.CategoryFactory(scheme="TEST", code="1", name_en="Titanium", name_es="Titanio")
    ).profile
    standard = factories.CertificationStandardFactory(code="haccp", name="HACCP")
    factories.CertificationFactory(profile=profile)
    factories.CertificationFactory(
        profile=profile, standard=standard, issued_on=TODAY - dt.timedelta(days=900), expires_on=TODAY - dt.timedelta(1)
    )
    client = Client()
    client.force_login(buyer_owner)
    page = client.get("/suppliers/search/").content.decode()
    assert '<span class="badge ok">ISO 9001</span>' in page
    assert '<span class="badge neutral">HACCP</span>' in page
    assert "<div>Titanium</div>" in page


def test_a_result_is_what_drfs_own_fields_would_write(buyer_client):
    """The results are written without DRF's field-by-field machinery (suppliers.api.SupplierSearchResultSerializer):
    the same page through DRF's fields must be the same JSON, empty and null values included."""
    from rest_framework import serializers

    from suppliers.api import (
        CapabilitySummarySerializer,
        CertificationSummarySerializer,
        SupplierSearchResultSerializer,
    )

    _suppliers(2)
    bare = factories.SupplierProfileFactory(
        organisation__trade_name="", organisation__employees=None, organisation__women_employees=None
    )
    factories.CapabilityFactory(profile=bare, monthly_capacity=Decimal("0.5"), lead_time_days=None)
    verified = SupplierProfile.objects.exclude(pk=bare.pk).first()
    SupplierProfile.objects.filter(pk=verified.pk).update(
        verification_status="verified", verified_at=timezone.now(), readiness_score=Decimal("71.5")
    )
    page = selectors.summarise_results(selectors.search_results(SupplierProfile.objects.order_by("pk")))
    assert len(page) == 3

    def by_fields(profile):
        written = serializers.ModelSerializer.to_representation(SupplierSearchResultSerializer(), profile)
        capability, certification = CapabilitySummarySerializer(), CertificationSummarySerializer()
        written["capabilities"] = [
            serializers.Serializer.to_representation(capability, row) for row in profile.capability_summaries
        ]
        written["certifications"] = [
            serializers.Serializer.to_representation(certification, row) for row in profile.certification_summaries
        ]
        return written

    written = SupplierSearchResultSerializer(page, many=True).data
    assert [dict(result) for result in written] == [by_fields(profile) for profile in page]
    assert {result["verified_at"] is None for result in written} == {True, False}
    assert None in {result["organisation"]["employees"] for result in written}
    assert buyer_client.get("/api/v1/suppliers/?ordering=-readiness").json()["results"][0]["readiness_score"] == "71.50"


def test_the_api_orders_as_asked_and_refuses_an_unknown_order(buyer_client):
    for name, score in (("Alfa", None), ("Beta", Decimal("40")), ("Gamma", Decimal("90"))):
        profile = factories.SupplierProfileFactory(organisation__legal_name=name)
        SupplierProfile.objects.filter(pk=profile.pk).update(readiness_score=score)

    def names(**params):
        response = buyer_client.get("/api/v1/suppliers/", params)
        assert response.status_code == 200
        return [row["organisation"]["legal_name"] for row in response.json()["results"]]

    assert names() == ["Alfa", "Beta", "Gamma"]
    assert names(ordering="-readiness") == ["Gamma", "Beta", "Alfa"]
    refused = buyer_client.get("/api/v1/suppliers/", {"ordering": "price"})
    assert refused.status_code == 400
    assert "ordering" in refused.json()["errors"]
