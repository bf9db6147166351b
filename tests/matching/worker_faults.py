"""Loaded into a test worker (``celery worker -I``): the first match task stalls so the test can kill its process.

Only the test that starts such a worker sets ENLACE_TEST_KILL_MARKER; nothing in the platform imports this.
"""

import os
import time
from pathlib import Path

from celery.signals import task_prerun


@task_prerun.connect
def stall_first_match_run(sender=None, **kwargs):
    marker = Path(os.environ.get("ENLACE_TEST_KILL_MARKER", "/nonexistent"))
    if sender is None or sender.name != "matching.match_requirement" or not marker.exists():
        return
    marker.unlink()
    Path(f"{marker}.pid").write_text(str(os.getpid()))
    time.sleep(120)  # killed long before this ends
