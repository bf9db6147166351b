"""Validation against the OCDS 1.1 schema, offline: the schema files are kept in ``ocds_schema/`` (see its README).

Plain Python and jsonschema (the validator libcoveocds itself uses), no Django. Formats are checked too
(``date-time`` with rfc3339-validator, ``uri`` with rfc3986-validator), because an exported date that is not
RFC 3339 is exactly what consumers' tools reject.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parent / "ocds_schema" / "1__1__5"


@dataclass(frozen=True)
class SchemaError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def _load(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


@cache
def _validator(name: str) -> Draft4Validator:
    release = _load("release-schema.json")
    registry = Registry().with_resource(release["id"], Resource.from_contents(release, default_specification=DRAFT4))
    return Draft4Validator(_load(name), registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def _json_path(parts) -> str:
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)


def _errors(name: str, data: dict, *, limit: int) -> list[SchemaError]:
    found = []
    for error in _validator(name).iter_errors(data):
        found.append(SchemaError(path=_json_path(error.absolute_path), message=error.message))
        if len(found) >= limit:
            break
    return sorted(found, key=lambda e: e.path)


def release_package_errors(package: dict, *, limit: int = 50) -> list[SchemaError]:
    """What makes ``package`` an invalid OCDS 1.1 release package (empty when it is valid), at most ``limit``."""
    return _errors("release-package-schema.json", package, limit=limit)


def release_errors(release: dict, *, limit: int = 50) -> list[SchemaError]:
    """What makes ``release`` an invalid OCDS 1.1 release, at most ``limit``."""
    return _errors("release-schema.json", release, limit=limit)
