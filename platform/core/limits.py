"""Input limits every edge of the platform shares: how large an id, how deep a JSON document.

Every integer the database stores is at most 64 bits (SQLite's INTEGER, PostgreSQL's bigint). A larger number
sent by a client is not an id of anything: it is answered "not found" or "invalid", never passed to the driver
(SQLite's raises OverflowError, PostgreSQL's a numeric comparison or "bigint out of range").

This module imports no platform app.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import serializers

MAX_DB_INTEGER = 2**63 - 1
MIN_DB_INTEGER = -(2**63)

# Deeper JSON than this is refused before it is decoded; the API's documents need a handful of levels.
MAX_JSON_DEPTH = 64

# ASCII digits only: str.isdigit() also accepts "²" and "٣", which int() then refuses.
_ID_PATTERN = re.compile(r"[0-9]{1,19}")


def parse_id(value) -> int | None:
    """The positive database id ``value`` names (an int or a string of ASCII digits), or None when it cannot name
    one: missing, not a number, zero, negative or past 64 bits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ID_PATTERN.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_DB_INTEGER else None


class DatabaseIntegerField(serializers.IntegerField):
    """A serializer integer that fits a 64-bit database column unless narrower bounds are given."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", MIN_DB_INTEGER)
        kwargs.setdefault("max_value", MAX_DB_INTEGER)
        super().__init__(**kwargs)


class IdField(DatabaseIntegerField):
    """The id of a database row, as a serializer field: a positive 64-bit integer."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


class IdFormField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_DB_INTEGER)
        super().__init__(**kwargs)


class IdFilter(filters.NumberFilter):
    """A filter on a row id (``?supplier=12``): a whole positive 64-bit number, else the request is invalid."""

    field_class = IdFormField


class IdConverter:
    """A URL path converter for row ids: digits that fit 64 bits; a longer number matches no URL (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_DB_INTEGER:
            raise ValueError(_("The id is out of range."))
        return number

    def to_url(self, value) -> str:
        return str(value)


# Datetimes a client sends are held a year inside Python's calendar (years 1 to 9999): a time zone's shift or a day
# added to 9999-12-31T23:00 would otherwise raise OverflowError where the value is converted or compared.
EARLIEST_YEAR = 2
LATEST_YEAR = 9998


class BoundedDateTimeField(serializers.DateTimeField):
    """DRF's DateTimeField for input that lies between EARLIEST_YEAR and LATEST_YEAR; a value at the calendar's
    edge is invalid (400) instead of an OverflowError (500) in DRF's time zone conversion or in later arithmetic."""

    default_error_messages = {
        "out_of_range": _("Give a date and time between the years %(earliest)d and %(latest)d."),
    }

    def to_internal_value(self, value):
        try:
            parsed = super().to_internal_value(value)
        except OverflowError:
            parsed = None
        if parsed is None or not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            self.fail("out_of_range", earliest=EARLIEST_YEAR, latest=LATEST_YEAR)
        return parsed


def json_depth_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON document ``text`` nests arrays and objects deeper than ``limit``, found without recursion:
    one linear scan of the brackets that lie outside strings (an invalid document is left to the decoder)."""
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        part = match.group()
        if part in "[{":
            depth += 1
            if depth > limit:
                return True
        elif part in "]}":
            depth = max(depth - 1, 0)
    return False


# A whole JSON string (escapes included) or one bracket; strings are matched so that brackets inside them don't count.
_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)

# A JSON \u0000 escape: a "u0000" after an odd number of backslashes (after an even number it is literal text).
_JSON_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


def contains_nul(raw: bytes, *, json: bool = False, urlencoded: bool = False) -> bool:
    """Whether a request part carries a NUL character: the byte itself, its percent-encoding (query strings and
    form bodies), or the JSON escape \\u0000 (JSON bodies)."""
    if b"\x00" in raw:
        return True
    if urlencoded and b"%00" in raw:
        return True
    return bool(json and _JSON_NUL_ESCAPE.search(raw))
