import time

import pytest
from django.core import mail

from accounts import services
from tests import factories
from tests.worker import celery_worker  # noqa: F401 - the fixture


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_invitation_email_is_sent_by_a_real_worker_through_redis(celery_worker):  # noqa: F811
    owner = factories.SmeOwnerFactory()
    organisation = owner.memberships.get().organisation
    invitation = services.invite_colleague(
        organisation=organisation, email="colleague@example.com", role="viewer", invited_by=owner
    )
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [message.to for message in mail.outbox] == [["colleague@example.com"]]
    assert invitation.token in mail.outbox[0].body
