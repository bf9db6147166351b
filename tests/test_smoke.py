import pytest

from tests import factories


@pytest.mark.django_db
def test_agency_staff_is_recognised_only_for_verified_agency_members():
    staff = factories.AgencyStaffFactory()
    sme = factories.SmeOwnerFactory()
    assert staff.is_agency_staff
    assert not sme.is_agency_staff
