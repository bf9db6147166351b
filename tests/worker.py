"""A real Celery worker consuming from the Redis broker, in a thread of the test process."""

import pytest
from django.conf import settings


@pytest.fixture
def celery_worker():
    if not settings.REDIS_URL:
        pytest.fail("worker tests need a Redis broker: set REDIS_URL (make test does)")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.conf.task_always_eager = False
    with start_worker(app, perform_ping_check=False, pool="solo", concurrency=1, shutdown_timeout=10) as worker:
        yield worker
