"""The impact dashboard on the full demo data (PostgreSQL): queries and time per filter. Run with `make bench`."""

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from demo.generator import seed_demo
from development.models import Programme
from reporting.selectors import Filters, impact_figures

pytestmark = pytest.mark.django_db
ROUNDS = 20


def test_dashboard_on_demo_data():
    seed_demo()
    programme = Programme.objects.order_by("pk").first()
    cases = {
        "no filter": Filters(),
        "country CR": Filters(country="CR"),
        "sector 25 (fabricated metal)": Filters(sector="25"),
        f"programme «{programme.name[:24]}»": Filters(programme=programme),
    }
    print(f"\n{'impact figures (demo data)':<44}{'queries':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for name, filters in cases.items():
        with CaptureQueriesContext(connection) as queries:
            impact_figures(filters)
        durations = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            impact_figures(filters)
            durations.append((time.perf_counter() - started) * 1000)
        durations.sort()
        p50, p95 = statistics.median(durations), durations[int(ROUNDS * 0.95) - 1]
        print(f"{name:<44}{len(queries):>8}{p50:>9.1f}{p95:>9.1f}")
    client = APIClient()
    client.force_login(User.objects.get(email="staff@encadenamientos.demo"))
    durations = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        assert client.get("/dashboard/").status_code == 200
        durations.append((time.perf_counter() - started) * 1000)
    durations.sort()
    p50, p95 = statistics.median(durations), durations[int(ROUNDS * 0.95) - 1]
    print(f"{'GET /dashboard/ (page with charts)':<44}{'':>8}{p50:>9.1f}{p95:>9.1f}")
