"""The embedded default under several clients: four processes writing through the ORM to one SQLite file at once."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRITER = """
import sys, django
django.setup()
from django.db import connection, transaction
from core.models import OutgoingEmail
name = sys.argv[1]
for i in range(40):
    with transaction.atomic():  # read, then write: the pattern that deadlocks DEFERRED transactions
        OutgoingEmail.objects.filter(dedupe_key__startswith=name).count()
        OutgoingEmail.objects.create(to="a@example.com", subject="s", body_text="b", dedupe_key=f"{name}-{i}")
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    print(cursor.fetchone()[0])
"""
SETUP = """
import django
django.setup()
from django.db import connection
from core.models import OutgoingEmail
with connection.schema_editor() as editor:
    editor.create_model(OutgoingEmail)
"""


def _env(database: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}",
    )
    return env


def test_four_parallel_writers_never_see_database_is_locked(tmp_path):
    database = tmp_path / "embedded.sqlite3"
    env = _env(database)
    subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=ROOT, check=True, capture_output=True)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, f"w{n}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    results = [(writer.wait(timeout=120), *writer.communicate()) for writer in writers]
    for code, out, err in results:
        assert "OperationalError" not in err, err[-2000:]
        assert code == 0, err[-2000:]
        assert out.strip().splitlines()[-1] == "wal"
    count = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from core.models import OutgoingEmail as E; print(E.objects.count())",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    assert count.stdout.strip().splitlines()[-1] == "160"
