"""A notification's words, from its kind and parameters, in the active language.

Notifications store their kind and the facts (``params``: names, stage codes, dates) rather than one language's
sentence, so the inbox, the API and the daily digest show each in the reader's language when it is read. The
title and body stored at creation (in the recipient's language then) stay as the fallback for rows without
parameters (those created before parameters were stored) and for a kind this version does not know.
"""

from django.utils.translation import gettext as _

from linkages.models import Stage

from . import texts_alerts, texts_conversations, texts_forecasts, texts_marketplace
from .wording import date_words as _date
from .wording import in_days as _in_days

OPPORTUNITY = "opportunity"
STAGE_CHANGE = "stage_change"
MEETING_REQUEST = "meeting_request"
MEETING_DECISION = "meeting_decision"
CERTIFICATE_EXPIRY = "certificate_expiry"
OUTCOME_FOLLOW_UP = "outcome_follow_up"


def _stage(code) -> str:
    if not code:
        return "—"
    return str(Stage(code).label) if code in Stage.values else str(code)


def _opportunity(p) -> tuple[str, str]:
    return (
        _("New opportunity: %(title)s") % {"title": p["requirement"]},
        _("%(buyer)s is sourcing in your field; your company ranks among the best fits.") % {"buyer": p["buyer"]},
    )


def _stage_change(p) -> tuple[str, str]:
    return (
        _("%(buyer)s × %(supplier)s: %(stage)s")
        % {"buyer": p["buyer"], "supplier": p["supplier"], "stage": _stage(p["to"])},
        _("The linkage moved from %(from)s to %(to)s.") % {"from": _stage(p.get("from")), "to": _stage(p["to"])},
    )


def _meeting_request(p) -> tuple[str, str]:
    return (
        _("%(organisation)s asks to meet you at %(event)s") % {"organisation": p["organisation"], "event": p["event"]},
        p.get("message", ""),  # the requester's own words, in their language
    )


def _meeting_decision(p) -> tuple[str, str]:
    template = (
        _("%(organisation)s accepted your meeting at %(event)s")
        if p["accepted"]
        else _("%(organisation)s declined your meeting at %(event)s")
    )
    return template % {"organisation": p["organisation"], "event": p["event"]}, ""


def _certificate_expiry(p) -> tuple[str, str]:
    return (
        _("%(standard)s certificate expires %(when)s") % {"standard": p["standard"], "when": _in_days(p["days_left"])},
        _("Expires on %(date)s. Renew it to stay eligible where buyers require it.") % {"date": _date(p["expires_on"])},
    )


def _outcome_follow_up(p) -> tuple[str, str]:
    return (
        _("%(programme)s: how is your company doing %(months)s months on?")
        % {"programme": p["programme"], "months": p["months"]},
        _(
            "Your improvement plan ended on %(date)s. Record your sales, productivity and the other indicators you "
            "measured at the start, so the programme can show what it achieved."
        )
        % {"date": _date(p["plan_ended_on"])},
    )


RENDERERS = {
    OPPORTUNITY: _opportunity,
    STAGE_CHANGE: _stage_change,
    MEETING_REQUEST: _meeting_request,
    MEETING_DECISION: _meeting_decision,
    CERTIFICATE_EXPIRY: _certificate_expiry,
    OUTCOME_FOLLOW_UP: _outcome_follow_up,
}
# Each area words its own kinds in its own module (responses and awards, messages, forecasts, saved searches).
for _area in (texts_marketplace, texts_conversations, texts_forecasts, texts_alerts):
    RENDERERS.update(_area.RENDERERS)


def render(kind: str, params: dict | None) -> tuple[str, str] | None:
    """(title, body) in the active language, or None when these parameters cannot say it (the caller falls back)."""
    renderer = RENDERERS.get(kind)
    if renderer is None or not params:
        return None
    try:
        title, body = renderer(params)
    except (KeyError, TypeError, ValueError):  # parameters of an older shape, or a translation that lost one
        return None
    return str(title), str(body)
