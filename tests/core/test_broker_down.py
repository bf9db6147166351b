"""Redis down (a closed port): requests still answer at once and leave their rows queued; the OCDS API and cached
pages answer from the database; with Redis back, beat's requeue and a real worker send everything exactly once."""

import time
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from accounts.models import Invitation
from buyers.models import Requirement
from config.celery import app
from core import jobs
from core.models import OutgoingEmail
from interchange.models import ImportRun
from matching.models import MatchRun
from tests import factories

CLOSED = "redis://127.0.0.1:6390/0"
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ocds" / "paraguay" / "283826.json"
DOWN_CACHE = {
    "default": {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": CLOSED,
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    }
}


def _point_broker_at(url: str) -> None:
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    saved = app.conf.broker_url
    previous_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    _point_broker_at(CLOSED)
    yield lambda: _point_broker_at(saved)
    _point_broker_at(saved)
    app.conf.task_always_eager = previous_eager


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_requests_answer_at_once_and_everything_is_sent_once_it_is_back(
    titanium, client_for, broker_down, settings
):
    settings.CORE_RUN_TASKS_INLINE = False
    requirement = titanium["requirement"]
    buyer = factories.BuyerOwnerFactory(membership=requirement.buyer)
    buyer_client = client_for(buyer)
    draft = factories.RequirementFactory(buyer=requirement.buyer, status=Requirement.Status.DRAFT)
    draft.categories.set(requirement.categories.all())
    agency = client_for(factories.AgencyStaffFactory())
    sme_owner = factories.SmeOwnerFactory()
    organisation = sme_owner.memberships.get().organisation

    published, took = _timed(
        lambda: buyer_client.post(f"/api/v1/requirements/{draft.pk}/transition/", {"status": "open"})
    )
    assert published.status_code == 200, published.content
    assert took < 1.0
    matched, took = _timed(lambda: buyer_client.post(f"/api/v1/requirements/{requirement.pk}/match/"))
    assert matched.status_code == 202
    assert took < 1.0
    upload = SimpleUploadedFile("283826.json", FIXTURE.read_bytes(), content_type="application/json")
    imported, took = _timed(lambda: agency.post("/api/v1/imports/", {"file": upload}, format="multipart"))
    assert imported.status_code == 202
    assert took < 1.0
    invite = {"organisation": organisation.pk, "email": "colleague@example.com", "role": "member"}
    invited, took = _timed(lambda: client_for(sme_owner).post("/api/v1/invitations/", invite))
    assert invited.status_code == 201, invited.content
    assert took < 1.0
    retried = client_for(sme_owner).post("/api/v1/invitations/", invite)  # the client retries: no duplicate
    assert retried.status_code == 201
    assert Invitation.objects.count() == 1

    runs = list(MatchRun.objects.all())
    assert {run.requirement_id for run in runs} == {draft.pk, requirement.pk}
    assert all(run.status == "queued" and run.published_at is None for run in runs)
    assert ImportRun.objects.get().status == "queued"
    email = OutgoingEmail.objects.get()
    assert email.status == "queued"
    assert email.published_at is None
    assert mail.outbox == []

    # The broker comes back; beat's requeue (every minute) sends what never left, to a real worker.
    broker_down()
    settings.CORE_JOB_UNSENT_GRACE_SECONDS = 0
    from core.tasks import requeue_stalled_jobs

    idle = {"core.OutgoingEmail": 0, "matching.MatchRun": 0, "interchange.ImportRun": 0}
    idle["forecasts.ForecastMatchRun"] = 0  # forecasts' ranking jobs, none in this test
    assert requeue_stalled_jobs() == {
        **idle,
        "core.OutgoingEmail": 1,
        "matching.MatchRun": 2,
        "interchange.ImportRun": 1,
    }
    assert requeue_stalled_jobs() == idle
    from celery.contrib.testing.worker import start_worker

    with start_worker(app, perform_ping_check=False, pool="solo", concurrency=1, shutdown_timeout=10):
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and (
            MatchRun.objects.exclude(status="succeeded").exists()
            or ImportRun.objects.exclude(status="succeeded").exists()
            or OutgoingEmail.objects.exclude(status="sent").exists()
        ):
            time.sleep(0.3)
    assert set(MatchRun.objects.values_list("status", "attempts")) <= {("succeeded", 1)}
    assert ImportRun.objects.get().status == "succeeded"
    assert OutgoingEmail.objects.get().status == "sent"
    assert [message.to for message in mail.outbox] == [["colleague@example.com"]]  # exactly once
    assert jobs.requeue_all_stalled() == idle


@pytest.mark.django_db
def test_with_the_cache_down_the_ocds_api_and_pages_answer(client, sme_owner):
    factories.RequirementFactory()
    with override_settings(CACHES=DOWN_CACHE):
        started = time.monotonic()
        assert client.get("/").status_code == 200  # anonymous page
        client.force_login(sme_owner)  # sessions live in the database, not the cache
        response = client.get("/api/v1/ocds/releases/")  # its index is cached
        assert response.status_code == 200, response.content[:500]
        page = client.get("/")
        assert page.status_code == 200
        assert time.monotonic() - started < 30  # a loaded test machine; what a call to the cache costs is below
        from django.core.cache import cache, caches

        caches["default"]._down_until = 0.0  # forget the failure: pay the connection attempt again
        tried = time.monotonic()
        assert cache.get("k") is None
        assert time.monotonic() - tried < 0.5
        cache.set("k", "v")
        assert cache.get("k", "missing") == "missing"  # a miss, not an error
        assert cache.add("k", "v") is False
