"""Saves on the embedded default, as `make demo` runs it: SQLite, Celery eager, the development server.

A supplier's change re-matches open requirements, and a verification or a publish changes who may be ranked: that
work must run after the response (the background thread), so each save answers in well under a second. The bench
builds the demo in a fresh SQLite file, starts `manage.py runserver` on it and times the API calls over HTTP.
Prints a table; asserts only that every call succeeded (timings belong to benchmarks, not unit tests).
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]
ROUNDS = 10
PASSWORD = "enlace-demo-2026"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _embedded_environment(tmp_path: Path) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "REDIS_URL", "CELERY_", "DJANGO_ENV", "CORE_RUN_TASKS"))
    }
    environment.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'enlace.sqlite3'}",
        MATCHING_STATE_DIR=str(tmp_path / "matching"),
        MEDIA_ROOT=str(tmp_path / "media"),
        PYTHONUNBUFFERED="1",
    )
    return environment


def _manage(environment, *arguments, capture=False):
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        check=True,
        text=True,
        capture_output=capture,
        timeout=1800,
    )


FIXTURE_SCRIPT = """
import json
from accounts.models import Membership, User
from suppliers.models import SupplierProfile
sme = Membership.objects.filter(organisation__kind="sme", role="owner", organisation__supplier_profile__published=True)
owner = sme.select_related("organisation__supplier_profile").first()
pending = SupplierProfile.objects.filter(verification_status="pending").values_list("pk", flat=True)[:%(rounds)d]
print(json.dumps({
    "sme": owner.user.email,
    "profile": owner.organisation.supplier_profile.pk,
    "agency": User.objects.filter(is_staff=False, memberships__organisation__kind="agency").first().email,
    "pending": list(pending),
    "category": owner.organisation.supplier_profile.capabilities.first().category.code,
}))
"""


def _timed(session, method, url, **kwargs) -> float:
    started = time.perf_counter()
    response = session.request(method, url, timeout=60, **kwargs)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code < 300, (url, response.status_code, response.text[:500])
    return elapsed


def _session(base, email) -> requests.Session:
    session = requests.Session()
    token = session.post(f"{base}/api/v1/auth/token/", json={"email": email, "password": PASSWORD}, timeout=60)
    assert token.status_code == 200, token.text
    session.headers["Authorization"] = f"Token {token.json()['token']}"
    return session


def test_saves_answer_before_matching_on_the_embedded_default(tmp_path):
    environment = _embedded_environment(tmp_path)
    _manage(environment, "migrate", "--no-input", "-v", "0")
    started = time.perf_counter()
    _manage(environment, "seed_demo")
    print(f"\nseed_demo on SQLite: {time.perf_counter() - started:.0f} s")
    shell = _manage(environment, "shell", "-c", FIXTURE_SCRIPT % {"rounds": ROUNDS}, capture=True)
    fixture = json.loads(shell.stdout.strip().splitlines()[-1])  # after the shell's note on its automatic imports

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.5)
        else:
            pytest.fail("the development server did not start")
        sme = _session(base, fixture["sme"])
        agency = _session(base, fixture["agency"])
        rows = {"SME capability save": [], "SME publish / withdraw": [], "agency verification": []}
        for round_ in range(ROUNDS):
            rows["SME capability save"].append(
                _timed(
                    sme,
                    "POST",
                    f"{base}/api/v1/capabilities/",
                    json={
                        "supplier": fixture["profile"],
                        "category": fixture["category"],
                        "description": f"Mecanizado de piezas de prueba, lote {round_}",
                    },
                )
            )
            rows["SME publish / withdraw"].append(
                _timed(
                    sme,
                    "POST",
                    f"{base}/api/v1/suppliers/{fixture['profile']}/publish/",
                    json={"published": round_ % 2 == 1},
                )
            )
        for pk in fixture["pending"]:
            rows["agency verification"].append(
                _timed(agency, "POST", f"{base}/api/v1/suppliers/{pk}/verify/", json={"approve": True, "note": "ok"})
            )
    finally:
        server.terminate()
        server.wait(timeout=60)

    print(f"\n{'save (embedded default: SQLite, eager Celery)':<48} {'n':>3} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, durations in rows.items():
        durations.sort()
        p95 = durations[max(0, int(len(durations) * 0.95) - 1)]
        print(f"{name:<48} {len(durations):>3} {statistics.median(durations):>8.1f} {p95:>8.1f} {durations[-1]:>8.1f}")
    assert all(rows.values())
