"""Saved searches and purchases in headless Chromium: a buyer saves a supplier search from the search page and sees
it listed; an SME follows a category on a phone; once a matching requirement is published and the daily check has
run, the SME's notifications show it; the buyer records its yearly purchases and sees its local share."""

import pytest
from playwright.sync_api import expect

from notifications.tasks import check_saved_searches
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


def _signed_in(browser, live_server, user, viewport=None):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport=viewport or {"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return context, page


def _fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_saved_searches_alerts_and_purchases(browser, live_server):
    category = factories.CategoryFactory(code="42600000", lineage="/42000000/42600000/")
    factories.CapabilityFactory(
        category=category,
        profile=factories.SupplierProfileFactory(organisation=factories.SmeFactory(legal_name="Tornos del Valle")),
    )
    buyer_owner = factories.BuyerOwnerFactory()
    buyer = buyer_owner.memberships.get().organisation
    sme_owner = factories.SmeOwnerFactory()
    factories.SupplierProfileFactory(organisation=sme_owner.memberships.get().organisation)

    # The buyer saves a supplier search from the search page.
    buyer_context, page = _signed_in(browser, live_server, buyer_owner)
    page.goto("/suppliers/search/?category=42600000")
    expect(page.locator("table.results")).to_contain_text("Tornos del Valle")
    page.fill("#save-search-name", "Machining suppliers")
    page.click("#save-search button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Search saved")
    expect(page.locator("#saved-searches .saved-search-name")).to_have_text(["Machining suppliers"])

    # The SME follows the category from its opportunities page, on a phone.
    sme_context, phone = _signed_in(browser, live_server, sme_owner, viewport=PHONE)
    phone.goto("/opportunities/")
    phone.click("#follow-hint a")
    phone.fill("#id_name", "Machine tools")
    # The picker's own box, once its script has run: typed into before, the words would land in the input it hides.
    box = phone.locator("input.cpicker-input#id_categories")
    box.press_sequentially("42600000", delay=20)
    phone.locator(".cpicker-option", has_text="42600000").first.click()
    expect(phone.locator(".cpicker-chip")).to_have_count(1)
    phone.click("#follow-form button[type=submit]")
    expect(phone.locator(".messages")).to_contain_text("Followed")
    expect(phone.locator("#saved-searches .saved-search-name")).to_have_text(["Machine tools"])
    _fits_the_phone(phone)

    # A matching requirement is published; the daily check runs; the SME's notifications show it.
    requirement = factories.RequirementFactory(buyer=buyer, title="CNC lathe spindles, lot 7")
    requirement.categories.set([category])
    assert check_saved_searches() == 1
    phone.goto("/notifications/")
    note = phone.locator("#notifications .notification").first
    expect(note).to_contain_text("1 new opportunity in what you follow (“Machine tools”)")
    expect(note).to_contain_text("CNC lathe spindles, lot 7")
    note.locator("button.open").click()
    expect(phone.locator("h1")).to_contain_text("CNC lathe spindles, lot 7")
    _fits_the_phone(phone)
    sme_context.close()

    # The buyer records its purchases of the year from its requirements list.
    page.goto("/requirements/")
    page.click("#purchasing-link")
    page.fill("#id_year", "2025")
    page.fill("#id_currency", "usd")
    page.fill("#id_total_purchases", "2000000")
    page.fill("#id_local_purchases", "300000")
    page.fill("#id_local_share_target", "25")
    page.click("#purchasing-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Purchases of 2025 recorded")
    row = page.locator("#declarations tr[data-year='2025']")
    expect(row.locator(".local-share")).to_have_text("15.0 %")
    expect(row).to_contain_text("USD")
    buyer_context.close()

    # Both of the buyer's pages fit a phone.
    phone_context, phone = _signed_in(browser, live_server, buyer_owner, viewport=PHONE)
    for path in ("/requirements/purchases/", "/notifications/saved-searches/", "/suppliers/search/?category=42600000"):
        phone.goto(path)
        _fits_the_phone(phone)
    expect(phone.locator("#save-search")).to_be_visible()
    phone_context.close()
