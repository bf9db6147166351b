"""Every role's main pages on a phone-sized screen (390 × 844) and on a desktop, in headless Chromium.

On both: nothing is wider than the window (no sideways scroll of the page; a wide table scrolls inside its own
card). On the phone the main menu is collapsed behind its toggle and opens when the toggle is used; on the desktop
the links show and the toggle does not.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events import services as event_services
from linkages import services as linkage_services
from linkages.models import Stage
from matching import services as matching_services
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

# What sticks out past the window's right edge, named by tag, id and class: the failure message says where to look.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const culprits = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width && box.right > width + 0.5 && !element.closest('.table-wrap, .board, pre')) {
      const classes = typeof element.className === 'string' ? element.className.trim().split(/\\s+/) : [];
      const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '');
      culprits.push(name + classes.map(c => c ? '.' + c : '').join('') + ' ' + Math.round(box.right));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, culprits: culprits.slice(0, 8)};
}"""


# Each checkbox on the line of its own label, just before it.
CHECKBOXES_BESIDE_LABELS = """() => Array.from(document.querySelectorAll('main input[type=checkbox][id]')).map(box => {
  const label = document.querySelector(`label[for="${box.id}"]`);
  const b = box.getBoundingClientRect(), l = label.getBoundingClientRect();
  const middle = b.top + b.height / 2;
  return {id: box.id, beside: middle > l.top && middle < l.bottom && b.right <= l.left + 1 && l.left - b.right < 24};
})"""
# The narrowest score bar (the track, not its fill) in the page.
NARROWEST_BAR = "() => Math.min(...Array.from(document.querySelectorAll('.bars .bar')).map(b => b.offsetWidth))"
# Wide tables that wrap instead of scrolling: how far each scrolls sideways inside its box.
TABLE_SCROLL = "s => Array.from(document.querySelectorAll(s)).map(w => w.scrollWidth - w.clientWidth)"


def _member(organisation, role="owner"):
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def world(titanium):
    """One of each role with something on every main page: a ranked requirement, a linkage with a transaction, a
    certificate and a diagnostic, an event and a supplier waiting for verification."""
    requirement = titanium["requirement"]
    supplier = titanium["fit"]
    factories.CertificationFactory(
        profile=supplier,
        standard=factories.CertificationStandardFactory(code="iso-13485", name="ISO 13485"),
        certifying_body="Instituto de Normas Técnicas de Costa Rica (INTECO), Organismo de Certificación",
    )
    factories.ReadinessDiagnosticFactory(profile=supplier)
    factories.MachineFactory(profile=supplier)
    matching_services.run_now(requirement=requirement)
    linkage, _ = linkage_services.create_linkage(
        actor=None,
        buyer=requirement.buyer,
        supplier=supplier,
        requirement=requirement,
        stage=Stage.CONTACTED,
        system=True,
    )
    linkage_services.record_transaction(
        actor=None, linkage=linkage, date=timezone.localdate(), value=12000, currency="USD", system=True
    )
    agency_user = factories.AgencyStaffFactory()
    event_services.create_event(
        actor=agency_user,
        organiser=agency_user.memberships.get().organisation,
        name="Rueda de negocios de dispositivos médicos",
        venue="Centro de Convenciones",
        city="Heredia",
        starts_on=timezone.localdate() + dt.timedelta(days=20),
        ends_on=timezone.localdate() + dt.timedelta(days=21),
    )
    factories.SupplierProfileFactory(
        organisation=factories.SmeFactory(verification_status="pending"), verification_status="pending"
    )
    return {
        "sme": _member(supplier.organisation),
        "buyer": _member(requirement.buyer),
        "agency": agency_user,
        "requirement": requirement,
        "supplier": supplier,
        "linkage": linkage,
    }


def _pages(world):
    """Each role's main pages, with what else to check there (see ``_check_page``)."""
    requirement, supplier, linkage = world["requirement"], world["supplier"], world["linkage"]
    return {
        None: [("/", ()), ("/accounts/login/", ())],
        "sme": [
            ("/", ()),
            ("/opportunities/", ("bars",)),
            ("/market/", ()),
            ("/suppliers/onboarding/", ("tables",)),
            ("/suppliers/onboarding/capabilities/", ()),
            ("/suppliers/onboarding/certifications/", ("tables",)),
            ("/suppliers/onboarding/diagnostic/", ()),
            ("/linkages/", ()),
            (f"/linkages/{linkage.pk}/", ("tables",)),
        ],
        "buyer": [
            ("/", ()),
            ("/requirements/", ("checkboxes",)),
            (f"/requirements/{requirement.pk}/", ()),
            (f"/requirements/{requirement.pk}/matches/", ("bars", "checkboxes")),
            ("/suppliers/search/", ("checkboxes", "tables")),
            (f"/suppliers/{supplier.pk}/", ("bars", "tables")),
        ],
        "agency": [
            ("/", ()),
            ("/dashboard/", ()),
            ("/suppliers/verification/", ()),
            ("/linkages/board/", ("board",)),
            ("/events/", ()),
            ("/imports/", ()),
            ("/market/gaps/", ()),
            ("/programmes/", ()),
        ],
    }


def _session(browser, live_server, viewport, user):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    if user is not None:
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.email)
        page.fill("input[name=password]", "correct-horse-battery")
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
    return context, page


def _check_menu(page, phone):
    links = page.locator(".mainnav a")
    toggle = page.locator(".menu-toggle")
    if phone:
        expect(toggle).to_be_visible()
        expect(links.first).to_be_hidden()
        toggle.click()
        expect(links.first).to_be_visible()
        expect(links.last).to_be_visible()
        # Opened, the menu still fits the width.
        opened = page.evaluate(OVERFLOW)
        assert opened["scrollWidth"] <= opened["innerWidth"], f"menu open: {opened}"
        toggle.click()
        expect(links.first).to_be_hidden()
    else:
        expect(toggle).to_be_hidden()
        expect(links.first).to_be_visible()


def _check_page(page, checks, phone):
    """What a page shows beyond fitting: problems found, in words."""
    problems = []
    if "bars" in checks:
        narrowest = page.evaluate(NARROWEST_BAR)
        if narrowest < 150:
            problems.append(f"a score bar {narrowest}px long")
    if "checkboxes" in checks:
        boxes = page.evaluate(CHECKBOXES_BESIDE_LABELS)
        if not boxes:
            problems.append("no checkbox found")
        problems += [f"checkbox #{box['id']} not beside its label" for box in boxes if not box["beside"]]
    if "tables" in checks:
        scrolls = page.evaluate(TABLE_SCROLL, ".table-wrap.stacks")
        if not scrolls or max(scrolls) > 1:
            problems.append(f"tables that scroll sideways instead of wrapping: {scrolls}")
    if "board" in checks and phone:
        # Each stage a screen-wide column: stacked, or (a paged board, pages.css) swiped through inside the board.
        widths = page.locator(".board .column").evaluate_all(
            "columns => columns.map(c => c.offsetWidth / c.parentElement.clientWidth)"
        )
        if not widths or min(widths) < 0.8:
            problems.append(f"the board's stages squeezed side by side: {widths}")
    return problems


def _check_pages(browser, live_server, world, viewport, phone):
    problems = []
    for role, paths in _pages(world).items():
        context, page = _session(browser, live_server, viewport, world[role] if role else None)
        try:
            for path, checks in paths:
                response = page.goto(path)
                assert response.status == 200, f"{role} {path}: {response.status}"
                page.wait_for_load_state("load")
                measure = page.evaluate(OVERFLOW)
                if measure["scrollWidth"] > measure["innerWidth"]:
                    problems.append(f"{role or 'anonymous'} {path}: {measure}")
                problems += [f"{role or 'anonymous'} {path}: {problem}" for problem in _check_page(page, checks, phone)]
                try:
                    _check_menu(page, phone)
                except AssertionError as error:
                    problems.append(f"{role or 'anonymous'} {path}: menu: {str(error).splitlines()[0]}")
        finally:
            context.close()
    assert problems == [], "pages that do not fit:\n" + "\n".join(problems)


def test_main_pages_fit_a_phone_and_the_menu_collapses(browser, live_server, world):
    _check_pages(browser, live_server, world, PHONE, phone=True)


def test_main_pages_fit_a_desktop_with_the_menu_open(browser, live_server, world):
    _check_pages(browser, live_server, world, DESKTOP, phone=False)
