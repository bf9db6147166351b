"""The pipeline board stays short: per stage its count, its worth and one page of cards, no move forms; the list
pages with its filters."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from linkages import services
from linkages.models import Linkage, Stage, Transaction
from linkages.views import BOARD_CARDS_PER_COLUMN
from tests import factories

pytestmark = pytest.mark.django_db
BOARD = "/linkages/board/"


def _linkages(count, *, stage, buyer=None, requirement=None, source=Linkage.Source.MANUAL):
    buyer = buyer or (requirement.buyer if requirement else factories.BuyerFactory())
    made = []
    for _ in range(count):
        linkage, _created = services.create_linkage(
            actor=None,
            buyer=buyer,
            supplier=factories.SupplierProfileFactory(),
            requirement=requirement,
            stage=stage,
            source=source,
            system=True,
        )
        made.append(linkage)
    return made


def _column(response, stage):
    return next(column for column in response.context["columns"] if column["stage"] == stage)


def _card_ids(html, stage):
    section = re.search(rf'<section class="column" data-stage="{stage}".*?</section>', html, re.S).group(0)
    return [int(pk) for pk in re.findall(r'data-linkage="(\d+)"', section)]


@pytest.fixture
def staff(client, agency_user):
    client.force_login(agency_user)
    return client


def test_each_stage_has_its_count_and_its_worth(staff):
    requirement = factories.RequirementFactory(estimated_annual_value=Decimal("250000"), currency="USD")
    negotiating = _linkages(2, stage=Stage.NEGOTIATION, requirement=None)
    from_requirement = _linkages(3, stage=Stage.NEGOTIATION, requirement=requirement)
    _linkages(1, stage=Stage.CONTACTED)
    today = timezone.localdate()
    for linkage, value, currency in (
        (negotiating[0], "1000.50", "USD"),
        (negotiating[1], "2000", "USD"),
        (from_requirement[0], "500000", "CRC"),
    ):
        Transaction.objects.create(linkage=linkage, kind="first", date=today, value=Decimal(value), currency=currency)
    response = staff.get(BOARD)
    assert response.status_code == 200
    negotiation = _column(response, Stage.NEGOTIATION)
    assert negotiation["count"] == 5
    assert negotiation["transacted"] == [("CRC", Decimal("500000")), ("USD", Decimal("3000.50"))]
    # the requirement's value counts once for the stage, not once per supplier linked from it
    assert negotiation["estimated"] == [("USD", Decimal("250000"))]
    assert _column(response, Stage.CONTACTED)["count"] == 1
    assert _column(response, Stage.CONTACTED)["transacted"] == []
    assert response.context["total"] == 6
    html = response.content.decode()
    assert "USD\xa03,000" in html  # whole units on the board (core.templatetags.words)
    assert "CRC\xa0500,000" in html
    assert "USD\xa0250,000" in html


def test_columns_show_a_page_of_cards_and_no_move_forms(staff):
    dormant = _linkages(BOARD_CARDS_PER_COLUMN + 3, stage=Stage.DORMANT)
    _linkages(2, stage=Stage.CONTACTED)
    html = staff.get(BOARD).content.decode()
    assert len(_card_ids(html, Stage.DORMANT)) == BOARD_CARDS_PER_COLUMN
    assert len(_card_ids(html, Stage.CONTACTED)) == 2
    assert 'action="/linkages/' not in html  # moves are on the linkage's page
    assert html.count("<form") == 3  # the filters, the language menu and signing out
    assert 'href="?stage=dormant&amp;page=2"' in html
    assert "1–10 of 13" in html
    second = staff.get(BOARD, {"stage": "dormant", "page": "2"})
    ids = _card_ids(second.content.decode(), Stage.DORMANT)
    assert len(ids) == 3
    newest_first = [linkage.pk for linkage in sorted(dormant, key=lambda k: (k.last_activity_at, k.pk), reverse=True)]
    assert ids == newest_first[BOARD_CARDS_PER_COLUMN:]
    assert len(_card_ids(second.content.decode(), Stage.CONTACTED)) == 2  # the other columns stay on their first page
    assert 'href="?stage=dormant&amp;page=1"' in second.content.decode()
    assert _column(staff.get(BOARD, {"stage": "dormant", "page": "99"}), Stage.DORMANT)["page"] == 2
    assert staff.get(BOARD, {"stage": "nonsense", "page": "x"}).status_code == 200


def test_filters_and_column_pages_combine(staff):
    buyer = factories.BuyerFactory(legal_name="Orthovia Medical")
    _linkages(BOARD_CARDS_PER_COLUMN + 1, stage=Stage.MEETING, buyer=buyer, source=Linkage.Source.EVENT)
    _linkages(4, stage=Stage.MEETING)
    response = staff.get(BOARD, {"q": "orthovia", "source": "event"})
    assert _column(response, Stage.MEETING)["count"] == BOARD_CARDS_PER_COLUMN + 1
    html = response.content.decode()
    assert 'href="?q=orthovia&amp;source=event&amp;stage=meeting&amp;page=2"' in html
    paged = staff.get(BOARD, {"q": "orthovia", "source": "event", "stage": "meeting", "page": "2"})
    assert len(_card_ids(paged.content.decode(), Stage.MEETING)) == 1


def test_a_card_opens_the_linkage_whose_moves_come_back_to_the_board(staff):
    (linkage,) = _linkages(1, stage=Stage.CONTACTED)
    html = staff.get(BOARD, {"source": "manual"}).content.decode()
    assert f'href="/linkages/{linkage.pk}/?next=/linkages/board/%3Fsource%3Dmanual"' in html
    detail = staff.get(f"/linkages/{linkage.pk}/", {"next": "/linkages/board/?source=manual"}).content.decode()
    assert 'name="next" value="/linkages/board/?source=manual"' in detail
    assert 'id="back"' in detail
    moved = staff.post(f"/linkages/{linkage.pk}/move/", {"stage": "dormant", "next": "/linkages/board/?source=manual"})
    assert moved["Location"] == "/linkages/board/?source=manual"
    assert Linkage.objects.get(pk=linkage.pk).stage == Stage.DORMANT
    elsewhere = staff.get(f"/linkages/{linkage.pk}/", {"next": "https://evil.example/"}).content.decode()
    assert 'id="back"' not in elsewhere
    assert 'name="next" value="https://evil.example/"' not in elsewhere


@pytest.mark.parametrize("role", ["sme", "buyer"])
def test_the_board_is_refused_to_smes_and_buyers(client, role, sme_owner, buyer_owner):
    client.force_login(sme_owner if role == "sme" else buyer_owner)
    assert client.get(BOARD).status_code == 403
    assert client.get(BOARD, {"stage": "dormant", "page": "2"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(BOARD)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_linkage_list_pages_with_its_filters(client):
    buyer = factories.BuyerFactory()
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=buyer)
    _linkages(27, stage=Stage.CONTACTED, buyer=buyer)
    _linkages(3, stage=Stage.MEETING, buyer=buyer)
    client.force_login(user)
    first = client.get("/linkages/", {"stage": "contacted"})
    assert len(first.context["page"]) == 25
    assert 'href="?stage=contacted&amp;page=2"' in first.content.decode()
    second = client.get("/linkages/", {"stage": "contacted", "page": "2"})
    assert len(second.context["page"]) == 2
    assert {linkage.stage for linkage in second.context["page"]} == {Stage.CONTACTED}
