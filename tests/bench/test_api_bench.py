"""Benchmarks of the foundation's read paths on the full demo data set (300 SMEs). Run with `make bench`.

Prints a table; asserts nothing about time (timings belong here, not in the unit tests).
"""

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from demo.generator import seed_demo

pytestmark = pytest.mark.django_db
ROUNDS = 30


def measure(client, url):
    durations = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    durations.sort()
    return statistics.median(durations), durations[int(len(durations) * 0.95) - 1], len(queries)


def test_read_paths_on_demo_data():
    seed_demo()
    buyer = APIClient()
    buyer.force_authenticate(User.objects.get(email="buyer@orthovia-medical.demo"))
    agency = APIClient()
    agency.force_authenticate(User.objects.get(email="staff@encadenamientos.demo"))
    cases = [
        ("buyer", "/api/v1/suppliers/", buyer),
        ("buyer", "/api/v1/suppliers/?q=inyecci%C3%B3n&certification=iso-13485", buyer),
        ("buyer", "/api/v1/suppliers/?category=15500000&verified=true", buyer),
        ("buyer", "/api/v1/requirements/", buyer),
        ("agency", "/api/v1/requirements/?status=open", agency),
        ("agency", "/api/v1/organisations/?kind=sme", agency),
        ("buyer", "/api/v1/categories/?q=lacteos", buyer),
    ]
    print(f"\n{'role':<7} {'endpoint':<66} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for role, url, client in cases:
        p50, p95, queries = measure(client, url)
        print(f"{role:<7} {url:<66} {p50:>8.1f} {p95:>8.1f} {queries:>8}")
