"""scripts/test_services.py, which `make test` runs first: it uses the configured PostgreSQL and Redis when they
answer, or starts throwaway ones and stops them however the run ends."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings

from .support import ROOT
from .support import test_services as services

SCRIPT = ROOT / "scripts" / "test_services.py"

# The servers this very run of the suite uses: they answer, whoever started them.
DATABASE = settings.DATABASES["default"]
SUITE_DATABASE_URL = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**DATABASE)
SUITE_REDIS_URL = settings.REDIS_URL
needs_servers = pytest.mark.skipif(
    DATABASE["ENGINE"] != "django.db.backends.postgresql" or not SUITE_REDIS_URL,
    reason="the suite runs without PostgreSQL and Redis here",
)
needs_binaries = pytest.mark.skipif(
    services.find_postgres_binaries() is None or shutil.which("redis-server") is None,
    reason="PostgreSQL's server programs or redis-server are not installed: no throwaway servers to start",
)


def unused_port() -> int:
    return services.free_port()


def script(*args: str, **environment: str) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"ENLACE_TEST_INSTALL": "0", "ENLACE_TEST_SERVICES": "auto", **environment})
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def test_a_free_port_can_be_bound_and_a_listening_one_is_not_free():
    port = services.free_port()
    assert 1024 < port < 65536
    assert services.port_is_free(port)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", port))
        listener.listen()
        assert not services.port_is_free(port)


def test_a_throwaway_server_keeps_the_database_and_drops_the_password():
    url = "postgres://enlace:secret@db.example.org:5432/enlace?sslmode=disable"
    moved = services.with_address(url, host="127.0.0.1", port=41234)
    assert moved == "postgres://enlace@127.0.0.1:41234/enlace?sslmode=disable"
    assert services.with_address("redis://:pw@cache:6379/15", host="127.0.0.1", port=5, user="") == (
        "redis://127.0.0.1:5/15"
    )
    assert services.shown(url) == "postgres://enlace:***@db.example.org:5432/enlace?sslmode=disable"
    assert services.database_name("postgres://postgres@127.0.0.1:5432") == "postgres"


def _dead_pid() -> int:
    gone = subprocess.Popen(["true"])
    gone.wait()
    return gone.pid


@needs_servers
def test_servers_that_answer_are_used_and_nothing_is_started(tmp_path):
    stale = tmp_path / "run-1"  # what a run killed outright left (its servers long gone here)
    stale.mkdir()
    (stale / "owner.pid").write_text(str(_dead_pid()))
    with services.Services(
        database_url=SUITE_DATABASE_URL, redis_url=SUITE_REDIS_URL, mode="auto", state_dir=tmp_path
    ) as (database_url, redis_url):
        assert (database_url, redis_url) == (SUITE_DATABASE_URL, SUITE_REDIS_URL)
    assert list(tmp_path.iterdir()) == []


def test_external_mode_refuses_servers_that_do_not_answer_and_starts_nothing(tmp_path):
    port = unused_port()
    nowhere = f"postgres://postgres@127.0.0.1:{port}/enlace"
    with (
        pytest.raises(services.ServiceError, match=f"PostgreSQL at {nowhere} is not usable"),
        services.Services(
            database_url=nowhere, redis_url=f"redis://127.0.0.1:{port}/0", mode="external", state_dir=tmp_path
        ),
    ):
        pass
    assert list(tmp_path.iterdir()) == []


def test_the_script_fails_plainly_when_the_external_servers_do_not_answer():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--mode", "external", "--", "true"],
        cwd=ROOT,
        env={
            **os.environ,
            "ENLACE_TEST_INSTALL": "0",
            "TEST_DATABASE_URL": f"postgres://x@127.0.0.1:{unused_port()}/x",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "is not usable" in result.stderr


def _answers(database_url: str, redis_url: str) -> tuple[bool, bool]:
    return services.postgres_problem(database_url, timeout=1) is None, services.redis_problem(redis_url) is None


def _read_until(process: subprocess.Popen, marker: str, timeout: float = 90) -> list[str]:
    lines = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if marker in line:
            return lines
    raise AssertionError(f"no {marker!r} in:\n" + "\n".join(lines))


@needs_binaries
def test_throwaway_servers_serve_the_command_and_are_gone_after_it(tmp_path):
    """Nothing answers at the configured addresses: a throwaway PostgreSQL (with the URL's database) and Redis
    are started, the command gets them in DATABASE_URL/REDIS_URL, its exit status is the script's, and afterwards
    the servers no longer answer and their directory is gone."""
    port = unused_port()
    probe = (
        "import os, psycopg, redis; "
        "print('URLS', os.environ['DATABASE_URL'], os.environ['REDIS_URL'], flush=True); "
        "psycopg.connect(os.environ['DATABASE_URL']).execute('create table t (x int)'); "
        "redis.Redis.from_url(os.environ['REDIS_URL']).set('k', 'v'); "
        "raise SystemExit(3)"
    )
    process = script(
        "--state-dir",
        str(tmp_path),
        "--",
        sys.executable,
        "-c",
        probe,
        TEST_DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/enlace_probe",
        TEST_REDIS_URL=f"redis://127.0.0.1:{port}/4",
    )
    output, _ = process.communicate(timeout=180)
    assert process.returncode == 3, output
    urls = next(line for line in output.splitlines() if line.startswith("URLS")).split()[1:]
    assert urls[0].startswith("postgres://postgres@127.0.0.1:")
    assert urls[0].endswith("/enlace_probe")
    assert urls[1].startswith("redis://127.0.0.1:")
    assert urls[1].endswith("/4")
    assert f":{port}/" not in urls[0]
    assert "starting a throwaway PostgreSQL" in output
    assert "stopped the throwaway PostgreSQL and Redis" in output
    assert _answers(*urls) == (False, False)
    assert list(tmp_path.glob("run-*")) == []


@needs_binaries
def test_an_interrupted_run_stops_the_command_and_the_servers(tmp_path):
    process = script(
        "--mode",
        "throwaway",
        "--state-dir",
        str(tmp_path),
        "--",
        sys.executable,
        "-c",
        "import os, time; print('URLS', os.environ['DATABASE_URL'], os.environ['REDIS_URL'], flush=True); "
        "time.sleep(120)",
    )
    try:
        urls = _read_until(process, "URLS")[-1].split()[1:]
        assert _answers(*urls) == (True, True)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 128 + signal.SIGTERM, output
    assert "interrupted (SIGTERM)" in output
    assert _answers(*urls) == (False, False)
    assert list(tmp_path.glob("run-*")) == []


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_the_next_run_stops_what_a_killed_run_left_behind(tmp_path):
    run_dir = tmp_path / "run-1"
    run_dir.mkdir()
    (run_dir / "owner.pid").write_text(str(_dead_pid()))
    port = unused_port()
    leftover = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(run_dir)],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        (run_dir / "redis.pid").write_text(str(leftover.pid))
        url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 10
        while services.redis_problem(url) is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        alive = tmp_path / "run-2"
        alive.mkdir()
        (alive / "owner.pid").write_text(str(os.getpid()))  # a run still going: left alone

        assert services.reap_stale(tmp_path) == [run_dir]
        assert leftover.wait(timeout=10) == 0
        assert not run_dir.exists()
        assert alive.exists()
    finally:
        if leftover.poll() is None:
            leftover.kill()


def test_make_test_runs_the_suite_inside_the_services_script_with_the_given_pytest_arguments():
    """`make -n` still runs recursive make lines: the services script really runs (finding the suite's servers,
    or saying what it would need) and the inner make prints the suite's commands."""
    environment = {key: value for key, value in os.environ.items() if key not in ("MAKEFLAGS", "MAKELEVEL")}
    environment.update(
        ENLACE_TEST_INSTALL="0",
        ENLACE_TEST_SERVICES="auto",  # even when this run itself was forced onto throwaway servers
        TEST_DATABASE_URL=SUITE_DATABASE_URL,
        TEST_REDIS_URL=SUITE_REDIS_URL or "redis://x",
    )
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", "test", "PYTEST_ARGS=tests/test_smoke.py -x"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "scripts/test_services.py -- make" in result.stdout + result.stderr
    if SUITE_REDIS_URL and DATABASE["ENGINE"] == "django.db.backends.postgresql":
        assert result.returncode == 0, result.stdout + result.stderr
        assert "test-services: PostgreSQL answers at" in result.stdout
        assert ".venv/bin/python -m pytest tests/test_smoke.py -x" in result.stdout
        assert "ruff check ." in result.stdout


def test_without_installing_a_missing_chromium_is_said_and_a_missing_openmp_runtime_stops_the_run(
    monkeypatch, tmp_path, capsys
):
    monkeypatch.setenv("ENLACE_TEST_INSTALL", "0")
    monkeypatch.setattr(services, "CHROMIUM", tmp_path / "chromium")
    services.check_tools(services.Installer())
    said = capsys.readouterr().out
    assert f"no Chromium at {tmp_path / 'chromium'} (ENLACE_TEST_INSTALL=0): the end-to-end tests will skip" in said

    monkeypatch.setattr(services, "has_libgomp", lambda: False)
    with pytest.raises(services.ServiceError, match="install Debian's 'libgomp1'"):
        services.check_tools(services.Installer())
