"""The ranked list pages by ten and its filters ride along on every page link."""

import pytest
from django.utils import timezone

from matching.models import Match, MatchRun
from matching.views import SHORTLIST_PER_PAGE
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked():
    """A finished run over 30 published suppliers: 24 in Costa Rica, 6 in Panama (every fifth)."""
    requirement = factories.RequirementFactory()
    run = MatchRun.objects.create(
        requirement=requirement, status=MatchRun.Status.SUCCEEDED, finished_at=timezone.now(), candidates=30
    )
    for rank in range(1, 31):
        organisation = factories.SmeFactory(country="PA" if rank % 5 == 0 else "CR")
        supplier = factories.SupplierProfileFactory(organisation=organisation, published=True)
        Match.objects.create(run=run, supplier=supplier, rank=rank, score=1 - rank / 100, components={"text": 0.5})
    buyer = factories.UserFactory()
    factories.MembershipFactory(user=buyer, organisation=requirement.buyer)
    return requirement, buyer


def _ranks(response) -> list[int]:
    return [row["match"].rank for row in response.context["rows"]]


def test_ten_a_page_and_the_filters_stay_on_the_page_links(client, ranked):
    requirement, buyer = ranked
    client.force_login(buyer)
    url = f"/requirements/{requirement.pk}/matches/"
    assert SHORTLIST_PER_PAGE == 10
    assert _ranks(client.get(url)) == list(range(1, 11))
    assert _ranks(client.get(url, {"page": "3"})) == list(range(21, 31))

    costa_rica = client.get(url, {"country": "CR"})
    assert _ranks(costa_rica) == [1, 2, 3, 4, 6, 7, 8, 9, 11, 12]
    html = costa_rica.content.decode()
    assert 'href="?country=CR&amp;page=2"' in html
    assert "24 suppliers match these filters" in html
    third = client.get(url, {"country": "CR", "page": "3"})
    assert _ranks(third) == [26, 27, 28, 29]
    assert 'href="?country=CR&amp;page=2"' in third.content.decode()
    assert _ranks(client.get(url, {"country": "PA", "page": "2"})) == [5, 10, 15, 20, 25, 30]  # one page: page 1


def test_the_ranked_list_is_refused_to_suppliers_and_other_buyers(client, ranked, sme_owner, buyer_owner):
    requirement, _buyer = ranked
    for user in (sme_owner, buyer_owner):
        client.force_login(user)
        assert client.get(f"/requirements/{requirement.pk}/matches/", {"page": "2"}).status_code in (403, 404)
