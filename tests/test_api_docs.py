"""The API documentation (drf-spectacular, Swagger UI at /api/docs/): every operation in its resource's group, and a
description that says how to sign in, who may do what, how lists page, what errors look like and which languages."""

import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

GROUPS = [tag["name"] for tag in settings.SPECTACULAR_SETTINGS["TAGS"]]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, path_item in schema["paths"].items():
        for method, operation in path_item.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield f"{method.upper()} {path}", operation


def test_every_operation_is_in_exactly_one_resource_group(schema):
    assert {"suppliers", "requirements", "matching", "linkages", "events", "reporting", "interchange"} <= set(GROUPS)
    assert {"accounts", "taxonomy", "notifications"} <= set(GROUPS)
    misplaced = {
        name: operation.get("tags")
        for name, operation in _operations(schema)
        if len(operation.get("tags", [])) != 1 or operation["tags"][0] not in GROUPS
    }
    assert misplaced == {}
    used = {operation["tags"][0] for _name, operation in _operations(schema)}
    assert not used & {"api", "v1"}, "no catch-all group named after the path prefix"
    assert set(GROUPS) == used, "every group documented has operations, and only those"
    assert [tag["name"] for tag in schema["tags"]] == GROUPS
    assert all(tag.get("description") for tag in schema["tags"])


@pytest.mark.parametrize(
    ("operation", "group"),
    [
        ("POST /api/v1/auth/token/", "accounts"),
        ("GET /api/v1/categories/", "taxonomy"),
        ("GET /api/v1/certification-standards/", "taxonomy"),
        ("GET /api/v1/suppliers/", "suppliers"),
        ("POST /api/v1/certifications/{id}/verify/", "suppliers"),
        ("GET /api/v1/requirements/", "requirements"),
        ("GET /api/v1/requirements/{id}/matches/", "matching"),
        ("GET /api/v1/suppliers/me/opportunities/", "matching"),
        ("POST /api/v1/linkages/{id}/transactions/", "linkages"),
        ("POST /api/v1/meeting-requests/{id}/decide/", "events"),
        ("GET /api/v1/dashboard/", "reporting"),
        ("GET /api/v1/exchange-rates/", "reporting"),
        ("POST /api/v1/imports/", "interchange"),
        ("GET /api/v1/ocds/releases/", "interchange"),
        ("GET /api/v1/notifications/", "notifications"),
        ("GET /api/v1/audit/", "audit"),
    ],
)
def test_operations_sit_with_their_resource(schema, operation, group):
    operations = dict(_operations(schema))
    assert operations[operation]["tags"] == [group]


def test_the_description_covers_authentication_roles_pagination_errors_and_languages(schema):
    description = schema["info"]["description"]
    for heading in ("## Authentication", "## Roles", "## Pagination", "## Errors", "## Languages"):
        assert heading in description
    for fact in (
        "Authorization: Token <token>",
        "/api/v1/auth/token/",
        "viewer",
        "?page=",
        '"errors"',
        "Accept-Language",
    ):
        assert fact in description


def test_the_apis_own_words_are_english_as_described(api_client):
    """(Notifications in the reader's language: tests/notifications/test_notification_words.py.)"""
    response = api_client.post("/api/v1/auth/token/", {}, format="json", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert response.json()["errors"]["email"] == ["This field is required."]
