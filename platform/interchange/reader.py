"""Reads OCDS files as published: release and record packages (1.0 and 1.1), bare releases, JSON Lines, gzip.

Plain Python, no Django. Every problem is an ``OcdsFileError`` naming the file, the JSON path and the reason, so a
broken file is reported once and nothing from it is written.
"""

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class OcdsFileError(ValueError):
    def __init__(self, file: str, path: str, reason: str):
        super().__init__(f"{file}: {path}: {reason}")
        self.file, self.path, self.reason = file, path, reason


@dataclass(frozen=True)
class SourceRelease:
    path: str  # JSON path of the release inside the file, for error messages
    release: dict


def _open_text(path: Path) -> str:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise OcdsFileError(path.name, "$", f"not a readable gzip file ({exc})") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OcdsFileError(path.name, "$", f"not UTF-8 text (byte {exc.start})") from exc


def _documents(name: str, text: str) -> Iterator[tuple[str, object]]:
    if not text.strip():
        raise OcdsFileError(name, "$", "the file is empty")
    try:
        yield "$", json.loads(text)
        return
    except json.JSONDecodeError as whole_error:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2:
            raise OcdsFileError(
                name, "$", f"not valid JSON: {whole_error.msg} at line {whole_error.lineno}, column {whole_error.colno}"
            ) from whole_error
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line)
        except json.JSONDecodeError as exc:
            raise OcdsFileError(name, f"line {number}", f"not valid JSON: {exc.msg} at column {exc.colno}") from exc


def _latest_versions(versioned: dict) -> dict:
    """A 1.0 versioned release flattened to the latest value of each field."""
    if isinstance(versioned, list):
        if versioned and all(isinstance(v, dict) and "value" in v for v in versioned):
            return _latest_versions(versioned[-1]["value"])
        return [_latest_versions(item) for item in versioned]
    if isinstance(versioned, dict):
        return {key: _latest_versions(value) for key, value in versioned.items()}
    return versioned


def _releases_of(name: str, where: str, document: object) -> Iterator[SourceRelease]:
    if isinstance(document, list):
        for index, item in enumerate(document):
            yield from _releases_of(name, f"{where}[{index}]", item)
        return
    if not isinstance(document, dict):
        raise OcdsFileError(name, where, f"expected a JSON object, found {type(document).__name__}")
    if "releases" in document and "records" not in document:
        releases = document["releases"]
        if not isinstance(releases, list):
            raise OcdsFileError(name, f"{where}.releases", f"expected an array, found {type(releases).__name__}")
        for index, release in enumerate(releases):
            yield _checked(name, f"{where}.releases[{index}]", release)
        return
    if "records" in document:
        records = document["records"]
        if not isinstance(records, list):
            raise OcdsFileError(name, f"{where}.records", f"expected an array, found {type(records).__name__}")
        for index, record in enumerate(records):
            yield from _record_releases(name, f"{where}.records[{index}]", record)
        return
    if "ocid" in document:
        yield _checked(name, where, document)
        return
    raise OcdsFileError(name, where, "not OCDS: no releases, records or ocid")


def _record_releases(name: str, where: str, record: object) -> Iterator[SourceRelease]:
    if not isinstance(record, dict):
        raise OcdsFileError(name, where, f"expected a record object, found {type(record).__name__}")
    compiled = record.get("compiledRelease")
    if isinstance(compiled, dict) and len(compiled) > 3:
        yield _checked(name, f"{where}.compiledRelease", {"ocid": record.get("ocid"), **compiled})
        return
    versioned = record.get("versionedRelease")
    if isinstance(versioned, dict):
        yield _checked(name, f"{where}.versionedRelease", {"ocid": record.get("ocid"), **_latest_versions(versioned)})
        return
    if isinstance(versioned, list) and versioned and isinstance(versioned[-1], dict) and "value" not in versioned[-1]:
        # Some publishers (DNCP Paraguay) put plain compiled releases in a list here: the last is the latest.
        yield _checked(
            name, f"{where}.versionedRelease[{len(versioned) - 1}]", {"ocid": record.get("ocid"), **versioned[-1]}
        )
        return
    embedded = [r for r in record.get("releases") or [] if isinstance(r, dict) and len(r) > 3]
    if not embedded:
        raise OcdsFileError(name, where, "a record with only linked releases and no compiled or versioned release")
    for index, release in enumerate(embedded):
        yield _checked(name, f"{where}.releases[{index}]", {"ocid": record.get("ocid"), **release})


def _checked(name: str, where: str, release: object) -> SourceRelease:
    if not isinstance(release, dict):
        raise OcdsFileError(name, where, f"expected a release object, found {type(release).__name__}")
    ocid = release.get("ocid")
    if not isinstance(ocid, str) or not ocid.strip():
        raise OcdsFileError(name, f"{where}.ocid", "missing ocid" if ocid in (None, "") else "ocid must be a string")
    for key in ("parties", "awards", "contracts"):
        if key in release and release[key] is not None and not isinstance(release[key], list):
            raise OcdsFileError(name, f"{where}.{key}", f"expected an array, found {type(release[key]).__name__}")
    for key in ("tender", "buyer"):
        if key in release and release[key] is not None and not isinstance(release[key], dict):
            raise OcdsFileError(name, f"{where}.{key}", f"expected an object, found {type(release[key]).__name__}")
    return SourceRelease(path=where, release=release)


def read_releases(path: Path | str) -> list[SourceRelease]:
    """Every release in the file, or an ``OcdsFileError`` for the first problem found."""
    path = Path(path)
    text = _open_text(path)
    releases = []
    for where, document in _documents(path.name, text):
        releases.extend(_releases_of(path.name, where, document))
    if not releases:
        raise OcdsFileError(path.name, "$", "no release in the file")
    return releases
