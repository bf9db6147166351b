"""The marketplace loop in headless Chromium: an SME quotes (with a PDF) and asks a question; another SME quotes in
colones on a phone; the buyer answers the question (the other SME reads it without who asked), compares the two
quotes in US dollars and awards one; the awarded linkage is in negotiation and the other supplier is told."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from linkages.models import Stage
from marketplace.models import Response, ResponseStatus
from notifications.models import Notification
from reporting.models import ExchangeRate
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PHONE = {"width": 390, "height": 844}


def _signed_in(browser, live_server, user, viewport=None):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return context, page


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_quote_question_answer_compare_and_award(browser, live_server, tmp_path):
    category = factories.CategoryFactory(code="42600000", name_en="Machine tools", lineage="/42000000/42600000/")
    buyer_org = factories.BuyerFactory(legal_name="Global Devices Inc.")
    buyer = factories.UserFactory()
    factories.MembershipFactory(user=buyer, organisation=buyer_org)
    requirement = factories.RequirementFactory(buyer=buyer_org, title="Titanium implant parts")
    requirement.categories.set([category])
    alfa = factories.SupplierProfileFactory(organisation=factories.SmeFactory(legal_name="Mecanizados Alfa"))
    beta = factories.SupplierProfileFactory(organisation=factories.SmeFactory(legal_name="Tornos Beta"))
    alfa_user, beta_user = factories.UserFactory(), factories.UserFactory()
    factories.MembershipFactory(user=alfa_user, organisation=alfa.organisation)
    factories.MembershipFactory(user=beta_user, organisation=beta.organisation)
    ExchangeRate.objects.create(currency="CRC", units_per_usd=Decimal("500"), valid_from=dt.date(2020, 1, 1))
    quote_pdf = tmp_path / "alfa-quote.pdf"
    quote_pdf.write_bytes(PDF)
    valid_until = (dt.date.today() + dt.timedelta(days=40)).isoformat()

    # Alfa answers with a quote in US dollars, a PDF attached, and asks a question.
    context, page = _signed_in(browser, live_server, alfa_user)
    page.goto(f"/requirements/{requirement.pk}/")
    page.click("#respond-link")
    page.check("input[name=kind][value=quote]")
    page.fill("#id_price", "12.50")
    page.fill("#id_currency", "USD")
    page.fill("#id_unit", "piece")
    page.fill("#id_lead_time_days", "30")
    page.fill("#id_valid_until", valid_until)
    page.set_input_files("#id_attachments", str(quote_pdf))
    page.click("#send-response")
    expect(page.locator(".messages")).to_contain_text("Your response was sent")
    expect(page.locator("#own-response")).to_contain_text("USD\xa012.50")
    page.fill("#id_question", "Is titanium grade 23 acceptable?")
    page.click("#question-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Your question was sent")
    context.close()

    # Beta answers on a phone, in colones.
    context, phone = _signed_in(browser, live_server, beta_user, viewport=PHONE)
    phone.goto(f"/requirements/{requirement.pk}/")
    expect(phone.locator("#clarifications")).not_to_contain_text("grade 23")  # not answered yet: not published
    phone.click("#respond-link")
    phone.check("input[name=kind][value=quote]")
    phone.fill("#id_price", "5000")
    phone.fill("#id_currency", "CRC")
    phone.fill("#id_lead_time_days", "21")
    assert _no_sideways_scroll(phone)
    phone.click("#send-response")
    expect(phone.locator(".messages")).to_contain_text("Your response was sent")
    assert _no_sideways_scroll(phone)
    context.close()

    # The buyer answers the question, sees who asked, and compares the two quotes in US dollars.
    context, page = _signed_in(browser, live_server, buyer)
    page.goto(f"/requirements/{requirement.pk}/")
    expect(page.locator("#clarifications .asked-by")).to_contain_text("Mecanizados Alfa")
    page.locator("#clarifications textarea[name=answer]").fill("Yes, grade 23 is acceptable.")
    page.click("#clarifications .answer-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Answer published")
    page.click("#compare-link")
    # The comparison reads on a phone too: its table stacks into cards.
    phone_context, phone = _signed_in(browser, live_server, buyer, viewport=PHONE)
    phone.goto(page.url)
    expect(phone.locator("#comparison")).to_contain_text("USD\xa010.00")
    assert _no_sideways_scroll(phone)
    phone_context.close()
    rows = page.locator("#comparison tbody tr")
    expect(rows).to_have_count(2)
    # Cheapest in US dollars first: CRC 5,000 at 500 per dollar is USD 10.00, under Alfa's USD 12.50.
    expect(rows.nth(0)).to_contain_text("Tornos Beta")
    expect(rows.nth(0).locator(".price-usd")).to_have_text("USD\xa010.00")
    expect(rows.nth(0).locator(".price-original")).to_contain_text("CRC\xa05,000.00")
    expect(rows.nth(1).locator(".price-usd")).to_have_text("USD\xa012.50")
    expect(rows.nth(1)).to_contain_text("alfa-quote.pdf")
    page.check(f"#comparison tr[data-supplier='{alfa.pk}'] input[name=suppliers]")
    page.click("#award-button")
    expect(page.locator(".messages")).to_contain_text("Awarded to Mecanizados Alfa")
    context.close()

    # Beta reads the answer without who asked, and is told politely that another offer was chosen.
    context, phone = _signed_in(browser, live_server, beta_user, viewport=PHONE)
    phone.goto(f"/requirements/{requirement.pk}/")
    expect(phone.locator("#clarifications")).to_contain_text("Yes, grade 23 is acceptable.")
    expect(phone.locator("#clarifications")).not_to_contain_text("Mecanizados Alfa")
    expect(phone.locator("#own-response-status")).to_have_text("Not awarded")
    phone.goto("/notifications/")
    expect(phone.locator("main")).to_contain_text("Global Devices Inc. decided on Titanium implant parts")
    assert _no_sideways_scroll(phone)
    context.close()

    awarded = Response.objects.get(supplier=alfa)
    assert awarded.status == ResponseStatus.AWARDED
    assert awarded.linkage.stage == Stage.NEGOTIATION
    assert Response.objects.get(supplier=beta).status == ResponseStatus.NOT_AWARDED
    assert Notification.objects.filter(recipient=beta_user, kind=Notification.Kind.AWARD).exists()
    assert Notification.objects.filter(recipient=beta_user, kind=Notification.Kind.CLARIFICATION).exists()
