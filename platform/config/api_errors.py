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
