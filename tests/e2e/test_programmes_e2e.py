"""Supplier development in headless Chromium: agency staff create a programme and enrol a supplier, move it to the
diagnosis, and its consultant records the diagnosis and sends it to validation on a 390 px phone."""

import pytest
from playwright.sync_api import expect

from development.models import Consultant, Intervention, Phase, Programme
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_agency_creates_enrols_and_the_consultant_diagnoses(browser, live_server, page, login):
    staff = factories.AgencyStaffFactory()
    agency = staff.memberships.get().organisation
    buyer = factories.BuyerFactory(legal_name="Nutriandes Foods El Salvador")
    supplier = factories.SupplierProfileFactory(organisation=factories.SmeFactory(legal_name="Panadería La Espiga"))
    consultant_user = factories.UserFactory()
    consultant = Consultant.objects.create(user=consultant_user, name="Karla Orellana", agency=agency)

    login(staff)
    page.goto("/programmes/")
    page.click("#new-programme")
    page.fill("#id_name", "Proveedores de alimentos 2026")
    page.fill("#id_starts_on", "2026-02-01")
    page.get_by_label(buyer.legal_name).check()
    page.fill("#id_certificate_thresholds", "productivity: 15")
    page.click("#programme-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Proveedores de alimentos 2026")
    programme = Programme.objects.get(name="Proveedores de alimentos 2026")

    page.select_option("#id_supplier", label="Panadería La Espiga")
    page.select_option("#id_anchor_buyer", label=buyer.legal_name)
    page.select_option("#id_consultant", label="Karla Orellana")
    page.fill("#id_cost", "9000")
    page.click("#enrol-form button[type=submit]")
    expect(page.locator("#intervention-phase")).to_have_attribute("data-phase", str(Phase.REGISTRATION))
    page.click(f"#moves button[data-phase='{Phase.FORMALISATION}']")
    page.click(f"#moves button[data-phase='{Phase.DIAGNOSIS}']")
    expect(page.locator("#intervention-phase")).to_have_attribute("data-phase", str(Phase.DIAGNOSIS))
    intervention = Intervention.objects.get(programme=programme, supplier=supplier)
    assert intervention.consultant == consultant

    phone = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 390, "height": 844})
    mobile = phone.new_page()
    mobile.set_default_timeout(10_000)
    mobile.goto("/accounts/login/")
    mobile.fill("input[name=username]", consultant_user.email)
    mobile.fill("input[name=password]", "correct-horse-battery")
    mobile.click("button[type=submit]")
    mobile.wait_for_load_state("networkidle")
    mobile.goto("/programmes/mine/")
    mobile.click(f"#mine-consultant a[href='/programmes/interventions/{intervention.pk}/']")
    mobile.click("#diagnosis summary")
    mobile.fill("#id_assessed_on", "2026-02-10")
    for select in mobile.locator("#diagnostic-form select").all():
        select.select_option("3")
    mobile.click("#diagnostic-form button[type=submit]")
    expect(mobile.locator(".messages")).to_contain_text("Diagnosis recorded")
    mobile.click(f"#moves button[data-phase='{Phase.VALIDATION}']")
    expect(mobile.locator("#intervention-phase")).to_have_attribute("data-phase", str(Phase.VALIDATION))
    overflow = mobile.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    mobile.goto(f"/programmes/{programme.pk}/")
    assert mobile.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    phone.close()
