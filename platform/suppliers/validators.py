"""Certificate documents: PDF, PNG or JPEG, recognised by their content, not only by their name."""

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


def validate_certificate_document(document) -> None:
    limit = settings.CERTIFICATE_MAX_UPLOAD_BYTES
    if document.size > limit:
        raise ValidationError(
            {
                "document": [
                    _("The file is %(size)s; the limit is %(limit)s.")
                    % {"size": filesizeformat(document.size), "limit": filesizeformat(limit)}
                ]
            }
        )
    extension = Path(document.name or "").suffix.lower()
    if extension not in _SIGNATURES:
        raise ValidationError({"document": [_("Upload a PDF, PNG or JPEG file.")]})
    document.seek(0)
    head = document.read(16)
    document.seek(0)
    if not head.startswith(_SIGNATURES[extension]):
        raise ValidationError(
            {"document": [_("The file's content is not a %(type)s document.") % {"type": extension[1:].upper()}]}
        )
    if extension != ".pdf":
        _check_image(document)


def _too_many_pixels(limit: int) -> ValidationError:
    return ValidationError(
        {
            "document": [
                _("The image declares more than %(megapixels)s megapixels; upload a smaller scan.")
                % {"megapixels": f"{limit / 1_000_000:g}"}
            ]
        }
    )


def _check_image(document) -> None:
    """The header only: its declared size is checked before anything would decode the pixels (a tiny PNG may
    declare 30,000 × 30,000 of them), and Pillow's decompression-bomb warning counts as a refusal."""
    from PIL import Image, UnidentifiedImageError

    limit = settings.CERTIFICATE_MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(document) as image:  # reads the header, decodes nothing
                width, height = image.size
                if width * height > limit:
                    raise _too_many_pixels(limit)
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(limit) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError({"document": [_("The image is damaged or unreadable.")]}) from error
    finally:
        document.seek(0)
