"""The SME's opportunities: filters by words and by how its fit stands, kept on every page link."""

import pytest
from django.utils import timezone

from matching.models import Opportunity
from tests import factories

pytestmark = pytest.mark.django_db
URL = "/opportunities/"


@pytest.fixture
def inbox():
    """An SME with 25 open requirements it fits (two of them from Orthovia), 3 it is excluded from and 2 unassessed."""
    profile = factories.SupplierProfileFactory(published=True)
    factories.CapabilityFactory(profile=profile)
    owner = factories.SmeOwnerFactory(membership=profile.organisation)
    orthovia = factories.BuyerFactory(legal_name="Orthovia Medical")
    # A buyer named without digits: the factories' numbered names ("Global Devices 107 Inc.") would match "07".
    acme = factories.BuyerFactory(legal_name="Acme Aeroespacial")
    now = timezone.now()
    for number in range(30):
        requirement = factories.RequirementFactory(
            title=f"Titanium part {number:02d}", buyer=orthovia if number < 2 else acme
        )
        if number < 25:
            Opportunity.objects.create(
                requirement=requirement, supplier=profile, eligible=True, score=0.9 - number / 100, computed_at=now
            )
        elif number < 28:
            Opportunity.objects.create(
                requirement=requirement, supplier=profile, eligible=False, excluded_because=["country"], computed_at=now
            )
    return owner


def _titles(response) -> list[str]:
    return [row["requirement"].title for row in response.context["rows"]]


def test_filters_by_fit_and_words_and_pages_keep_them(client, inbox):
    client.force_login(inbox)
    everything = client.get(URL)
    assert everything.context["page"].paginator.count == 30
    assert len(_titles(everything)) == 20
    eligible = client.get(URL, {"fit": "eligible"})
    assert eligible.context["page"].paginator.count == 25
    assert 'href="?fit=eligible&amp;page=2"' in eligible.content.decode()
    second = client.get(URL, {"fit": "eligible", "page": "2"})
    assert _titles(second) == [f"Titanium part {number:02d}" for number in range(20, 25)]  # best fit first
    assert _titles(client.get(URL, {"fit": "excluded"})) == [f"Titanium part {n}" for n in (25, 26, 27)]
    assert set(_titles(client.get(URL, {"fit": "unassessed"}))) == {"Titanium part 28", "Titanium part 29"}
    assert _titles(client.get(URL, {"q": "orthovia"})) == ["Titanium part 00", "Titanium part 01"]
    assert _titles(client.get(URL, {"q": "PART 07"})) == ["Titanium part 07"]
    nothing = client.get(URL, {"q": "zirconium", "fit": "bogus"})
    assert nothing.status_code == 200
    assert "No open requirement matches these filters." in nothing.content.decode()


def test_opportunities_are_refused_to_buyers_and_agency_staff(client, buyer_owner, agency_user):
    for user in (buyer_owner, agency_user):
        client.force_login(user)
        assert client.get(URL, {"fit": "eligible"}).status_code == 403
