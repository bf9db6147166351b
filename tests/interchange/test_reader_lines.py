"""JSON Lines lines are parsed whole (json module) when they can be; whatever the streamed reading would see
differently goes through it, so a file reads the same either way and problems are named the same."""

import json
import random

import pytest

from interchange.reader import OcdsFileError, read_releases
from tests.bench.interchange.synthetic import release


def _streamed(path, releases):
    """The same releases as one package: always read by the streaming parser."""
    path.write_text(json.dumps({"releases": releases}))
    return [source.release for source in read_releases(path)]


def test_lines_read_as_the_streamed_package_does(tmp_path):
    rng = random.Random(1)
    releases = [release(rng, index, buyers=5, suppliers=20) for index in range(60)]
    releases[3]["tender"]["title"] = "Ñandutí — “comillas” y emoji 🚜 \\ barra\ttab"
    releases[4]["tender"]["value"] = {"amount": -(2**63) + 1, "currency": "PYG"}
    releases[5]["tender"]["description"] = "texto\r\ncon líneas"
    lines = tmp_path / "releases.jsonl"
    lines.write_text("\n".join(json.dumps(r, ensure_ascii=index % 2 == 0) for index, r in enumerate(releases)) + "\n")
    sources = read_releases(lines)
    assert [s.path for s in sources] == [f"line {n}" for n in range(1, 61)]
    assert [s.release for s in sources] == _streamed(tmp_path / "package.json", releases)


def test_what_the_streamed_reading_sees_differently_is_left_to_it(tmp_path):
    path = tmp_path / "odd.jsonl"
    # A lone surrogate (ijson reads it as "?"), then a line holding a package.
    path.write_bytes(
        b'{"ocid": "ocds-1", "tender": {"title": "a\\ud800b"}}\n'
        b'{"releases": [{"ocid": "ocds-2"}, {"ocid": "ocds-3"}]}\n'
    )
    sources = read_releases(path)
    assert [(s.path, s.release["ocid"]) for s in sources] == [
        ("line 1", "ocds-1"),
        ("line 2.releases[0]", "ocds-2"),
        ("line 2.releases[1]", "ocds-3"),
    ]
    assert sources[0].release["tender"]["title"] == "a?b"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b'{"ocid": "ocds-1", "tender": {"value": NaN}}', "line 2: not valid JSON"),
        (b'{"ocid": "ocds-1", "tender": {"value": 1e400}}', "line 2: not valid JSON"),
        (b'{"ocid": "ocds-1", "tender": {"value": 9223372036854775808}}', "line 2: not valid JSON: integer overflow"),
        (b'{"ocid": "ocds-1", "tender": {"value": -9223372036854775808}}', "line 2: not valid JSON: integer overflow"),
        (b'{"ocid": "ocds-1"} {"ocid": "ocds-2"}', "line 2: not valid JSON"),
        (b'{"ocid": "ocds-1", "tender": {"title": "\xff"}}', "line 2: not UTF-8 text"),
        (b'{"ocid": 5}', "line 2.ocid: ocid must be a string"),
        (b'{"ocid": "ocds-1", "x": ' + b"[" * 150 + b"]" * 150 + b"}", "rejected: nested deeper than 100 levels"),
    ],
)
def test_problems_are_named_as_the_streamed_reading_names_them(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"ocid": "ocds-0"}\n' + line + b"\n")
    with pytest.raises(OcdsFileError) as error:
        read_releases(path)
    assert message in str(error.value)


def test_a_long_line_is_streamed(tmp_path, monkeypatch):
    from interchange import reader

    monkeypatch.setattr(reader, "_WHOLE_LINE", 100)  # every line here is longer
    rng = random.Random(2)
    releases = [release(rng, index, buyers=2, suppliers=3) for index in range(5)]
    path = tmp_path / "long.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in releases))
    assert [s.release for s in read_releases(path)] == releases
    assert [s.path for s in read_releases(path)] == [f"line {n}" for n in range(1, 6)]
