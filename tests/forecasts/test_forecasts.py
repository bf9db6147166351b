"""Demand forecasts: services (horizon, volumes, publishing, ranking job, interests), the API per role, the pages."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Membership, Organisation
from forecasts import services
from forecasts.models import DemandForecast, ForecastFit, ForecastInterest, ForecastMatchRun
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
API = "/api/v1/forecasts/"


@pytest.fixture
def world():
    """A verified buyer (owner and viewer), a category with a supplier that fits and one that does not, another SME
    and a competitor buyer."""
    machining = factories.CategoryFactory(code="42600000", name_en="Machine tools", lineage="/42000000/42600000/")
    dairy = factories.CategoryFactory(code="15500000", name_en="Dairy products", lineage="/15000000/15500000/")
    fit = factories.CapabilityFactory(
        category=machining, description="Mecanizado CNC de titanio grado 5 para implantes ortopédicos"
    ).profile
    off = factories.CapabilityFactory(category=dairy, description="Quesos frescos", keywords=["queso"]).profile
    fit_owner = factories.UserFactory()
    factories.MembershipFactory(user=fit_owner, organisation=fit.organisation)
    off_owner = factories.UserFactory()
    factories.MembershipFactory(user=off_owner, organisation=off.organisation)
    fit_viewer = factories.UserFactory()
    factories.MembershipFactory(user=fit_viewer, organisation=fit.organisation, role=Membership.Role.VIEWER)
    buyer_owner = factories.BuyerOwnerFactory()
    buyer = buyer_owner.memberships.get().organisation
    buyer_viewer = factories.UserFactory()
    factories.MembershipFactory(user=buyer_viewer, organisation=buyer, role=Membership.Role.VIEWER)
    competitor = factories.BuyerOwnerFactory()
    return {
        "machining": machining,
        "fit": fit,
        "off": off,
        "fit_owner": fit_owner,
        "off_owner": off_owner,
        "fit_viewer": fit_viewer,
        "buyer": buyer,
        "buyer_owner": buyer_owner,
        "buyer_viewer": buyer_viewer,
        "competitor": competitor,
        "agency": factories.AgencyStaffFactory(),
    }


def _payload(**overrides):
    data = {
        "title": "Titanium implant parts, next three years",
        "description": "CNC machining of titanium Ti-6Al-4V for orthopaedic implants",
        "categories": ["42600000"],
        "start_year": YEAR + 1,
        "end_year": YEAR + 3,
        "confidence": "high",
        "local_share_target": "40",
        "local_content_note": "We want half of the machining done in the country by the third year.",
        "visibility": "public",
        "delivery_country": "CR",
        "volumes": [
            {"year": YEAR + 1, "quantity": "10000", "unit": "pieces", "estimated_value": "250000", "currency": "USD"},
            {"year": YEAR + 2, "quantity": "15000", "unit": "pieces", "estimated_value": "375000", "currency": "EUR"},
        ],
    }
    data.update(overrides)
    return data


def _forecast(world, **kwargs):
    kwargs.setdefault("categories", [world["machining"]])
    return factories.DemandForecastFactory(buyer=world["buyer"], **kwargs)


# -- services: bad input -------------------------------------------------------------------------------------------


def _create(world, **overrides):
    data = _payload(**overrides)
    data.pop("categories")
    return services.create_forecast(
        buyer=world["buyer"], created_by=world["buyer_owner"], categories=[world["machining"]], **data
    )


def test_a_forecast_is_drafted_with_its_volumes(world):
    forecast = _create(world)
    assert forecast.status == DemandForecast.Status.DRAFT
    assert [(v.year, v.quantity, v.currency) for v in forecast.volumes.order_by("year")] == [
        (YEAR + 1, Decimal("10000.00"), "USD"),
        (YEAR + 2, Decimal("15000.00"), "EUR"),
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start_year": YEAR - 1, "end_year": YEAR + 1}, "start_year"),
        ({"start_year": YEAR + 1, "end_year": YEAR + 4, "volumes": []}, "end_year"),
        ({"start_year": YEAR + 2, "end_year": YEAR + 1, "volumes": []}, "end_year"),
        ({"volumes": [{"year": YEAR + 1, "quantity": "-5", "unit": "pieces"}]}, "volumes"),
        ({"volumes": [{"year": YEAR + 1, "quantity": "5", "unit": "pieces", "currency": "XYZ"}]}, "volumes"),
        ({"volumes": [{"year": YEAR + 5, "quantity": "5", "unit": "pieces"}]}, "volumes"),
        ({"volumes": [{"year": YEAR + 1, "quantity": "5", "unit": "pieces", "estimated_value": "-1"}]}, "volumes"),
        ({"volumes": [{"year": YEAR + 1, "quantity": "5", "unit": ""}]}, "volumes"),
        ({"volumes": [{"year": None, "quantity": "5", "unit": "t"}]}, "volumes"),
        ({"confidence": "certain"}, "confidence"),
        ({"local_share_target": Decimal("120")}, "local_share_target"),
    ],
)
def test_bad_forecasts_are_field_errors(world, overrides, field):
    with pytest.raises(ValidationError) as error:
        _create(world, **overrides)
    assert field in error.value.message_dict


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start_year": YEAR - 1, "end_year": YEAR + 1}, "start_year"),
        ({"start_year": YEAR, "end_year": YEAR + 5, "volumes": []}, "end_year"),
        ({"volumes": [{"year": YEAR + 1, "quantity": "-5", "unit": "pieces"}]}, "volumes"),
        ({"volumes": [{"year": YEAR + 1, "quantity": "5", "unit": "pieces", "currency": "XYZ"}]}, "volumes"),
        ({"volumes": [{"year": YEAR + 7, "quantity": "5", "unit": "pieces"}]}, "volumes"),
    ],
)
def test_the_api_answers_bad_forecasts_with_field_errors(world, client_for, overrides, field):
    response = client_for(world["buyer_owner"]).post(API, _payload(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


# -- publishing and ranking --------------------------------------------------------------------------------------


def test_an_unverified_buyer_cannot_publish(world, client_for):
    world["buyer"].verification_status = Organisation.VerificationStatus.PENDING
    world["buyer"].save()
    client = client_for(world["buyer_owner"])
    created = client.post(API, _payload(), format="json")
    assert created.status_code == 201, created.content
    response = client.post(f"{API}{created.json()['id']}/transition/", {"status": "published"}, format="json")
    assert response.status_code == 403
    assert DemandForecast.objects.get().status == DemandForecast.Status.DRAFT


def test_viewers_cannot_write(world, client_for):
    forecast = _forecast(world, status=DemandForecast.Status.DRAFT, published_at=None)
    viewer = client_for(world["buyer_viewer"])
    assert viewer.get(f"{API}{forecast.pk}/").status_code == 200
    assert viewer.post(API, _payload(), format="json").status_code == 403
    assert viewer.patch(f"{API}{forecast.pk}/", {"title": "x"}, format="json").status_code == 403
    assert viewer.post(f"{API}{forecast.pk}/transition/", {"status": "published"}, format="json").status_code == 403
    forecast.refresh_from_db()
    assert forecast.status == DemandForecast.Status.DRAFT
    sme_viewer = client_for(world["fit_viewer"])
    published = _forecast(world)
    response = sme_viewer.put(f"{API}{published.pk}/interests/", _interest(published), format="json")
    assert response.status_code == 403
    assert not ForecastInterest.objects.exists()


@pytest.fixture
def sent(monkeypatch):
    """The ids of the runs whose message left after commit (the worker is played by the test)."""
    ids = []
    monkeypatch.setattr(services, "_send", ids.append)
    return ids


def _work(run_id, capture):
    """What the worker does with a run's message; the signals it sends on commit run too."""
    with capture(execute=True):
        return services.execute_match_run(run_id=run_id)


def test_publishing_ranks_suppliers_in_a_job_and_tells_the_best_fits(
    world, client_for, django_capture_on_commit_callbacks, sent
):
    client = client_for(world["buyer_owner"])
    created = client.post(API, _payload(), format="json").json()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{API}{created['id']}/transition/", {"status": "published"}, format="json")
    assert response.status_code == 200, response.content
    run = ForecastMatchRun.objects.get()
    assert sent == [run.pk]
    assert run.status == ForecastMatchRun.Status.QUEUED  # never ranked inside the request
    assert not ForecastFit.objects.exists()
    _work(run.pk, django_capture_on_commit_callbacks)
    run.refresh_from_db()
    assert run.status == ForecastMatchRun.Status.SUCCEEDED
    assert run.trigger == ForecastMatchRun.Trigger.PUBLISHED
    fits = list(ForecastFit.objects.filter(forecast_id=created["id"]).order_by("rank"))
    assert fits[0].supplier == world["fit"]
    assert [fit.rank for fit in fits] == list(range(1, len(fits) + 1))
    told = Notification.objects.filter(kind=Notification.Kind.FORECAST)
    assert told.filter(recipient=world["fit_owner"]).exists()
    assert YEAR + 1 in [int(told.first().params["start_year"])]
    # The buyer's list of fits, with gaps; a competitor never sees it (404).
    listed = client.get(f"{API}{created['id']}/fits/").json()
    assert listed[0]["supplier"] == world["fit"].pk
    assert client_for(world["competitor"]).get(f"{API}{created['id']}/fits/").status_code == 404


def test_an_edit_of_a_published_forecast_ranks_it_again(world, django_capture_on_commit_callbacks, sent):
    forecast = _forecast(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_forecast(forecast=forecast, actor=world["buyer_owner"], title="Titanium parts, revised")
    run = ForecastMatchRun.objects.get(forecast=forecast, trigger=ForecastMatchRun.Trigger.CHANGED)
    assert sent == [run.pk]
    _work(run.pk, django_capture_on_commit_callbacks)
    assert ForecastFit.objects.filter(forecast=forecast, supplier=world["fit"]).exists()


def test_an_edit_that_shortens_the_horizon_drops_the_years_outside_it(world):
    forecast = _forecast(world, status=DemandForecast.Status.DRAFT)
    services.update_forecast(forecast=forecast, actor=world["buyer_owner"], end_year=YEAR + 2)
    assert sorted(forecast.volumes.values_list("year", flat=True)) == [YEAR + 1, YEAR + 2]


def test_a_draft_without_volumes_is_not_published(world):
    forecast = _forecast(world, status=DemandForecast.Status.DRAFT, volumes=[])
    with pytest.raises(ValidationError) as error:
        services.change_status(forecast=forecast, actor=world["buyer_owner"], to_status="published")
    assert "volumes" in error.value.message_dict


def test_the_engine_query_is_built_from_the_forecast(world):
    forecast = _forecast(world, volumes=[100, 300, 200])
    record = services.forecast_record(forecast)
    assert record.categories == (("CPV", "42600000"),)
    assert record.quantity == 300.0
    assert record.delivery_country == "CR"
    assert "titanium" in record.text().lower()


# -- visibility ----------------------------------------------------------------------------------------------------


def test_invitation_only_and_agency_only_forecasts_are_404_to_others(world, client_for):
    invited = _forecast(world, visibility=DemandForecast.Visibility.INVITED)
    agency_only = _forecast(world, visibility=DemandForecast.Visibility.AGENCY)
    draft = _forecast(world, status=DemandForecast.Status.DRAFT)
    sme = client_for(world["off_owner"])
    for forecast in (invited, agency_only, draft):
        assert sme.get(f"{API}{forecast.pk}/").status_code == 404
        assert client_for(world["competitor"]).get(f"{API}{forecast.pk}/").status_code == 404
    assert client_for(world["agency"]).get(f"{API}{agency_only.pk}/").status_code == 200
    services.invite_suppliers(forecast=invited, actor=world["buyer_owner"], suppliers=[world["off"]])
    assert sme.get(f"{API}{invited.pk}/").status_code == 200
    listed = {row["id"] for row in sme.get(API).json()["results"]}
    assert listed == {invited.pk}


def test_anonymous_visitors_see_nothing(world, api_client):
    forecast = _forecast(world)
    assert api_client.get(API).status_code in (401, 403)
    assert api_client.get(f"{API}{forecast.pk}/").status_code in (401, 403)


def test_a_competitor_sees_neither_the_forecast_nor_its_interests(world, client_for):
    forecast = _forecast(world)
    factories.ForecastInterestFactory(forecast=forecast, supplier=world["fit"])
    competitor = client_for(world["competitor"])
    assert competitor.get(f"{API}{forecast.pk}/interests/").status_code == 404
    assert competitor.get(API).json()["results"] == []


# -- "we could supply this" ---------------------------------------------------------------------------------------


def _interest(forecast, **overrides):
    data = {
        "capacity_quantity": "6000",
        "capacity_unit": "pieces",
        "capacity_note": "Two shifts on our 5-axis centre",
        "investment_amount": "150000",
        "investment_currency": "USD",
        "investment_purpose": "A second 5-axis machining centre",
        "from_year": forecast.start_year + 1,
    }
    data.update(overrides)
    return data


def test_an_sme_says_it_could_supply_and_the_buyer_is_told(world, client_for, django_capture_on_commit_callbacks):
    forecast = _forecast(world)
    sme = client_for(world["fit_owner"])
    with django_capture_on_commit_callbacks(execute=True):
        response = sme.put(f"{API}{forecast.pk}/interests/", _interest(forecast), format="json")
    assert response.status_code == 201, response.content
    assert Notification.objects.filter(
        recipient=world["buyer_owner"], kind=Notification.Kind.FORECAST_INTEREST
    ).exists()
    with django_capture_on_commit_callbacks(execute=True):
        revised = sme.put(
            f"{API}{forecast.pk}/interests/", _interest(forecast, capacity_quantity="8000"), format="json"
        )
    assert revised.status_code == 200
    interest = ForecastInterest.objects.get()
    assert (interest.capacity_quantity, interest.revisions) == (Decimal("8000.00"), 1)
    assert Notification.objects.filter(recipient=world["buyer_owner"], kind="forecast_interest").count() == 2
    seen = client_for(world["buyer_viewer"]).get(f"{API}{forecast.pk}/interests/").json()
    assert [row["supplier"] for row in seen] == [world["fit"].pk]
    assert seen[0]["investment_amount"] == "150000.00"


def test_an_sme_never_sees_another_smes_interest_or_fit(world, client_for):
    forecast = _forecast(world)
    factories.ForecastInterestFactory(forecast=forecast, supplier=world["fit"])
    ForecastFit.objects.create(forecast=forecast, supplier=world["fit"], rank=1, score=0.8, computed_at=timezone.now())
    other = client_for(world["off_owner"])
    assert other.get(f"{API}{forecast.pk}/interests/").json() == []
    assert other.get(f"{API}{forecast.pk}/fits/").json() == []
    own = client_for(world["fit_owner"])
    assert [row["supplier"] for row in own.get(f"{API}{forecast.pk}/fits/").json()] == [world["fit"].pk]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"from_year": YEAR + 9}, "from_year"),
        ({"investment_currency": "ABC"}, "investment_currency"),
        ({"investment_amount": "-10"}, "investment_amount"),
        ({"capacity_quantity": "0"}, "capacity_quantity"),
    ],
)
def test_bad_interests_are_field_errors(world, client_for, overrides, field):
    forecast = _forecast(world)
    response = client_for(world["fit_owner"]).put(
        f"{API}{forecast.pk}/interests/", _interest(forecast, **overrides), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_no_interest_in_a_withdrawn_or_draft_forecast(world, client_for):
    withdrawn = _forecast(world, status=DemandForecast.Status.WITHDRAWN)
    sme = client_for(world["fit_owner"])
    response = sme.put(f"{API}{withdrawn.pk}/interests/", _interest(withdrawn), format="json")
    assert response.status_code == 400
    assert "forecast" in response.json()["errors"]
    draft = _forecast(world, status=DemandForecast.Status.DRAFT)
    assert sme.put(f"{API}{draft.pk}/interests/", _interest(draft), format="json").status_code == 404
    with pytest.raises(PermissionDenied):
        services.register_interest(forecast=draft, actor=world["fit_owner"], **_interest(draft))
    assert not ForecastInterest.objects.exists()


def test_a_buyer_cannot_register_interest(world):
    forecast = _forecast(world)
    with pytest.raises(PermissionDenied):
        services.register_interest(forecast=forecast, actor=world["competitor"], **_interest(forecast))


# -- pages ---------------------------------------------------------------------------------------------------------


def test_pages_per_role(world, client):
    forecast = _forecast(world, title="Implant parts plan")
    factories.ForecastInterestFactory(forecast=forecast, supplier=world["fit"], investment_purpose="New lathe")
    client.force_login(world["buyer_viewer"])
    page = client.get(f"/forecasts/{forecast.pk}/").content.decode()
    assert "New lathe" in page
    assert "Confidence: Medium" in page
    client.force_login(world["off_owner"])
    page = client.get(f"/forecasts/{forecast.pk}/").content.decode()
    assert "New lathe" not in page
    assert 'id="interest-form"' in page
    assert "Implant parts plan" in client.get("/forecasts/").content.decode()
    client.force_login(world["competitor"])
    assert client.get(f"/forecasts/{forecast.pk}/").status_code == 404
    assert "Implant parts plan" not in client.get("/forecasts/").content.decode()


def test_the_page_form_drafts_a_forecast_and_shows_errors_by_field(world, client):
    client.force_login(world["buyer_owner"])
    assert client.get("/forecasts/new/").status_code == 200
    data = {
        "title": "Packaging film",
        "description": "Printed polyethylene film",
        "category_codes": "42600000",
        "start_year": YEAR + 1,
        "end_year": YEAR + 2,
        "confidence": "low",
        "visibility": "public",
        "year_0": YEAR + 1,
        "quantity_0": "120",
        "unit_0": "t",
        "value_0": "300000",
        "currency_0": "USD",
    }
    response = client.post("/forecasts/new/", data)
    assert response.status_code == 302
    forecast = DemandForecast.objects.get(title="Packaging film")
    assert list(forecast.volumes.values_list("year", "unit")) == [(YEAR + 1, "t")]
    bad = client.post("/forecasts/new/", {**data, "title": "Bad", "end_year": YEAR + 6})
    assert bad.status_code == 400
    assert "looks at most" in bad.content.decode()
    negative = client.post("/forecasts/new/", {**data, "title": "Bad", "quantity_0": "-3"})
    assert negative.status_code == 400
    assert not DemandForecast.objects.filter(title="Bad").exists()


def test_an_sme_answers_from_the_page(world, client):
    forecast = _forecast(world)
    client.force_login(world["fit_owner"])
    response = client.post(
        f"/forecasts/{forecast.pk}/interest/", {**_interest(forecast), "from_year": str(forecast.start_year)}
    )
    assert response.status_code == 302
    assert ForecastInterest.objects.get().supplier == world["fit"]
    bad = client.post(f"/forecasts/{forecast.pk}/interest/", {**_interest(forecast), "investment_currency": "ZZZ"})
    assert bad.status_code == 400
    assert "ISO 4217" in bad.content.decode()


# -- who is told ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("visibility", ["invited", "agency"])
def test_a_confidential_forecast_is_news_only_to_the_invited(world, django_capture_on_commit_callbacks, visibility):
    forecast = _forecast(world, visibility=visibility)
    services.invite_suppliers(forecast=forecast, actor=world["buyer_owner"], suppliers=[world["off"]])
    run = ForecastMatchRun.objects.create(forecast=forecast)
    with django_capture_on_commit_callbacks(execute=True):
        services.execute_match_run(run_id=run.pk)
    assert forecast.fits.filter(supplier=world["fit"], rank=1).exists()
    told = set(Notification.objects.filter(kind=Notification.Kind.FORECAST).values_list("recipient_id", flat=True))
    assert world["fit_owner"].pk not in told
    if visibility == "invited":
        assert world["off_owner"].pk in told
    else:
        assert told == set()


def test_a_second_ranking_tells_nobody_twice(world, django_capture_on_commit_callbacks):
    forecast = _forecast(world)
    for _time in range(2):
        run = ForecastMatchRun.objects.create(forecast=forecast)
        with django_capture_on_commit_callbacks(execute=True):
            services.execute_match_run(run_id=run.pk)
    assert Notification.objects.filter(recipient=world["fit_owner"], kind="forecast").count() == 1


def test_the_smes_list_puts_its_best_fits_first(world, client_for):
    later = _forecast(world, title="Fits second")
    first = _forecast(world, title="Fits first")
    unranked = _forecast(world, title="Not ranked")
    now = timezone.now()
    ForecastFit.objects.create(forecast=later, supplier=world["fit"], rank=7, score=0.4, computed_at=now)
    ForecastFit.objects.create(forecast=first, supplier=world["fit"], rank=1, score=0.9, computed_at=now)
    rows = client_for(world["fit_owner"]).get(API).json()["results"]
    assert [row["id"] for row in rows] == [first.pk, later.pk, unranked.pk]
    assert [row["my_fit_rank"] for row in rows] == [1, 7, None]


def test_withdrawing_from_the_page_and_viewers_refused(world, client):
    forecast = _forecast(world)
    client.force_login(world["buyer_viewer"])
    assert client.post(f"/forecasts/{forecast.pk}/status/", {"status": "withdrawn"}).status_code == 403
    assert client.get(f"/forecasts/{forecast.pk}/edit/").status_code == 403
    client.force_login(world["fit_owner"])
    assert client.post(f"/forecasts/{forecast.pk}/status/", {"status": "withdrawn"}).status_code == 403
    client.force_login(world["competitor"])
    assert client.post(f"/forecasts/{forecast.pk}/status/", {"status": "withdrawn"}).status_code == 404
    forecast.refresh_from_db()
    assert forecast.status == DemandForecast.Status.PUBLISHED
    client.force_login(world["buyer_owner"])
    assert client.post(f"/forecasts/{forecast.pk}/status/", {"status": "withdrawn"}).status_code == 302
    forecast.refresh_from_db()
    assert forecast.status == DemandForecast.Status.WITHDRAWN
    client.force_login(world["fit_owner"])
    page = client.get(f"/forecasts/{forecast.pk}/").content.decode()
    assert 'id="forecast-withdrawn"' in page
    assert 'id="interest-form"' not in page


@pytest.mark.parametrize("language", ["es", "pt"])
def test_the_pages_answer_in_spanish_and_portuguese(world, client, language):
    forecast = _forecast(world)
    factories.ForecastInterestFactory(forecast=forecast, supplier=world["fit"])
    for user in (world["buyer_owner"], world["off_owner"]):
        client.force_login(user)
        for url in (f"/{language}/forecasts/", f"/{language}/forecasts/{forecast.pk}/"):
            response = client.get(url)
            assert response.status_code == 200
            assert response.headers["Content-Language"] == language
    client.force_login(world["buyer_owner"])
    assert client.get(f"/{language}/forecasts/new/").status_code == 200


def test_beat_sends_again_a_ranking_whose_message_never_left(world, settings, monkeypatch):
    from core import jobs
    from forecasts import tasks

    settings.CORE_JOB_UNSENT_GRACE_SECONDS = 0
    run = ForecastMatchRun.objects.create(forecast=_forecast(world))
    sent = []
    monkeypatch.setattr(tasks.match_forecast, "apply_async", lambda args, **kwargs: sent.append(list(args)))
    assert jobs.requeue_stalled(ForecastMatchRun) == 1
    assert sent == [[run.pk]]
    assert tasks.match_forecast.run(run.pk) == ForecastMatchRun.Status.SUCCEEDED


def test_agency_staff_see_every_forecast_with_its_fits_and_interests(world, client_for):
    draft = _forecast(world, status=DemandForecast.Status.DRAFT)
    agency_only = _forecast(world, visibility=DemandForecast.Visibility.AGENCY)
    other = factories.DemandForecastFactory(buyer=world["competitor"].memberships.get().organisation)
    factories.ForecastInterestFactory(forecast=agency_only, supplier=world["fit"])
    ForecastFit.objects.create(
        forecast=agency_only, supplier=world["off"], rank=1, score=0.5, computed_at=timezone.now()
    )
    agency = client_for(world["agency"])
    assert {row["id"] for row in agency.get(API).json()["results"]} == {draft.pk, agency_only.pk, other.pk}
    assert [row["supplier"] for row in agency.get(f"{API}{agency_only.pk}/interests/").json()] == [world["fit"].pk]
    assert [row["supplier"] for row in agency.get(f"{API}{agency_only.pk}/fits/").json()] == [world["off"].pk]
