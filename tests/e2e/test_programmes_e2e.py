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


def _signed_in(browser, live_server, user, *, phone=False):
    """A browser of its own for ``user``, signed in through the sign-in page (a phone's screen if asked)."""
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")
    expect(page.locator("#nav-notifications")).to_be_attached()  # (folded in a menu on a phone)
    return page


def _done(page, text):
    expect(page.locator(".messages")).to_contain_text(text)


def _phase(page, phase):
    expect(page.locator("#intervention-phase")).to_have_attribute("data-phase", str(int(phase)))


@pytest.fixture
def worker_runs_tasks_in_the_request():
    """The impact estimate is a worker's job; with a broker configured (REDIS_URL) no worker runs in the tests, so the
    tasks run eagerly, inline in the live server's request (CORE_RUN_TASKS_INLINE), as on the embedded default."""
    from development.tasks import estimate_impact

    conf = estimate_impact.app.conf
    previous = conf.task_always_eager
    conf.task_always_eager = True
    yield
    conf.task_always_eager = previous


def test_a_whole_programme_from_the_pages_by_each_role(browser, live_server, worker_runs_tasks_in_the_request):
    """Agency staff put a consultant on the roster, create a programme, enrol a supplier, assign the consultant and
    open the diagnosis; the consultant (on a phone) diagnoses; buyer and supplier validate it together; the
    consultant plans, trains and records attendance; the supplier and the consultant measure the outcome; agency
    staff issue and redeem a voucher and certify the supplier; the anchor buyer reads the impact (too few to say,
    with why). Each step by the role that owns it, signed in as that user, from the pages alone."""
    staff = factories.AgencyStaffFactory()
    buyer_user = factories.BuyerOwnerFactory()
    buyer = buyer_user.memberships.get().organisation
    supplier_user = factories.SmeOwnerFactory()
    supplier_org = supplier_user.memberships.get().organisation
    supplier_org.legal_name = "Panadería La Espiga"
    supplier_org.save(update_fields=["legal_name"])
    factories.SupplierProfileFactory(organisation=supplier_org)
    consultant_user = factories.UserFactory(email="karla.orellana@example.com")

    # Agency staff: the roster, the programme, the enrolment, the consultant, the first phases.
    agency = _signed_in(browser, live_server, staff)
    agency.goto("/programmes/")
    agency.click("#consultants-link")
    agency.click("#new-consultant")
    agency.fill("#id_name", "Karla Orellana")
    agency.fill("#id_email", "karla.orellana@example.com")
    agency.get_by_label("Quality", exact=True).check()
    agency.fill("#id_sectors", "10")
    agency.fill("#id_certified_on", "2024-03-01")
    agency.click("#consultant-form button[type=submit]")
    _done(agency, "Consultant added to the roster")
    expect(agency.locator("h1")).to_have_text("Karla Orellana")

    agency.goto("/programmes/new/")
    agency.fill("#id_name", "Proveedores de alimentos 2026")
    agency.fill("#id_starts_on", "2026-02-01")
    agency.get_by_label(buyer.legal_name).check()
    agency.fill("#id_certificate_thresholds", "productivity: 20")
    agency.click("#programme-form button[type=submit]")
    expect(agency.locator("h1")).to_have_text("Proveedores de alimentos 2026")
    programme = Programme.objects.get(name="Proveedores de alimentos 2026")
    agency.select_option("#id_supplier", label="Panadería La Espiga")
    agency.select_option("#id_anchor_buyer", label=buyer.legal_name)
    agency.fill("#id_cost", "9000")
    agency.click("#enrol-form button[type=submit]")
    _done(agency, "Supplier enrolled")
    _phase(agency, Phase.REGISTRATION)
    intervention_url = agency.url
    agency.click("#assign summary")
    agency.select_option("#consultant-form [name=consultant]", label="Karla Orellana")
    agency.click("#consultant-form button[type=submit]")
    _done(agency, "Consultant assigned")
    agency.click(f"#moves button[data-phase='{Phase.FORMALISATION}']")
    _phase(agency, Phase.FORMALISATION)
    agency.click(f"#moves button[data-phase='{Phase.DIAGNOSIS}']")
    _phase(agency, Phase.DIAGNOSIS)
    intervention = Intervention.objects.get(programme=programme)
    assert intervention.consultant.user == consultant_user

    # The consultant, on a phone: the diagnosis, then to validation.
    consultant = _signed_in(browser, live_server, consultant_user, phone=True)
    consultant.goto("/programmes/mine/")
    consultant.click(f"#mine-consultant a[href='/programmes/interventions/{intervention.pk}/']")
    consultant.click("#diagnosis summary")
    consultant.fill("#diagnostic-form [name=assessed_on]", "2026-02-20")
    for select in consultant.locator("#diagnostic-form select").all():
        select.select_option("3")
    consultant.click("#diagnostic-form button[type=submit]")
    _done(consultant, "Diagnosis recorded")
    consultant.click(f"#moves button[data-phase='{Phase.VALIDATION}']")
    _phase(consultant, Phase.VALIDATION)
    assert consultant.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    # The anchor buyer and the supplier validate the diagnosis together.
    buyer_page = _signed_in(browser, live_server, buyer_user)
    buyer_page.goto(intervention_url)
    expect(buyer_page.locator("#diagnosis")).to_contain_text("3 / 5")
    buyer_page.click("#confirm-diagnosis")
    _done(buyer_page, "Diagnosis confirmed")
    _phase(buyer_page, Phase.VALIDATION)  # one confirmation is not enough
    supplier = _signed_in(browser, live_server, supplier_user)
    supplier.goto("/programmes/mine/")
    supplier.click(f"#mine-supplier a[href='/programmes/interventions/{intervention.pk}/']")
    supplier.click("#confirm-diagnosis")
    _phase(supplier, Phase.PLAN)

    # The consultant writes the plan, starts it, trains and records attendance.
    consultant.reload()
    _phase(consultant, Phase.PLAN)
    consultant.click("#plan summary")
    consultant.select_option("#project-form [name=aim]", "price")
    consultant.fill("#project-form [name=title]", "Reducir mermas en el horneado")
    consultant.fill("#project-form [name=owner]", "Jefe de producción")
    consultant.fill("#project-form [name=deadline]", "2026-08-31")
    consultant.click("#project-form button[type=submit]")
    _done(consultant, "Project added to the plan")
    consultant.click(f"#moves button[data-phase='{Phase.IMPLEMENTATION}']")
    _phase(consultant, Phase.IMPLEMENTATION)
    consultant.goto(f"/programmes/{programme.pk}/")
    consultant.click("#training summary")
    consultant.fill("#session-form [name=topic]", "Buenas prácticas de manufactura")
    consultant.fill("#session-form [name=held_on]", "2026-04-14")
    consultant.fill("#session-form [name=hours]", "6")
    consultant.click("#session-form button[type=submit]")
    _done(consultant, "Training session recorded")
    consultant.goto(intervention_url)
    consultant.click("#sessions summary")
    consultant.select_option("#attendance-form [name=session]", index=1)
    consultant.fill("#attendance-form [name=participants]", "4")
    consultant.fill("#attendance-form [name=women]", "3")
    consultant.click("#attendance-form button[type=submit]")
    _done(consultant, "Attendance recorded")
    expect(consultant.locator("#attendance")).to_contain_text("4 participants (3 women)")

    # Outcomes: the supplier's baseline, the consultant's verified follow-up.
    supplier.reload()
    supplier.click("#outcomes summary")
    supplier.select_option("#outcome-form [name=kpi]", "productivity")
    supplier.select_option("#outcome-form [name=kind]", "baseline")
    supplier.fill("#outcome-form [name=measured_on]", "2026-02-15")
    supplier.fill("#outcome-form [name=value]", "40")
    supplier.click("#outcome-form button[type=submit]")
    _done(supplier, "Measure recorded")
    consultant.click("#outcomes summary")
    consultant.select_option("#outcome-form [name=kpi]", "productivity")
    consultant.select_option("#outcome-form [name=kind]", "follow_up")
    consultant.fill("#outcome-form [name=measured_on]", "2026-09-15")
    consultant.fill("#outcome-form [name=value]", "50")
    consultant.select_option("#outcome-form [name=source]", "consultant")
    consultant.click("#outcome-form button[type=submit]")
    _done(consultant, "Measure recorded")
    expect(consultant.locator("#thresholds li[data-kpi='productivity']")).to_have_attribute("data-met", "yes")
    consultant.click(f"#moves button[data-phase='{Phase.DOCUMENTATION}']")
    _phase(consultant, Phase.DOCUMENTATION)

    # Agency staff: a training voucher issued and redeemed, then the certificate.
    agency.goto(f"/programmes/{programme.pk}/")
    agency.click("#vouchers-link")
    agency.click("#vouchers summary")
    agency.select_option("#voucher-form [name=intervention]", label="Panadería La Espiga")
    agency.select_option("#voucher-form [name=kind]", "training")
    agency.fill("#voucher-form [name=value]", "1000")
    agency.fill("#voucher-form [name=issued_on]", "2026-04-01")
    agency.click("#voucher-form button[type=submit]")
    _done(agency, "Voucher issued")
    agency.fill("#voucher-table input[name=redeemed_on]", "2026-04-14")
    agency.click("#voucher-table .redeem-form button")
    _done(agency, "Voucher redeemed")
    expect(agency.locator("#spent")).to_have_text("USD\xa010,000")
    agency.goto(intervention_url)
    agency.click("#certify")
    _done(agency, "Supplier certified")
    expect(agency.locator("#certified")).to_be_visible()
    agency.goto(f"/programmes/{programme.pk}/vouchers/")
    expect(agency.locator("#per-certified")).to_have_text("USD\xa010,000")

    # The anchor buyer reads the impact: one participant and no comparison supplier is too few to say, and why.
    buyer_page.goto(f"/programmes/{programme.pk}/")
    row = buyer_page.locator("#impact-table tr[data-kpi='productivity']")
    expect(row).to_be_visible()
    if row.get_attribute("data-verdict") == "pending":  # asked of the worker on this visit: read the page again
        buyer_page.reload()
    expect(row).to_have_attribute("data-verdict", "too_few")
    expect(row).to_contain_text("Too few suppliers measured to say.")
    expect(row.locator(".reason")).to_contain_text("1 participant with a follow-up measurement")
    expect(buyer_page.locator("#outcome-table tr[data-kpi='productivity']")).to_contain_text("25.0 %")

    # The new pages fit a phone: the roster, the consultant's results and the vouchers.
    phone = _signed_in(browser, live_server, staff, phone=True)
    record = intervention.consultant
    for url in (
        "/programmes/consultants/",
        f"/programmes/consultants/{record.pk}/",
        f"/programmes/{programme.pk}/vouchers/",
    ):
        phone.goto(url)
        expect(phone.locator("h1")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, url
    expect(phone.locator("#per-certified")).to_have_text("USD\xa010,000")

    intervention.refresh_from_db()
    assert intervention.certified_at is not None
    assert intervention.phase == Phase.DOCUMENTATION
    actors = {change.actor for change in intervention.phase_changes.all()}
    assert {staff, consultant_user, buyer_user, supplier_user} <= actors
    for page in (agency, consultant, buyer_page, supplier, phone):
        page.context.close()
