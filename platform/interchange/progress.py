"""Where a worker reports an import's progress while the file's transaction is open (it hides the row's changes).

The cache is shared by web and workers in production (Redis) and is the process's own memory in the embedded
default, where the import runs in the request anyway. An entry outlives its last report by ``SILENT_WORKER``: a
worker with nothing to say for that long has stopped.
"""

import datetime as dt

from django.core.cache import cache
from django.utils import timezone

SILENT_WORKER = dt.timedelta(minutes=30)


def _key(run_id: int) -> str:
    return f"interchange:import-progress:{run_id}"


def report_progress(*, run_id: int, done: int, total: int) -> None:
    cache.set(_key(run_id), (done, total, timezone.now()), timeout=int(SILENT_WORKER.total_seconds()))


def live_progress(*, run_id: int) -> tuple[int, int] | None:
    """(processed, total) as last reported, or None when the worker said nothing for ``SILENT_WORKER``."""
    entry = cache.get(_key(run_id))
    return (entry[0], entry[1]) if entry else None
