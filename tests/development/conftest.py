import datetime as dt
from decimal import Decimal

import pytest

from development import services
from development.models import Consultant
from tests import factories


@pytest.fixture
def cast(db):
    """A programme with one anchor buyer and one enrolled supplier, and a user for every role."""
    agency_staff = factories.AgencyStaffFactory()
    agency = agency_staff.memberships.get().organisation
    buyer_user = factories.BuyerOwnerFactory()
    buyer = buyer_user.memberships.get().organisation
    supplier_user = factories.SmeOwnerFactory()
    supplier = factories.SupplierProfileFactory(organisation=supplier_user.memberships.get().organisation)
    consultant_user = factories.UserFactory()
    consultant = Consultant.objects.create(
        user=consultant_user, name="Ana Consultora", agency=agency, specialties=["quality"]
    )
    programme = services.create_programme(
        actor=agency_staff,
        agency=agency,
        anchor_buyers=[buyer],
        name="Desarrollo de proveedores 2026",
        starts_on=dt.date(2026, 1, 1),
        budget=Decimal("250000"),
        certificate_thresholds={"productivity": 20, "defect_rate": 30},
    )
    intervention = services.enrol_supplier(
        actor=agency_staff, programme=programme, supplier=supplier, anchor_buyer=buyer, cost=Decimal("12000")
    )
    return {
        "agency": agency_staff,
        "consultant": consultant_user,
        "buyer": buyer_user,
        "supplier": supplier_user,
        "outsider": factories.SmeOwnerFactory(),
        "other_buyer": factories.BuyerOwnerFactory(),
        "consultant_record": consultant,
        "programme": programme,
        "intervention": intervention,
        "profile": supplier,
    }
