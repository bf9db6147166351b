"""The Content-Security-Policy header: present on every page, strict everywhere but the Swagger UI."""

import re
from pathlib import Path

import pytest

from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    return {name: set(values) for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/", "/es/accounts/login/"])
def test_pages_carry_a_strict_policy(client, path):
    policy = directives(client.get(path))
    assert policy["default-src"] == {"'self'"}
    assert policy["script-src"] == {"'self'"}
    assert policy["style-src"] == {"'self'"}
    assert policy["object-src"] == {"'none'"}
    assert policy["frame-ancestors"] == {"'none'"}


@pytest.mark.django_db
def test_signed_in_pages_and_the_dashboard_carry_it(client):
    client.force_login(factories.AgencyStaffFactory())
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_only_the_swagger_ui_allows_inline_styles(client):
    policy = directives(client.get("/api/docs/"))
    assert policy["script-src"] == {"'self'"}, "Swagger UI's start-up script is a file (split view), not inline"
    assert policy["style-src"] == {"'self'", "'unsafe-inline'"}
    assert "data:" in policy["img-src"]
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_templates_and_static_carry_no_inline_script_or_style():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=|<style|\son[a-z]+=", text):
            offenders.append(template.relative_to(ROOT).as_posix())
    assert offenders == []
