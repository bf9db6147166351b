"""Reads OCDS files as published: release and record packages (1.0 and 1.1), bare releases, JSON Lines, gzip.

Plain Python and ijson, no Django. The file is read as a stream (gzip decompressed as it goes, JSON parsed by
ijson's C backend when it is installed) and releases are handed out one at a time, so memory stays flat whatever
the size of the file: only one release (or one record) is ever built whole. A file that expands beyond
``max_bytes`` or nests deeper than ``max_depth`` is refused. Every problem is an ``OcdsFileError`` naming the
file, the JSON path and the reason, so a broken file is reported once and nothing from it is written.
"""

import gzip
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ijson

# OCDS itself needs about ten levels (a versioned release in a record); the builder below is iterative, but what
# consumes a release (jsonschema, the 1.0 flattening, json.dumps) recurses, and ijson's own prefixes grow with depth.
DEFAULT_MAX_DEPTH = 100
_CHUNK = 64 * 1024
_PEEK = 1024 * 1024  # JSON Lines are told from a document by the first line, when it ends within this many bytes
_BOM = b"\xef\xbb\xbf"
_SPACE = re.compile(rb"[ \t\r]*")
_BLANK = re.compile(rb"[ \t\r\n]*")
# A JSON Lines line up to this size is parsed whole by the json module (C, several times ijson's speed); a longer one
# is streamed like a document.
_WHOLE_LINE = 4 * 2**20
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class OcdsFileError(ValueError):
    def __init__(self, file: str, path: str, reason: str):
        super().__init__(f"{file}: {path}: {reason}")
        self.file, self.path, self.reason = file, path, reason


@dataclass(frozen=True)
class SourceRelease:
    path: str  # JSON path of the release inside the file, for error messages
    release: dict


# -- bytes ---------------------------------------------------------------------------------------------------------


class _Limited:
    """The file's bytes, decompressed as they are read, refused once more than ``max_bytes`` came out."""

    def __init__(self, raw, *, name: str, compressed: bool, max_bytes: int | None):
        self.raw, self.name, self.compressed, self.max_bytes = raw, name, compressed, max_bytes or None
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        try:
            data = self.raw.read(size)
        except (OSError, EOFError, zlib.error) as exc:
            if not self.compressed:
                raise
            raise OcdsFileError(self.name, "$", f"not a readable gzip file ({exc})") from exc
        self.count += len(data)
        if self.max_bytes is not None and self.count > self.max_bytes:
            raise OcdsFileError(self.name, "$", f"rejected: expands beyond {self.max_bytes / 2**20:g} MB")
        return data


class _Replay:
    """A stream that first gives back the bytes already peeked at, then the rest."""

    def __init__(self, head: bytes, rest):
        self.head, self.pos, self.rest = head, 0, rest

    def read(self, size: int = -1) -> bytes:
        # No more than asked: ijson parses what one read gives before it hands out the first event of it.
        size = size if size is not None and size >= 0 else _CHUNK
        if self.pos < len(self.head):
            data = self.head[self.pos : self.pos + size]
            self.pos += len(data)
            return data
        return self.rest.read(size) if size else b""


class _Lines:
    """JSON Lines: each line with content is read as a stream of its own; ``number`` counts every line."""

    def __init__(self, raw):
        self.raw, self.buffer, self.pos, self.eof = raw, b"", 0, False
        self.number, self.in_line = 0, False

    def _fill(self) -> bool:
        if self.pos < len(self.buffer):
            return True
        if self.eof:
            return False
        self.buffer, self.pos = self.raw.read(_CHUNK), 0
        if not self.buffer:
            self.eof = True
        return bool(self.buffer)

    def next_line(self) -> bool:
        """Move to the next line that has content; False at the end of the file."""
        while self.in_line:  # whatever the parser left of the previous line
            if not self.read(_CHUNK):
                break
        self.number += 1
        while self._fill():
            self.pos = _SPACE.match(self.buffer, self.pos).end()
            if self.pos >= len(self.buffer):
                continue
            if self.buffer[self.pos] == 0x0A:  # a blank line
                self.pos += 1
                self.number += 1
                continue
            self.in_line = True
            return True
        return False

    def take(self, limit: int) -> tuple[bytes, bool]:
        """The current line's bytes (``read`` gives what is left of it) up to about ``limit``; True when that is
        the whole line."""
        parts, size = [], 0
        while size <= limit:
            data = self.read(_CHUNK)
            if data:
                parts.append(data)
                size += len(data)
            if not data or not self.in_line:
                return b"".join(parts), True
        return b"".join(parts), False

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        if not self.in_line or not self._fill():
            self.in_line = False
            return b""
        size = size if size and size > 0 else _CHUNK
        end = self.buffer.find(b"\n", self.pos, self.pos + size)
        if end >= 0:
            data, self.pos, self.in_line = self.buffer[self.pos : end + 1], end + 1, False
        else:
            data = self.buffer[self.pos : self.pos + size]
            self.pos += len(data)
        return data


# -- JSON ------------------------------------------------------------------------------------------------------------


class _TooDeep(Exception):
    pass


def _json_error(exc: Exception) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    message = message.removeprefix("parse error: ").removeprefix("lexical error: ")
    if "UTF8" in message or "UTF-8" in message or isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return f"not valid JSON: {message}"


class _Document:
    """One JSON document (a whole file, or one line of JSON Lines) as ijson's events, built a release at a time."""

    def __init__(self, stream, *, name: str, where: str, max_depth: int):
        self.events = iter(ijson.basic_parse(stream, use_float=True))
        self.name, self.where, self.max_depth = name, where, max_depth

    def releases(self) -> Iterator[SourceRelease]:
        try:
            first = next(self.events, None)
            if first is None:
                raise OcdsFileError(self.name, self.where, "not valid JSON: no value")
            yield from self._value(first, self.where, depth=0)
            for _event in self.events:  # only whitespace may follow: the parser says otherwise
                raise OcdsFileError(self.name, self.where, "not valid JSON: more than one value")
        except ijson.JSONError as exc:
            raise OcdsFileError(self.name, self.where, _json_error(exc)) from exc
        except _TooDeep as exc:
            where = str(exc) or self.where
            where = where if len(where) <= 120 else f"{where[:120]}…"  # nested arrays: $[0][0][0]…
            raise OcdsFileError(self.name, where, f"rejected: nested deeper than {self.max_depth} levels") from exc

    def _value(self, first: tuple, where: str, *, depth: int) -> Iterator[SourceRelease]:
        """The releases in the value that starts with ``first``: an array of documents, or an object (``_object``)."""
        event, value = first
        if event == "start_array":
            for index, item in enumerate(self._items(where, depth + 1)):
                yield from self._value(item, f"{where}[{index}]", depth=depth + 1)
            return
        if event != "start_map":
            raise OcdsFileError(self.name, where, f"expected a JSON object, found {type(value).__name__}")
        yield from self._object(where, depth + 1)

    def _items(self, where: str, depth: int) -> Iterator[tuple]:
        """The first event of each item of the array just started (the caller consumes each item)."""
        self._deeper(where, depth)
        for event, value in self.events:
            if event == "end_array":
                return
            yield event, value

    def _object(self, where: str, depth: int) -> Iterator[SourceRelease]:
        """An object at the top of a document or inside a top-level array: a package, or a bare release."""
        self._deeper(where, depth)
        built: dict = {}
        streamed = None
        for event, key in self.events:
            if event == "end_map":
                break
            first = next(self.events)
            if key in ("releases", "records") and first[0] == "start_array":
                if streamed and streamed != key:
                    raise OcdsFileError(self.name, where, "a package with both releases and records")
                streamed = key
                built.setdefault(key, [])
                for index, item in enumerate(self._items(f"{where}.{key}", depth + 1)):
                    here = f"{where}.{key}[{index}]"
                    element = self._build(item, here, depth + 1)
                    if key == "releases":
                        yield _checked(self.name, here, element)
                    else:
                        yield from _record_releases(self.name, here, element)
            else:
                if streamed and key in ("releases", "records"):
                    raise OcdsFileError(self.name, where, "a package with both releases and records")
                built[key] = self._build(first, f"{where}.{key}", depth)
        if streamed:
            return
        if "records" in built:
            raise OcdsFileError(
                self.name, f"{where}.records", f"expected an array, found {type(built['records']).__name__}"
            )
        if "releases" in built:
            raise OcdsFileError(
                self.name, f"{where}.releases", f"expected an array, found {type(built['releases']).__name__}"
            )
        if "ocid" in built:
            yield _checked(self.name, where, built)
            return
        raise OcdsFileError(self.name, where, "not OCDS: no releases, records or ocid")

    def _deeper(self, where: str, depth: int) -> None:
        if depth > self.max_depth:
            raise _TooDeep(where)

    def _build(self, first: tuple, where: str, depth: int):
        """The whole value that starts with ``first``, built without recursion and no deeper than allowed."""
        event, value = first
        if event == "start_map":
            root = {}
        elif event == "start_array":
            root = []
        else:
            return value
        self._deeper(where, depth + 1)
        limit = self.max_depth - depth
        stack = [root]
        top, is_map, key = root, event == "start_map", None
        for event, value in self.events:
            if event == "map_key":
                key = value
            elif event == "end_map" or event == "end_array":
                stack.pop()
                if not stack:
                    return root
                top = stack[-1]
                is_map = type(top) is dict
            elif event == "start_map" or event == "start_array":
                child = {} if event == "start_map" else []
                if is_map:
                    top[key] = child
                else:
                    top.append(child)
                stack.append(child)
                if len(stack) > limit:
                    raise _TooDeep(where)
                top, is_map = child, event == "start_map"
            elif is_map:
                top[key] = value
            else:
                top.append(value)
        raise OcdsFileError(self.name, where, "not valid JSON: premature end")


def _refuse(text: str):
    raise ValueError(text)


def _finite(text: str) -> float:
    number = float(text)
    if number in (_INFINITY, -_INFINITY):
        raise ValueError(text)  # ijson refuses the overflow: the streamed reading says so
    return number


_INFINITY = float("inf")


def _int64(text: str) -> int:
    number = int(text)
    if not -(2**63) < number < 2**63:
        raise ValueError(text)  # so does ijson: "integer overflow"
    return number


def _whole_release(line: bytes, max_depth: int) -> dict | None:
    """The bare release a JSON Lines line holds, parsed whole; None for anything the streamed reading must look at
    (a package, broken JSON, a value it would read differently, nesting deeper than allowed)."""
    if _SURROGATE_ESCAPE.search(line):
        return None  # ijson replaces lone surrogates: read it the same way
    try:
        value = json.loads(line.decode(), parse_constant=_refuse, parse_float=_finite, parse_int=_int64)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or "ocid" not in value or "releases" in value or "records" in value:
        return None
    if line.count(b"{") + line.count(b"[") <= max_depth:
        return value  # not that many objects and arrays (in strings too) in all: none nests deeper
    stack, limit = [(value, 1)], max_depth
    while stack:
        container, depth = stack.pop()
        if depth > limit:
            return None
        for item in container.values() if type(container) is dict else container:
            if type(item) is dict or type(item) is list:
                stack.append((item, depth + 1))
    return value


def _first_line_is_a_value(line: bytes, max_depth: int) -> bool:
    """Whether the first line holds a whole JSON value (or a broken one), rather than the start of a document."""
    depth, started = 0, False
    try:
        for event, _value in ijson.basic_parse(line, use_float=True):
            started = True
            if event in ("start_map", "start_array"):
                depth += 1
                if depth > max_depth:
                    return False  # the document reading will say it is too deep
            elif event in ("end_map", "end_array"):
                depth -= 1
    except ijson.JSONError as exc:
        return "premature EOF" not in str(exc) and "Incomplete" not in str(exc)
    return started and depth == 0


def _latest_versions(versioned: dict) -> dict:
    """A 1.0 versioned release flattened to the latest value of each field."""
    if isinstance(versioned, list):
        if versioned and all(isinstance(v, dict) and "value" in v for v in versioned):
            return _latest_versions(versioned[-1]["value"])
        return [_latest_versions(item) for item in versioned]
    if isinstance(versioned, dict):
        return {key: _latest_versions(value) for key, value in versioned.items()}
    return versioned


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


def iter_releases(
    path: Path | str, *, max_bytes: int | None = None, max_depth: int = DEFAULT_MAX_DEPTH
) -> Iterator[SourceRelease]:
    """Every release in the file, one at a time, or an ``OcdsFileError`` for the first problem found.

    ``max_bytes`` limits what the file may expand to (gzip), ``max_depth`` how deeply its JSON may nest."""
    path = Path(path)
    name = path.name
    with path.open("rb") as handle:
        compressed = handle.read(2) == b"\x1f\x8b"
        handle.seek(0)
        raw = gzip.GzipFile(fileobj=handle, mode="rb") if compressed else handle
        stream = _Limited(raw, name=name, compressed=compressed, max_bytes=max_bytes)
        chunks, peeked = [], 0
        while peeked < _PEEK:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
            peeked += len(chunk)
        head = b"".join(chunks).removeprefix(_BOM)
        del chunks
        content = _BLANK.match(head).end()
        if content == len(head) and len(head) < _PEEK:
            raise OcdsFileError(name, "$", "the file is empty")
        first_end = head.find(b"\n", content)
        after = _BLANK.match(head, first_end + 1).end() if first_end >= 0 else len(head)
        lines = first_end >= 0 and after < len(head) and _first_line_is_a_value(head[content:first_end], max_depth)
        replay = _Replay(head, stream)
        found = 0
        if not lines:
            for source in _Document(replay, name=name, where="$", max_depth=max_depth).releases():
                found += 1
                yield source
        else:
            reader = _Lines(replay)
            while reader.next_line():
                where = f"line {reader.number}"
                line, whole = reader.take(_WHOLE_LINE)
                release = _whole_release(line, max_depth) if whole else None
                if release is not None:
                    found += 1
                    yield _checked(name, where, release)
                    continue
                # Anything else (a package, a long line, a problem to name) is streamed, from the line's start.
                stream = _Replay(line, reader)
                for source in _Document(stream, name=name, where=where, max_depth=max_depth).releases():
                    found += 1
                    yield source
        if not found:
            raise OcdsFileError(name, "$", "no release in the file")


def read_releases(
    path: Path | str, *, max_bytes: int | None = None, max_depth: int = DEFAULT_MAX_DEPTH
) -> list[SourceRelease]:
    """Every release in the file as a list (small files, tests); ``iter_releases`` streams them."""
    return list(iter_releases(path, max_bytes=max_bytes, max_depth=max_depth))
