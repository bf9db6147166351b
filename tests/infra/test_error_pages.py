"""A visitor's wrong turn with DEBUG off (as `make demo` runs): the project's own 404, 403 and 500 pages, in the
visitor's language, never Django's debug page listing every URL; and the site's favicon."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def error_urls(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.infra.error_urls"


def test_debug_is_off_under_test():
    """What the pages below are checked under: Django's debug views answer only with DEBUG on."""
    assert django_settings.DEBUG is False


@pytest.mark.parametrize(
    ("path", "heading", "back"),
    [
        ("/no-such-page/", "Page not found", "Back to the start page"),
        ("/es/no-such-page/", "Página no encontrada", "Volver al inicio"),
        ("/pt/no-such-page/", "Página não encontrada", "Voltar ao início"),
    ],
)
def test_a_missing_page_is_the_projects_404_in_the_visitors_language(client, path, heading, back):
    response = client.get(path)
    assert response.status_code == 404
    assert [t.name for t in response.templates][:2] == ["404.html", "base.html"]
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert back in html
    assert 'class="topbar"' in html  # the site's header and menu, not a bare page
    assert "Using the URLconf" not in html


def test_a_refused_page_is_the_projects_403(client, error_urls):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert [t.name for t in response.templates][:2] == ["403.html", "base.html"]
    assert "<h1>You may not see this page</h1>" in response.content.decode()


@pytest.mark.parametrize(
    ("prefix", "language", "heading"),
    [("", "en", "Something went wrong"), ("/es", "es", "Algo salió mal"), ("/pt", "pt", "Algo deu errado")],
)
def test_a_failing_view_is_the_projects_500_in_the_visitors_language(error_urls, prefix, language, heading):
    response = Client(raise_request_exception=False).get(f"{prefix}/fails/")
    assert response.status_code == 500
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert f'<html lang="{language}">' in html
    assert 'href="/static/css/enlace.css"' in html
    assert 'href="/static/favicon.svg"' in html
    assert "a bug in a view" not in html


def test_every_page_links_the_favicon_and_the_files_exist(client):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert '<link rel="icon" href="/static/favicon.ico" sizes="32x32">' in html
    assert Path(finders.find("favicon.svg")).read_text().startswith("<svg ")
    assert Path(finders.find("favicon.ico")).read_bytes()[:4] == b"\x00\x00\x01\x00"  # the ICO header
