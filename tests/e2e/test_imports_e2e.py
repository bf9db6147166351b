"""Agency staff import OCDS through the page (a real worker imports it) and download the platform as OCDS."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from interchange.validation import release_package_errors
from linkages.models import Linkage
from tests import factories
from tests.worker import celery_worker  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ocds"


@pytest.fixture(autouse=True)
def _no_match_runs(monkeypatch):
    from matching import services

    monkeypatch.setattr(services, "_enqueue", lambda run_id: None)


def test_upload_watch_the_report_and_download_the_platform_as_ocds(
    page,
    login,
    celery_worker,  # noqa: F811
    tmp_path,
):
    login(factories.AgencyStaffFactory())
    page.goto("/imports/")
    page.set_input_files("#upload-form input[type=file]", str(FIXTURES / "paraguay" / "283826.json"))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("283826.json")
    # The page refreshes itself every two seconds until the worker is done.
    expect(page.locator("#import-status")).to_have_text("Imported", timeout=30_000)
    expect(page.locator("#import-report")).to_contain_text("linkages created")
    assert Linkage.objects.count() == 1

    broken = tmp_path / "broken.json"
    broken.write_text('{"releases": [{"ocid": "ocds-1", ')
    page.goto("/imports/")
    page.set_input_files("#upload-form input[type=file]", str(broken))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#import-status")).to_have_text("Rejected", timeout=30_000)
    expect(page.locator("#import-error")).to_contain_text("broken.json: $: not valid JSON")
    page.goto("/imports/")
    expect(page.locator("#import-runs tbody tr")).to_have_count(2)

    with page.expect_download() as download:
        page.click("#ocds-download")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    package = json.loads(saved.read_text())
    assert release_package_errors(package) == []
    assert [release["awards"][0]["value"]["amount"] for release in package["releases"]] == [1842099516]
