"""Match runs through the real Redis broker and real Celery workers, including one killed in the middle of a run."""

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
from matching import services
from matching.models import MatchRun
from tests.worker import celery_worker  # noqa: F401 - the fixture

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


def _status(run_id):
    return MatchRun.objects.get(pk=run_id).status


def test_a_real_worker_runs_a_requested_match(titanium, celery_worker):  # noqa: F811
    run, _created = services.request_match_run(requirement=titanium["requirement"])

    _wait_for(lambda: _status(run.pk) == MatchRun.Status.SUCCEEDED, seconds=60, what="the run to succeed")
    assert MatchRun.objects.get(pk=run.pk).matches.count() == 3


def test_a_killed_worker_does_not_lose_the_run(titanium, tmp_path):
    if not settings.REDIS_URL:
        pytest.fail("worker tests need a Redis broker: set REDIS_URL (make test does)")
    app.control.purge()  # messages other tests left without a worker
    marker = tmp_path / "kill-me"
    marker.write_text("stall the first match run")
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://{user}@{host}:{port}/{name}".format(
            user=database["USER"],
            host=database["HOST"] or "127.0.0.1",
            port=database["PORT"] or 5432,
            name=database["NAME"],
        ),
        "REDIS_URL": settings.REDIS_URL,
        "MATCHING_STATE_DIR": str(tmp_path / "state"),
        "ENLACE_TEST_KILL_MARKER": str(marker),
        "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "-I",
            "tests.matching.worker_faults",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        run, _created = services.request_match_run(requirement=titanium["requirement"])
        pid = int(_wait_for(lambda: _read(Path(f"{marker}.pid")), seconds=90, what="the worker to take the run"))
        os.kill(pid, signal.SIGKILL)  # the process running the task dies mid-run, before acknowledging it

        _wait_for(lambda: _status(run.pk) == MatchRun.Status.SUCCEEDED, seconds=90, what="the redelivered run")
        finished = MatchRun.objects.get(pk=run.pk)
        assert finished.matches.count() == 3
        assert not marker.exists()  # the stall happened: the success came from the redelivery
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""
