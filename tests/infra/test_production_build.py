"""The production build: the two commands docker/Dockerfile runs, run the same way on a copy of the project.

A copy, because compilemessages writes next to the catalogues and collectstatic reads whatever static/ holds: the
build must work from what the repository contains, and must not touch the working tree.
"""

import json
import re
import secrets
import shutil
import subprocess
import sys

import pytest

from .support import ROOT, clean_environment

DOCKERFILE = (ROOT / "docker" / "Dockerfile").read_text()
PROJECT_PARTS = ["manage.py", "platform", "matching", "templates", "static", "locale"]


def manage(project, *args: str, environment: dict[str, str], timeout: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """The project copied into a directory of its own, the compiled catalogues removed so they must be rebuilt,
    and the production environment the build steps get."""
    base = tmp_path_factory.mktemp("build")
    project = base / "app"
    project.mkdir()
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, project / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, project / part)
    for catalogue in (project / "locale").rglob("*.mo"):
        catalogue.unlink()
    environment = clean_environment(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="enlace.example.org",
        DATABASE_URL=f"sqlite:///{base / 'build.sqlite3'}",
        STATIC_ROOT=str(base / "staticfiles"),
    )
    return project, base / "staticfiles", environment


def test_the_dockerfile_runs_both_steps_under_production_settings():
    step = re.search(r"RUN DJANGO_ENV=production SECRET_KEY=\S+ \\\s+(.+?)\n\n", DOCKERFILE, re.S)
    assert step, "the Dockerfile's build step runs under production settings"
    assert "python manage.py collectstatic --no-input" in step.group(1)
    assert "python manage.py compilemessages" in step.group(1)


# Hashing and compressing every static file (the Swagger UI and ReDoc bundles included) takes a minute or more.
@pytest.mark.timeout(900)
def test_collectstatic_succeeds_and_the_manifest_has_the_charts(build):
    project, static_root, environment = build
    result = manage(project, "collectstatic", "--no-input", "-v", "0", environment=environment, timeout=840)
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    chart = manifest["vendor/chartjs/chart.umd.min.js"]
    assert re.fullmatch(r"vendor/chartjs/chart\.umd\.min\.[0-9a-f]{12}\.js", chart)
    assert (static_root / chart).is_file()
    assert (static_root / f"{chart}.gz").is_file(), "whitenoise compresses what it serves"
    # The hashed bundle's source-map comment points at the hashed map, which exists.
    mapped = re.search(r"sourceMappingURL=(\S+)", (static_root / chart).read_text()[-300:])
    assert mapped
    assert (static_root / "vendor" / "chartjs" / mapped.group(1)).is_file()
    for page_asset in ("css/enlace.css", "js/dashboard.js"):
        assert page_asset in manifest


def test_compilemessages_succeeds(build):
    project, _static_root, environment = build
    if shutil.which("msgfmt") is None:
        pytest.skip("gettext's msgfmt is not installed (the Docker build installs it)")
    result = manage(project, "compilemessages", "-v", "0", environment=environment, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    catalogues = sorted(path.relative_to(project).as_posix() for path in (project / "locale").rglob("*.mo"))
    assert catalogues == ["locale/es/LC_MESSAGES/django.mo", "locale/pt/LC_MESSAGES/django.mo"]
