"""The buyer's ranked shortlist and the SME's opportunities, in headless Chromium."""

import re

import pytest
from playwright.sync_api import expect

from linkages.models import Linkage, Stage
from matching import services
from matching.models import ShortlistEntry
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _member(organisation, role="owner"):
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def test_buyer_reads_the_breakdown_shortlists_and_contacts(page, login, titanium):
    requirement = titanium["requirement"]
    services.run_now(requirement=requirement)
    login(_member(requirement.buyer))

    page.goto(f"/requirements/{requirement.pk}/")
    page.click("#ranked-suppliers")
    expect(page).to_have_url(re.compile(rf"/requirements/{requirement.pk}/matches/$"))
    cards = page.locator("article.match")
    expect(cards).to_have_count(3)
    first = cards.nth(0)
    expect(first).to_have_attribute("data-supplier", str(titanium["fit"].pk))
    expect(first.locator(".bars li")).to_have_count(8)
    widths = first.locator(".bar > span").evaluate_all("spans => spans.map(s => parseFloat(s.style.width))")
    score = float(first.locator(".score").inner_text())  # out of 100, rounded to a whole point
    assert abs(sum(widths) - score) <= 1  # the bars add up to the score shown (each rounded)
    expect(first.locator(".gaps li").first).to_be_visible()

    cards.nth(1).locator("button.shortlist-toggle").click()
    expect(page.locator("article.match").nth(1).locator(".shortlisted")).to_be_visible()
    page.locator("article.match").nth(0).locator("button.contact-supplier").click()
    expect(page.locator(".messages")).to_contain_text("contacted")
    expect(page.locator("article.match").nth(0).locator(".linkage-stage")).to_be_visible()
    assert Linkage.objects.get(requirement=requirement, supplier=titanium["fit"]).stage == Stage.CONTACTED
    assert ShortlistEntry.objects.filter(requirement=requirement).count() == 2

    page.check("#id_shortlisted")
    page.click("#match-filters button[type=submit]")
    expect(page.locator("article.match")).to_have_count(2)

    page.goto(f"/requirements/{requirement.pk}/matches/")
    page.click("#rerun")
    expect(page.locator("#run-pending")).to_be_visible()


def test_a_supplier_is_refused_the_shortlist_and_sees_its_opportunities(page, login, titanium):
    requirement = titanium["requirement"]
    services.run_now(requirement=requirement)
    login(_member(titanium["fit"].organisation))

    response = page.goto(f"/requirements/{requirement.pk}/matches/")
    assert response.status == 403

    page.goto("/")
    page.get_by_role("link", name="Opportunities", exact=True).click()
    cards = page.locator("article.opportunity")
    expect(cards).to_have_count(1)
    expect(cards.first).to_have_attribute("data-requirement", str(requirement.pk))
    expect(cards.first.locator(".bars li")).to_have_count(8)
    expect(cards.first.locator(".score")).to_have_text(re.compile(r"^\d{1,3}$"))  # out of 100
