"""Demand forecasts in headless Chromium: a buyer publishes a forecast from the page; the engine's job ranks suppliers;
an SME on a phone finds it, reads the horizon, volumes and confidence, and says "we could supply this" with the
investment it needs; the buyer sees the offer beside the ranked suppliers."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from forecasts import services
from forecasts.models import DemandForecast, ForecastInterest, ForecastMatchRun
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


def test_buyer_publishes_sme_offers_to_supply_buyer_sees_it(browser, live_server, page, login):
    year = timezone.localdate().year
    machining = factories.CategoryFactory(code="42600000", name_en="Machine tools", lineage="/42000000/42600000/")
    supplier = factories.SupplierProfileFactory(organisation=factories.SmeFactory(legal_name="Mecanizados del Valle"))
    factories.CapabilityFactory(
        profile=supplier, category=machining, description="Mecanizado CNC de titanio grado 5 para implantes"
    )
    sme_owner = factories.MembershipFactory(organisation=supplier.organisation).user
    buyer_owner = factories.BuyerOwnerFactory()

    # The buyer drafts the forecast on the page, then publishes it.
    login(buyer_owner)
    page.goto("/forecasts/")
    page.click("#new-forecast")
    page.fill("#id_title", "Titanium implant parts, three-year plan")
    page.fill("#id_description", "CNC machining of titanium Ti-6Al-4V for orthopaedic implants")
    page.fill("#id_category_codes", "42600000")
    page.fill("#id_start_year", str(year + 1))
    page.fill("#id_end_year", str(year + 3))
    page.select_option("#id_confidence", "high")
    page.fill("#id_local_share_target", "60")
    for slot, quantity in enumerate(("10000", "15000", "20000")):
        page.fill(f"#id_year_{slot}", str(year + 1 + slot))
        page.fill(f"#id_quantity_{slot}", quantity)
        page.fill(f"#id_unit_{slot}", "pieces")
        page.fill(f"#id_value_{slot}", str(int(quantity) * 25))
    page.click("#forecast-form button[type=submit]")
    expect(page.locator("#forecast-status")).to_have_text("Draft")
    page.click("#forecast-published")
    expect(page.locator("#forecast-status")).to_have_text("Published")
    forecast = DemandForecast.objects.get(title="Titanium implant parts, three-year plan")
    assert forecast.volumes.count() == 3

    # The ranking is a job for a worker, never the request: the test plays the worker.
    run = ForecastMatchRun.objects.get(forecast=forecast)
    services.execute_match_run(run_id=run.pk)
    assert forecast.fits.get(rank=1).supplier == supplier
    assert Notification.objects.filter(recipient=sme_owner, kind=Notification.Kind.FORECAST).exists()

    # The SME, on a phone, finds it among its forecasts and answers with the investment it needs.
    phone = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=PHONE)
    mobile = phone.new_page()
    mobile.set_default_timeout(10_000)
    mobile.goto("/accounts/login/")
    mobile.fill("input[name=username]", sme_owner.email)
    mobile.fill("input[name=password]", "correct-horse-battery")
    mobile.click("button[type=submit]")
    mobile.wait_for_load_state("networkidle")
    mobile.goto("/forecasts/")
    card = mobile.locator(".forecast-card", has_text="Titanium implant parts")
    expect(card).to_contain_text("Your fit: #1")
    card.locator("a").first.click()
    expect(mobile.locator("#forecast-confidence")).to_contain_text("Confidence: High")
    expect(mobile.locator("#forecast-volumes")).to_contain_text(str(year + 3))
    expect(mobile.locator("#forecast-volumes")).to_contain_text("20,000")
    expect(mobile.locator("#own-fit")).to_contain_text("#1")
    mobile.fill("#id_capacity_quantity", "8000")
    mobile.fill("#id_capacity_unit", "pieces")
    mobile.fill("#id_investment_amount", "150000")
    mobile.fill("#id_investment_currency", "USD")
    mobile.fill("#id_investment_purpose", "A second 5-axis machining centre")
    mobile.select_option("#id_from_year", str(year + 2))
    assert mobile.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    mobile.click("#send-interest")
    expect(mobile.locator(".messages")).to_contain_text("The buyer now knows you could supply this")
    expect(mobile.locator("#own-interest-summary")).to_contain_text("8,000 pieces")
    interest = ForecastInterest.objects.get()
    assert (interest.supplier, interest.from_year) == (supplier, year + 2)
    phone.close()

    # The buyer is told and sees the offer beside the ranked suppliers.
    assert Notification.objects.filter(recipient=buyer_owner, kind=Notification.Kind.FORECAST_INTEREST).exists()
    page.goto(f"/forecasts/{forecast.pk}/")
    offer = page.locator("#forecast-interests .interest", has_text="Mecanizados del Valle")
    expect(offer).to_contain_text("8,000 pieces a year from")
    expect(offer).to_contain_text("USD")
    expect(offer).to_contain_text("A second 5-axis machining centre")
    expect(page.locator("#forecast-fits li", has_text="Mecanizados del Valle")).to_contain_text("interested")
