"""Uploading OCDS through the API and the page: agency staff only, imported by a real worker, reported."""

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from interchange import services
from interchange.models import ImportRun
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
