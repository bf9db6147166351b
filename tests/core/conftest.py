import pytest


@pytest.fixture
def eager():
    """Switch the Celery app to eager execution for one test (restored after)."""
    saved = {}

    def switch(app):
        saved.setdefault(app, app.conf.task_always_eager)
        app.conf.task_always_eager = True

    yield switch
    for app, value in saved.items():
        app.conf.task_always_eager = value
