import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.models import Membership, Organisation
from buyers.models import Requirement
from tests import factories


@dataclass
class Market:
    requirement: Requirement
    buyer_org: Organisation
    buyer: object
    buyer_viewer: object
    supplier_a: object
    sme_a: object
    sme_a_viewer: object
    supplier_b: object
    sme_b: object
    other_buyer: object
    unverified_buyer: object
    unverified_requirement: Requirement
    agency: object
    category: object


def _member(organisation, role=Membership.Role.OWNER, **fields):
    user = factories.UserFactory(**fields)
    factories.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def market(db):
    category = factories.CategoryFactory(code="42600000", name_en="Machine tools", lineage="/42000000/42600000/")
    buyer_org = factories.BuyerFactory(legal_name="Global Devices Inc.")
    requirement = factories.RequirementFactory(buyer=buyer_org, title="Titanium implant parts")
    requirement.categories.set([category])
    supplier_a = factories.SupplierProfileFactory(organisation=factories.SmeFactory(legal_name="Mecanizados Alfa"))
    supplier_b = factories.SupplierProfileFactory(organisation=factories.SmeFactory(legal_name="Tornos Beta"))
    unverified_org = factories.BuyerFactory(
        legal_name="Pending Buyer Corp", verification_status=Organisation.VerificationStatus.PENDING
    )
    unverified_requirement = factories.RequirementFactory(buyer=unverified_org, title="Pending buyer's need")
    return Market(
        requirement=requirement,
        buyer_org=buyer_org,
        buyer=_member(buyer_org),
        buyer_viewer=_member(buyer_org, Membership.Role.VIEWER),
        supplier_a=supplier_a,
        sme_a=_member(supplier_a.organisation),
        sme_a_viewer=_member(supplier_a.organisation, Membership.Role.VIEWER),
        supplier_b=supplier_b,
        sme_b=_member(supplier_b.organisation),
        other_buyer=factories.BuyerOwnerFactory(),
        unverified_buyer=_member(unverified_org),
        unverified_requirement=unverified_requirement,
        agency=factories.AgencyStaffFactory(),
        category=category,
    )


@pytest.fixture
def quote():
    """A quote's fields, valid."""
    return {
        "kind": "quote",
        "price": "12.50",
        "currency": "USD",
        "unit": "piece",
        "lead_time_days": 30,
        "valid_until": timezone.localdate() + dt.timedelta(days=60),
        "notes": "Ti-6Al-4V from certified mills.",
    }


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
