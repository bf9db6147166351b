"""A worker killed whole (kill -9 on its process group) in the middle of a match run: nobody is left to give the
message back, so the run's stopped heartbeat is what tells beat's requeue to send it again to another worker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app
from core.tasks import requeue_stalled_jobs
from matching import services
from matching.models import MatchRun

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _wait_for(predicate, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {seconds:.0f} s waiting for {what}")


def _worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=1",
         "-I", "tests.core.slow_worker", "--loglevel=WARNING", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)


def test_a_run_whose_whole_worker_was_killed_is_redone_within_five_minutes(titanium, tmp_path, settings_override):
    app.control.purge()  # messages other tests left without a worker
    marker = tmp_path / "slow"
    marker.write_text("hold the run inside the engine")
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://{user}@{host}:{port}/{name}".format(
            user=database["USER"], host=database["HOST"] or "127.0.0.1", port=database["PORT"] or 5432,
            name=database["NAME"],
        ),
        "REDIS_URL": settings.REDIS_URL,
        "MATCHING_STATE_DIR": str(tmp_path / "state"),
        "ENLACE_TEST_SLOW_MARKER": str(marker),
        "CORE_JOB_HEARTBEAT_SECONDS": "0.5",
        "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}",
    }  # fmt: skip
    first = _worker(env)
    second = None
    try:
        run, _created = services.request_match_run(requirement=titanium["requirement"])
        _wait_for(lambda: Path(f"{marker}.running").exists(), seconds=120, what="the worker to start the run")
        running = MatchRun.objects.get(pk=run.pk)
        assert running.status == MatchRun.Status.RUNNING
        _wait_for(
            lambda: MatchRun.objects.get(pk=run.pk).heartbeat_at > running.heartbeat_at, seconds=10, what="a heartbeat"
        )
        os.killpg(first.pid, signal.SIGKILL)  # the whole worker: main process and child, no goodbye
        first.wait(timeout=10)
        killed_at = time.monotonic()
        marker.unlink()  # the next worker runs the engine at full speed
        second = _worker(env)

        assert requeue_stalled_jobs()["matching.MatchRun"] == 0  # its heartbeat is only just silent
        time.sleep(settings_override + 0.5)
        assert requeue_stalled_jobs()["matching.MatchRun"] == 1  # silent for longer than the threshold: sent again
        _wait_for(lambda: MatchRun.objects.get(pk=run.pk).status == "succeeded", seconds=240, what="the redone run")
        assert time.monotonic() - killed_at < 300
        done = MatchRun.objects.get(pk=run.pk)
        assert done.attempts == 2
        assert done.matches.count() == 3
    finally:
        _stop(first)
        if second is not None:
            _stop(second)


@pytest.fixture
def settings_override(settings):
    """A short heartbeat threshold for this test (production: 120 s), in this process where the requeue runs."""
    settings.CORE_JOB_STALE_AFTER_SECONDS = 3
    return 3
