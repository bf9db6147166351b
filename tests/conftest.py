import os
import uuid

import pytest
from django.db import connection
from django.utils import translation
from rest_framework.test import APIClient

from matching.state import engine_state
from tests import factories

# SQLite is the embedded default, not the tested production path: `make test` points DATABASE_URL at PostgreSQL.
ALLOW_SQLITE = os.environ.get("ENLACE_ALLOW_SQLITE_TESTS") == "1"


@pytest.fixture(autouse=True)
def _require_postgresql(request):
    if "django_db_setup" in request.fixturenames and connection.vendor != "postgresql" and not ALLOW_SQLITE:
        pytest.fail("The suite runs on PostgreSQL: set DATABASE_URL (make test does) or ENLACE_ALLOW_SQLITE_TESTS=1.")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories give every user a password; production's PBKDF2 (a million rounds) made that most of the suite's
    time. What a test checks of passwords (sign-in, validation) does not depend on the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_inline(settings):
    """Eager tasks run in the caller during tests, not in the embedded default's background thread (core.jobs);
    tests/core/test_jobs.py switches the background thread back on to test it."""
    settings.CORE_RUN_TASKS_INLINE = True


@pytest.fixture(autouse=True)
def _default_language():
    """A page requested in Spanish leaves Spanish active in the thread; every test starts in English."""
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api_client():
    return APIClient()


def _client_for(user):
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def agency_user(db):
    return factories.AgencyStaffFactory()


@pytest.fixture
def sme_owner(db):
    return factories.SmeOwnerFactory()


@pytest.fixture
def buyer_owner(db):
    return factories.BuyerOwnerFactory()


@pytest.fixture
def agency_client(agency_user):
    return _client_for(agency_user)


@pytest.fixture
def sme_client(sme_owner):
    return _client_for(sme_owner)


@pytest.fixture
def buyer_client(buyer_owner):
    return _client_for(buyer_owner)


@pytest.fixture
def client_for():
    return _client_for


@pytest.fixture(autouse=True)
def _fresh_engine(settings, tmp_path):
    """Each test gets an engine state of its own: the database is new, so the cached index must be too."""
    settings.MATCHING_STATE_DIR = tmp_path / "matching"
    engine_state.reset()
    yield
    engine_state.reset()


@pytest.fixture
def titanium():
    """A requirement in a CPV category with three suppliers: a machinist that fits, one far off topic, one in a
    sibling category."""
    machining = factories.CategoryFactory(code="42600000", name_en="Machine tools", lineage="/42000000/42600000/")
    sibling = factories.CategoryFactory(
        code="42630000", name_en="Metal-working machine tools", lineage="/42000000/42600000/42630000/"
    )
    food = factories.CategoryFactory(code="15500000", name_en="Dairy products", lineage="/15000000/15500000/")
    fit = factories.CapabilityFactory(
        category=machining, description="Mecanizado CNC de titanio grado 5 para implantes ortopédicos"
    ).profile
    near = factories.CapabilityFactory(category=sibling, description="Fresado de piezas de aluminio").profile
    off = factories.CapabilityFactory(
        category=food, description="Quesos y productos lácteos frescos", keywords=["queso"]
    ).profile
    requirement = factories.RequirementFactory(
        title="Machined titanium grade 5 implant components",
        specification="CNC machining of titanium Ti-6Al-4V for orthopaedic implants",
    )
    requirement.categories.set([machining])
    return {"requirement": requirement, "fit": fit, "near": near, "off": off}


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


SESSION = uuid.uuid4().hex[:12]


@pytest.fixture(autouse=True)
def _cache_of_this_session_only(settings):
    """An import's progress lives in the cache (Redis) for half an hour, keyed by the run's id, and
    ``execute_import_run`` leaves alone a run whose progress is there (a worker is still on it). Another test session
    on the same Redis database (a suite running beside this one, or one run minutes ago on a new test database whose
    ids start again at 1) leaves progress under ids this session also gives its runs; an upload test then found its
    run "still running" and never imported it. This session's cache keys get a prefix of their own."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"{config.get('KEY_PREFIX', '')}test-{SESSION}"}
        for name, config in settings.CACHES.items()
    }
