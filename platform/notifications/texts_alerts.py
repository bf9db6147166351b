"""Words of this area's notification kinds, in the active language (see notifications.texts): saved searches."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SAVED_SEARCH = "saved_search"


def _saved_search(p) -> tuple[str, str]:
    count = int(p["count"])
    if p["kind"] == "suppliers":
        title = ngettext(
            "%(count)s new supplier for your search “%(search)s”",
            "%(count)s new suppliers for your search “%(search)s”",
            count,
        )
    else:
        title = ngettext(
            "%(count)s new opportunity in what you follow (“%(search)s”)",
            "%(count)s new opportunities in what you follow (“%(search)s”)",
            count,
        )
    examples = "; ".join(str(example) for example in p.get("examples") or [])
    body = ""
    if examples:
        body = (
            _("Among them: %(examples)s.") % {"examples": examples}
            if count > len(p.get("examples") or [])
            else examples
        )
    return title % {"count": count, "search": p["search"]}, body


RENDERERS: dict = {SAVED_SEARCH: _saved_search}
