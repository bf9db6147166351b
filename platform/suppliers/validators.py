"""Certificate documents follow the platform's one document rule (core.documents)."""

from core.documents import validate_document


def validate_certificate_document(document) -> None:
    validate_document(document, field="document")
