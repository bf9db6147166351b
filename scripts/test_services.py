"""PostgreSQL and Redis for `make test`: the configured servers when they answer, throwaway ones when they do not.

    .venv/bin/python scripts/test_services.py [--mode auto|throwaway|external] -- COMMAND [ARGS...]

runs COMMAND with DATABASE_URL and REDIS_URL pointing at servers that answer, and stops whatever it started when
COMMAND ends, fails or is interrupted (Ctrl-C, SIGTERM, SIGHUP). The configured servers are TEST_DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/enlace) and TEST_REDIS_URL (default redis://127.0.0.1:6379/15):

- auto (the default): a configured server that answers (and, for PostgreSQL, lets the URL's user in) is used as it
  is; for one that does not, a throwaway server is started on a free port of 127.0.0.1, its data under
  var/test-services/run-<pid>/ (PostgreSQL: initdb with trust authentication, no fsync; Redis: no persistence).
- throwaway: throwaway servers whatever answers (how the suite runs on a fresh machine, simulated on a warm one).
- external: the configured servers or a clear failure; nothing is started.

The mode comes from --mode or ENLACE_TEST_SERVICES. Before that it checks what else the suite uses: gettext
(compiled catalogues; the committed ones otherwise), the OpenMP runtime LightGBM links (required) and Chromium
(end-to-end tests; they skip without it). Run as root on a machine with apt-get, it installs what is missing
(postgresql, redis-server, gettext, libgomp1, chromium); otherwise it says what to install. ENLACE_TEST_INSTALL=0
turns installing off. Servers left behind by a run that was killed outright (SIGKILL) are stopped by the next run.

Standard library only, plus psycopg and redis (the project's own drivers) to ask whether a server answers, so it
runs from the project's virtualenv before Django is configured.
"""

import argparse
import ctypes.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/enlace"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
MODES = ("auto", "throwaway", "external")
STATE_DIR = ROOT / "var" / "test-services"
CHROMIUM = Path(os.environ.get("ENLACE_CHROMIUM", "/usr/bin/chromium"))
START_TIMEOUT = 60  # seconds a throwaway server may take to answer


class ServiceError(RuntimeError):
    """Something the suite needs is missing or would not start; the message says what to do."""


class Interrupted(BaseException):
    """SIGTERM or SIGHUP arrived: stop the command and the servers, as for Ctrl-C."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def say(message: str) -> None:
    print(f"test-services: {message}", flush=True)


def execute(command: list[str], **options) -> subprocess.CompletedProcess:
    """Run a program of this machine (apt-get, initdb, pg_ctl): never a shell, never untrusted input."""
    return subprocess.run(command, check=False, text=True, **options)  # noqa: S603


# ---------------------------------------------------------------------------------------------------- URLs and ports


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on now (the kernel's choice of an ephemeral one)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True


def with_address(url: str, *, host: str, port: int, user: str | None = None) -> str:
    """The URL with another host and port (and user, dropping any password); path and query kept."""
    parts = urlsplit(url)
    user = parts.username if user is None else user
    netloc = f"{user}@{host}:{port}" if user else f"{host}:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def shown(url: str) -> str:
    """The URL as printed: no password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or "postgres"


# ------------------------------------------------------------------------------------------ do the servers answer?


def postgres_problem(url: str, *, timeout: float = 3) -> str | None:
    """None when PostgreSQL at the URL lets its user in (on the maintenance database, as pytest-django connects to
    create the test database); otherwise why not."""
    import psycopg

    parts = urlsplit(url)
    try:
        with psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or "",
            dbname="postgres",
            connect_timeout=max(1, round(timeout)),
        ) as connection:
            connection.execute("select 1")
    except psycopg.Error as error:
        return " ".join(str(error).split()) or type(error).__name__
    return None


def redis_problem(url: str, *, timeout: float = 2) -> str | None:
    """None when Redis at the URL answers PING; otherwise why not."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    except redis.RedisError as error:
        return str(error) or type(error).__name__
    finally:
        client.close()
    return None


def wait_until(check, *, what: str, timeout: float = START_TIMEOUT, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    problem = "not tried"
    while time.monotonic() < deadline:
        problem = check()
        if problem is None:
            return
        time.sleep(0.1)
    tail = ""
    if log is not None and log.exists():
        tail = "\n" + "\n".join(log.read_text(errors="replace").splitlines()[-15:])
    raise ServiceError(f"{what} did not answer within {timeout:.0f} s ({problem}){tail}")


# ------------------------------------------------------------------------------------------------ system packages


class Installer:
    """apt-get install, when run as root on a machine that has apt-get and ENLACE_TEST_INSTALL is not 0."""

    def __init__(self):
        self.updated = False

    @property
    def can_install(self) -> bool:
        return (
            os.environ.get("ENLACE_TEST_INSTALL", "1") != "0"
            and os.geteuid() == 0
            and shutil.which("apt-get") is not None
        )

    def why_not(self) -> str:
        if os.environ.get("ENLACE_TEST_INSTALL", "1") == "0":
            return "ENLACE_TEST_INSTALL=0"
        if os.geteuid() != 0:
            return "not running as root"
        return "no apt-get on this machine"

    def install(self, *packages: str) -> bool:
        if not self.can_install:
            return False
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if not self.updated:
            say("apt-get update")
            execute(["apt-get", "update", "-qq"], env=environment, stdin=subprocess.DEVNULL)
            self.updated = True
        say(f"installing {' '.join(packages)} (apt-get)")
        result = execute(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        return result.returncode == 0


def has_libgomp() -> bool:
    return ctypes.util.find_library("gomp") is not None


def check_tools(installer: Installer) -> None:
    """gettext, the OpenMP runtime and Chromium: installed when possible, otherwise said plainly."""
    if shutil.which("msgfmt") is None and not installer.install("gettext"):
        say(f"gettext is not installed ({installer.why_not()}): the committed .mo catalogues are used")
    if not has_libgomp() and not (installer.install("libgomp1") and has_libgomp()):
        raise ServiceError(
            "LightGBM (the learned ranker) needs the OpenMP runtime libgomp.so.1, which is missing and "
            f"was not installed ({installer.why_not()}): install Debian's 'libgomp1' (Fedora: 'libgomp')"
        )
    if not CHROMIUM.exists() and not (installer.install("chromium") and CHROMIUM.exists()):
        say(
            f"no Chromium at {CHROMIUM} ({installer.why_not()}): the end-to-end tests will skip; "
            "install Debian's 'chromium' package (or set ENLACE_CHROMIUM) to run them"
        )


def find_postgres_binaries() -> Path | None:
    """The directory holding initdb and pg_ctl: on PATH, or Debian's newest /usr/lib/postgresql/<version>/bin."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    versions = sorted(
        (path for path in Path("/usr/lib/postgresql").glob("*/bin") if (path / "initdb").exists()),
        key=lambda path: [int(part) if part.isdigit() else 0 for part in path.parent.name.split(".")],
    )
    return versions[-1] if versions else None


def postgres_binaries(installer: Installer) -> Path:
    found = find_postgres_binaries()
    if found is None and installer.install("postgresql"):
        found = find_postgres_binaries()
    if found is None:
        raise ServiceError(
            f"no PostgreSQL answers and its server programs (initdb, pg_ctl) are not installed "
            f"({installer.why_not()}): install Debian's 'postgresql' package, or point TEST_DATABASE_URL at a server"
        )
    return found


def redis_binary(installer: Installer) -> str:
    found = shutil.which("redis-server")
    if found is None and installer.install("redis-server"):
        found = shutil.which("redis-server")
    if found is None:
        raise ServiceError(
            f"no Redis answers and redis-server is not installed ({installer.why_not()}): install Debian's "
            "'redis-server' package, or point TEST_REDIS_URL at a server"
        )
    return found


# --------------------------------------------------------------------------------------------- throwaway servers


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ThrowawayPostgres:
    """A PostgreSQL cluster of its own: initdb into <run>/pg, pg_ctl start on a free port of 127.0.0.1 only (no
    Unix socket), trust authentication, no durability (fsync off): the suite's data is thrown away anyway. As root
    it runs as the system user 'postgres' (PostgreSQL refuses to run as root)."""

    def __init__(self, *, run_dir: Path, binaries: Path, user: str, database: str):
        self.run_dir = run_dir
        self.data = run_dir / "pg"
        self.log = run_dir / "pg.log"
        self.binaries = binaries
        self.user = user
        self.database = database
        self.port: int | None = None
        self.os_user = "postgres" if os.geteuid() == 0 else None

    def as_owner(self) -> dict:
        return {"user": self.os_user, "group": self.os_user, "cwd": self.run_dir} if self.os_user else {}

    def start(self) -> str:
        if self.os_user:
            try:
                shutil.chown(self.run_dir, self.os_user, self.os_user)
            except LookupError as error:
                raise ServiceError("running as root, PostgreSQL needs the system user 'postgres' to run as") from error
        initdb = execute(
            [
                str(self.binaries / "initdb"),
                "--pgdata",
                str(self.data),
                "--username",
                self.user,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                "C.UTF-8",
                "--no-sync",
            ],
            capture_output=True,
            **self.as_owner(),
        )
        if initdb.returncode != 0:
            raise ServiceError(f"initdb failed:\n{initdb.stdout}{initdb.stderr}")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n# throwaway server for the test suite (scripts/test_services.py)\n"
                "listen_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n"
            )
        for _attempt in range(5):  # a port found free may be taken before the server binds it
            self.port = free_port()
            started = execute(
                [
                    str(self.binaries / "pg_ctl"),
                    "--pgdata",
                    str(self.data),
                    "--log",
                    str(self.log),
                    "--options",
                    f"-p {self.port}",
                    "--wait",
                    "--timeout",
                    str(START_TIMEOUT),
                    "start",
                ],
                capture_output=True,
                **self.as_owner(),
            )
            if started.returncode == 0:
                break
            if port_is_free(self.port):
                log = self.log.read_text(errors="replace") if self.log.exists() else ""
                raise ServiceError(f"PostgreSQL would not start:\n{started.stdout}{started.stderr}{log}")
        else:
            raise ServiceError("PostgreSQL found no free port in five tries")
        url = f"postgres://{self.user}@127.0.0.1:{self.port}/{self.database}"
        wait_until(lambda: postgres_problem(url), what="the throwaway PostgreSQL", log=self.log)
        if self.database != "postgres":
            import psycopg

            with psycopg.connect(
                host="127.0.0.1", port=self.port, user=self.user, dbname="postgres", autocommit=True
            ) as connection:
                connection.execute(f'create database "{self.database}"')
        return url

    def stop(self) -> None:
        if not (self.data / "postmaster.pid").exists():
            return
        stop_postgres(self.binaries, self.data, self.as_owner())


def stop_postgres(binaries: Path, data: Path, owner: dict) -> None:
    for mode in ("fast", "immediate"):
        stopped = execute(
            [str(binaries / "pg_ctl"), "--pgdata", str(data), "--mode", mode, "--wait", "--timeout", "30", "stop"],
            capture_output=True,
            **owner,
        )
        if stopped.returncode == 0 or not (data / "postmaster.pid").exists():
            return
    say(f"could not stop the PostgreSQL of {data}: {stopped.stderr.strip()}")


class ThrowawayRedis:
    """redis-server on a free port of 127.0.0.1, no persistence, as a child in a session of its own (so a Ctrl-C
    meant for the tests does not kill it before they are done with it)."""

    def __init__(self, *, run_dir: Path, binary: str):
        self.run_dir = run_dir
        self.directory = run_dir / "redis"
        self.log = run_dir / "redis.log"
        self.binary = binary
        self.process: subprocess.Popen | None = None
        self.port: int | None = None

    def start(self, url: str) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        for _attempt in range(5):
            self.port = free_port()
            self.process = subprocess.Popen(  # noqa: S603 - redis-server found on PATH, fixed arguments
                [
                    self.binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.directory),
                    "--logfile",
                    str(self.log),
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            (self.run_dir / "redis.pid").write_text(str(self.process.pid))
            served = with_address(url, host="127.0.0.1", port=self.port, user="")
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline and self.process.poll() is None:
                if redis_problem(served, timeout=0.5) is None:
                    return served
                time.sleep(0.05)
            if self.process.poll() is None:
                self.stop()
                raise ServiceError(f"the throwaway Redis did not answer within {START_TIMEOUT} s")
        log = self.log.read_text(errors="replace") if self.log.exists() else ""
        raise ServiceError(f"redis-server would not start:\n{log}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def reap_stale(state_dir: Path) -> list[Path]:
    """Stop the servers of runs whose owner is gone (killed outright) and remove their directories."""
    reaped = []
    for run_dir in sorted(state_dir.glob("run-*")):
        owner = run_dir / "owner.pid"
        try:
            pid = int(owner.read_text())
        except (OSError, ValueError):
            pid = None
        if pid is not None and process_alive(pid):
            continue
        data = run_dir / "pg"
        binaries = find_postgres_binaries()
        if (data / "postmaster.pid").exists() and binaries is not None:
            owner_kwargs = {"user": "postgres", "group": "postgres", "cwd": run_dir} if os.geteuid() == 0 else {}
            stop_postgres(binaries, data, owner_kwargs)
        with suppress(OSError, ValueError):
            redis_pid = int((run_dir / "redis.pid").read_text())
            cmdline = Path(f"/proc/{redis_pid}/cmdline").read_bytes()
            if b"redis-server" in cmdline:
                os.kill(redis_pid, signal.SIGTERM)
        shutil.rmtree(run_dir, ignore_errors=True)
        say(f"removed the leftovers of an interrupted run ({run_dir.name})")
        reaped.append(run_dir)
    return reaped


def make_run_dir(state_dir: Path) -> Path:
    """<state>/run-<pid>, readable on the way down by the 'postgres' user when running as root; where it is not
    (a private home directory), a directory under the system's temporary directory instead."""
    state_dir.mkdir(parents=True, exist_ok=True)
    run_dir = state_dir / f"run-{os.getpid()}"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir()
    if os.geteuid() == 0:
        run_dir.chmod(0o755)
        reachable = execute(["test", "-x", str(run_dir)], user="postgres", capture_output=True).returncode == 0
        if not reachable:
            run_dir.rmdir()
            run_dir = Path(tempfile.mkdtemp(prefix="enlace-test-services-"))
            run_dir.chmod(0o755)
            say(f"the user 'postgres' cannot reach {state_dir}: using {run_dir}")
    (run_dir / "owner.pid").write_text(str(os.getpid()))
    return run_dir


# --------------------------------------------------------------------------------------------------------- the run


class Services:
    """Decides, starts and stops: `with Services(...) as (database_url, redis_url):`."""

    def __init__(
        self,
        *,
        database_url: str,
        redis_url: str,
        mode: str,
        state_dir: Path = STATE_DIR,
        installer: Installer | None = None,
    ):
        if mode not in MODES:
            raise ServiceError(f"unknown mode {mode!r}: one of {', '.join(MODES)}")
        self.database_url = database_url
        self.redis_url = redis_url
        self.mode = mode
        self.state_dir = state_dir
        self.installer = installer or Installer()
        self.stack = ExitStack()
        self.run_dir: Path | None = None
        self.started: list[str] = []

    def __enter__(self) -> tuple[str, str]:
        try:
            reap_stale(self.state_dir)  # whatever servers are used this time, a killed run's are stopped
            return self._start()
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc_info) -> None:
        began = time.monotonic()
        self.stack.close()
        if self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)
        if self.started:
            say(f"stopped the throwaway {' and '.join(self.started)} ({time.monotonic() - began:.1f} s)")

    def _run_dir(self) -> Path:
        if self.run_dir is None:
            self.run_dir = make_run_dir(self.state_dir)
        return self.run_dir

    def _start(self) -> tuple[str, str]:
        return self._postgres(), self._redis()

    def _postgres(self) -> str:
        url = self.database_url
        address = f"{urlsplit(url).hostname}:{urlsplit(url).port or 5432}"
        if self.mode != "throwaway":
            problem = postgres_problem(url)
            if problem is None:
                say(f"PostgreSQL answers at {address}: using {shown(url)}")
                return url
            if self.mode == "external":
                raise ServiceError(f"PostgreSQL at {shown(url)} is not usable ({problem}); nothing started (external)")
            say(f"no usable PostgreSQL at {address} ({problem})")
        binaries = postgres_binaries(self.installer)
        began = time.monotonic()
        server = ThrowawayPostgres(
            run_dir=self._run_dir(),
            binaries=binaries,
            user=urlsplit(url).username or "postgres",
            database=database_name(url),
        )
        say(f"starting a throwaway PostgreSQL ({binaries}) in {server.data}")
        self.stack.callback(server.stop)
        served = server.start()
        self.started.append("PostgreSQL")
        say(f"PostgreSQL ready in {time.monotonic() - began:.1f} s: {served}")
        return served

    def _redis(self) -> str:
        url = self.redis_url
        address = f"{urlsplit(url).hostname}:{urlsplit(url).port or 6379}"
        if self.mode != "throwaway":
            problem = redis_problem(url)
            if problem is None:
                say(f"Redis answers at {address}: using {shown(url)}")
                return url
            if self.mode == "external":
                raise ServiceError(f"Redis at {shown(url)} is not usable ({problem}); nothing started (external)")
            say(f"no usable Redis at {address} ({problem})")
        binary = redis_binary(self.installer)
        began = time.monotonic()
        server = ThrowawayRedis(run_dir=self._run_dir(), binary=binary)
        say(f"starting a throwaway Redis in {server.directory}")
        self.stack.callback(server.stop)
        served = server.start(url)
        self.started.append("Redis")
        say(f"Redis ready in {time.monotonic() - began:.1f} s: {served}")
        return served


def _raise_interrupted(signum, _frame):
    raise Interrupted(signum)


def run_command(command: list[str], environment: dict[str, str]) -> int:
    """COMMAND's exit status. On Ctrl-C the command has the signal too (same process group): it is given time to
    finish; a SIGTERM or SIGHUP is passed on to it. Either way the exception goes on, so the servers are stopped."""
    child = subprocess.Popen(command, env=environment)  # noqa: S603 - the command line make test was given
    try:
        status = child.wait()
    except (KeyboardInterrupt, Interrupted) as interruption:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if isinstance(interruption, Interrupted) and child.poll() is None:
            child.send_signal(interruption.signum)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        raise
    return 128 - status if status < 0 else status  # killed by a signal: the shell's convention


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", default=os.environ.get("ENLACE_TEST_SERVICES", "auto"), choices=MODES)
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL") or DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=os.environ.get("TEST_REDIS_URL") or DEFAULT_REDIS_URL)
    parser.add_argument("--state-dir", type=Path, default=STATE_DIR)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command to run (after --)")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given (test_services.py [options] -- COMMAND ...)")
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_interrupted)
    try:
        installer = Installer()  # one apt-get update at most
        check_tools(installer)
        with Services(
            database_url=args.database_url,
            redis_url=args.redis_url,
            mode=args.mode,
            state_dir=args.state_dir,
            installer=installer,
        ) as (database_url, redis_url):
            environment = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url}
            try:
                return run_command(command, environment)
            finally:
                # Stopping the servers is not to be cut short by a second Ctrl-C or SIGTERM.
                for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                    signal.signal(signum, signal.SIG_IGN)
    except ServiceError as error:
        print(f"test-services: {error}", file=sys.stderr, flush=True)
        return 2
    except KeyboardInterrupt:
        say("interrupted (Ctrl-C)")
        return 130
    except Interrupted as interruption:
        say(f"interrupted ({interruption})")
        return 128 + interruption.signum


if __name__ == "__main__":
    sys.exit(main())
