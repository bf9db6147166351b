import uuid

import pytest

SESSION = uuid.uuid4().hex[:12]


@pytest.fixture(autouse=True)
def _progress_of_this_session_only(settings):
    """An import's progress lives in the cache (Redis) for half an hour, keyed by the run's id, and
    ``execute_import_run`` leaves alone a run whose progress is there (a worker is still on it). Another test session
    on the same Redis database (a suite running beside this one, or one run minutes ago on a new test database whose
    ids start again at 1) leaves progress under ids this session also gives its runs; an upload test then found its
    run "still running" and never imported it. This session's cache keys get a prefix of their own."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"{config.get('KEY_PREFIX', '')}test-{SESSION}"}
        for name, config in settings.CACHES.items()
    }
