"""Uploaded documents (certificates, quote attachments, message attachments): one rule for what is accepted and
one for where it is stored.

A document is a PDF, PNG or JPEG recognised by its content, not only by its name, within the size limit; an image's
declared size is checked from its header before anything would decode the pixels (a tiny PNG may declare
30,000 × 30,000 of them). Stored names are random, so nothing about a path can be guessed, and documents are only
ever read through permission-checked views (no media URL serves them in any mode).
"""

import uuid
import warnings
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
CONTENT_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def unguessable_name(folder: str, filename: str) -> str:
    extension = Path(filename).suffix.lower()[:10]
    return f"{folder}/{uuid.uuid4().hex}{extension}"


def content_type_of(filename: str) -> str:
    return CONTENT_TYPES.get(Path(filename or "").suffix.lower(), "application/octet-stream")


def validate_document(document, *, field: str = "document") -> None:
    """Raise a ValidationError on ``field`` unless ``document`` is an acceptable PDF, PNG or JPEG."""
    limit = settings.CERTIFICATE_MAX_UPLOAD_BYTES
    if document.size > limit:
        raise ValidationError(
            {
                field: [
                    _("The file is %(size)s; the limit is %(limit)s.")
                    % {"size": filesizeformat(document.size), "limit": filesizeformat(limit)}
                ]
            }
        )
    extension = Path(document.name or "").suffix.lower()
    if extension not in _SIGNATURES:
        raise ValidationError({field: [_("Upload a PDF, PNG or JPEG file.")]})
    document.seek(0)
    head = document.read(16)
    document.seek(0)
    if not head.startswith(_SIGNATURES[extension]):
        raise ValidationError(
            {field: [_("The file's content is not a %(type)s document.") % {"type": extension[1:].upper()}]}
        )
    if extension != ".pdf":
        _check_image(document, field=field)


def _too_many_pixels(limit: int, field: str) -> ValidationError:
    return ValidationError(
        {
            field: [
                _("The image declares more than %(megapixels)s megapixels; upload a smaller scan.")
                % {"megapixels": f"{limit / 1_000_000:g}"}
            ]
        }
    )


def _check_image(document, *, field: str) -> None:
    """The header only, and Pillow's decompression-bomb warning counts as a refusal."""
    from PIL import Image, UnidentifiedImageError

    limit = settings.CERTIFICATE_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(document) as image:  # reads the header, decodes nothing
                width, height = image.size
                if width * height > limit:
                    raise _too_many_pixels(limit, field)
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(limit, field) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError({field: [_("The image is damaged or unreadable.")]}) from error
    finally:
        document.seek(0)
