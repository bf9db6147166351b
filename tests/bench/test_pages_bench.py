"""Each role's main pages on the full demo data (PostgreSQL), one reader at a time. Run with `make bench`.

The budget (issue 14) is p95 ≤ 300 ms per page. A page never waits on matching: the SME's opportunities are stored
fits, so no page view loads the engine. Prints a table; asserts only that every page answered 200.
"""

import statistics
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership, User
from buyers.models import Requirement
from demo.generator import seed_demo

pytestmark = pytest.mark.django_db
ROUNDS = 30
BUDGET_MS = 300


def _measure(client: Client, url: str) -> tuple[float, float, int]:
    client.get(url)  # the first view of a page fills caches every later reader shares
    durations = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    durations.sort()
    return statistics.median(durations), durations[int(len(durations) * 0.95) - 1], len(queries)


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_main_pages_of_each_role_on_demo_data(settings):
    settings.CORE_RUN_TASKS_INLINE = True
    seed_demo()
    sme_owner = (
        Membership.objects.filter(
            role="owner", organisation__kind="sme", organisation__supplier_profile__published=True
        )
        .order_by("pk")
        .first()
        .user
    )
    buyer = User.objects.get(email="buyer@orthovia-medical.demo")
    agency = User.objects.filter(memberships__organisation__kind="agency").order_by("pk").first()
    requirement = Requirement.objects.filter(buyer__memberships__user=buyer, status="open").order_by("pk").first()
    sme, buyer_client, agency_client, anonymous = _client(sme_owner), _client(buyer), _client(agency), _client()
    cases = [
        ("anonymous", "/", anonymous),
        ("anonymous", "/accounts/login/", anonymous),
        ("SME", "/", sme),
        ("SME", "/opportunities/", sme),
        ("SME", "/suppliers/onboarding/", sme),
        ("SME", "/linkages/", sme),
        ("buyer", "/", buyer_client),
        ("buyer", "/requirements/", buyer_client),
        ("buyer", f"/requirements/{requirement.pk}/matches/", buyer_client),
        ("buyer", "/suppliers/search/?q=mecanizado", buyer_client),
        ("agency", "/", agency_client),
        ("agency", "/dashboard/", agency_client),
        ("agency", "/suppliers/verification/", agency_client),
        ("agency", "/linkages/board/", agency_client),
        ("agency", "/events/", agency_client),
    ]
    print(f"\n{'role':<10} {'page':<44} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'budget':>8}")
    for role, url, client in cases:
        p50, p95, queries = _measure(client, url)
        verdict = "ok" if p95 <= BUDGET_MS else "OVER"
        print(f"{role:<10} {url:<44} {p50:>8.1f} {p95:>8.1f} {queries:>8} {verdict:>8}")
