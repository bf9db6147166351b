"""core.jobs: claimed once, heartbeats, requeued when stalled, given up; background tasks on the embedded default."""

import datetime as dt
import threading
import time

import pytest
from django.core import mail
from django.utils import timezone

from config.celery import app
from core import jobs
from core.models import OutgoingEmail
from matching import services as matching_services
from matching.models import MatchRun
from tests import factories


def _old(model, pk, **fields):
    model.objects.filter(pk=pk).update(created_at=timezone.now() - dt.timedelta(hours=1), **fields)


@pytest.mark.django_db
def test_a_job_is_claimed_once_and_a_stalled_one_again(titanium, settings):
    run = MatchRun.objects.create(requirement=titanium["requirement"])
    first = jobs.claim(MatchRun, run.pk)
    assert first is not None
    assert first.status == "running"
    assert first.attempts == 1
    assert first.claimed_by == jobs.worker_identity()
    assert jobs.claim(MatchRun, run.pk) is None  # a second message about it: nothing to do
    assert jobs.heartbeat(first)
    # Its heartbeat stops (the worker died): after CORE_JOB_STALE_AFTER_SECONDS another worker may take it.
    MatchRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - dt.timedelta(minutes=3), claimed_by="elsewhere:1"
    )
    second = jobs.claim(MatchRun, run.pk)
    assert second is not None
    assert second.attempts == 2
    jobs.finish(second, status=MatchRun.Status.SUCCEEDED)
    assert jobs.claim(MatchRun, run.pk) is None
    assert not jobs.heartbeat(second)  # finished: the heartbeat thread stops


@pytest.mark.django_db
def test_a_job_claimed_by_a_dead_process_of_this_machine_is_taken_at_once(titanium):
    run = MatchRun.objects.create(requirement=titanium["requirement"])
    import socket
    import subprocess

    dead = subprocess.Popen(["true"])
    dead.wait()
    MatchRun.objects.filter(pk=run.pk).update(
        status="running", attempts=1, claimed_by=f"{socket.gethostname()}:{dead.pid}", heartbeat_at=timezone.now()
    )
    assert jobs.claim(MatchRun, run.pk).attempts == 2
    alive = MatchRun.objects.create(requirement=titanium["requirement"])
    MatchRun.objects.filter(pk=alive.pk).update(
        status="running", attempts=1, claimed_by=jobs.worker_identity(), heartbeat_at=timezone.now()
    )
    assert jobs.claim(MatchRun, alive.pk) is None


@pytest.mark.django_db
def test_requeue_sends_unsent_lost_and_stalled_jobs_and_gives_up(titanium, settings):
    requirement = titanium["requirement"]
    sent = []
    fresh = MatchRun.objects.create(requirement=requirement)  # just created: the broker gets its chance
    unsent = MatchRun.objects.create(requirement=requirement)
    _old(MatchRun, unsent.pk)
    published = MatchRun.objects.create(requirement=requirement)
    _old(MatchRun, published.pk, published_at=timezone.now())  # reached the broker a moment ago: not again
    lost = MatchRun.objects.create(requirement=requirement)
    _old(MatchRun, lost.pk, published_at=timezone.now() - dt.timedelta(minutes=11))
    alive = MatchRun.objects.create(requirement=requirement)
    _old(MatchRun, alive.pk, status="running", attempts=1, heartbeat_at=timezone.now(), claimed_by="w:1")
    dead = MatchRun.objects.create(requirement=requirement)
    _old(MatchRun, dead.pk, status="running", attempts=1, heartbeat_at=timezone.now() - dt.timedelta(minutes=3))
    spent = MatchRun.objects.create(requirement=requirement)
    _old(MatchRun, spent.pk, status="running", attempts=5, heartbeat_at=timezone.now() - dt.timedelta(minutes=3))

    assert jobs.requeue_stalled(MatchRun, send=sent.append) == 3
    assert sorted(sent) == sorted([unsent.pk, lost.pk, dead.pk])
    assert MatchRun.objects.get(pk=dead.pk).status == "queued"
    assert MatchRun.objects.get(pk=alive.pk).status == "running"
    assert MatchRun.objects.get(pk=fresh.pk).published_at is None
    gave_up = MatchRun.objects.get(pk=spent.pk)
    assert gave_up.status == "failed"
    assert gave_up.error == "Gave up after 5 attempts."
    MatchRun.objects.filter(pk__in=sent).update(published_at=timezone.now())  # what a successful send records
    # A shorter threshold (the setting) makes a 3-second silence enough.
    settings.CORE_JOB_STALE_AFTER_SECONDS = 2
    MatchRun.objects.filter(pk=alive.pk).update(heartbeat_at=timezone.now() - dt.timedelta(seconds=3))
    assert jobs.requeue_stalled(MatchRun, send=sent.append) == 1
    assert sent[-1] == alive.pk


@pytest.mark.django_db
def test_an_email_whose_worker_died_while_sending_is_not_sent_again():
    email = OutgoingEmail.objects.create(to="a@example.com", subject="s", body_text="b", dedupe_key="k")
    _old(OutgoingEmail, email.pk, status="running", attempts=1, heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    sent = []
    assert jobs.requeue_stalled(OutgoingEmail, send=sent.append) == 0
    assert sent == []
    assert OutgoingEmail.objects.get(pk=email.pk).status == "failed"


@pytest.mark.django_db
def test_the_heartbeat_thread_keeps_a_running_job_alive(titanium, settings, monkeypatch):
    settings.CORE_JOB_HEARTBEAT_SECONDS = 0.05
    run = MatchRun.objects.create(requirement=titanium["requirement"])
    claimed = jobs.claim(MatchRun, run.pk)
    beats = []
    monkeypatch.setattr(jobs, "heartbeat", lambda job: beats.append(job.pk) or True)

    class Worker:  # what celery.current_task is inside a real worker
        class request:
            is_eager = False

    monkeypatch.setattr(jobs, "current_task", type("Proxy", (), {"_get_current_object": lambda self: Worker()})())
    with jobs.heartbeating(claimed):
        time.sleep(0.4)
    count = len(beats)
    assert count >= 3
    time.sleep(0.2)
    assert len(beats) == count  # stopped with the block
    with pytest.raises(RuntimeError), jobs.heartbeating(claimed):
        raise RuntimeError("transient")
    assert MatchRun.objects.get(pk=run.pk).status == "queued"  # given back for the retry


@pytest.mark.django_db(transaction=True)
def test_on_the_embedded_default_a_request_answers_before_its_task_runs(
    sme_owner, client_for, settings, monkeypatch, eager
):
    """Eager Celery without CORE_RUN_TASKS_INLINE: tasks go to the background thread, not into the request."""
    settings.CORE_RUN_TASKS_INLINE = False
    eager(app)
    from core import outbox

    release = threading.Event()
    original = outbox.send_email

    def held_send(*, email_id):
        assert release.wait(60)
        return original(email_id=email_id)

    monkeypatch.setattr(outbox, "send_email", held_send)
    organisation = sme_owner.memberships.get().organisation
    started = time.monotonic()
    response = client_for(sme_owner).post(
        "/api/v1/invitations/", {"organisation": organisation.pk, "email": "late@example.com", "role": "member"}
    )
    assert response.status_code == 201, response.content
    assert time.monotonic() - started < 30  # a loaded test machine; the order below is the point
    email = OutgoingEmail.objects.get()
    assert email.status == "queued"  # the request answered; the e-mail waits for the background thread
    assert mail.outbox == []
    release.set()
    jobs.background.join()
    assert OutgoingEmail.objects.get().status == "sent"
    assert [message.to for message in mail.outbox] == [["late@example.com"]]


@pytest.mark.django_db(transaction=True)
def test_a_match_run_queued_on_the_embedded_default_runs_in_the_background(titanium, settings, eager):
    settings.CORE_RUN_TASKS_INLINE = False
    eager(app)
    owner = factories.BuyerOwnerFactory(membership=titanium["requirement"].buyer)
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(owner)
    response = client.post(f"/api/v1/requirements/{titanium['requirement'].pk}/match/")
    assert response.status_code == 202
    jobs.background.join()
    run = MatchRun.objects.get(pk=response.json()["id"])
    assert run.status == MatchRun.Status.SUCCEEDED
    assert run.matches.count() == 3
    assert MatchRun.max_attempts == matching_services.MAX_ATTEMPTS


def test_a_task_sent_with_a_countdown_waits_on_the_embedded_default(settings, eager):
    """A debounced re-match must include the changes made during its window, so it may not run at once."""
    settings.CORE_RUN_TASKS_INLINE = False
    eager(app)
    ran = []

    @app.task(name="tests.record_call")
    def record(value):
        ran.append(value)

    assert jobs.send_task(record, args=("later",), countdown=30)
    assert jobs.send_task(record, args=("now",))
    deadline = time.monotonic() + 10
    while not ran and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ran == ["now"]
    assert jobs.background.waiting() == 1

    jobs.background.join()  # a command ending: what counts down runs now
    assert ran == ["now", "later"]
    assert jobs.background.waiting() == 0
