"""Load bench: gunicorn in production mode on the demo data, 50 simulated users for 5 minutes. Run with `make bench`.

LOAD_USERS and LOAD_SECONDS change the size and the measured window (LOAD_SECONDS=20 while developing), after a ramp-up
in which every user signs in once (LOAD_SPAWN_RATE users a second, users/20 by default); LOAD_REUSE_DB=1 keeps
the seeded bench database of a previous run instead of re-creating it; LOAD_WORKERS/LOAD_THREADS size gunicorn.

The bench owns the PostgreSQL database enlace_load and Redis database 8; it drops and re-creates them. It prints a
table per endpoint (requests, failures, p50, p95, requests/s) and asserts that no request failed and that the
supplier search API is no slower, at p50 and at p95, than the requirement-matches API.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[3]
PG = os.environ.get("LOAD_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = "enlace_load"
REDIS_URL = "redis://127.0.0.1:6379/8"
USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "300"))
WORKERS = int(os.environ.get("LOAD_WORKERS", "4"))
THREADS = int(os.environ.get("LOAD_THREADS", "4"))
QUERIES = ["inyecci%C3%B3n", "mecanizado", "titanio", "l%C3%A1cteos", "empaque", "pl%C3%A1stico", "software", "metal"]
SEARCH, MATCHES = "buyer api   suppliers search", "buyer api   requirement matches"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(args, env, timeout):
    completed = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    return completed


def _server_env(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "PYTEST"))}
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="tests.bench.load.bench_settings",
        PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DEBUG="false",
        DATABASE_URL=f"{PG}/{DATABASE}",
        REDIS_URL=REDIS_URL,
        LOAD_STATIC_ROOT=str(tmp / "static"),
        MATCHING_STATE_DIR=str(tmp / "matching"),
        MEDIA_ROOT=str(tmp / "media"),
        LOG_LEVEL="WARNING",
    )
    return env


def _prepare_database(env):
    if os.environ.get("LOAD_REUSE_DB") == "1":
        return
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [DATABASE],
        )
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    python = sys.executable
    migrated = _run([python, "manage.py", "migrate", "--no-input", "-v", "0"], env, 900)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    seeded = _run([python, "manage.py", "seed_demo"], {**env, "CELERY_TASK_ALWAYS_EAGER": "true"}, 1800)
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    # A server's autovacuum gathers the planner's statistics after a bulk load like this seed; where autovacuum is
    # off (as on the CI machine) the planner would guess, and scan tables that an index answers.
    with psycopg.connect(f"{PG}/{DATABASE}", autocommit=True) as connection:
        connection.execute("ANALYZE")


def _collectstatic(env) -> dict:
    collected = _run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], env, 600)
    if collected.returncode == 0:
        return env
    print(
        f"\ncollectstatic failed under production settings; serving static files without the manifest:\n"
        f"{collected.stderr.strip().splitlines()[-1] if collected.stderr.strip() else collected.stdout[-500:]}"
    )
    env = {**env, "LOAD_STATIC_FALLBACK": "1"}
    collected = _run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], env, 600)
    assert collected.returncode == 0, collected.stderr[-3000:]
    return env


def _targets() -> dict:
    """Demo accounts per role and each buyer's open requirements, read from the seeded bench database."""
    with psycopg.connect(f"{PG}/{DATABASE}") as connection:

        def emails(kind, roles, limit):
            return [
                row[0]
                for row in connection.execute(
                    "SELECT u.email FROM accounts_user u JOIN accounts_membership m ON m.user_id = u.id "
                    "JOIN accounts_organisation o ON o.id = m.organisation_id "
                    "WHERE o.kind = %s AND m.role = ANY(%s) AND u.is_active ORDER BY o.id, u.email LIMIT %s",
                    [kind, roles, limit],
                )
            ]

        buyers = emails("mnc", ["owner"], 50)
        requirements = {}
        for email in buyers:
            requirements[email] = [
                row[0]
                for row in connection.execute(
                    "SELECT r.id FROM buyers_requirement r "
                    "JOIN accounts_membership m ON m.organisation_id = r.buyer_id "
                    "JOIN accounts_user u ON u.id = m.user_id WHERE u.email = %s AND r.status = 'open' "
                    "AND EXISTS (SELECT 1 FROM matching_matchrun mr WHERE mr.requirement_id = r.id "
                    "AND mr.status = 'succeeded') ORDER BY r.id",
                    [email],
                )
            ]
        return {
            "accounts": {
                "sme": emails("sme", ["owner"], 40),
                "buyer": [email for email in buyers if requirements[email]] or buyers,
                "agency": emails("agency", ["owner", "member"], 10),
            },
            "requirements": requirements,
        }


def _wait_until_up(url, process, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited while starting"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - the loopback URL built above
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"gunicorn did not answer {url} within {timeout} s")


def test_load_on_demo_data(tmp_path):
    env = _server_env(tmp_path)
    subprocess.run(["redis-cli", "-n", "8", "FLUSHDB"], capture_output=True, check=False, timeout=30)
    started = time.monotonic()
    _prepare_database(env)
    env = _collectstatic(env)
    targets = _targets()
    print(
        f"\nbench database ready in {time.monotonic() - started:.0f} s: {len(targets['accounts']['sme'])} SME, "
        f"{len(targets['accounts']['buyer'])} buyer, {len(targets['accounts']['agency'])} agency accounts"
    )

    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={WORKERS}",
            f"--threads={THREADS}",
            "--timeout=120",
            "--access-logfile=-",
            "--access-logformat=%(s)s %(m)s %(U)s%(q)s %(M)sms",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    host = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{host}/healthz", server)
        config = {
            "host": host,
            "users": USERS,
            "seconds": SECONDS,
            "spawn_rate": float(os.environ.get("LOAD_SPAWN_RATE", "0")),
            "queries": QUERIES,
            **targets,
        }
        (tmp_path / "config.json").write_text(json.dumps(config))
        generator_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
        generated = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.bench.load.locustfile",
                str(tmp_path / "config.json"),
                str(tmp_path / "result.json"),
            ],
            env={**generator_env, "PYTHONPATH": str(ROOT)},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=SECONDS + 600,
            check=False,
        )
        assert generated.returncode == 0, generated.stderr[-3000:]
        result = json.loads((tmp_path / "result.json").read_text())
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    keep = os.environ.get("LOAD_LOG_DIR")
    if keep:
        shutil.copy(tmp_path / "gunicorn.log", Path(keep) / "gunicorn.log")

    print(
        f"\n{result['users']} users for {result['seconds']:.0f} s against gunicorn ({WORKERS} workers × {THREADS} "
        f"threads), DJANGO_ENV=production, demo data"
    )
    header = f"{'endpoint':<42} {'requests':>9} {'failures':>9} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7}"
    print(header)
    print("-" * len(header))
    for row in [*result["rows"], result["total"]]:
        if row["name"] == "Total":
            print("-" * len(header))
        print(
            f"{row['name']:<42} {row['requests']:>9} {row['failures']:>9} {row['p50']:>8.0f} {row['p95']:>8.0f} "
            f"{row['rps']:>7.2f}"
        )
    print(f"ramp-up ({result['ramp_seconds']:.0f} s, every user signs in once; not in the figures above):")
    for row in result["ramp_rows"]:
        print(
            f"{row['name']:<42} {row['requests']:>9} {row['failures']:>9} {row['p50']:>8.0f} {row['p95']:>8.0f} "
            f"{row['rps']:>7.2f}"
        )
    for error in result["errors"]:
        print(f"error: {error['occurrences']} × {error['name']}: {error['error']}")

    by_name = {row["name"]: row for row in result["rows"]}
    assert result["total"]["requests"] > 0
    assert result["total"]["failures"] == 0, result["errors"]
    assert sum(row["failures"] for row in result["ramp_rows"]) == 0, result["errors"]
    search, matches = by_name[SEARCH], by_name[MATCHES]
    for percentile in ("p50", "p95"):
        print(
            f"supplier search API {percentile} {search[percentile]:.0f} ms; "
            f"requirement matches API {percentile} {matches[percentile]:.0f} ms"
        )
    slower = [p for p in ("p50", "p95") if search[p] > matches[p]]
    assert not slower, f"supplier search is slower than the requirement matches at {', '.join(slower)}"
