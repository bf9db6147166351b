"""core.outbox: an e-mail is a row written with what causes it, sent once, retried when SMTP fails."""

import smtplib

import pytest
from django.core import mail

from accounts import services as account_services
from accounts.models import Invitation
from core import jobs, outbox
from core.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def _queue(key="k1", **kwargs):
    return outbox.queue_email(to="a@example.com", subject="Hi", body_text="Body", dedupe_key=key, **kwargs)


def test_the_same_email_is_queued_once_and_sent_once(django_capture_on_commit_callbacks, eager):
    from config.celery import app

    eager(app)  # inline (tests/conftest.py): sent in the commit
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email, created = _queue(body_html="<p>Body</p>")
        again, created_again = _queue()
    assert created
    assert not created_again
    assert again.pk == email.pk
    assert len(callbacks) == 1
    assert OutgoingEmail.objects.get().status == "sent"
    assert outbox.send_email(email_id=email.pk).status == "sent"  # a second message: nothing sent
    assert len(mail.outbox) == 1
    assert mail.outbox[0].alternatives[0][0] == "<p>Body</p>"


def test_an_smtp_failure_leaves_it_queued_for_beat_then_gives_up(monkeypatch, settings):
    email, _created = _queue(publish=False)

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", refuse)
    failed = outbox.send_email(email_id=email.pk)
    assert failed.status == "queued"
    assert failed.attempts == 1
    assert "SMTPServerDisconnected" in failed.error
    settings.CORE_JOB_RESEND_AFTER_SECONDS = 0
    sent = []
    assert jobs.requeue_stalled(OutgoingEmail, send=sent.append) == 1
    OutgoingEmail.objects.filter(pk=email.pk).update(attempts=OutgoingEmail.max_attempts - 1)
    assert outbox.send_email(email_id=email.pk).status == "failed"
    monkeypatch.undo()
    assert outbox.resend(email_ids=[email.pk]) == 1  # the operator's decision, from the admin
    assert OutgoingEmail.objects.get(pk=email.pk).attempts == 0


def test_an_invitation_and_its_email_are_one_write_and_a_retry_duplicates_neither(
    sme_owner, django_capture_on_commit_callbacks
):
    organisation = sme_owner.memberships.get().organisation
    with django_capture_on_commit_callbacks(execute=False):
        first = account_services.invite_colleague(
            organisation=organisation, email="new@example.com", role="member", invited_by=sme_owner
        )
    email = OutgoingEmail.objects.get()
    assert email.dedupe_key == f"invitation:{first.pk}"
    assert email.to == "new@example.com"
    assert first.token in email.body_text
    assert email.status == "queued"
    again = account_services.invite_colleague(
        organisation=organisation, email="New@Example.com", role="viewer", invited_by=sme_owner
    )
    assert again.pk == first.pk
    assert again.role == "viewer"
    assert Invitation.objects.count() == 1
    assert OutgoingEmail.objects.count() == 1
    account_services.send_invitation(invitation_id=first.pk)  # a message from before the outbox
    assert OutgoingEmail.objects.count() == 1
