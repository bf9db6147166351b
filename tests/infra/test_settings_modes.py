"""The three settings modes, each started in a fresh process from a clean environment, as an operator would."""

import json
import secrets

from .support import manage

PRINT_SETTINGS = (
    "from django.conf import settings as s; import json; print(json.dumps({"
    "'engine': s.DATABASES['default']['ENGINE'], 'eager': s.CELERY_TASK_ALWAYS_EAGER,"
    " 'broker': s.CELERY_BROKER_URL, 'cache': s.CACHES['default']['BACKEND'], 'debug': s.DEBUG}))"
)
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "enlace.example.org",
    "DATABASE_URL": "postgres://enlace:secret@db.example.org:5432/enlace",
    "REDIS_URL": "redis://redis.example.org:6379/0",
}
# Imports Enlace's own deploy checks explicitly, so the test holds whether or not config imports them itself.
CHECK_DEPLOY_WITH_ENLACE_CHECKS = (
    "import config.production_check; from django.core.management import call_command;"
    " call_command('check', deploy=True, fail_level='WARNING')"
)


def printed_settings(**environment):
    result = manage("shell", "-v", "0", "-c", PRINT_SETTINGS, **environment)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", "-v", "0", **PRODUCTION)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "ERRORS" not in output


def test_check_deploy_fails_when_production_safeguards_are_switched_off():
    """The check above is not vacuous: turning the HTTPS redirect off makes it fail."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, SECURE_SSL_REDIRECT="false")
    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    environment = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    result = manage("check", **environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_settings_are_hardened():
    code = (
        "from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.ALLOWED_HOSTS)"
    )
    result = manage("shell", "-v", "0", "-c", code, **PRODUCTION)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "False True True True True ['enlace.example.org']"


def test_embedded_default_is_sqlite_with_eager_tasks_and_no_broker():
    assert printed_settings() == {
        "engine": "django.db.backends.sqlite3",
        "eager": True,
        "broker": "memory://",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "debug": True,
    }


def test_database_and_redis_urls_switch_to_postgresql_and_real_workers():
    values = printed_settings(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/enlace", REDIS_URL="redis://127.0.0.1:6379/3"
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/3"
    assert values["cache"] == "core.cache.ResilientRedisCache"  # Redis, missing rather than failing when down


def test_enlace_deploy_checks_accept_postgresql_with_a_broker():
    result = manage("shell", "-v", "0", "-c", CHECK_DEPLOY_WITH_ENLACE_CHECKS, **PRODUCTION)
    assert result.returncode == 0, result.stderr[-3000:]


def test_enlace_deploy_checks_flag_production_on_the_embedded_default():
    environment = {key: value for key, value in PRODUCTION.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    result = manage("shell", "-v", "0", "-c", CHECK_DEPLOY_WITH_ENLACE_CHECKS, **environment)
    assert result.returncode != 0
    assert "enlace.W001" in result.stderr
    assert "enlace.W002" in result.stderr
