"""A business meeting from request to agenda and calendar file, in headless Chromium."""

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from events import services
from linkages.models import Linkage, Stage
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _member(organisation, role="owner"):
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def test_request_accept_schedule_and_download_the_agenda(browser, live_server, agency_user):
    agency = agency_user.memberships.get().organisation
    event = services.create_event(
        actor=agency_user,
        organiser=agency,
        name="Rueda de negocios médica",
        venue="Centro",
        city="Heredia",
        starts_on=timezone.localdate() + dt.timedelta(days=20),
        ends_on=timezone.localdate() + dt.timedelta(days=20),
    )
    buyer_org = factories.BuyerFactory(legal_name="Orthovia Medical")
    supplier = factories.SupplierProfileFactory()
    buyer, sme = _member(buyer_org), _member(supplier.organisation)
    services.register(actor=sme, event=event, organisation=supplier.organisation)

    def session(user):
        context = browser.new_context(base_url=live_server.url, locale="en-GB", accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.email)
        page.fill("input[name=password]", "correct-horse-battery")
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
        return context, page

    context, page = session(buyer)
    page.goto("/events/")
    page.get_by_role("link", name="Rueda de negocios médica").click()
    page.click("#register-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("registered")
    page.locator("#participants button.request-meeting").first.click()
    expect(page.locator("#outgoing")).to_contain_text(supplier.organisation.legal_name)
    context.close()

    context, page = session(sme)
    page.goto(f"/events/{event.pk}/")
    page.click("#incoming button.accept")
    expect(page.locator("#incoming")).to_contain_text("Accepted")
    context.close()
    assert Linkage.objects.get(buyer=buyer_org, supplier=supplier).stage == Stage.MEETING

    context, page = session(agency_user)
    page.goto(f"/events/{event.pk}/")
    page.click("#build-agenda")
    expect(page.locator(".messages")).to_contain_text("1 meeting scheduled")
    context.close()

    context, page = session(sme)
    page.goto(f"/events/{event.pk}/")
    expect(page.locator("#agenda tbody tr")).to_have_count(1)
    expect(page.locator("#agenda")).to_contain_text("Orthovia Medical")
    with page.expect_download() as download:
        page.click("#download-ics")
    with open(download.value.path(), "rb") as handle:
        entries = [c for c in Calendar.from_ical(handle.read()).walk() if c.name == "VEVENT"]
    assert len(entries) == 1
    assert "Orthovia Medical" in str(entries[0]["summary"])
    context.close()
