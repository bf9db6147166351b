"""Certificate documents: PDF, PNG or JPEG, recognised by their content, not only by their name."""

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
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(document) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError) as error:
            raise ValidationError({"document": [_("The image is damaged or unreadable.")]}) from error
        finally:
            document.seek(0)
