"""Six and twelve months after its plan ends, an SME is asked for its outcomes, in its own language, once."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from development import services
from development.models import Phase
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_sme_is_asked_for_its_outcomes_once_per_milestone(cast, django_capture_on_commit_callbacks):
    intervention = cast["intervention"]
    intervention.consultant = cast["consultant_record"]
    intervention.phase = Phase.IMPLEMENTATION
    intervention.save()
    services.move_phase(actor=cast["consultant"], intervention=intervention, to_phase=Phase.DOCUMENTATION)
    in_seven_months = timezone.localdate() + dt.timedelta(days=215)

    with django_capture_on_commit_callbacks(execute=True):
        services.send_due_follow_ups(today=in_seven_months)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_due_follow_ups(today=in_seven_months)

    [note] = Notification.objects.filter(recipient=cast["supplier"], kind="outcome_follow_up")
    assert note.params["months"] == 6
    assert cast["programme"].name in note.title
    assert not Notification.objects.filter(recipient=cast["buyer"], kind="outcome_follow_up").exists()
    from notifications import texts

    with translation.override("es"):
        title, _body = texts.render(note.kind, note.params)
    assert "meses" in title
