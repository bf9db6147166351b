"""The outcomes the learned ranker trains on: the furthest stage each linkage from a requirement reached."""

import datetime as dt

import pytest
from django.utils import timezone

from linkages import selectors, services
from linkages.models import Stage
from tests import factories

pytestmark = pytest.mark.django_db


def test_outcomes_keep_the_furthest_stage_not_the_current_one():
    requirement = factories.RequirementFactory()
    earlier = timezone.now() - dt.timedelta(days=300)
    won, _ = services.create_linkage(
        actor=None,
        buyer=requirement.buyer,
        supplier=factories.SupplierProfileFactory(),
        requirement=requirement,
        stage=Stage.CONTACTED,
        at=earlier,
        system=True,
    )
    services.record_transaction(
        actor=None, linkage=won, date=(earlier + dt.timedelta(days=20)).date(), value=100, currency="USD", system=True
    )
    services.move_linkage(actor=None, linkage=won, to_stage=Stage.DORMANT, system=True)
    lost, _ = services.create_linkage(
        actor=None,
        buyer=requirement.buyer,
        supplier=factories.SupplierProfileFactory(),
        requirement=requirement,
        stage=Stage.CONTACTED,
        at=earlier,
        system=True,
    )
    services.move_linkage(
        actor=None, linkage=lost, to_stage=Stage.DECLINED, at=earlier + dt.timedelta(days=5), system=True
    )
    services.create_linkage(
        actor=None,
        buyer=requirement.buyer,
        supplier=factories.SupplierProfileFactory(),
        stage=Stage.CONTACTED,
        system=True,
    )  # not from a requirement: no outcome

    outcomes = {supplier: stage for _, supplier, stage, _ in selectors.requirement_outcomes()}

    assert outcomes == {won.supplier_id: Stage.FIRST_TRANSACTION, lost.supplier_id: Stage.DECLINED}
