"""A linkage from "contact supplier" to a follow-up order, and the agency's board, in headless Chromium."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linkages.models import Linkage, Stage, Transaction
from matching import services as matching_services
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _member(organisation, role="owner"):
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def test_buyer_takes_a_match_to_a_first_and_a_follow_up_order(page, login, titanium):
    requirement = titanium["requirement"]
    matching_services.run_now(requirement=requirement)
    login(_member(requirement.buyer))

    page.goto(f"/requirements/{requirement.pk}/matches/")
    page.locator("article.match").nth(0).locator("button.contact-supplier").click()
    page.goto("/linkages/")
    page.locator("#linkages tbody a").first.click()
    expect(page.locator("#linkage-stage")).to_have_text("Contacted")
    page.click("#moves button[data-stage=meeting]")
    expect(page.locator("#linkage-stage")).to_have_text("Meeting")
    page.click("#moves button[data-stage=negotiation]")
    today = str(timezone.localdate())
    for value in ("12000", "8000"):
        page.fill("#id_date", today)
        page.fill("#id_value", value)
        page.fill("#id_currency", "USD")
        page.click("#transaction-form button[type=submit]")
        expect(page.locator(".messages")).to_contain_text("Transaction recorded")
    expect(page.locator("#linkage-stage")).to_have_text("Repeat business")
    expect(page.locator("#transactions tbody tr")).to_have_count(2)
    linkage = Linkage.objects.get(requirement=requirement)
    assert linkage.stage == Stage.REPEAT_BUSINESS
    assert list(Transaction.objects.filter(linkage=linkage).values_list("kind", flat=True)) == ["first", "follow_up"]


def test_agency_moves_a_card_on_the_board(page, login, titanium):
    requirement = titanium["requirement"]
    from linkages import services

    linkage, _ = services.create_linkage(
        actor=None,
        buyer=requirement.buyer,
        supplier=titanium["fit"],
        requirement=requirement,
        stage=Stage.CONTACTED,
        system=True,
    )
    login(factories.AgencyStaffFactory())
    page.goto("/linkages/board/")
    card = page.locator(f"article.linkage-card[data-linkage='{linkage.pk}']")
    expect(page.locator("section.column[data-stage=contacted]").locator(card)).to_be_visible()
    card.locator("a").click()  # the move is on the linkage's page, which sends the user back to the board
    page.click("#moves button[data-stage=dormant]")
    expect(page).to_have_url(re.compile(r"/linkages/board/"))
    expect(page.locator("section.column[data-stage=dormant] article.linkage-card")).to_have_count(1)
    assert Linkage.objects.get(pk=linkage.pk).stage == Stage.DORMANT
