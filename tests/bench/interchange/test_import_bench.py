"""OCDS import throughput (issue 5 target: 50,000 releases in ≤ 5 minutes on this machine). Run with `make bench`."""

import os
import time

import pytest

from buyers.models import Requirement
from interchange.services import import_file
from linkages.models import Linkage, Transaction

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
    counts = f"{Linkage.objects.count():,} / {Transaction.objects.count():,} / {Requirement.objects.count():,}"
    rows = [
        (f"releases in {FILES} JSON Lines .gz files", f"{RELEASES:,}"),
        ("total time", f"{elapsed:.1f} s"),
        ("releases per second", f"{RELEASES / elapsed:,.0f}"),
        ("linkages / transactions / open requirements", counts),
        ("re-importing one file (nothing changes)", f"{reimport:.1f} s"),
    ]
    print(f"\n{'OCDS import':<48}{'result':>24}")
    for name, value in rows:
        print(f"{name:<48}{value:>24}")
