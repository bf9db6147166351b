"""Words of this area's notification kinds, in the active language (see notifications.texts)."""

from django.utils.translation import gettext as _

from .wording import date_words

RESPONSE = "response"
CLARIFICATION = "clarification"
RESPONSE_REMINDER = "response_reminder"
AWARD = "award"


def _response(p) -> tuple[str, str]:
    kinds = {
        "interest": _("%(supplier)s is interested in %(requirement)s"),
        "quote": _("%(supplier)s sent a quote for %(requirement)s"),
        "decline": _("%(supplier)s declined %(requirement)s"),
    }
    title = kinds.get(p.get("kind"), kinds["interest"]) % {"supplier": p["supplier"], "requirement": p["requirement"]}
    body = _("The response was revised (version %(version)s).") % {"version": p["version"]} if p.get("revised") else ""
    return title, body


def _clarification(p) -> tuple[str, str]:
    if p.get("asked"):
        return (
            _("A supplier asked a question about %(requirement)s") % {"requirement": p["requirement"]},
            _("Answer it on the requirement's page: the answer is published to every supplier that may see it."),
        )
    return (
        _("%(buyer)s answered a question about %(requirement)s")
        % {"buyer": p["buyer"], "requirement": p["requirement"]},
        _(
            "Questions and answers are published to every supplier that may see the requirement, "
            "without naming who asked."
        ),
    )


def _response_reminder(p) -> tuple[str, str]:
    return (
        _("%(buyer)s is waiting for your answer: %(requirement)s")
        % {"buyer": p["buyer"], "requirement": p["requirement"]},
        _("You were invited to answer by %(date)s. Send a quote, say you are interested, or decline.")
        % {"date": date_words(p["respond_by"])},
    )


def _award(p) -> tuple[str, str]:
    if p.get("awarded"):
        return (
            _("%(buyer)s awarded you %(requirement)s") % {"buyer": p["buyer"], "requirement": p["requirement"]},
            _("Congratulations. The linkage is now in negotiation: agree the terms and record the first order."),
        )
    return (
        _("%(buyer)s decided on %(requirement)s") % {"buyer": p["buyer"], "requirement": p["requirement"]},
        _(
            "Thank you for your response. This time the buyer chose another offer. Your answer counts: it keeps your "
            "company visible to buyers, and we hope to see you in the next opportunity."
        ),
    )


RENDERERS: dict = {
    RESPONSE: _response,
    CLARIFICATION: _clarification,
    RESPONSE_REMINDER: _response_reminder,
    AWARD: _award,
}
