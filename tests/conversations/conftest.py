"""A buyer and a supplier linked, with every role around them: the people in the thread, their viewers, outsiders
(another SME, another buyer, an unverified buyer) and agency staff."""

from types import SimpleNamespace

import pytest

from accounts.models import Membership, Organisation
from linkages import services as linkage_services
from linkages.models import Stage
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _member(organisation, role=Membership.Role.OWNER, **kwargs):
    user = factories.UserFactory(**kwargs)
    factories.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def world(db):
    buyer = factories.BuyerFactory(legal_name="Medtronic Costa Rica")
    supplier = factories.SupplierProfileFactory(organisation=factories.SmeFactory(legal_name="Precision Tools S.A."))
    other_supplier = factories.SupplierProfileFactory(organisation=factories.SmeFactory(legal_name="Otra Pyme S.A."))
    other_buyer = factories.BuyerFactory(legal_name="Boston Scientific")
    unverified = factories.BuyerFactory(
        legal_name="Declared Buyer Inc.", verification_status=Organisation.VerificationStatus.PENDING
    )
    linkage, _created = linkage_services.create_linkage(
        actor=None, buyer=buyer, supplier=supplier, stage=Stage.CONTACTED, system=True
    )
    return SimpleNamespace(
        buyer=buyer,
        supplier=supplier,
        linkage=linkage,
        buyer_owner=_member(buyer, full_name="Ana Compras"),
        buyer_member=_member(buyer, Membership.Role.MEMBER),
        buyer_viewer=_member(buyer, Membership.Role.VIEWER),
        supplier_owner=_member(supplier.organisation, full_name="Luis Taller"),
        supplier_viewer=_member(supplier.organisation, Membership.Role.VIEWER),
        other_sme=_member(other_supplier.organisation),
        other_supplier=other_supplier,
        other_buyer=_member(other_buyer),
        unverified_buyer=_member(unverified),
        agency=factories.AgencyStaffFactory(full_name="Carla Agencia"),
    )
