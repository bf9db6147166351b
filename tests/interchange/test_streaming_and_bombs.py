"""OCDS files are read as a stream: memory stays flat whatever the size, a gzip bomb and a deeply nested document are
refused cleanly (never a crash, never a run left "running"), and what streaming changed is invisible otherwise."""

import gzip
import io
import json
import random
import tracemalloc
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from interchange import services
from interchange.models import ImportedRecord, ImportRun
from interchange.reader import OcdsFileError, iter_releases
from interchange.services import _digest, import_file
from linkages.models import Linkage
from tests.bench.interchange.synthetic import release

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ocds"
FICTIONAL = FIXTURES / "fictional-1.1"
PARAGUAY = json.loads((FIXTURES / "paraguay" / "283826.json").read_text())["records"][0]["compiledRelease"]


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    from matching import services as matching_services

    monkeypatch.setattr(matching_services, "_enqueue", lambda run_id: None)
    monkeypatch.setattr(services, "_enqueue_import", lambda run_id: None)


def _bomb(path: Path, *, expanded_mib: int, release: dict | None = None) -> Path:
    """A release package of a few hundred KB that expands to ``expanded_mib`` MiB (whitespace), gzip-compressed."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(b'{"releases": [')]
    spaces = b" " * 2**20
    parts += [packer.compress(spaces) for _ in range(expanded_mib)]
    parts.append(packer.compress(json.dumps(release).encode() if release else b""))
    parts += [packer.compress(b"]}"), packer.flush()]
    path.write_bytes(b"".join(parts))
    return path


def _nested(depth: int) -> bytes:
    return b'{"releases": [{"ocid": "ocds-deep", "tender": {"x": ' + b"[" * depth + b"]" * depth + b"}}]}"


class TestMemoryStaysFlat:
    def test_20000_releases_are_read_in_a_fraction_of_their_expanded_size(self, tmp_path):
        rng = random.Random(7)
        path = tmp_path / "big.json.gz"
        expanded = 0
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write('{"uri": "https://example.org/big.json", "version": "1.1", "releases": [\n')
            for index in range(20_000):
                text = (",\n" if index else "") + json.dumps(release(rng, index, buyers=40, suppliers=200))
                handle.write(text)
                expanded += len(text.encode())
            handle.write("\n]}\n")
        assert expanded > 20 * 2**20  # what loading it whole would at least hold (more, as Python objects)
        tracemalloc.start()
        try:
            count, last = 0, None
            for source in iter_releases(path):
                count += 1
                last = source
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert count == 20_000
        assert last.path == "$.releases[19999]"
        assert last.release["ocid"] == "ocds-bench-0019999"
        assert peak < expanded / 5, f"peak {peak / 2**20:.1f} MiB for {expanded / 2**20:.1f} MiB of JSON"

    def test_json_lines_are_streamed_too(self, tmp_path):
        rng = random.Random(8)
        path = tmp_path / "big.jsonl.gz"
        lines = [json.dumps(release(rng, index, buyers=40, suppliers=200)) for index in range(8_000)]
        expanded = sum(len(line) + 1 for line in lines)
        path.write_bytes(gzip.compress("\n".join(lines).encode()))
        del lines
        tracemalloc.start()
        try:
            paths = [source.path for source in iter_releases(path)]
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert paths[0] == "line 1"
        assert paths[-1] == "line 8000"
        assert peak < expanded / 3


class TestGzipBombs:
    @pytest.mark.django_db
    def test_refused_once_it_expands_beyond_the_limit_and_memory_stays_small(self, tmp_path, settings):
        settings.OCDS_MAX_EXPANDED_BYTES = 8 * 2**20
        path = _bomb(tmp_path / "bomb.json.gz", expanded_mib=64, release=PARAGUAY)
        assert path.stat().st_size < 200_000
        tracemalloc.start()
        try:
            report = import_file(path=path)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert report.rejected == "bomb.json.gz: $: rejected: expands beyond 8 MB"
        assert report.releases == 0
        assert not report.counts
        assert peak < 8 * 2**20
        assert not Linkage.objects.exists()

    @pytest.mark.django_db
    def test_an_upload_fails_cleanly_with_the_reason(self, tmp_path, settings, agency_client):
        settings.OCDS_MAX_EXPANDED_BYTES = 8 * 2**20
        path = _bomb(tmp_path / "bomb.json.gz", expanded_mib=32)
        upload = SimpleUploadedFile("bomb.json.gz", path.read_bytes(), content_type="application/gzip")
        run_id = agency_client.post("/api/v1/imports/", {"file": upload}, format="multipart").json()["id"]
        run = services.execute_import_run(run_id=run_id)
        assert run.status == ImportRun.Status.REJECTED  # finished, not left running
        assert run.error == "bomb.json.gz: $: rejected: expands beyond 8 MB"
        assert run.finished_at is not None
        assert agency_client.get(f"/api/v1/imports/{run_id}/").json()["error"] == run.error

    @pytest.mark.django_db
    def test_the_command_line_has_no_limit_by_default(self, tmp_path, settings):
        settings.OCDS_MAX_EXPANDED_BYTES = 8 * 2**20
        path = _bomb(tmp_path / "big.json.gz", expanded_mib=16, release=PARAGUAY)
        call_command("import_ocds", str(path), "--country", "PY", stdout=io.StringIO(), verbosity=0)
        assert Linkage.objects.count() == 1
        settings.OCDS_COMMAND_MAX_EXPANDED_BYTES = 4 * 2**20
        err = io.StringIO()
        with pytest.raises(CommandError, match="1 file"):
            call_command("import_ocds", str(path), stdout=io.StringIO(), stderr=err, verbosity=0)
        assert "expands beyond 4 MB" in err.getvalue()


class TestDeepNesting:
    def test_100000_levels_are_refused_with_a_reason(self, tmp_path):
        path = tmp_path / "deep.json"
        path.write_bytes(_nested(100_000))
        report = import_file(path=path)
        assert report.rejected == "deep.json: $.releases[0]: rejected: nested deeper than 100 levels"
        top = tmp_path / "top.json"
        top.write_bytes(b"[" * 100_000 + b"]" * 100_000)
        assert "rejected: nested deeper than 100 levels" in import_file(path=top).rejected
        lines = tmp_path / "deep.jsonl"
        lines.write_bytes(json.dumps(PARAGUAY).encode() + b"\n" + _nested(100_000) + b"\n")
        assert import_file(path=lines).rejected.startswith("deep.jsonl: line 2")

    def test_the_cap_is_a_setting_and_ordinary_depth_passes(self, tmp_path, settings):
        path = tmp_path / "nested.json"
        path.write_bytes(_nested(20))
        assert [s.release["ocid"] for s in iter_releases(path, max_depth=30)] == ["ocds-deep"]
        with pytest.raises(OcdsFileError, match="nested deeper than 10 levels"):
            list(iter_releases(path, max_depth=10))
        settings.OCDS_MAX_JSON_DEPTH = 10
        assert "nested deeper than 10 levels" in import_file(path=path).rejected

    @pytest.mark.django_db
    def test_an_upload_fails_cleanly(self, agency_client):
        upload = SimpleUploadedFile("deep.json", _nested(100_000), content_type="application/json")
        run_id = agency_client.post("/api/v1/imports/", {"file": upload}, format="multipart").json()["id"]
        run = services.execute_import_run(run_id=run_id)
        assert run.status == ImportRun.Status.REJECTED
        assert run.error.endswith("rejected: nested deeper than 100 levels")
        assert run.error.startswith("deep.json: ")


@pytest.mark.django_db
class TestWhatStreamingKept:
    def test_digests_are_the_ones_earlier_imports_stored_even_out_of_date_order(self, tmp_path):
        releases = json.loads((FICTIONAL / "ocds-213czf-000-00001.json").read_text())["releases"]
        shuffled = [releases[i] for i in (3, 0, 5, 1, 4, 2)]
        assert [r["date"] for r in shuffled] != sorted(r["date"] for r in shuffled)
        path = tmp_path / "shuffled.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in shuffled))
        assert import_file(path=path).ok
        ordered = sorted(shuffled, key=lambda r: r["date"][:10])
        assert ImportedRecord.objects.get().digest == _digest(ordered)
        assert import_file(path=path).counts["processes unchanged"] == 1
        in_order = tmp_path / "package.json"
        in_order.write_text(json.dumps({"releases": ordered}))
        assert import_file(path=in_order).counts["processes unchanged"] == 1

    def test_json_lines_errors_name_the_line(self, tmp_path):
        path = tmp_path / "lines.jsonl"
        path.write_text(json.dumps(PARAGUAY) + "\n\n" + json.dumps({"ocid": "x"}) + '\n{"ocid": "y", "tag": [\n')
        assert import_file(path=path).rejected.startswith("lines.jsonl: line 4: not valid JSON")
        path.write_text(json.dumps(PARAGUAY) + "\n\n" + json.dumps({"releases": [{"id": "no ocid"}]}) + "\n")
        assert import_file(path=path).rejected == "lines.jsonl: line 3.releases[0].ocid: missing ocid"

    def test_a_package_with_both_releases_and_records_is_refused(self, tmp_path):
        path = tmp_path / "both.json"
        path.write_text(json.dumps({"releases": [PARAGUAY], "records": []}))
        assert "both releases and records" in import_file(path=path).rejected
        assert not Linkage.objects.exists()
