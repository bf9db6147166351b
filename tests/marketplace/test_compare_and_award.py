"""The buyer's comparison (USD with the agency's rates, certificates, ranking) and the award."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from buyers.models import Requirement
from linkages.models import Stage
from marketplace import selectors, services
from marketplace.models import ResponseStatus
from matching.models import Match, MatchRun, ShortlistEntry
from notifications.models import Notification
from reporting.models import ExchangeRate
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def quotes(market, quote):
    """A quotes USD 12.50, B quotes CRC 5,000 (rate 500 → USD 10), C quotes in EUR without a rate; D declined."""
    ExchangeRate.objects.create(currency="CRC", units_per_usd=Decimal("500"), valid_from=dt.date(2020, 1, 1))
    ExchangeRate.objects.create(currency="CRC", units_per_usd=Decimal("400"), valid_from=dt.date(2019, 1, 1))
    a = services.submit_response(actor=market.sme_a, requirement=market.requirement, **{**quote, "lead_time_days": 20})
    b = services.submit_response(
        actor=market.sme_b,
        requirement=market.requirement,
        **{**quote, "price": "5000", "currency": "CRC", "lead_time_days": 45},
    )
    c_user = factories.SmeOwnerFactory()
    factories.SupplierProfileFactory(organisation=c_user.memberships.get().organisation)
    c = services.submit_response(
        actor=c_user, requirement=market.requirement, **{**quote, "price": "1", "currency": "EUR", "lead_time_days": 5}
    )
    d_user = factories.SmeOwnerFactory()
    factories.SupplierProfileFactory(organisation=d_user.memberships.get().organisation)
    d = services.submit_response(
        actor=d_user, requirement=market.requirement, kind="decline", decline_reason="no_capacity"
    )
    return {"a": a, "b": b, "c": c, "d": d, "c_user": c_user, "d_user": d_user}


def test_prices_in_usd_with_the_agencys_rates(market, quotes):
    result = selectors.comparison(requirement=market.requirement, sort="price")
    rows = {row.response.pk: row for row in result["rows"]}
    assert rows[quotes["a"].pk].price_usd == Decimal("12.50")
    assert rows[quotes["b"].pk].price_usd == Decimal("10.00")  # the latest rate, 500, not the older 400
    assert rows[quotes["b"].pk].response.price == Decimal("5000.0000")  # the original kept
    assert rows[quotes["b"].pk].response.currency == "CRC"
    assert rows[quotes["c"].pk].price_usd is None
    assert rows[quotes["c"].pk].no_rate
    assert not rows[quotes["d"].pk].no_rate  # a decline has no price to convert
    # Cheapest in USD first; those without a USD price last.
    assert [row.response.pk for row in result["rows"]][:2] == [quotes["b"].pk, quotes["a"].pk]


def test_sorting_and_filters(market, quotes):
    by_lead = [
        row.response.pk for row in selectors.comparison(requirement=market.requirement, sort="lead_time")["rows"]
    ]
    assert by_lead[:3] == [quotes["c"].pk, quotes["a"].pk, quotes["b"].pk]
    only_quotes = selectors.comparison(requirement=market.requirement, kind="quote")["rows"]
    assert quotes["d"].pk not in [row.response.pk for row in only_quotes]
    ShortlistEntry.objects.create(requirement=market.requirement, supplier=market.supplier_b)
    shortlisted = selectors.comparison(requirement=market.requirement, shortlisted_only=True)["rows"]
    assert [row.response.pk for row in shortlisted] == [quotes["b"].pk]


def test_certificates_valid_on_the_needed_by_day(market, quotes):
    iso = factories.CertificationStandardFactory(code="iso-13485", name="ISO 13485")
    factories.RequiredCertificationFactory(requirement=market.requirement, standard=iso, mandatory=True)
    factories.CertificationFactory(profile=market.supplier_a, standard=iso)
    # B's certificate expires before the requirement is needed.
    factories.CertificationFactory(
        profile=market.supplier_b, standard=iso, expires_on=market.requirement.needed_by - dt.timedelta(days=1)
    )
    rows = {row.response.pk: row for row in selectors.comparison(requirement=market.requirement)["rows"]}
    assert rows[quotes["a"].pk].certificates == ["ISO 13485"]
    assert rows[quotes["a"].pk].missing_mandatory == []
    assert rows[quotes["b"].pk].certificates == []
    assert rows[quotes["b"].pk].missing_mandatory == ["ISO 13485"]
    certified = selectors.comparison(requirement=market.requirement, certified_only=True)["rows"]
    assert [row.response.pk for row in certified] == [quotes["a"].pk]


def test_the_engines_latest_finished_ranking_beside_the_responses(market, quotes):
    older = MatchRun.objects.create(
        requirement=market.requirement, status=MatchRun.Status.SUCCEEDED, finished_at=timezone.now() - dt.timedelta(1)
    )
    Match.objects.create(run=older, supplier=market.supplier_a, rank=9, score=0.1)
    run = MatchRun.objects.create(
        requirement=market.requirement, status=MatchRun.Status.SUCCEEDED, finished_at=timezone.now()
    )
    gap = {"code": "unknown_gap", "message": "Needs more capacity", "params": {}, "gain": 0.05}
    Match.objects.create(run=run, supplier=market.supplier_a, rank=1, score=0.81, gaps=[gap])
    Match.objects.create(run=run, supplier=market.supplier_b, rank=2, score=0.64)
    MatchRun.objects.create(requirement=market.requirement, status=MatchRun.Status.QUEUED)  # not finished: ignored
    result = selectors.comparison(requirement=market.requirement, sort="score")
    assert result["run"] == run
    rows = result["rows"]
    assert [(row.rank, row.score) for row in rows[:2]] == [(1, 0.81), (2, 0.64)]
    assert rows[0].gaps[0]["message"] == "Needs more capacity"
    assert rows[2].rank is None


def test_the_comparison_api_and_page(market, quotes, client_for, client):
    answer = client_for(market.buyer).get(
        f"/api/v1/requirements/{market.requirement.pk}/responses/comparison/", {"sort": "price"}
    )
    assert answer.status_code == 200
    body = answer.json()
    first = body["rows"][0]
    assert first["response"]["currency"] == "CRC"
    assert first["price_usd"] == "10.00"
    assert any(row["no_rate"] for row in body["rows"])
    bad = client_for(market.buyer).get(
        f"/api/v1/requirements/{market.requirement.pk}/responses/comparison/", {"sort": "x"}
    )
    assert bad.status_code == 400
    client.force_login(market.buyer)
    page = client.get(f"/responses/requirements/{market.requirement.pk}/compare/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "USD\xa010.00" in html
    assert "CRC\xa05,000.00" in html
    assert "No rate for EUR" in html
    assert 'id="award-button"' in html


def test_award_moves_the_linkages_and_tells_the_others(market, quotes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        awarded = services.award(actor=market.buyer, requirement=market.requirement, suppliers=[market.supplier_a])
    assert [r.pk for r in awarded] == [quotes["a"].pk]
    market.requirement.refresh_from_db()
    assert market.requirement.status == Requirement.Status.AWARDED
    for key in "abcd":
        quotes[key].refresh_from_db()
    assert quotes["a"].status == ResponseStatus.AWARDED
    assert quotes["a"].linkage.stage == Stage.NEGOTIATION
    assert quotes["b"].status == ResponseStatus.NOT_AWARDED
    assert quotes["b"].linkage.stage == Stage.CONTACTED
    assert quotes["d"].status == ResponseStatus.NOT_AWARDED
    won = Notification.objects.get(kind=Notification.Kind.AWARD, recipient=market.sme_a)
    assert won.params["awarded"] is True
    lost = Notification.objects.get(kind=Notification.Kind.AWARD, recipient=market.sme_b)
    assert lost.params["awarded"] is False
    assert "Thank you" in lost.body
    assert Notification.objects.filter(kind=Notification.Kind.AWARD, recipient=quotes["c_user"]).exists()
    # The supplier that declined is not told it lost.
    assert not Notification.objects.filter(kind=Notification.Kind.AWARD, recipient=quotes["d_user"]).exists()


def test_the_not_awarded_words_follow_the_readers_language(market, quotes, django_capture_on_commit_callbacks):
    market.sme_b.preferred_language = "es"
    market.sme_b.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.award(actor=market.buyer, requirement=market.requirement, suppliers=[market.supplier_a])
    lost = Notification.objects.get(kind=Notification.Kind.AWARD, recipient=market.sme_b)
    # Stored as kind and facts: the inbox words them in the reader's language when shown.
    assert lost.params == {"requirement": market.requirement.title, "buyer": "Global Devices Inc.", "awarded": False}


def test_award_to_several_suppliers(market, quotes):
    services.award(
        actor=market.agency, requirement=market.requirement, suppliers=[market.supplier_a, market.supplier_b]
    )
    quotes["b"].refresh_from_db()
    assert quotes["b"].status == ResponseStatus.AWARDED
    assert quotes["b"].linkage.stage == Stage.NEGOTIATION


def test_award_refusals(market, quotes):
    with pytest.raises(PermissionDenied):
        services.award(actor=market.buyer_viewer, requirement=market.requirement, suppliers=[market.supplier_a])
    with pytest.raises(PermissionDenied):
        services.award(actor=market.sme_a, requirement=market.requirement, suppliers=[market.supplier_a])
    with pytest.raises(ValidationError) as error:
        services.award(actor=market.buyer, requirement=market.requirement, suppliers=[quotes["d"].supplier])
    assert "suppliers" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.award(actor=market.buyer, requirement=market.requirement, suppliers=[])
    Requirement.objects.filter(pk=market.requirement.pk).update(status=Requirement.Status.CLOSED)
    with pytest.raises(ValidationError) as error:
        services.award(actor=market.buyer, requirement=market.requirement, suppliers=[market.supplier_a])
    assert "requirement" in error.value.message_dict


def test_shortlist_through_the_marketplace(market, quotes, client_for):
    url = f"/api/v1/requirements/{market.requirement.pk}/responses/shortlist/"
    answer = client_for(market.buyer).post(url, {"supplier": market.supplier_b.pk, "shortlisted": True}, format="json")
    assert answer.status_code == 200
    assert ShortlistEntry.objects.filter(requirement=market.requirement, supplier=market.supplier_b).exists()
    stranger = factories.SupplierProfileFactory()
    answer = client_for(market.buyer).post(url, {"supplier": stranger.pk, "shortlisted": True}, format="json")
    assert answer.status_code == 400
    assert (
        client_for(market.buyer_viewer).post(url, {"supplier": market.supplier_a.pk, "shortlisted": True}).status_code
        == 403
    )
    assert (
        client_for(market.sme_a).post(url, {"supplier": market.supplier_a.pk, "shortlisted": True}).status_code == 404
    )


def test_award_through_the_page(market, quotes, client):
    client.force_login(market.buyer)
    answer = client.post(
        f"/responses/requirements/{market.requirement.pk}/award/", {"suppliers": [market.supplier_a.pk]}
    )
    assert answer.status_code == 302
    quotes["a"].refresh_from_db()
    assert quotes["a"].status == ResponseStatus.AWARDED
    client.force_login(market.other_buyer)
    assert client.post(f"/responses/requirements/{market.requirement.pk}/award/", {"suppliers": [1]}).status_code == 404
