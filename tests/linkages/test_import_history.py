"""Bulk history from imports: deals recorded in date order, the first one first, existing linkages continued."""

import datetime as dt
from decimal import Decimal

import pytest

from linkages import services
from linkages.models import Linkage, Stage, Transaction
from tests import factories

pytestmark = pytest.mark.django_db


def _deal(buyer, supplier, day, value):
    return services.ImportedDeal(
        buyer_id=buyer.pk,
        supplier_id=supplier.pk,
        requirement_id=None,
        category_id=None,
        date=day,
        value=None if value is None else Decimal(value),
        currency="USD",
    )


def test_deals_become_a_linkage_with_ordered_transactions_and_stage_history(django_assert_max_num_queries):
    buyer, supplier = factories.BuyerFactory(), factories.SupplierProfileFactory()
    deals = [_deal(buyer, supplier, dt.date(2024, 5, 1), "300"), _deal(buyer, supplier, dt.date(2023, 1, 10), "1000")]
    with django_assert_max_num_queries(8):
        linkages, counts = services.import_history(deals=deals)
    linkage = Linkage.objects.get()
    assert linkages[(buyer.pk, supplier.pk, None)].pk == linkage.pk
    assert list(linkage.transactions.order_by("date").values_list("kind", "value")) == [
        ("first", Decimal("1000.00")),
        ("follow_up", Decimal("300.00")),
    ]
    assert linkage.stage == Stage.REPEAT_BUSINESS
    assert linkage.created_at.date() == dt.date(2023, 1, 10)
    assert list(linkage.stage_changes.values_list("to_stage", flat=True)) == [
        "contacted",
        "first_transaction",
        "repeat_business",
    ]
    assert counts == {"linkages created": 1, "first transactions": 1, "follow-up transactions": 1}


def test_an_existing_linkage_continues_and_a_valueless_award_still_counts_as_a_first_transaction():
    buyer, supplier = factories.BuyerFactory(), factories.SupplierProfileFactory()
    other = factories.SupplierProfileFactory()
    existing, _ = services.create_linkage(
        actor=None, buyer=buyer, supplier=supplier, stage=Stage.CONTACTED, system=True
    )
    services.record_transaction(
        actor=None, linkage=existing, date=dt.date(2022, 1, 1), value=5, currency="USD", system=True
    )
    services.import_history(
        deals=[_deal(buyer, supplier, dt.date(2024, 1, 1), "50"), _deal(buyer, other, dt.date(2024, 2, 2), None)]
    )
    existing.refresh_from_db()
    assert existing.transactions.filter(kind="follow_up").count() == 1
    assert existing.stage == Stage.REPEAT_BUSINESS
    assert Linkage.objects.get(supplier=other).stage == Stage.FIRST_TRANSACTION
    assert Transaction.objects.count() == 2
