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
    print(f"\n{'OCDS import':<48}{'result':>20}")
    print(f"{'releases in ' + str(FILES) + ' JSON Lines .gz files':<48}{RELEASES:>20,}")
    print(f"{'total time':<48}{elapsed:>19.1f}s")
    print(f"{'releases per second':<48}{RELEASES / elapsed:>20,.0f}")
    print(
        f"{'linkages / transactions / open requirements':<48}{Linkage.objects.count():>8,} / {Transaction.objects.count():,} / {Requirement.objects.count():,}"
    )
    print(f"{'re-importing one file (nothing changes)':<48}{reimport:>19.1f}s")
