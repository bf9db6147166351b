"""OCDS import throughput (issue 5 target: 50,000 releases in ≤ 5 minutes on this machine). Run with `make bench`."""

import io
import json
import os
import statistics
import time

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from buyers.models import Requirement
from interchange.services import import_file
from interchange.validation import release_package_errors
from linkages.models import Linkage, Transaction
from tests import factories

from .synthetic import write_files

pytestmark = pytest.mark.django_db(transaction=True)
RELEASES = int(os.environ.get("BENCH_RELEASES", 50_000))
FILES = 10


def test_import_throughput(tmp_path, monkeypatch):
    paths = write_files(tmp_path, releases=RELEASES, files=FILES)
    started = time.perf_counter()
    reports = [import_file(path=path) for path in paths]
    elapsed = time.perf_counter() - started
    assert all(report.ok for report in reports), [r.rejected for r in reports if not r.ok]
    again = time.perf_counter()
    import_file(path=paths[0])
    reimport = time.perf_counter() - again
    opened = Requirement.objects.filter(status=Requirement.Status.OPEN).count()
    historic = Requirement.objects.filter(historic=True).count()
    counts = f"{Linkage.objects.count():,} / {Transaction.objects.count():,} / {opened:,} / {historic:,}"
    rows = [
        (f"releases in {FILES} JSON Lines .gz files", f"{RELEASES:,}"),
        ("total time", f"{elapsed:.1f} s"),
        ("releases per second", f"{RELEASES / elapsed:,.0f}"),
        ("linkages / transactions / open / historic requirements", counts),
        ("re-importing one file (nothing changes)", f"{reimport:.1f} s"),
    ]
    print(f"\n{'OCDS import':<48}{'result':>24}")
    for name, value in rows:
        print(f"{name:<48}{value:>24}")

    _export_bench(tmp_path)


def _export_bench(tmp_path):
    """The same data exported again as OCDS: the command with and without the schema check, and API pages."""
    rows = []
    for label, extra in (
        ("export_ocds, every release validated", []),
        ("export_ocds --no-validate", ["--no-validate"]),
    ):
        target = tmp_path / "export.json"
        started = time.perf_counter()
        call_command("export_ocds", "--output", str(target), *extra, verbosity=0, stderr=io.StringIO())
        rows.append((label, f"{time.perf_counter() - started:.1f} s"))
    package = json.loads(target.read_text())
    # The command checked every release; the package schema (metadata and the first 1,000 releases) once more.
    assert release_package_errors({**package, "releases": package["releases"][:1000]}) == []
    rows.append(("releases / file size", f"{len(package['releases']):,} / {target.stat().st_size / 2**20:.0f} MiB"))
    client = APIClient()
    client.force_authenticate(factories.AgencyStaffFactory())
    pages = len(package["releases"]) // 100
    timings = []
    for page in [1, pages // 2, pages] * 7:
        started = time.perf_counter()
        response = client.get("/api/v1/ocds/releases/", {"page": page})
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    first, later = timings[0], sorted(timings[1:])
    rows.append(("GET /api/v1/ocds/releases/, first page (builds index)", f"{first:.0f} ms"))
    p95 = later[int(len(later) * 0.95) - 1]
    rows.append(("  later pages (100 releases) p50 / p95", f"{statistics.median(later):.0f} / {p95:.0f} ms"))
    print(f"\n{'OCDS export (same data)':<52}{'result':>20}")
    for name, value in rows:
        print(f"{name:<52}{value:>20}")
