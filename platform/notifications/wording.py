"""Small pieces of notification wording shared by every area's texts (dates, "in 3 days")."""

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def date_words(value) -> str:
    """An ISO date in the active language's date format (the text as it is when it is not a date)."""
    try:
        return formats.date_format(dt.date.fromisoformat(str(value)), "DATE_FORMAT")
    except ValueError:
        return str(value)


def in_days(days) -> str:
    days = int(days)
    if days <= 0:
        return _("today")
    return ngettext("in %(days)s day", "in %(days)s days", days) % {"days": days}
