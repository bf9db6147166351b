import pytest

from demo.generator import seed_demo
from marketplace.models import Clarification, Response

pytestmark = pytest.mark.django_db


def test_the_demo_has_quotes_in_two_currencies_a_decline_and_an_answered_question():
    seed_demo(smes=40, requirements=8)
    quotes = Response.objects.filter(kind="quote")
    assert set(quotes.values_list("currency", flat=True)) == {"USD", "CRC"}
    decline = Response.objects.get(kind="decline", requirement=quotes.first().requirement)
    assert decline.decline_reason == "no_capacity"
    assert decline.linkage.stage == "declined"
    assert Clarification.objects.filter(answered_at__isnull=False).count() == 1
    before = Response.objects.count()
    seed_demo(smes=40, requirements=8)  # a second run writes nothing new
    assert Response.objects.count() == before
