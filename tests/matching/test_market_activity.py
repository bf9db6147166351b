"""What the market tells each SME (the rest of it): how often it appeared in buyers' supplier searches and was viewed,
shortlisted and contacted, per period, exact on hand-built data; and how complete its profile is, with the fixes."""

import datetime as dt

import pytest
from django.utils import timezone

from matching import selectors
from matching.models import ShortlistEntry
from suppliers import services as supplier_services
from suppliers.models import ExposureCount
from suppliers.selectors import exposure_totals, profile_completeness
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _counted_in_process(eager):
    """Exposure counts are a worker's job (suppliers.tasks.record_exposures): here the task runs in the process."""
    from config.celery import app

    eager(app)


@pytest.fixture
def suppliers():
    category = factories.CategoryFactory(code="42600000", name_en="Machine tools", lineage="/42000000/42600000/")
    me = factories.CapabilityFactory(category=category).profile
    rival = factories.CapabilityFactory(category=category).profile
    return {"me": me, "rival": rival}


def _counts(profile):
    return exposure_totals(profile=profile, since=timezone.localdate() - dt.timedelta(days=1))


def test_two_searches_by_a_buyer_are_two_appearances(suppliers, client):
    client.force_login(factories.BuyerOwnerFactory())
    assert client.get("/suppliers/search/?category=42600000").status_code == 200
    assert client.get("/suppliers/search/?q=cnc").status_code == 200
    assert _counts(suppliers["me"]) == {"search": 2, "view": 0}
    assert _counts(suppliers["rival"]) == {"search": 2, "view": 0}


def test_api_searches_and_views_count_too(suppliers, client_for):
    api = client_for(factories.BuyerOwnerFactory())
    assert api.get("/api/v1/suppliers/?category=42600000").status_code == 200
    assert api.get(f"/api/v1/suppliers/{suppliers['me'].pk}/").status_code == 200
    assert _counts(suppliers["me"]) == {"search": 1, "view": 1}
    assert _counts(suppliers["rival"]) == {"search": 1, "view": 0}


def test_views_by_buyers_and_agency_staff_count_a_self_view_does_not(suppliers, client, client_for):
    me = suppliers["me"]
    client.force_login(factories.BuyerOwnerFactory())
    client.get(f"/suppliers/{me.pk}/")
    client.force_login(factories.AgencyStaffFactory())
    client.get(f"/suppliers/{me.pk}/")
    own = factories.SmeOwnerFactory(membership=me.organisation)
    client.force_login(own)
    assert client.get(f"/suppliers/{me.pk}/").status_code == 200
    assert client_for(own).get(f"/api/v1/suppliers/{me.pk}/").status_code == 200
    assert _counts(me) == {"search": 0, "view": 2}


def test_agency_staffs_searches_are_not_the_markets(suppliers, client):
    client.force_login(factories.AgencyStaffFactory())
    assert client.get("/suppliers/search/?category=42600000").status_code == 200
    assert _counts(suppliers["me"]) == {"search": 0, "view": 0}


def test_refused_readers_count_nothing(suppliers, client):
    client.force_login(factories.SmeOwnerFactory())  # a competitor: 404, and no count
    assert client.get(f"/suppliers/{suppliers['me'].pk}/").status_code == 404
    client.force_login(factories.BuyerOwnerFactory(membership=factories.BuyerFactory(verification_status="pending")))
    assert client.get(f"/suppliers/{suppliers['me'].pk}/").status_code == 404  # an unverified buyer
    client.logout()
    client.get(f"/suppliers/{suppliers['me'].pk}/")
    assert _counts(suppliers["me"]) == {"search": 0, "view": 0}


def test_a_failed_count_never_fails_the_page(suppliers, client, monkeypatch):
    monkeypatch.setattr(ExposureCount._meta, "db_table", "no_such_table")
    client.force_login(factories.BuyerOwnerFactory())
    assert client.get("/suppliers/search/?category=42600000").status_code == 200
    assert client.get(f"/suppliers/{suppliers['me'].pk}/").status_code == 200
    monkeypatch.undo()
    assert _counts(suppliers["me"]) == {"search": 0, "view": 0}


def test_one_upsert_adds_to_the_days_count(suppliers, django_assert_num_queries):
    buyer = factories.BuyerOwnerFactory()
    list(buyer.memberships.all())
    profiles = [suppliers["me"], suppliers["rival"], suppliers["me"]]
    supplier_services.record_exposures(viewer=buyer, kind="search", profiles=profiles)
    buyer = type(buyer).objects.get(pk=buyer.pk)
    with django_assert_num_queries(5):  # is the viewer agency staff, its memberships, savepoint, the upsert, release
        supplier_services.record_exposures(viewer=buyer, kind="search", profiles=profiles)
    assert _counts(suppliers["me"]) == {"search": 4, "view": 0}
    assert _counts(suppliers["rival"]) == {"search": 2, "view": 0}


def test_activity_is_counted_per_period(suppliers):
    me = suppliers["me"]
    today = timezone.localdate()
    ExposureCount.objects.create(profile=me, day=today, kind="search", count=3)
    ExposureCount.objects.create(profile=me, day=today - dt.timedelta(days=40), kind="search", count=5)
    ExposureCount.objects.create(profile=me, day=today - dt.timedelta(days=400), kind="view", count=7)
    ExposureCount.objects.create(profile=me, day=today - dt.timedelta(days=2), kind="view", count=1)
    ExposureCount.objects.create(profile=suppliers["rival"], day=today, kind="view", count=9)
    requirement = factories.RequirementFactory()
    entry = ShortlistEntry.objects.create(requirement=requirement, supplier=me)
    ShortlistEntry.objects.filter(pk=entry.pk).update(added_at=timezone.now() - dt.timedelta(days=60))
    assert selectors.market_activity(profile=me) == {
        "month": {"searches": 3, "views": 1, "shortlists": 0, "contacts": 0},
        "year": {"searches": 8, "views": 1, "shortlists": 1, "contacts": 0},
    }


def test_completeness_is_exact_with_the_fixes_that_raise_it():
    organisation = factories.SmeFactory(city="San José", website="")
    profile = factories.SupplierProfileFactory(
        organisation=organisation, summary="Tornos", production_capacity="", quality_systems="ISO", published=False
    )
    factories.CapabilityFactory(profile=profile, monthly_capacity=None)
    factories.CertificationFactory(profile=profile)  # valid, without its document
    result = profile_completeness(profile=profile)
    # capabilities 20 + valid certificate 15 + summary 10 + quality systems 5
    assert result["score"] == 50
    assert [(fix["key"], fix["points"]) for fix in result["fixes"]] == [
        ("production_capacity", 10),
        ("capacity_figures", 10),
        ("diagnostic", 10),
        ("published", 10),
        ("certificate_documents", 5),
        ("location", 5),
    ]
    assert result["fixes"][0]["url"] == "/suppliers/onboarding/profile/"
    assert result["fixes"][-1]["url"] == "/accounts/organisation/"


def test_the_market_page_shows_counts_and_completeness_and_no_names(suppliers, client):
    me = suppliers["me"]
    buyer = factories.BuyerOwnerFactory()
    client.force_login(buyer)
    client.get("/suppliers/search/?category=42600000")
    client.get(f"/suppliers/{me.pk}/")
    client.force_login(factories.SmeOwnerFactory(membership=me.organisation))
    page = client.get("/market/").content.decode()
    assert page.count('<td data-label="Last 30 days">1</td>') == 2  # one search, one view
    assert 'id="completeness"' in page
    assert 'data-fix="diagnostic"' in page
    assert suppliers["rival"].organisation.legal_name not in page
    assert buyer.memberships.get().organisation.legal_name not in page
