"""The demo's forecasts: published by verified buyers, ranked, answered by some of their best fits."""

import pytest

from accounts.models import Organisation
from demo.forecasts import seed_forecasts
from forecasts.models import DemandForecast, ForecastInterest
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def market():
    machining = factories.CategoryFactory(code="42600000", name_en="Machine tools", lineage="/42000000/42600000/")
    for n in range(3):
        owner = factories.SmeOwnerFactory()
        factories.CapabilityFactory(
            profile=factories.SupplierProfileFactory(organisation=owner.memberships.get().organisation),
            category=machining,
            description=f"Mecanizado CNC de titanio, línea {n}",
        )
    for n in range(4):
        buyer = factories.BuyerOwnerFactory().memberships.get().organisation
        if n == 3:
            buyer.verification_status = Organisation.VerificationStatus.PENDING
            buyer.save()
        factories.RequirementFactory(buyer=buyer).categories.set([machining])


def test_the_demo_has_ranked_forecasts_with_interests(market):
    created = seed_forecasts()
    assert created["demand forecasts"] == 3
    forecasts = list(DemandForecast.objects.select_related("buyer"))
    assert {f.status for f in forecasts} == {DemandForecast.Status.PUBLISHED}
    assert all(f.buyer.is_verified for f in forecasts)
    assert len({f.confidence for f in forecasts}) == 3
    assert all(f.fits.exists() for f in forecasts)
    assert all(f.volumes.count() == f.horizon_years for f in forecasts)
    interests = ForecastInterest.objects.select_related("forecast")
    assert interests.count() == created["forecast interests"] == 6
    assert all(i.forecast.fits.filter(supplier=i.supplier).exists() for i in interests)
    assert seed_forecasts() == {}
