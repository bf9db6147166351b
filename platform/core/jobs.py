"""Durable jobs: a row first, a message second, so neither a broker outage nor a dead worker loses work.

A job (a match run, an OCDS import, an outgoing e-mail) is a row written in the transaction of what causes it. Its
message is published after that transaction commits (``enqueue_after_commit``) and publishing never blocks a request
for long nor fails it: a broker that is down leaves the row queued and unsent. A worker ``claim``s the row with a
conditional UPDATE (two messages about one job run it once), sends a ``heartbeat`` while it works (a thread, every
``CORE_JOB_HEARTBEAT_SECONDS``) and ``finish``es it. Celery beat calls ``requeue_stalled`` every minute: it sends again
a queued job whose message never reached the broker or was lost, requeues a running job whose heartbeat stopped
(``CORE_JOB_STALE_AFTER_SECONDS``: its worker died) and fails a job after ``max_attempts``.

On the embedded default (no broker, Celery eager) a job runs after the response, in one background thread of the
process, not inside the request; ``CORE_RUN_TASKS_INLINE`` runs it inline instead (the test suite).
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import queue
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from celery import current_task
from django.apps import apps
from django.conf import settings
from django.db import connections, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

QUEUED = "queued"
RUNNING = "running"


class DurableJob(models.Model):
    """The columns every durable job has; a concrete job redeclares ``status`` with its own choices."""

    status = models.CharField(max_length=16, default=QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When a message about the job last reached the broker; empty while none did (broker down, or just created).
    published_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=128, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # What each kind of job says about itself.
    job_task: str = ""  # dotted path of the Celery task that runs one job, called with its primary key
    max_attempts: int = 3
    failed_status: str = "failed"
    # False for jobs that may have acted before their worker died (an e-mail handed to the SMTP server): such a job
    # is failed for an operator to look at rather than done twice.
    requeue_running: bool = True

    class Meta:
        abstract = True

    def gave_up_error(self) -> str:
        # Stored for operators in one language, whatever language the request that caused the job spoke.
        return f"Gave up after {self.attempts} attempts."

    def lost_worker_error(self) -> str:
        return "The worker stopped while running it; not started again."

    def is_alive(self) -> bool:
        """A sign of life other than the heartbeat (an import's progress in the cache); none by default."""
        return False


def _seconds(name: str, default: float) -> dt.timedelta:
    return dt.timedelta(seconds=float(getattr(settings, name, default)))


def stale_after() -> dt.timedelta:
    return _seconds("CORE_JOB_STALE_AFTER_SECONDS", 120)


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:128]


# -- publishing -------------------------------------------------------------------------------------------------------


def _is_eager(task) -> bool:
    return bool(task.app.conf.task_always_eager)


def enqueue(model: type[DurableJob], job_id: int, task) -> bool:
    """Send the message that runs job ``job_id`` now; True when it left. Never raises for a broker that is down and
    never waits on one for more than the broker connect timeout (settings: one short try, no publish retry)."""
    if _is_eager(task):
        if getattr(settings, "CORE_RUN_TASKS_INLINE", False):
            task.apply_async(args=[job_id])  # in this thread, errors propagate (CELERY_TASK_EAGER_PROPAGATES)
        else:
            background.submit(task, job_id)
        return True
    try:
        task.apply_async(args=[job_id])
    except Exception:  # kombu's OperationalError, a refused or timed-out socket, a full disk on the broker...
        logger.exception("%s %s: could not reach the broker; it stays queued and will be sent again", task.name, job_id)
        return False
    model.objects.filter(pk=job_id, status=QUEUED).update(published_at=timezone.now())
    return True


def send_task(task, *, args: tuple = (), countdown: float | None = None) -> bool:
    """Send a task that has no job row of its own (a debounced re-match, say); True when it left.

    Same rules as ``enqueue``: never blocks on a broker that is down (the failure is logged and reported to the
    caller, who decides what to keep), and on the embedded default it runs after the response, not inside it."""
    if _is_eager(task):
        if getattr(settings, "CORE_RUN_TASKS_INLINE", False):
            task.apply_async(args=list(args))
        else:
            background.submit(task, *args, delay=countdown)
        return True
    try:
        task.apply_async(args=list(args), countdown=countdown)
    except Exception:
        logger.exception("%s: could not reach the broker", task.name)
        return False
    return True


def enqueue_after_commit(job: DurableJob, task) -> None:
    """Publish ``job``'s message once the current transaction commits (at once outside one).

    ``task`` is the Celery task that runs the job, or an app's own function that sends it given the job's id."""
    model, job_id = type(job), job.pk

    def send():
        if hasattr(task, "apply_async"):
            enqueue(model, job_id, task)
        else:
            task(job_id)

    transaction.on_commit(send)


# -- the worker's side -------------------------------------------------------------------------------------------------


def _last_sign_of_life():
    return Coalesce("heartbeat_at", "claimed_at", "created_at")


def claim(model: type[DurableJob], job_id: int, **fields) -> DurableJob | None:
    """Take job ``job_id`` for this worker: a queued job, or a running one whose worker stopped sending heartbeats.

    One conditional UPDATE, so of two workers given the same job exactly one gets it. ``fields`` are set with it
    (``started_at=now``). Returns the claimed row, or None when it is finished or another worker is on it."""
    now = timezone.now()
    taking = {
        "status": RUNNING,
        "attempts": F("attempts") + 1,
        "claimed_at": now,
        "claimed_by": worker_identity(),
        "heartbeat_at": now,
        **fields,
    }
    claimable = Q(status=QUEUED) | Q(status=RUNNING, last_sign__lt=now - stale_after())
    claimed = model.objects.annotate(last_sign=_last_sign_of_life()).filter(claimable, pk=job_id).update(**taking)
    if not claimed:
        # A running job nobody claimed (left by a version without claims), or claimed by a process of this machine
        # that no longer exists (a killed worker child whose message came straight back), needs no wait either.
        row = model.objects.filter(pk=job_id, status=RUNNING).values("claimed_by", "heartbeat_at").first()
        if row and (not row["claimed_by"] or _died_here(row["claimed_by"])):
            claimed = model.objects.filter(pk=job_id, status=RUNNING, **row).update(**taking)
    return model.objects.filter(pk=job_id).first() if claimed else None


def _died_here(claimed_by: str) -> bool:
    host, _sep, pid = claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive, another user's
    return False


def heartbeat(job: DurableJob) -> bool:
    """Say that ``job``'s worker is alive; False once the job is no longer running under this worker."""
    return bool(
        type(job)
        .objects.filter(pk=job.pk, status=RUNNING, claimed_by=job.claimed_by)
        .update(heartbeat_at=timezone.now())
    )


def release(job: DurableJob, *, error: str = "") -> bool:
    """Give a claimed job back to the queue (its attempt failed and will be retried); keeps its attempts."""
    return bool(
        type(job)
        .objects.filter(pk=job.pk, status=RUNNING, claimed_by=job.claimed_by)
        .update(status=QUEUED, heartbeat_at=None, published_at=timezone.now(), error=error[:2000])
    )


def finish(job: DurableJob, *, status: str, **fields) -> DurableJob:
    """Store ``job``'s outcome (``status`` and any of its own fields) and stop the clock; saves only those fields."""
    job.status = status
    job.finished_at = timezone.now()
    job.heartbeat_at = None
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "finished_at", "heartbeat_at", *fields])
    return job


@contextmanager
def heartbeating(job: DurableJob) -> Iterator[None]:
    """Send ``job``'s heartbeat from a thread (its own database connection) while the block runs, so it is seen even
    while the block holds a long transaction. An exception leaving the block gives the job back to the queue."""
    interval = float(getattr(settings, "CORE_JOB_HEARTBEAT_SECONDS", 30))
    stop = threading.Event()
    thread = None
    task = current_task._get_current_object()  # a proxy: None outside a task
    in_a_worker = task is not None and not task.request.is_eager  # nothing watches an eager job's heartbeat
    if interval > 0 and in_a_worker:

        def beat():
            try:
                while not stop.wait(interval):
                    try:
                        if not heartbeat(job):
                            return
                    except Exception:  # the database went away for a moment: try again next time
                        logger.warning("job %s %s: heartbeat failed", type(job).__name__, job.pk, exc_info=True)
            finally:
                connections.close_all()

        thread = threading.Thread(target=beat, name=f"heartbeat-{type(job).__name__}-{job.pk}", daemon=True)
        thread.start()
    try:
        yield
    except BaseException as exc:
        try:
            release(job, error=f"{type(exc).__name__}: {exc}")
        except Exception:
            logger.warning("job %s %s: could not be released", type(job).__name__, job.pk, exc_info=True)
        raise
    finally:
        stop.set()
        if thread is not None:
            thread.join(timeout=5)


# -- beat's side ------------------------------------------------------------------------------------------------------


def requeue_stalled(model: type[DurableJob], *, send: Callable[[int], object] | None = None) -> int:
    """Send again what nobody is doing; returns how many jobs were sent.

    - queued and never published (the broker was down), once ``CORE_JOB_UNSENT_GRACE_SECONDS`` have passed;
    - queued and published ``CORE_JOB_RESEND_AFTER_SECONDS`` ago without a worker taking it (a lost message);
    - running with no heartbeat for ``CORE_JOB_STALE_AFTER_SECONDS`` (its worker died), unless the job shows another
      sign of life; a job that may have acted already (``requeue_running`` False) is failed instead.
    A job that used up ``max_attempts`` is failed."""
    if send is None:
        task = import_string(model.job_task)

        def send(job_id):
            return enqueue(model, job_id, task)

    now = timezone.now()
    unsent = Q(status=QUEUED, published_at=None, created_at__lt=now - _seconds("CORE_JOB_UNSENT_GRACE_SECONDS", 60))
    lost = Q(status=QUEUED, published_at__lt=now - _seconds("CORE_JOB_RESEND_AFTER_SECONDS", 600))
    stalled = Q(status=RUNNING, last_sign__lt=now - stale_after())
    candidates = model.objects.annotate(last_sign=_last_sign_of_life()).filter(unsent | lost | stalled).order_by("pk")
    count = 0
    for job in candidates:
        same = model.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts, heartbeat_at=job.heartbeat_at)
        if job.status == RUNNING and job.is_alive():
            continue  # a long job still reporting, not a lost worker
        if job.status == RUNNING and not job.requeue_running:
            same.update(status=job.failed_status, error=job.lost_worker_error(), finished_at=now, heartbeat_at=None)
            continue
        if job.attempts >= job.max_attempts:
            same.update(status=job.failed_status, error=job.gave_up_error(), finished_at=now, heartbeat_at=None)
            continue
        if not same.update(status=QUEUED, published_at=None, heartbeat_at=None):
            continue  # a worker took it meanwhile
        send(job.pk)
        count += 1
    return count


def job_models() -> list[type[DurableJob]]:
    return [model for model in apps.get_models() if issubclass(model, DurableJob) and model.job_task]


def requeue_all_stalled() -> dict[str, int]:
    """``requeue_stalled`` for every kind of durable job (the beat task)."""
    return {model._meta.label: requeue_stalled(model) for model in job_models()}


# -- the embedded default's background worker ----------------------------------------------------------------------


class BackgroundWorker:
    """One daemon thread running eager tasks after the request that queued them has answered.

    A task sent with a countdown (a debounced re-match) waits that long first, as it would on a broker, so the
    changes made meanwhile ride on it; a process that ends (a command) runs what is still waiting at once.
    """

    def __init__(self):
        self._queue: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._waiting: dict[threading.Timer, tuple] = {}

    def submit(self, task, *args, delay: float | None = None) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="enlace-background-tasks", daemon=True)
                self._thread.start()
                # A command that queued work (seed_demo, match --all-open) must not exit with the work undone: the
                # embedded default has no beat to pick up what a finished process left queued.
                atexit.register(self.join)
            if delay:
                item = (task, args)
                timer = threading.Timer(delay, lambda: self._release(timer, item))
                timer.daemon = True
                self._waiting[timer] = item
                timer.start()
                return
        self._queue.put((task, args))

    def _release(self, timer: threading.Timer, item: tuple) -> None:
        with self._lock:
            if self._waiting.pop(timer, None) is None:
                return  # join() released it already
        self._queue.put(item)

    def _run(self) -> None:
        while True:
            task, args = self._queue.get()
            try:
                result = task.apply(args=list(args), throw=False)
                if result.failed():
                    logger.error("background task %s%s failed: %r", task.name, args, result.result)
            except Exception:
                logger.exception("background task %s%s failed", task.name, args)
            finally:
                connections.close_all()  # this thread's own connections
                self._queue.task_done()

    def waiting(self) -> int:
        """Tasks still counting down."""
        with self._lock:
            return len(self._waiting)

    def join(self) -> None:
        """Run what is still counting down now, then wait until every submitted task ran (commands, tests)."""
        with self._lock:
            waiting, self._waiting = list(self._waiting.items()), {}
        for timer, item in waiting:
            timer.cancel()
            self._queue.put(item)
        self._queue.join()


background = BackgroundWorker()
