"""`make demo`'s server as a visitor meets it: on the port asked for, DEBUG off (the project's 404 page, not Django's
list of every URL), static files and the favicon still served."""

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request

from .support import ROOT, clean_environment
from .support import test_services as services


def test_make_demo_serves_and_prints_the_port_asked_for():
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", "demo", "PORT=8123"],
        cwd=ROOT,
        env={key: value for key, value in os.environ.items() if key not in ("MAKEFLAGS", "MAKELEVEL")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Enlace is running on http://127.0.0.1:8123  (API docs: http://127.0.0.1:8123/api/docs/)" in result.stdout
    assert "DEBUG=false .venv/bin/python manage.py runserver 127.0.0.1:8123" in result.stdout


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - a local test server
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def test_the_demo_server_has_debug_off_and_still_serves_static_files(tmp_path):
    port = services.free_port()
    environment = clean_environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        MATCHING_STATE_DIR=str(tmp_path / "matching"),
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    environment = {key: value for key, value in environment.items() if key not in ("MAKEFLAGS", "MAKELEVEL")}
    server = subprocess.Popen(
        ["make", "--no-print-directory", "demo-server", f"PORT={port}"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # make, the autoreloader and the server: one group, stopped at once
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, content_type, body = _get(f"{base}/static/favicon.svg")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "the demo server did not answer within 60 s"
                time.sleep(0.2)
        assert status == 200
        assert content_type.startswith("image/svg+xml")
        assert body.startswith(b"<svg ")
        assert _get(f"{base}/static/css/enlace.css")[0] == 200
        assert _get(f"{base}/static/favicon.ico")[0] == 200

        status, _, body = _get(f"{base}/no-such-page/")
        page = body.decode()
        assert status == 404
        assert "<h1>Page not found</h1>" in page
        assert 'rel="icon"' in page
        assert "Using the URLconf" not in page  # Django's debug 404, which lists every URL
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    output = server.stdout.read().decode()
    assert "runserver 127.0.0.1:" in output
    assert "No directory at" not in output  # nothing to collect first: static files come from static/ itself
