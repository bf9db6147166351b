"""Words for what ``development.impact`` says in codes (it stays free of Django), in the reader's language."""

from django.utils.translation import ngettext

from .impact import (
    REASON_FEW_COMPARISON,
    REASON_FEW_MATCHED,
    REASON_FEW_MATCHES,
    REASON_FEW_PARTICIPANTS,
    ImpactEstimate,
)


def _part(code: str, estimate: ImpactEstimate) -> str:
    if code == REASON_FEW_PARTICIPANTS:
        n = estimate.participants_with_follow_up
        return ngettext(
            "%(n)d participant with a follow-up measurement",
            "%(n)d participants with a follow-up measurement",
            n,
        ) % {"n": n}
    if code == REASON_FEW_COMPARISON:
        n = estimate.comparison_with_follow_up
        return ngettext(
            "%(n)d comparison supplier with a follow-up measurement",
            "%(n)d comparison suppliers with a follow-up measurement",
            n,
        ) % {"n": n}
    if code == REASON_FEW_MATCHED:
        n = estimate.participants
        return ngettext(
            "%(n)d participant found a comparable supplier",
            "%(n)d participants found a comparable supplier",
            n,
        ) % {"n": n}
    if code == REASON_FEW_MATCHES:
        n = estimate.comparison
        return ngettext(
            "%(n)d distinct comparison supplier matched the participants",
            "%(n)d distinct comparison suppliers matched the participants",
            n,
        ) % {"n": n}
    return code


def impact_reason(estimate: ImpactEstimate | None) -> str:
    """Why there is no estimate ("too few to say"), in the active language; empty when there is one."""
    if estimate is None or not estimate.reason_codes:
        return ""
    parts = "; ".join(_part(code, estimate) for code in estimate.reason_codes)
    return ngettext(
        "Too few to say: %(parts)s; at least %(n)d of each are needed.",
        "Too few to say: %(parts)s; at least %(n)d of each are needed.",
        estimate.min_group,
    ) % {"parts": parts, "n": estimate.min_group}
