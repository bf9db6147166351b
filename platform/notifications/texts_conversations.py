"""Words of this area's notification kinds, in the active language (see notifications.texts)."""

from django.utils.translation import gettext as _

MESSAGE = "message"


def _message(p) -> tuple[str, str]:
    title = _("New message from %(organisation)s") % {"organisation": p["organisation"]}
    if p.get("subject"):
        title = _("New message from %(organisation)s: %(subject)s") % {
            "organisation": p["organisation"],
            "subject": p["subject"],
        }
    # The writer's own words (in their language), cut short; a message with only a file says so.
    body = p.get("excerpt") or (_("A file was sent.") if p.get("attachments") else "")
    return title, body


RENDERERS: dict = {MESSAGE: _message}
