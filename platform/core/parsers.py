"""The API's request parsers: DRF's, with the limits every request body is held to."""

import io

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from .limits import MAX_JSON_DEPTH, json_depth_exceeds


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing documents nested deeper than ``API_MAX_JSON_DEPTH`` (default 64) with a 400.

    The standard decoder recurses once per level: 100,000 nested brackets exhaust the stack (RecursionError, a
    500). The depth is found first by a linear scan that does not recurse, so such a document is never decoded.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parsers.get_encoding(parser_context)
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as error:
            message = _("JSON parse error - the body is not valid %(encoding)s.") % {"encoding": encoding}
            raise ParseError(message) from error
        limit = getattr(settings, "API_MAX_JSON_DEPTH", MAX_JSON_DEPTH)
        if json_depth_exceeds(text, limit):
            raise ParseError(_("JSON parse error - nested deeper than %(limit)d levels.") % {"limit": limit})
        return super().parse(io.BytesIO(raw), media_type, parser_context)
