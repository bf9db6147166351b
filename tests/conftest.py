import os

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests import factories

# SQLite is the embedded default, not the tested production path: `make test` points DATABASE_URL at PostgreSQL.
ALLOW_SQLITE = os.environ.get("ENLACE_ALLOW_SQLITE_TESTS") == "1"


@pytest.fixture(autouse=True)
def _require_postgresql(request):
    if "django_db_setup" in request.fixturenames and connection.vendor != "postgresql" and not ALLOW_SQLITE:
        pytest.fail("The suite runs on PostgreSQL: set DATABASE_URL (make test does) or ENLACE_ALLOW_SQLITE_TESTS=1.")


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
