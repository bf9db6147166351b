"""The main journeys of each role, clicked through in headless Chromium."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Organisation
from buyers.models import Requirement
from suppliers.models import SupplierProfile
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_sme_signs_up_and_completes_onboarding(page):
    page.goto("/accounts/signup/")
    page.fill("#id_full_name", "Ana Mora")
    page.fill("#id_email", "ana@plasticos.example")
    page.fill("#id_password1", "un-secreto-largo-2026")
    page.fill("#id_password2", "un-secreto-largo-2026")
    page.check("input[name=kind][value=sme]")
    page.fill("#id_legal_name", "Plásticos del Valle S.A.")
    page.select_option("#id_country", "CR")
    page.fill("#id_tax_id", "3-101-12345X")
    page.click("button[type=submit]")
    expect(page.locator("#id_tax_id-errors")).to_contain_text("not a valid tax identifier")

    page.fill("#id_password1", "un-secreto-largo-2026")
    page.fill("#id_password2", "un-secreto-largo-2026")
    page.fill("#id_tax_id", "3-101-291417")
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/suppliers/onboarding/$"))

    page.fill("#id_summary", "Inyección de plásticos técnicos para la industria médica.")
    page.click("form:has(input[value=save]) button[type=submit]")
    expect(page).to_have_url(re.compile(r"/onboarding/capabilities/$"))

    page.fill("#id_category", "19520000")
    page.fill("#id_description", "Inyección de piezas en policarbonato grado médico, sala limpia ISO 8.")
    page.fill("#id_keywords", "inyección, sala limpia")
    page.click("form:has(input[value=add]) button[type=submit]")
    expect(page.locator(".capability h3")).to_contain_text("19520000")

    page.goto("/suppliers/onboarding/certifications/")
    page.select_option("#id_standard", label="ISO 13485")
    page.fill("#id_certifying_body", "INTECO")
    page.fill("#id_issued_on", str(timezone.localdate() - dt.timedelta(days=100)))
    page.fill("#id_expires_on", str(timezone.localdate() + dt.timedelta(days=900)))
    page.click("form:has(input[value=add]) button[type=submit]")
    expect(page.locator("table")).to_contain_text("ISO 13485")

    page.goto("/suppliers/onboarding/diagnostic/")
    for index in range(8):
        page.locator(".diagnostic .field").nth(index).locator("input[value='4']").check()
    page.click("form:has(input[value=save]) button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("75")
    page.click("form:has(input[value=publish]) button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("published")

    profile = SupplierProfile.objects.get(organisation__legal_name="Plásticos del Valle S.A.")
    assert profile.published
    assert str(profile.readiness_score) == "75.00"
    assert profile.organisation.verification_status == Organisation.VerificationStatus.PENDING


def test_buyer_posts_publishes_and_invites_then_only_the_invited_sme_sees_it(page, login, browser, live_server):
    buyer = factories.BuyerOwnerFactory()
    invited = factories.SupplierProfileFactory(organisation=factories.SmeFactory(legal_name="Empaques Ceiba S.A."))
    invited_user = factories.MembershipFactory(organisation=invited.organisation).user
    outsider = factories.SmeOwnerFactory()

    login(buyer)
    page.goto("/requirements/new/")
    page.fill("#id_title", "Bandejas termoformadas estériles")
    page.fill("#id_specification", "Bandejas PETG con tapa Tyvek, sellado validado ISO 11607.")
    page.fill("#id_category_codes", "19520000")
    page.select_option("#id_visibility", "invited")
    page.fill("#id_needed_by", str(timezone.localdate() + dt.timedelta(days=90)))
    page.click("main form.form button[type=submit]")
    expect(page.locator("#requirement-status")).to_have_text("Draft")
    page.click("button:has-text('Publish')")
    expect(page.locator("#requirement-status")).to_have_text("Open")
    page.fill("#supplier_q", "Ceiba")
    page.click("form:has(#supplier_q) button[type=submit]")
    page.click(".candidates button:has-text('Invite')")
    expect(page.locator(".invitations")).to_contain_text("Empaques Ceiba")

    requirement = Requirement.objects.get(title="Bandejas termoformadas estériles")
    for user, sees in ((invited_user, True), (outsider, False)):
        context = browser.new_context(base_url=live_server.url)
        other = context.new_page()
        other.goto("/accounts/login/")
        other.fill("input[name=username]", user.email)
        other.fill("input[name=password]", "correct-horse-battery")
        other.click("button[type=submit]")
        other.goto("/requirements/")
        assert (other.locator("table.requirements").get_by_text(requirement.title).count() == 1) is sees
        context.close()


def test_buyer_searches_suppliers_and_agency_verifies(page, login, browser, live_server):
    profile = factories.CapabilityFactory(description="Mecanizado CNC de titanio para implantes").profile
    profile.verification_status = "pending"
    profile.save()
    factories.CapabilityFactory(description="Transporte refrigerado", keywords=["frío"])
    login(factories.BuyerOwnerFactory())
    page.goto("/suppliers/search/")
    page.fill("#id_q", "titanio")
    page.click("form.filters button[type=submit]")
    results = page.locator("table.results tbody tr")
    expect(results).to_have_count(1)
    results.first.locator("a").first.click()
    expect(page.locator("h1")).to_have_text(str(profile.organisation))

    context = browser.new_context(base_url=live_server.url)
    agency = context.new_page()
    staff = factories.AgencyStaffFactory()
    agency.goto("/accounts/login/")
    agency.fill("input[name=username]", staff.email)
    agency.fill("input[name=password]", "correct-horse-battery")
    agency.click("button[type=submit]")
    agency.goto("/suppliers/verification/")
    agency.locator("#queue tr", has_text=str(profile.organisation)).locator("a.case-link").click()
    agency.fill("#id_note", "Visita a planta realizada")
    agency.click("#approve-all")
    expect(agency.locator(".messages")).to_contain_text("verified")
    context.close()
    profile.refresh_from_db()
    assert profile.verification_status == "verified"


def test_language_switch_and_stylesheet(page):
    page.goto("/")
    background = page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")
    assert background == "rgb(11, 93, 91)"
    with page.expect_navigation():
        page.select_option("#language-select", "es")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator(".mainnav")).to_contain_text("Iniciar sesión")
