"""Every stage move, tried by every party: allowed exactly where TRANSITIONS says, refused everywhere else."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linkages import services
from linkages.models import TRANSITIONS, Linkage, Party, Stage
from tests import factories

pytestmark = pytest.mark.django_db
PARTIES = (Party.BUYER, Party.SUPPLIER, Party.AGENCY)


@pytest.fixture
def people():
    buyer = factories.BuyerFactory()
    supplier = factories.SupplierProfileFactory()
    actors = {}
    for party, organisation in ((Party.BUYER, buyer), (Party.SUPPLIER, supplier.organisation)):
        actors[party] = factories.UserFactory()
        factories.MembershipFactory(user=actors[party], organisation=organisation, role="member")
    actors[Party.AGENCY] = factories.AgencyStaffFactory()
    actors["viewer"] = factories.UserFactory()
    factories.MembershipFactory(user=actors["viewer"], organisation=buyer, role="viewer")
    return buyer, supplier, actors


def _linkage_at(buyer, supplier, stage):
    linkage, _ = services.create_linkage(actor=None, buyer=buyer, supplier=supplier, stage=Stage.CONTACTED, system=True)
    Linkage.objects.filter(pk=linkage.pk).update(stage=stage)
    linkage.refresh_from_db()
    return linkage


@pytest.mark.parametrize(("from_stage", "to_stage"), list(itertools.product(Stage.values, Stage.values)))
def test_each_move_for_each_party(people, from_stage, to_stage):
    buyer, supplier, actors = people
    allowed = TRANSITIONS.get((from_stage, to_stage))
    for party in (*PARTIES, "viewer"):
        linkage = _linkage_at(buyer, supplier, from_stage)
        if allowed is None:
            with pytest.raises(ValidationError):
                services.move_linkage(actor=actors[party], linkage=linkage, to_stage=to_stage)
        elif party in allowed:
            assert services.move_linkage(actor=actors[party], linkage=linkage, to_stage=to_stage).stage == to_stage
        else:
            with pytest.raises(PermissionDenied):
                services.move_linkage(actor=actors[party], linkage=linkage, to_stage=to_stage)
        assert Linkage.objects.get(pk=linkage.pk).stage == (to_stage if allowed and party in allowed else from_stage)
        Linkage.objects.filter(pk=linkage.pk).delete()
