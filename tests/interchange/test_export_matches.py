"""`export_matches`: one JSON line per open requirement, best first, each with a finished run."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from interchange.services import import_file
from matching import services as matching_services
from matching.models import MatchRun

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ocds"


def test_lines_for_open_requirements_with_ocids_and_a_run_each(titanium, monkeypatch):
    monkeypatch.setattr(matching_services, "_enqueue", lambda run_id: None)
    import_file(path=FIXTURES / "fictional-1.1" / "ocds-213czf-000-00001-02-tender.json")
    out = io.StringIO()
    call_command("export_matches", "--format", "jsonl", "--top", "2", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]

    by_requirement = {line["requirement"]: line for line in lines}
    ours = by_requirement[titanium["requirement"].pk]
    assert ours["ocid"] is None
    assert [m["rank"] for m in ours["matches"]] == [1, 2]
    assert ours["matches"][0]["supplier"]["id"] == titanium["fit"].pk
    assert ours["matches"][0]["score"] >= ours["matches"][1]["score"]
    imported = next(line for line in lines if line["ocid"] == "ocds-213czf-000-00001")
    assert imported["requirement"] != ours["requirement"]
    assert all(
        MatchRun.objects.filter(requirement_id=line["requirement"], status="succeeded").exists() for line in lines
    )

    only = io.StringIO()
    call_command("export_matches", "--ocid", "ocds-213czf-000-00001", stdout=only)
    assert [json.loads(line)["ocid"] for line in only.getvalue().splitlines()] == ["ocds-213czf-000-00001"]
