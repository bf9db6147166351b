from . import production_check  # noqa: F401  (registers Enlace's deploy checks)
from .celery import app as celery_app

__all__ = ("celery_app",)
