"""The linkage pipeline's rules: who may move a linkage where, and what transactions do to it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linkages import services
from linkages.models import Stage, Transaction
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    supplier = factories.SupplierProfileFactory()
    buyer = factories.BuyerFactory()
    people = {}
    for name, organisation, role in (
        ("buyer", buyer, "member"),
        ("buyer_viewer", buyer, "viewer"),
        ("supplier", supplier.organisation, "owner"),
        ("stranger", factories.BuyerFactory(), "owner"),
    ):
        people[name] = factories.UserFactory()
        factories.MembershipFactory(user=people[name], organisation=organisation, role=role)
    people["agency"] = factories.AgencyStaffFactory()
    linkage, _ = services.create_linkage(actor=people["buyer"], buyer=buyer, supplier=supplier, stage=Stage.CONTACTED)
    return linkage, people


def test_creating_twice_returns_the_same_linkage(pair):
    linkage, people = pair
    again, created = services.create_linkage(actor=people["supplier"], buyer=linkage.buyer, supplier=linkage.supplier)
    assert again.pk == linkage.pk
    assert not created


@pytest.mark.parametrize("who", ["stranger", "buyer_viewer"])
def test_outsiders_and_viewers_may_not_start_or_move_a_linkage(pair, who):
    linkage, people = pair
    with pytest.raises(PermissionDenied):
        services.move_linkage(actor=people[who], linkage=linkage, to_stage=Stage.MEETING)
    with pytest.raises(PermissionDenied):
        services.create_linkage(actor=people[who], buyer=linkage.buyer, supplier=factories.SupplierProfileFactory())


def test_either_side_moves_to_a_meeting_but_only_the_buyer_side_signs(pair):
    linkage, people = pair
    services.move_linkage(actor=people["supplier"], linkage=linkage, to_stage=Stage.MEETING)
    services.move_linkage(actor=people["supplier"], linkage=linkage, to_stage=Stage.NEGOTIATION)
    with pytest.raises(PermissionDenied):
        services.move_linkage(actor=people["supplier"], linkage=linkage, to_stage=Stage.FIRST_TRANSACTION)
    moved = services.move_linkage(actor=people["buyer"], linkage=linkage, to_stage=Stage.FIRST_TRANSACTION)
    assert moved.stage == Stage.FIRST_TRANSACTION
    assert list(moved.stage_changes.values_list("to_stage", flat=True)) == [
        Stage.CONTACTED,
        Stage.MEETING,
        Stage.NEGOTIATION,
        Stage.FIRST_TRANSACTION,
    ]


def test_only_agency_staff_mark_a_linkage_dormant(pair):
    linkage, people = pair
    for who in ("buyer", "supplier"):
        with pytest.raises(PermissionDenied):
            services.move_linkage(actor=people[who], linkage=linkage, to_stage=Stage.DORMANT)
    assert services.move_linkage(actor=people["agency"], linkage=linkage, to_stage=Stage.DORMANT).stage == Stage.DORMANT


def test_a_move_the_pipeline_does_not_allow_is_a_validation_error(pair):
    linkage, people = pair
    with pytest.raises(ValidationError):
        services.move_linkage(actor=people["agency"], linkage=linkage, to_stage=Stage.REPEAT_BUSINESS)


def test_transactions_mark_the_first_and_the_follow_ups(pair):
    linkage, people = pair
    today = timezone.localdate()
    first = services.record_transaction(
        actor=people["buyer"],
        linkage=linkage,
        date=today - dt.timedelta(days=90),
        value=Decimal("1200"),
        currency="usd",
    )
    follow = services.record_transaction(
        actor=people["agency"], linkage=linkage, date=today, value=Decimal("800"), currency="CRC"
    )
    linkage.refresh_from_db()
    assert (first.kind, follow.kind) == (Transaction.Kind.FIRST, Transaction.Kind.FOLLOW_UP)
    assert first.currency == "USD"
    assert linkage.stage == Stage.REPEAT_BUSINESS


def test_a_supplier_may_not_record_what_the_buyer_bought_and_bad_values_are_refused(pair):
    linkage, people = pair
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.record_transaction(actor=people["supplier"], linkage=linkage, date=today, value=1, currency="USD")
    with pytest.raises(ValidationError) as error:
        services.record_transaction(
            actor=people["buyer"], linkage=linkage, date=today + dt.timedelta(days=3), value=-5, currency="XXY"
        )
    assert set(error.value.message_dict) == {"date", "value"}
    assert not Transaction.objects.exists()
