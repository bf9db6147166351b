"""Matching on the platform at 100,000 published suppliers in PostgreSQL. Run with `make bench`; prints a table.

Targets (issue 3): one match run p95 ≤ 500 ms and engine memory ≤ 1 GB; GET .../matches/ p95 ≤ 50 ms; re-matching
1,000 open requirements ≤ 10 minutes with two workers; and PostgreSQL full-text search (SearchVector/SearchRank)
ranking the same suppliers for the same requirements, timed side by side. Nothing here asserts a time.
"""

import datetime as dt
import os
import resource
import signal
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Organisation
from buyers.models import Requirement
from matching import services
from matching.engine.synthetic import generate_requirements, generate_suppliers
from matching.models import MatchRun
from matching.state import engine_state
from suppliers.models import Capability, Certification, SupplierProfile
from taxonomy.models import Category, CertificationStandard
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
SUPPLIERS = int(os.environ.get("BENCH_SUPPLIERS", 100_000))
RUNS = 30
REMATCH = int(os.environ.get("BENCH_REMATCH", 1_000))
ROOT = Path(__file__).resolve().parents[3]
BATCH = 5_000


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _load_suppliers(records):
    categories = {}
    standards = {s.code: s for s in CertificationStandard.objects.all()}
    organisations = [
        Organisation(
            kind=Organisation.Kind.SME,
            legal_name=f"{r.name} {r.supplier_id}",
            country=r.country or "CR",
            region=r.region,
            latitude=r.latitude and Decimal(f"{r.latitude:.6f}"),
            longitude=r.longitude and Decimal(f"{r.longitude:.6f}"),
            tax_id_normalised=f"B{r.supplier_id}",
        )
        for r in records
    ]
    Organisation.objects.bulk_create(organisations, batch_size=BATCH)
    profiles = [
        SupplierProfile(
            organisation=organisation,
            summary=r.summary,
            published=True,
            verification_status="verified" if r.verified else "pending",
            readiness_score=None if r.readiness_score is None else Decimal(f"{r.readiness_score:.2f}"),
        )
        for organisation, r in zip(organisations, records, strict=True)
    ]
    SupplierProfile.objects.bulk_create(profiles, batch_size=BATCH)
    capabilities, certificates = [], []
    for profile, r in zip(profiles, records, strict=True):
        for capability in r.capabilities:
            scheme, code = capability.category
            if code not in categories:
                categories[code], _ = Category.objects.get_or_create(
                    scheme=scheme, code=code, defaults={"name_en": code, "level": 1, "lineage": f"/{code}/"}
                )
            capabilities.append(
                Capability(
                    profile=profile,
                    category=categories[code],
                    description=capability.description,
                    language=capability.language if capability.language in ("es", "en", "pt") else "es",
                    keywords=list(capability.keywords),
                    monthly_capacity=None
                    if capability.monthly_capacity is None
                    else Decimal(f"{capability.monthly_capacity:.2f}"),
                    capacity_unit=capability.capacity_unit,
                )
            )
        for certificate in r.certifications:
            if certificate.standard not in standards:
                standards[certificate.standard] = factories.CertificationStandardFactory(code=certificate.standard)
            certificates.append(
                Certification(
                    profile=profile,
                    standard=standards[certificate.standard],
                    certifying_body="Bench",
                    issued_on=certificate.issued_on,
                    expires_on=certificate.expires_on,
                )
            )
    Capability.objects.bulk_create(capabilities, batch_size=BATCH)
    Certification.objects.bulk_create(certificates, batch_size=BATCH)
    return len(capabilities), len(certificates)


def _requirements(count, buyer):
    records = generate_requirements(count=count, seed=7)
    created = []
    for r in records:
        requirement = Requirement.objects.create(
            buyer=buyer,
            title=r.title,
            specification=r.specification,
            quantity=r.quantity and Decimal(str(r.quantity)),
            unit=r.unit,
            delivery_country=r.delivery_country or "CR",
            status=Requirement.Status.OPEN,
            needed_by=timezone.localdate() + dt.timedelta(days=90),
            published_at=timezone.now(),
        )
        requirement.categories.set(
            [
                Category.objects.get_or_create(
                    scheme=s, code=c, defaults={"name_en": c, "level": 1, "lineage": f"/{c}/"}
                )[0]
                for s, c in r.categories
            ]
        )
        created.append(requirement)
    return created


def _full_text(requirement, top=50):
    vector = SearchVector("summary", config="simple") + SearchVector("capabilities__description", config="simple")
    query = SearchQuery(requirement.title, config="simple", search_type="websearch")
    return list(
        SupplierProfile.objects.filter(published=True)
        .annotate(rank=SearchRank(vector, query))
        .filter(rank__gt=0)
        .order_by("-rank", "pk")
        .values_list("pk", flat=True)[:top]
    )


def test_matching_at_scale(tmp_path, settings):
    settings.MATCHING_STATE_DIR = tmp_path / "state"
    settings.MATCHING_TOP_K = 50
    rows = []
    started = time.perf_counter()
    records = generate_suppliers(count=SUPPLIERS, seed=3)
    capabilities, certificates = _load_suppliers(records)
    del records
    rows.append(
        (
            "load suppliers into PostgreSQL",
            f"{SUPPLIERS:,} / {capabilities:,} cap. / {certificates:,} cert.",
            f"{time.perf_counter() - started:.1f} s",
        )
    )
    buyer = factories.BuyerFactory()
    requirements = _requirements(RUNS, buyer)

    engine_state.reset()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    engine_state.snapshot()
    rows.append(("engine build from the database", "", f"{time.perf_counter() - started:.1f} s"))
    state_file = Path(settings.MATCHING_STATE_DIR) / "engine-state.joblib"
    rows.append(("engine state saved (index + candidate store)", "", f"{state_file.stat().st_size / 2**20:.0f} MiB"))
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rows.append(
        ("process RSS peak after build", "", f"{rss_after / 1024:.0f} MiB (+{(rss_after - rss_before) / 1024:.0f})")
    )

    durations, engine_ms, refresh_ms = [], [], []
    for requirement in requirements:
        run = MatchRun.objects.create(requirement=requirement)
        t = time.perf_counter()
        run = services.execute_match_run(run_id=run.pk)
        durations.append((time.perf_counter() - t) * 1000)
        engine_ms.append(run.timings_ms["total"])
        refresh_ms.append(run.timings_ms["refresh"])
    rows.append(
        (
            "match run end to end (refresh+rank+write 50)",
            f"p50 {statistics.median(durations):.0f} ms",
            f"p95 {p95(durations):.0f} ms",
        )
    )
    rows.append(
        (
            "  of which refreshing the engine state",
            f"p50 {statistics.median(refresh_ms):.0f} ms",
            f"p95 {p95(refresh_ms):.0f} ms",
        )
    )
    rows.append(
        (
            "  of which the engine's ranking",
            f"p50 {statistics.median(engine_ms):.0f} ms",
            f"p95 {p95(engine_ms):.0f} ms",
        )
    )

    fts = []
    for requirement in requirements:
        t = time.perf_counter()
        _full_text(requirement)
        fts.append((time.perf_counter() - t) * 1000)
    rows.append(
        (
            "PostgreSQL full-text (SearchVector/SearchRank) top 50",
            f"p50 {statistics.median(fts):.0f} ms",
            f"p95 {p95(fts):.0f} ms",
        )
    )
    rows.append(
        (
            "  time ratio full-text / engine run (p50)",
            "",
            f"{statistics.median(fts) / statistics.median(durations):.1f}×",
        )
    )

    client = APIClient()
    client.force_authenticate(factories.AgencyStaffFactory())
    reads = []
    for requirement in requirements:
        t = time.perf_counter()
        response = client.get(f"/api/v1/requirements/{requirement.pk}/matches/")
        reads.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    rows.append(
        (
            "GET /requirements/{id}/matches/ (20 per page)",
            f"p50 {statistics.median(reads):.1f} ms",
            f"p95 {p95(reads):.1f} ms",
        )
    )

    rows.extend(_rematch_with_two_workers(buyer, tmp_path))
    width = max(len(r[0]) for r in rows)
    print(f"\n{'matching at ' + format(SUPPLIERS, ',') + ' suppliers':<{width}}  {'':<34} result")
    for name, detail, result in rows:
        print(f"{name:<{width}}  {detail:<34} {result}")


def _peak_rss_mib(pid: int) -> float:
    """A process's peak resident memory (VmHWM), read while it still runs."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rematch_with_two_workers(buyer, tmp_path):
    extra = _requirements(max(0, REMATCH - RUNS), buyer)
    del extra
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://{}@{}:{}/{}".format(
            database["USER"], database["HOST"] or "127.0.0.1", database["PORT"] or 5432, database["NAME"]
        ),
        "REDIS_URL": settings.REDIS_URL,
        "MATCHING_STATE_DIR": str(settings.MATCHING_STATE_DIR),
        "MATCHING_TOP_K": "50",
        "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}",
    }
    from config.celery import app

    app.control.purge()
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                f"-n bench{i}@%h",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(2)
    ]
    try:
        started = time.perf_counter()
        queued = services.rematch_open_requirements()
        pending = MatchRun.objects.filter(status__in=["queued", "running"])
        while pending.exists() and time.perf_counter() - started < 1800:
            time.sleep(1)
        elapsed = time.perf_counter() - started
        done = MatchRun.objects.filter(trigger="suppliers_changed", status="succeeded").count()
        worker_rss = max(_peak_rss_mib(worker.pid) for worker in workers)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    return [
        (f"re-match {queued:,} open requirements, 2 workers", f"{done:,} succeeded", f"{elapsed:.0f} s"),
        ("worker process peak RSS (Django + engine state)", "", f"{worker_rss:.0f} MiB"),
    ]
