"""Importing real OCDS: every shared sample, idempotency, newer releases, JSON Lines and gzip, broken files."""

import datetime as dt
import gzip
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Organisation
from buyers.models import Requirement
from interchange.models import ExternalIdentifier
from interchange.services import import_file
from linkages.models import Linkage, Stage, Transaction
from matching.models import MatchRun
from suppliers.models import SupplierProfile

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ocds"
ALL = sorted(FIXTURES.glob("*/*.json"))
FICTIONAL = FIXTURES / "fictional-1.1"


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    from matching import services

    monkeypatch.setattr(services, "_enqueue", lambda run_id: None)


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Organisation, SupplierProfile, Requirement, Linkage, Transaction, ExternalIdentifier, MatchRun)
    }


def test_every_shared_sample_imports():
    reports = [import_file(path=path) for path in ALL]
    assert [r.rejected for r in reports if r.rejected] == []
    assert len(ALL) == 26
    assert Organisation.objects.filter(kind="mnc").exists()
    assert SupplierProfile.objects.filter(published=True).count() == Organisation.objects.filter(kind="sme").count()
    assert Linkage.objects.filter(source=Linkage.Source.IMPORT).count() >= 5
    paraguay = Organisation.objects.get(external_identifiers__key__endswith="-80047025-7")
    assert paraguay.country == "PY"
    linkage = Linkage.objects.get(supplier__organisation=paraguay)
    first = linkage.transactions.get()
    assert (first.kind, first.currency, first.value) == ("first", "PYG", 1842099516)
    assert linkage.stage == Stage.FIRST_TRANSACTION
    assert linkage.category.scheme != "CPV"  # the DNCP catalogue, kept as its own scheme


def test_importing_the_same_files_again_changes_nothing():
    for path in ALL:
        import_file(path=path)
    before = _counts()
    reports = [import_file(path=path) for path in ALL]
    assert _counts() == before
    assert sum(r.counts["processes unchanged"] for r in reports) == 26


def test_the_fictional_process_from_planning_to_payments(tmp_path, django_capture_on_commit_callbacks):
    # requirement_published is sent after commit, and matching queues the run from it.
    with django_capture_on_commit_callbacks(execute=True):
        import_file(path=FICTIONAL / "ocds-213czf-000-00001-01-planning.json")
    requirement = Requirement.objects.get()
    assert requirement.status == Requirement.Status.OPEN
    # Published when the publisher released it, so evaluations split real history by its own dates.
    assert timezone.localdate(requirement.published_at) == dt.date(2009, 3, 15)
    assert requirement.buyer.country == "GB"
    assert MatchRun.objects.filter(requirement=requirement).count() == 1  # its match run is queued
    import_file(path=FICTIONAL / "ocds-213czf-000-00001-02-tender.json")
    assert Requirement.objects.count() == 1  # the newer release updated it
    import_file(path=FICTIONAL / "ocds-213czf-000-00001-04-award.json")  # tender complete, award still pending
    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.CLOSED
    assert import_file(path=FICTIONAL / "ocds-213czf-000-00001-01-planning.json").counts["processes unchanged"] == 1
    stale = json.loads((FICTIONAL / "ocds-213czf-000-00001-01-planning.json").read_text())
    stale["releases"][0]["tender"]["title"] = "An older title that must not win"
    (tmp_path / "stale.json").write_text(json.dumps(stale))
    assert import_file(path=tmp_path / "stale.json").counts["processes older than imported"] == 1
    assert not Requirement.objects.filter(title__startswith="An older").exists()
    import_file(path=FICTIONAL / "ocds-213czf-000-00001-06-implementation.json")
    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.AWARDED
    linkage = Linkage.objects.get()
    assert linkage.requirement == requirement
    assert list(linkage.transactions.values_list("kind", flat=True)) == ["first", "follow_up", "follow_up"]
    assert linkage.stage == Stage.REPEAT_BUSINESS


def test_json_lines_and_gzip(tmp_path):
    releases = json.loads((FICTIONAL / "ocds-213czf-000-00001.json").read_text())["releases"]
    lines = tmp_path / "releases.jsonl"
    lines.write_text("\n".join(json.dumps(r) for r in releases) + "\n")
    packed = tmp_path / "package.json.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "paraguay" / "283826.json").read_bytes()))
    assert import_file(path=lines).releases == 6
    assert import_file(path=packed).ok
    assert Linkage.objects.count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b'{"releases": [{"ocid": "ocds-1", "tender": {"title": "x"', "not valid JSON"),
        (b'{"releases": [{"ocid": "ocds-1", "awards": {"id": "1"}}]}', "$.releases[0].awards: expected an array"),
        (b'{"releases": [{"id": "1", "tag": ["tender"]}]}', "$.releases[0].ocid: missing ocid"),
        (b'{"name": "a list of customers"}', "not OCDS"),
        (b"\x1f\x8b\x08\x00broken", "not a readable gzip file"),
    ],
)
def test_a_broken_file_is_rejected_whole_with_one_clear_message(tmp_path, content, message):
    import_file(path=FIXTURES / "paraguay" / "283826.json")
    before = _counts()
    # A good release first, then the broken part: nothing of the file may be written.
    broken = tmp_path / "broken.json"
    broken.write_bytes(content)
    report = import_file(path=broken)
    assert report.rejected.startswith("broken.json: ")
    assert message in report.rejected
    assert _counts() == before


def test_a_file_rejected_midway_writes_nothing(tmp_path):
    good = json.loads((FIXTURES / "paraguay" / "283826.json").read_text())["records"][0]["compiledRelease"]
    nameless = {
        "ocid": "ocds-x-2",
        "date": "2017-01-01",
        "buyer": {"name": "Sin país"},
        "tender": {"status": "active", "title": "t"},
    }
    package = tmp_path / "mixed.json"
    package.write_text(json.dumps({"releases": [{"ocid": "ocds-03ad3f-283826", **good}, nameless]}))
    report = import_file(path=package)
    assert "cannot tell the country" in report.rejected
    assert "$.releases[1]" in report.rejected
    assert Organisation.objects.count() == 0
    assert import_file(path=package, default_country="py").ok  # the default country settles it


def test_the_command_reports_and_fails_on_a_rejected_file(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_ocds", str(FIXTURES / "paraguay" / "283826.json"), str(empty), stdout=out, stderr=err, verbosity=0
        )
    assert "REJECTED empty.json: $: the file is empty" in err.getvalue()
    assert "1 file(s) imported, 1 rejected." in out.getvalue()
    assert Linkage.objects.count() == 1


def test_a_tender_without_a_value_still_opens_a_requirement(tmp_path):
    release = {
        "ocid": "ocds-x-9",
        "date": "2026-01-05T00:00:00Z",
        "buyer": {"name": "Municipalidad", "address": {"countryName": "Costa Rica"}},
        "tender": {"status": "active", "title": "Mantenimiento de aceras"},
    }
    path = tmp_path / "one.json"
    path.write_text(json.dumps(release))
    assert import_file(path=path).ok
    requirement = Requirement.objects.get()
    assert (requirement.currency, requirement.estimated_annual_value, requirement.buyer.country) == ("USD", None, "CR")
