"""Settings modes, deployment checks, schema, migrations and packaging files, run as a new user would."""

import json
import os
import secrets
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, env_overrides=None, drop=()):
    env = {key: value for key, value in os.environ.items() if key not in drop}
    env.update(env_overrides or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


CLEAN = (
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_ENV",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CELERY_TASK_ALWAYS_EAGER",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)
PRINT_SETTINGS = (
    "from django.conf import settings as s; import json; print(json.dumps({'engine': s.DATABASES['default']['ENGINE'],"
    " 'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, 'debug': s.DEBUG}))"
)


def test_production_settings_pass_check_deploy():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        drop=CLEAN,
        env_overrides={
            "DJANGO_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "enlace.example.org",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/enlace",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", drop=CLEAN, env_overrides={"DJANGO_ENV": "production", "ALLOWED_HOSTS": "x"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_embedded_default_is_sqlite_with_eager_tasks():
    result = manage("shell", "-c", PRINT_SETTINGS, drop=CLEAN)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {"engine": "django.db.backends.sqlite3", "eager": True, "broker": "memory://", "debug": True}


def test_environment_switches_to_postgresql_and_redis_workers():
    result = manage(
        "shell",
        "-c",
        PRINT_SETTINGS,
        drop=CLEAN,
        env_overrides={
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/enlace",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
        },
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/3"


def test_no_missing_migrations():
    result = manage("makemigrations", "--check", "--dry-run", "-v", "1")
    assert result.returncode == 0, result.stdout + result.stderr


def test_openapi_schema_generates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    result = manage("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    assert result.returncode == 0, result.stderr[-3000:]
    schema = yaml.safe_load(target.read_text())
    assert "/api/v1/requirements/{id}/transition/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_import_contracts_hold():
    env = dict(os.environ, PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    engine = next((c for c in contracts if c.get("source_modules") == ["matching.engine"]), None)
    assert engine is not None
    assert "django" in engine["forbidden_modules"]


def test_compose_file_names_every_service_with_health_checks():
    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
    assert set(compose["services"]) == {"postgres", "redis", "web", "worker", "beat"}
    for name in ("postgres", "redis", "web"):
        assert "healthcheck" in compose["services"][name], name
    assert compose["services"]["worker"]["command"][:3] == ["celery", "-A", "config"]


def test_ci_script_runs_make_test():
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    assert "make test" in script.read_text()


@pytest.mark.django_db
def test_health_endpoint(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize(("language", "expected"), [("es", "Cola de verificación"), ("pt", "Fila de verificação")])
def test_committed_catalogues_translate_the_interface(language, expected):
    from django.utils import translation

    with translation.override(language):
        assert translation.gettext("Verification queue") == expected
    po = (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in po
