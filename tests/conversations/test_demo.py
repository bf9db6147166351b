import pytest

from conversations import selectors
from conversations.models import Message, Thread
from demo.conversations import SCRIPT, seed_conversations

pytestmark = pytest.mark.django_db


def test_the_demo_writes_threads_on_live_linkages_once(world):
    created = seed_conversations()
    assert created == {"message threads": 1, "messages": len(SCRIPT)}
    thread = Thread.objects.get()
    assert thread.linkage == world.linkage
    assert list(thread.messages.values_list("side", flat=True)) == [side for side, _words in SCRIPT]
    assert selectors.unread_total(user=world.buyer_owner) == 1  # the supplier's last answer
    assert seed_conversations() == {}
    assert Message.objects.count() == len(SCRIPT)
