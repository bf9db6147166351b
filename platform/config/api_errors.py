"""One error shape for the whole API: {"detail": ..., "errors": {field: [messages]}} and never a 500 for bad input."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _as_drf(exc):
    if isinstance(exc, DjangoValidationError):
        # Services raise Django's ValidationError; the API reports it like a serializer error.
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return exceptions.ValidationError(detail)
    return exc


def exception_handler(exc, context):
    exc = _as_drf(exc)
    if isinstance(exc, IntegrityError):
        return Response(
            {"detail": "The request conflicts with existing data.", "errors": {}}, status=status.HTTP_409_CONFLICT
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"detail": "Invalid input.", "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": response.data["detail"], "errors": {}}
    return response


# What each error status means for any operation; added to the schema of every operation that does not say already.
ERROR_RESPONSES = {
    "400": "Invalid input: `errors` names each field's problems.",
    "401": "Not signed in: no token or session, or an invalid one.",
    "403": "Signed in, but not allowed to do this.",
    "404": "Not found, or not visible to you.",
    "409": "The request conflicts with existing data.",
    "415": "The request body's media type is not accepted.",
    "429": "Too many requests: wait and try again.",
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {}},
    },
    # `errors` is in every answer of exception_handler; a lockout answered by django-axes carries `detail` only.
    "required": ["detail"],
}


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the error answers (the one shape of ``exception_handler``) of every
    operation, so that the schema describes each status the API may give, not only its successes."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
    return result
