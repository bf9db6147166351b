"""Run the project's commands the way an operator would: a fresh process, a chosen environment."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent

# Everything that selects a settings mode; tests start from none of them and add what they mean to test.
SETTINGS_VARIABLES = (
    "DJANGO_ENV",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CELERY_TASK_ALWAYS_EAGER",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "EMAIL_BACKEND",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def clean_environment(**overrides: str) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    environment.update(overrides)
    return environment


def run(command: list[str], *, environment: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=timeout)


def manage(*args: str, **overrides: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "manage.py", *args], environment=clean_environment(**overrides))


def load_script(path: Path):
    """A script of scripts/ as a module (they are run as programs, not imported by the platform)."""
    spec = importlib.util.spec_from_file_location(f"script_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


test_services = load_script(ROOT / "scripts" / "test_services.py")
