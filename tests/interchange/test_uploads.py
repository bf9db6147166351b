"""Uploading OCDS through the API and the page: agency staff only, imported by a real worker, reported."""

import datetime as dt
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from interchange import services
from interchange.models import ImportRun
from interchange.progress import report_progress
from linkages.models import Linkage
from tests.worker import celery_worker  # noqa: F401 - the fixture

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ocds" / "paraguay" / "283826.json"


def _upload(content: bytes = b"", name="283826.json"):
    return SimpleUploadedFile(name, content or FIXTURE.read_bytes(), content_type="application/json")


@pytest.fixture
def no_broker(monkeypatch):
    from matching import services as matching_services

    monkeypatch.setattr(matching_services, "_enqueue", lambda run_id: None)
    monkeypatch.setattr(services, "_enqueue_import", lambda run_id: None)


@pytest.mark.django_db
def test_agency_staff_upload_and_read_the_report(agency_client, no_broker):
    response = agency_client.post("/api/v1/imports/", {"file": _upload()}, format="multipart")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    run = services.execute_import_run(run_id=response.json()["id"])
    assert run.status == ImportRun.Status.SUCCEEDED
    body = agency_client.get(f"/api/v1/imports/{run.pk}/").json()
    assert body["counts"]["linkages created"] == 1
    assert body["processed"] == body["total"] == 1


@pytest.mark.django_db
def test_a_broken_upload_is_reported_and_writes_nothing(agency_client, no_broker):
    response = agency_client.post(
        "/api/v1/imports/", {"file": _upload(b'{"releases": [', "bad.json")}, format="multipart"
    )
    run = services.execute_import_run(run_id=response.json()["id"])
    assert run.status == ImportRun.Status.REJECTED
    assert run.error.startswith("bad.json: $: not valid JSON")
    assert not Linkage.objects.exists()
    bad_country = agency_client.post(
        "/api/v1/imports/", {"file": _upload(), "default_country": "XX"}, format="multipart"
    )
    assert bad_country.status_code == 400
    assert "default_country" in bad_country.json()["errors"]


@pytest.mark.django_db
def test_only_agency_staff_import(buyer_client, sme_client, api_client, client, sme_owner, no_broker):
    for api in (buyer_client, sme_client):
        assert api.post("/api/v1/imports/", {"file": _upload()}, format="multipart").status_code == 403
        assert api.get("/api/v1/imports/").json()["count"] == 0
    assert api_client.post("/api/v1/imports/", {"file": _upload()}, format="multipart").status_code in (401, 403)
    assert not ImportRun.objects.exists()
    client.force_login(sme_owner)
    assert client.get("/imports/").status_code == 403


@pytest.mark.django_db
def test_the_upload_page_shows_progress_and_report(client, agency_user, no_broker):
    client.force_login(agency_user)
    response = client.post("/imports/", {"file": _upload()})
    run = ImportRun.objects.get()
    assert response.url.endswith(f"/imports/{run.pk}/")
    assert 'id="import-progress"' in client.get(response.url).content.decode()
    services.execute_import_run(run_id=run.pk)
    page = client.get(response.url).content.decode()
    assert 'id="import-report"' in page
    assert "linkages created" in page


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_an_upload(agency_client, celery_worker, monkeypatch):  # noqa: F811
    from matching import services as matching_services

    monkeypatch.setattr(matching_services, "_enqueue", lambda run_id: None)
    run_id = agency_client.post("/api/v1/imports/", {"file": _upload()}, format="multipart").json()["id"]
    deadline = time.monotonic() + 60
    while ImportRun.objects.get(pk=run_id).status != ImportRun.Status.SUCCEEDED and time.monotonic() < deadline:
        time.sleep(0.2)
    assert ImportRun.objects.get(pk=run_id).status == ImportRun.Status.SUCCEEDED
    assert Linkage.objects.count() == 1


@pytest.fixture
def queued_upload(agency_client, no_broker, monkeypatch):
    """An uploaded file's run, and the list of runs sent to the broker from then on."""
    run_id = agency_client.post("/api/v1/imports/", {"file": _upload()}, format="multipart").json()["id"]
    sent = []
    monkeypatch.setattr(services, "_enqueue_import", sent.append)
    return run_id, sent


@pytest.mark.django_db
def test_a_run_left_queued_by_a_broker_outage_is_sent_again_and_imported_once(queued_upload):
    run_id, sent = queued_upload
    assert services.requeue_stalled_imports() == 0  # just queued: give the broker its chance
    ImportRun.objects.filter(pk=run_id).update(created_at=timezone.now() - dt.timedelta(minutes=11))
    assert services.requeue_stalled_imports() == 1
    assert sent == [run_id]
    first = services.execute_import_run(run_id=run_id)
    again = services.execute_import_run(run_id=run_id)  # the original message arrives after all
    assert first.status == again.status == ImportRun.Status.SUCCEEDED
    assert ImportRun.objects.get(pk=run_id).attempts == 1
    assert Linkage.objects.count() == 1


@pytest.mark.django_db
def test_a_run_whose_worker_went_silent_is_retried_then_given_up(queued_upload):
    run_id, sent = queued_upload
    long_ago = timezone.now() - dt.timedelta(hours=1)
    ImportRun.objects.filter(pk=run_id).update(status=ImportRun.Status.RUNNING, attempts=1, claimed_at=long_ago)
    report_progress(run_id=run_id, done=200, total=1000)  # a long file still reporting: left alone
    assert services.requeue_stalled_imports() == 0
    assert services.execute_import_run(run_id=run_id).attempts == 1  # nor started twice by a stray message
    cache.clear()
    assert services.requeue_stalled_imports() == 1
    assert sent == [run_id]
    assert ImportRun.objects.get(pk=run_id).status == ImportRun.Status.QUEUED
    ImportRun.objects.filter(pk=run_id).update(status=ImportRun.Status.RUNNING, attempts=3, claimed_at=long_ago)
    assert services.requeue_stalled_imports() == 0
    run = ImportRun.objects.get(pk=run_id)
    assert run.status == ImportRun.Status.FAILED
    assert run.error.startswith("Gave up after 3 attempts")
    assert services.execute_import_run(run_id=run_id).status == ImportRun.Status.FAILED  # never started again
    assert not Linkage.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_progress_shows_while_the_worker_is_still_inside_the_files_transaction(
    agency_client,
    celery_worker,  # noqa: F811
    monkeypatch,
    tmp_path,
):
    from matching import services as matching_services
    from tests.bench.interchange.synthetic import write_files

    monkeypatch.setattr(matching_services, "_enqueue", lambda run_id: None)
    (path,) = write_files(tmp_path, releases=3000, files=1)
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/gzip")
    run_id = agency_client.post("/api/v1/imports/", {"file": upload}, format="multipart").json()["id"]
    seen = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        body = agency_client.get(f"/api/v1/imports/{run_id}/").json()
        if body["status"] == "running":
            seen.add((body["processed"], body["total"]))
        if body["status"] == "succeeded":
            break
        time.sleep(0.05)
    assert body["status"] == "succeeded"
    assert any(0 < processed < total == 3000 for processed, total in seen), seen
    assert body["processed"] == body["total"] == 3000
