"""A linkage's page lists its stage history and transactions by the date of the business, and marks the entries
recorded after one dated later than themselves (a transaction dated before the first contact too) as back-dated."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from linkages import services
from linkages.models import Stage
from tests import factories

pytestmark = pytest.mark.django_db


def _member(organisation, role="owner"):
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def linkage():
    buyer = factories.BuyerFactory()
    created, _ = services.create_linkage(
        actor=_member(buyer), buyer=buyer, supplier=factories.SupplierProfileFactory(), stage=Stage.CONTACTED
    )
    return created


def _record(linkage, days_ago, value, description):
    return services.record_transaction(
        actor=None,
        linkage=linkage,
        date=timezone.localdate() - dt.timedelta(days=days_ago),
        value=value,
        currency="USD",
        description=description,
        system=True,
    )


def _rows(html, section_id):
    """The rows of the history list or the transactions table: (text without tags, back-dated?)."""
    start = html.index(f'id="{section_id}"')
    end = html.index("</ol>" if section_id == "history" else "</table>", start)
    tag = "li" if section_id == "history" else "tr"
    rows = re.findall(rf"<{tag}(?: class=\"(\w+)\")?>(.*?)</{tag}>", html[start:end], flags=re.S)
    return [(re.sub(r"<[^>]+>", "", body).split("·")[0].strip(), css == "backdated") for css, body in rows]


def _page(client, linkage):
    client.force_login(_member(linkage.buyer))
    response = client.get(f"/linkages/{linkage.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_entries_recorded_in_date_order_carry_no_marker(client, linkage):
    _record(linkage, 0, 1000, "first order")
    html = _page(client, linkage)
    assert _rows(html, "history") == [("Contacted", False), ("First transaction", False)]
    assert [backdated for _text, backdated in _rows(html, "transactions")] == [False, False]  # header, one row
    assert "Back-dated" not in html
    assert 'id="backdated-note"' not in html


def test_a_transaction_dated_before_the_contact_is_listed_first_and_marked(client, linkage):
    _record(linkage, 0, 1000, "recorded first, dated today")
    _record(linkage, 40, 500, "recorded later, dated before the contact")
    html = _page(client, linkage)

    transactions = _rows(html, "transactions")[1:]  # after the header row
    assert [backdated for _text, backdated in transactions] == [True, False]
    assert "recorded later, dated before the contact" in html.split('id="transactions"')[1].split("</tr>")[1]

    history = _rows(html, "history")
    # By business date: the repeat order's change (40 days ago) before the contact and the first transaction.
    assert history == [("Repeat business", True), ("Contacted", False), ("First transaction", False)]
    assert 'id="backdated-note"' in html


def test_a_first_transaction_dated_before_the_contact_is_back_dated(client, linkage):
    _record(linkage, 3, 700, "an order placed before the agency recorded the contact")
    html = _page(client, linkage)
    assert _rows(html, "history") == [("First transaction", True), ("Contacted", False)]
    assert [backdated for _text, backdated in _rows(html, "transactions")[1:]] == [True]


def test_an_order_recorded_late_between_two_others_is_back_dated(client, linkage):
    _record(linkage, 0, 100, "")  # all dated on or after the contact (today)
    linkage.refresh_from_db()
    # Pretend the contact was 30 days ago so that older dates stay after it.
    change = linkage.stage_changes.get(to_stage=Stage.CONTACTED)
    change.changed_at -= dt.timedelta(days=30)
    change.save(update_fields=["changed_at"])
    _record(linkage, 5, 200, "")
    _record(linkage, 10, 300, "")
    html = _page(client, linkage)
    transactions = _rows(html, "transactions")[1:]
    values = re.findall(r"USD[\s\xa0]?([\d,]+)", html.split('id="transactions"')[1].split("</table>")[0])
    assert [value.replace(",", "") for value in values] == ["300", "200", "100"], "by date, oldest first"
    # 300 (10 days ago) was recorded after 200 (5 days ago) and 100 (today); 200 after 100.
    assert [backdated for _text, backdated in transactions] == [True, True, False]
