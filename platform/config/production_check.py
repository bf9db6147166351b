"""Deployment checks of Enlace's own, run by `manage.py check --deploy` next to Django's.

Django's checks cover HTTPS and cookies; these catch the two ways a production deployment silently falls back to
the embedded default: SQLite instead of PostgreSQL, and Celery tasks run inside web requests for want of a broker.
"""

from django.conf import settings
from django.core import checks


@checks.register(deploy=True)
def check_production_database(app_configs, **kwargs):
    if not settings.IS_PRODUCTION:
        return []
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine == "django.db.backends.postgresql":
        return []
    return [
        checks.Warning(
            f"Production is running on {engine}, the embedded default.",
            hint="Set DATABASE_URL to a PostgreSQL database (postgres://user:password@host:5432/name).",
            id="enlace.W001",
        )
    ]


@checks.register(deploy=True)
def check_production_task_queue(app_configs, **kwargs):
    if not settings.IS_PRODUCTION or not settings.CELERY_TASK_ALWAYS_EAGER:
        return []
    return [
        checks.Warning(
            "Production runs Celery tasks eagerly, inside web requests, so matching and e-mails block the pages.",
            hint="Set REDIS_URL (redis://host:6379/0) and run `celery -A config worker` and `celery -A config beat`.",
            id="enlace.W002",
        )
    ]
