"""The Content-Security-Policy in a real browser: the key pages load and work with no violation reported."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkages import services as linkage_services
from linkages.models import Stage
from matching import services as matching_services
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def violations(page):
    """Every CSP violation the browser reports on the page, from the console and from the DOM event."""
    seen = []
    page.on(
        "console",
        lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return seen


def test_sign_in_and_language_switch_run_under_the_policy(page, violations):
    response = page.goto("/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    # The language menu's behaviour now comes from static/js/enlace.js, not an inline handler.
    page.select_option("#language-select", "es")
    page.wait_for_url(re.compile(r"/es/accounts/login/$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert violations == []


def test_a_blocked_inline_script_is_reported(page, violations):
    """The probe works: an inline script injected into a page is refused and reported."""
    page.goto("/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.ran") is None
    assert any("script-src" in text for text in violations)


def test_dashboard_charts_draw_under_the_policy(page, login, violations):
    buyer = factories.BuyerFactory(country="CR")
    supplier = factories.SupplierProfileFactory(organisation=factories.SmeFactory(country="CR"))
    linkage, _ = linkage_services.create_linkage(
        actor=None, buyer=buyer, supplier=supplier, stage=Stage.CONTACTED, system=True
    )
    linkage_services.record_transaction(
        actor=None, linkage=linkage, date=timezone.localdate(), value=1000, currency="USD", system=True
    )
    login(factories.AgencyStaffFactory())
    page.goto("/dashboard/")
    expect(page.locator("#kpi-first-value")).to_have_text("USD 1,000")
    assert page.evaluate("window.enlaceCharts.length") == 3
    assert page.evaluate("document.getElementById('chart-linkages').width") > 0
    assert violations == []


def test_ranked_shortlist_bars_are_drawn_under_the_policy(page, login, titanium, violations):
    requirement = titanium["requirement"]
    matching_services.run_now(requirement=requirement)
    member = factories.UserFactory()
    factories.MembershipFactory(user=member, organisation=requirement.buyer, role="owner")
    login(member)
    page.goto(f"/requirements/{requirement.pk}/matches/")
    first = page.locator("article.match").first
    expect(first.locator(".bars li")).to_have_count(8)
    widths = first.locator(".bar > span").evaluate_all("spans => spans.map(s => s.getBoundingClientRect().width)")
    assert sum(widths) > 0, "the score bars are drawn (their widths come from data-width, not style attributes)"
    assert violations == []


def test_swagger_ui_works_under_its_own_policy(page, violations):
    response = page.goto("/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # The schema is generated on first request: slow on a busy machine.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Enlace API", timeout=90_000)
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/auth/token/").first).to_be_visible()
    assert violations == []
