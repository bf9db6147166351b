"""What the market tells each SME: its reach in rankings and the gaps that cost it most, exact on hand-built runs;
agency staff see the same over all SMEs by sector and country."""

import datetime as dt

import pytest
from django.utils import timezone

from matching import selectors
from matching.models import Match, MatchRun, ShortlistEntry
from tests import factories

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _gap(code, gain, **params):
    return {"code": code, "message": "", "params": params, "gain": gain}


ISO_9001 = "missing_preferred_certification"
READINESS = "no_readiness_diagnostic"


def _run(requirement, finished, rows, status=MatchRun.Status.SUCCEEDED):
    run = MatchRun.objects.create(requirement=requirement, status=status, finished_at=finished)
    for rank, (supplier, gaps) in enumerate(rows, start=1):
        Match.objects.create(run=run, supplier=supplier, rank=rank, score=1 - rank / 100, gaps=gaps)
    return run


@pytest.fixture
def market():
    me = factories.SupplierProfileFactory(organisation=factories.SmeFactory(country="CR"))
    rival = factories.SupplierProfileFactory(organisation=factories.SmeFactory(country="MX"))
    first, second, third, old = factories.RequirementFactory.create_batch(4)
    # The first requirement ran twice: only its latest ranking counts.
    _run(first, NOW - dt.timedelta(days=30), [(me, [_gap(ISO_9001, 0.10, standard="iso-9001")])])
    _run(
        first,
        NOW - dt.timedelta(days=20),
        [(rival, []), (me, [_gap(ISO_9001, 0.04, standard="iso-9001"), _gap(READINESS, 0.02)])],
    )
    _run(
        second,
        NOW - dt.timedelta(days=10),
        [(me, [_gap(ISO_9001, 0.06, standard="iso-9001")]), (rival, [_gap(ISO_9001, 0.05, standard="iso-9001")])],
    )
    _run(third, NOW - dt.timedelta(days=5), [(rival, [_gap(READINESS, 0.03)])])
    _run(old, NOW - dt.timedelta(days=400), [(me, [_gap(READINESS, 0.5)])])  # more than a year ago
    _run(third, NOW - dt.timedelta(days=1), [(me, [_gap(READINESS, 0.9)])], status=MatchRun.Status.FAILED)
    ShortlistEntry.objects.create(requirement=second, supplier=me)
    return {"me": me, "rival": rival}


def test_the_gaps_that_cost_most_are_exact(market):
    rows = selectors.costly_gaps(profile=market["me"], now=NOW)
    summary = [(row["code"], row["subject"], row["rankings"], round(row["average_gain"], 6)) for row in rows]
    assert summary == [(ISO_9001, "iso-9001", 2, 0.05), (READINESS, "", 1, 0.02)]


def test_the_reach_counts_latest_rankings_of_the_year(market):
    assert selectors.market_reach(profile=market["me"], now=NOW) == {
        "rankings": 2,
        "first_ten": 2,
        "shortlists": 1,
        "contacts": 0,
    }


def test_agency_staff_see_the_gaps_by_country(market):
    rows = selectors.market_gaps(group_by="country", now=NOW)
    summary = [(r["group"], r["code"], r["suppliers"], r["rankings"], round(r["average_gain"], 6)) for r in rows]
    assert summary == [
        ("CR", ISO_9001, 1, 2, 0.05),
        ("CR", READINESS, 1, 1, 0.02),
        ("MX", ISO_9001, 1, 1, 0.05),
        ("MX", READINESS, 1, 1, 0.03),
    ]


def test_the_pages_and_who_may_see_them(market, client):
    owner = factories.SmeOwnerFactory(membership=market["me"].organisation)
    client.force_login(owner)
    page = client.get("/market/").content.decode()
    assert 'data-gap="missing_preferred_certification"' in page
    assert "−5.0" in page
    assert market["rival"].organisation.legal_name not in page
    assert client.get("/market/gaps/").status_code == 403
    client.force_login(factories.BuyerOwnerFactory())
    assert client.get("/market/").status_code == 403
    client.force_login(factories.AgencyStaffFactory())
    gaps = client.get("/market/gaps/?by=country").content.decode()
    assert "Mexico" in gaps
    assert "Costa Rica" in gaps
    client.logout()
    assert client.get("/market/").status_code == 302
