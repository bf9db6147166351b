"""Deployment: migrations, API schema, import contracts, health check, gunicorn, Celery, Docker and CI files."""

import http.client
import importlib.util
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import tomllib
from contextlib import contextmanager

import pytest
import yaml

from .support import ROOT, VENV_BIN, clean_environment, run

COMPOSE = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
DOCKERFILE = (ROOT / "docker" / "Dockerfile").read_text()


def load_healthcheck():
    spec = importlib.util.spec_from_file_location("enlace_healthcheck", ROOT / "docker" / "healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the project as a whole --------------------------------------------------------------------------------------


def test_no_missing_migrations():
    result = run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], environment=dict(os.environ))
    assert result.returncode == 0, result.stdout + result.stderr


def test_openapi_schema_generates_without_errors_or_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    result = run(
        [sys.executable, "manage.py", "spectacular", "--fail-on-warn", "--validate", "--file", str(target)],
        environment=dict(os.environ),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    schema = yaml.safe_load(target.read_text())
    assert "/api/v1/auth/token/" in schema["paths"]
    assert "/api/v1/requirements/{id}/transition/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_import_contracts_hold():
    result = run(
        [str(VENV_BIN / "lint-imports"), "--no-cache"],
        environment=dict(os.environ, PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}"),
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_engine_contract_forbids_django_and_every_app():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    engine = next(contract for contract in contracts if contract.get("source_modules") == ["matching.engine"])
    assert engine["type"] == "forbidden"
    assert {"django", "rest_framework", "celery", "config", "accounts", "suppliers", "buyers"} <= set(
        engine["forbidden_modules"]
    )
    assert engine.get("allow_indirect_imports") is False


@pytest.mark.django_db
def test_health_endpoint_answers_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize(("language", "expected"), [("es", "Cola de verificación"), ("pt", "Fila de verificação")])
def test_committed_catalogues_translate_the_interface(language, expected):
    from django.utils import translation

    with translation.override(language):
        assert translation.gettext("Verification queue") == expected
    po = (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in po


# --- the processes the containers run ------------------------------------------------------------------------------


@contextmanager
def production_gunicorn(tmp_path):
    """gunicorn serving production settings, on a free port; yields (port, allowed host)."""
    port, host = free_port(), "enlace.example.org"
    environment = clean_environment(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS=host,
        DATABASE_URL=f"sqlite:///{tmp_path / 'health.sqlite3'}",
        PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}",
    )
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    healthcheck = load_healthcheck()
    try:
        deadline = time.monotonic() + 60
        while healthcheck.check(port, host) is not None:
            if server.poll() is not None:
                pytest.fail(f"gunicorn exited: {server.stderr.read()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail("gunicorn did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield port, host
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_container_health_check_passes_against_production_gunicorn(tmp_path):
    with production_gunicorn(tmp_path) as (port, host):
        result = run(
            [sys.executable, "docker/healthcheck.py"],
            environment=dict(os.environ, HEALTHCHECK_PORT=str(port), ALLOWED_HOSTS=f" {host},www.{host}"),
        )
        assert result.returncode == 0, result.stderr
        healthcheck = load_healthcheck()
        # Why the check sends X-Forwarded-Proto and an allowed Host: production redirects plain HTTP and
        # rejects unknown hosts, and a health check that accepted either answer would prove nothing.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/healthz", headers={"Host": host})
        assert connection.getresponse().status == 301
        connection.close()
        assert healthcheck.check(port, "intruder.example.net") == "/healthz answered 400"


def test_container_health_check_fails_when_nothing_listens():
    result = run(
        [sys.executable, "docker/healthcheck.py"],
        environment=dict(os.environ, HEALTHCHECK_PORT=str(free_port()), ALLOWED_HOSTS="enlace.example.org"),
    )
    assert result.returncode == 1
    assert "unhealthy: no answer" in result.stderr


@pytest.mark.parametrize(
    ("allowed_hosts", "expected"),
    [("enlace.example.org,www.enlace.example.org", "enlace.example.org"), (".example.org", "example.org"),
     ("*", "localhost"), ("", "localhost"), ("*, app.example.org", "app.example.org")],
)  # fmt: skip
def test_health_check_asks_for_an_allowed_host(allowed_hosts, expected):
    assert load_healthcheck().host_to_ask_for(allowed_hosts) == expected


def test_celery_finds_the_enlace_app_with_the_container_pythonpath():
    """`celery -A config` (compose's worker and beat) loads config.celery configured from Django settings."""
    result = run(
        [str(VENV_BIN / "celery"), "-A", "config", "report"],
        environment=clean_environment(PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}", REDIS_URL="redis://redis:6379/0"),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "transport:redis results:redis://redis:6379/0" in result.stdout


# --- Docker, compose and CI files ----------------------------------------------------------------------------------


def test_compose_names_every_service_with_health_checks():
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    for name in ("postgres", "redis", "web"):
        assert services[name]["healthcheck"]["test"], name
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]
    assert services["web"]["healthcheck"]["test"] == ["CMD", "python", "/app/docker/healthcheck.py"]


def test_compose_starts_the_application_only_on_healthy_services():
    services = COMPOSE["services"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }, name
    assert services["beat"]["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    # The image's health check probes gunicorn, so the Celery containers must not inherit it.
    assert services["beat"]["healthcheck"] == {"disable": True}
    assert "inspect ping" in services["worker"]["healthcheck"]["test"][1]


def test_compose_gives_the_application_its_production_environment():
    for name in ("web", "worker", "beat"):
        environment = COMPOSE["services"][name]["environment"]
        assert environment["DJANGO_ENV"] == "production", name
        assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?"), name
        assert environment["DATABASE_URL"].startswith("postgres://enlace:"), name
        assert environment["DATABASE_URL"].endswith("@postgres:5432/enlace"), name
        assert environment["REDIS_URL"] == "redis://redis:6379/0", name
        for variable in ("ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "EMAIL_BACKEND", "SITE_URL", "MEDIA_ROOT"):
            assert variable in environment, (name, variable)


def test_compose_documents_every_variable_the_settings_read():
    settings_source = (ROOT / "platform" / "config" / "settings.py").read_text()
    read_by_settings = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', settings_source))
    documented = set(COMPOSE["x-enlace-environment"]) | set(COMPOSE["services"]["web"]["environment"])
    # DEBUG stays off in production; the Celery overrides and inline tasks exist for tests (REDIS_URL feeds Celery);
    # STATIC_ROOT is the image build's.
    not_for_operators = {
        "DEBUG",
        "CELERY_BROKER_URL",
        "CELERY_RESULT_BACKEND",
        "CELERY_TASK_ALWAYS_EAGER",
        "CORE_RUN_TASKS_INLINE",
        "STATIC_ROOT",
    }
    assert read_by_settings - not_for_operators <= documented, read_by_settings - not_for_operators - documented


def test_dockerfile_builds_a_non_root_gunicorn_image_with_static_files_and_translations():
    assert DOCKERFILE.count("FROM python:3.11-slim") == 2
    assert "apt-get install -y --no-install-recommends gettext" in DOCKERFILE
    assert re.search(r"DJANGO_ENV=production SECRET_KEY=\S+ \\\s+python manage.py collectstatic", DOCKERFILE)
    assert "manage.py compilemessages" in DOCKERFILE
    assert "PYTHONPATH=/app/platform:/app" in DOCKERFILE
    runtime = DOCKERFILE.split("AS runtime", 1)[1]
    assert re.search(r"^USER 10001", runtime, re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*/app/docker/healthcheck\.py", runtime, re.MULTILINE)
    assert 'CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"' in runtime
    assert 'ENTRYPOINT ["/app/docker/entrypoint.sh"]' in runtime


def test_entrypoint_migrates_before_gunicorn_only(tmp_path):
    entrypoint = ROOT / "docker" / "entrypoint.sh"
    assert os.access(entrypoint, os.X_OK)
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    calls = tmp_path / "calls"
    for program in ("python", "gunicorn", "celery"):
        (fake_bin / program).write_text(f'#!/bin/sh\necho "{program} $*" >> {calls}\n')
        (fake_bin / program).chmod(0o755)
    environment = dict(os.environ, PATH=f"{fake_bin}:/usr/bin:/bin")

    assert run([str(entrypoint), "gunicorn", "config.wsgi:application"], environment=environment).returncode == 0
    assert calls.read_text().splitlines() == ["python manage.py migrate --no-input", "gunicorn config.wsgi:application"]

    calls.unlink()
    assert run([str(entrypoint), "celery", "-A", "config", "worker"], environment=environment).returncode == 0
    assert calls.read_text().splitlines() == ["celery -A config worker"]


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", "var", ".env", "docker/.env"} <= ignored
    assert "pyproject.toml" not in ignored
    assert "README.md" not in ignored


def test_ci_script_is_executable_and_runs_make_test():
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in text
    assert re.search(r"^\s+make test 2>&1", text, re.MULTILINE)
    # PostgreSQL and Redis are make test's business (scripts/test_services.py), not the CI wrapper's.
    assert "pg_ctl" not in text
    assert "redis-server" not in text
    assert run(["bash", "-n", str(script)], environment=dict(os.environ)).returncode == 0


@pytest.mark.parametrize(
    ("pytest_summary", "accepted"),
    [
        ("======== 412 passed, 3 skipped in 81.20s (0:01:21) ========", True),
        ("1 passed in 0.10s", True),
        ("======== 5 skipped in 0.31s ========", False),
        ("======== no tests ran in 0.02s ========", False),
        ("", False),
    ],
)
def test_ci_script_refuses_a_run_that_passed_no_test(tmp_path, pytest_summary, accepted):
    log = tmp_path / "make-test.log"
    log.write_text(f"ruff check .\nAll checks passed!\nContracts: 2 kept, 0 broken.\n{pytest_summary}\n")
    result = run(["bash", "-c", 'source .ci/run && require_tests_ran "$0"', str(log)], environment=dict(os.environ))
    assert (result.returncode == 0) is accepted, result.stderr
    if not accepted:
        assert "pytest ran no test" in result.stderr


def test_compose_file_is_json_serialisable_after_merging_anchors():
    """YAML anchors and merge keys resolve to plain mappings (what docker compose sees)."""
    web = COMPOSE["services"]["web"]
    assert web["build"] == {"context": "..", "dockerfile": "docker/Dockerfile"}
    assert web["image"] == COMPOSE["services"]["worker"]["image"] == COMPOSE["services"]["beat"]["image"]
    assert web["volumes"] == ["media:/app/var/media", "matching:/app/var/matching"]
    json.dumps(COMPOSE)
