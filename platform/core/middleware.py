"""Middleware that holds every request to the platform's input limits before any view sees it."""

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from .limits import contains_nul


class RejectNulCharactersMiddleware:
    """Answers 400 to a request carrying a NUL character in its path, query string, headers, a form body or a JSON
    body (the raw byte, %00 or the JSON escape \\u0000).

    No text the platform stores or searches may contain NUL: PostgreSQL refuses it in any string ("A string literal
    cannot contain NUL"), which would otherwise surface as a 500 wherever a search term, a code or a note reaches a
    query. Serializer and form fields refuse NUL too; this covers what reaches a query without one (search terms,
    filters, ids, lookups in the path). Multipart bodies are left to the fields that read them: parsing them here
    would read uploaded files before a view can choose its upload handlers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._carries_nul(request):
            message = _("The request contains a NUL character, which no field accepts.")
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": message, "errors": {}}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request) -> bool:
        if "\x00" in request.path_info:
            return True
        if contains_nul(request.META.get("QUERY_STRING", "").encode("utf-8", "surrogateescape"), urlencoded=True):
            return True
        headers = (value for key, value in request.META.items() if key.startswith("HTTP_"))
        if any(isinstance(value, str) and "\x00" in value for value in headers):
            return True
        content_type = request.content_type or ""
        is_json = content_type == "application/json" or content_type.endswith("+json")
        is_form = content_type == "application/x-www-form-urlencoded"
        if not (is_json or is_form):
            return False
        # Within DATA_UPLOAD_MAX_MEMORY_SIZE, as Django reads it anyway; past it Django answers 400 itself.
        return contains_nul(request.body, json=is_json, urlencoded=is_form)
