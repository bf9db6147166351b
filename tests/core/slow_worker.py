"""Loaded into a test worker (``celery worker -I tests.core.slow_worker``): a match run stalls inside the engine while
ENLACE_TEST_SLOW_MARKER exists, so a test can kill the whole worker in the middle of a running job.

Only tests that start such a worker set the variable; nothing in the platform imports this."""

import os
import time
from pathlib import Path

MARKER = os.environ.get("ENLACE_TEST_SLOW_MARKER")

if MARKER:
    from matching import services

    _rank = services.rank

    def _slow_rank(**kwargs):
        marker = Path(MARKER)
        if marker.exists():
            Path(f"{marker}.running").write_text(str(os.getpid()))
            while marker.exists():
                time.sleep(0.2)
        return _rank(**kwargs)

    services.rank = _slow_rank
