"""The words of an explanation in the reader's language: score components and gaps, by their engine codes.

The engine stores English gap messages with their parameters; pages and the API show these translations, filled
with the same parameters (a code the platform does not know yet keeps the engine's English message).
"""

import logging
import math

from django.utils.translation import gettext_lazy as _

from .engine import constraints as engine_constraints
from .engine import gaps as engine_gaps

logger = logging.getLogger(__name__)

OTHER_FACTORS = "other_factors"
COMPONENT_LABELS = {
    "text_relevance": _("Text relevance"),
    "category_closeness": _("Category closeness"),
    "certification_coverage": _("Certification coverage"),
    "readiness": _("Readiness"),
    "proximity": _("Proximity to delivery"),
    "capacity_fit": _("Capacity fit"),
    "track_record": _("Track record"),
    "responsiveness": _("Responsiveness"),
    "same_region": _("Same region as the buyer"),
    "buyer_same_code": _("Deals with this buyer in the same category"),
    "buyer_same_group": _("Deals with this buyer in the same group of categories"),
    "buyer_same_division": _("Deals with this buyer in the same division"),
    "buyer_any_category": _("Deals with this buyer"),
    "category_deals": _("Deals in the category"),
    "category_share": _("Share of the category's deals"),
    "group_deals": _("Deals in the group of categories"),
    "supplier_deals": _("Deals overall"),
    "buyer_recency": _("Recent deal with this buyer"),
    "category_recency": _("Recent deal in the category"),
    "value_fit": _("Past deal values like this one"),
    "past_deal_text": _("Past deals like this one"),
    "baseline": _("Average candidate"),
    OTHER_FACTORS: _("Other factors"),
}
# A learned ranker splits a score over some twenty features: the page shows those that move it by at least this
# much, largest first, and adds the rest up as "other factors" (so the bars still add up to the score).
SHOWN_COMPONENT_AT_LEAST = 0.01
COMPACT_FROM = 10  # components; the default ranker's eight are always listed in their fixed order

GAP_MESSAGES = {
    engine_gaps.MISSING_MANDATORY_CERTIFICATION: _("No valid {standard} certificate (required)"),
    engine_gaps.MISSING_PREFERRED_CERTIFICATION: _("No valid {standard} certificate (preferred)"),
    engine_gaps.CERTIFICATION_EXPIRES: _("{standard} expires on {expires_on}, before the needed-by date {needed_by}"),
    engine_gaps.NO_CAPABILITY_IN_CATEGORY: _("No capability listed in the requirement's categories ({categories})"),
    engine_gaps.CAPACITY_BELOW_QUANTITY: _(
        "Monthly capacity {capacity:g} {unit} covers {share:.0%} of the {needed:g} {unit} needed"
    ),
    engine_gaps.CAPACITY_NOT_STATED: _("No monthly capacity stated in {unit} for the requirement's categories"),
    engine_gaps.NO_READINESS_DIAGNOSTIC: _("No readiness diagnostic yet"),
    engine_gaps.LOW_READINESS: _("Readiness score {score:.0f}/100"),
    engine_gaps.FAR_FROM_DELIVERY: _("About {distance_km:.0f} km from the delivery site"),
}


EXCLUSION_LABELS = {
    engine_constraints.NOT_PUBLISHED: _("profile not published"),
    engine_constraints.REJECTED: _("rejected by agency staff"),
    engine_constraints.MISSING_MANDATORY_CERTIFICATION: _("no valid mandatory certificate on the needed-by date"),
    engine_constraints.OUTSIDE_DELIVERY_COUNTRY: _("outside the delivery country"),
    engine_constraints.OUTSIDE_DELIVERY_REGION: _("outside the delivery region"),
    engine_constraints.OUTSIDE_CATEGORIES: _("no capability in the requirement's categories"),
}


def exclusion_rows(excluded_by_reason: dict) -> list[tuple[str, str, int]]:
    return [(code, EXCLUSION_LABELS.get(code, code), count) for code, count in excluded_by_reason.items()]


def localised_gap(gap: dict, standard_names: dict[str, str] | None = None) -> dict:
    template = GAP_MESSAGES.get(gap.get("code"))
    if template is None:
        return gap
    params = dict(gap.get("params", {}))
    if standard_names and params.get("standard") in standard_names:
        params["standard"] = standard_names[params["standard"]]  # "ISO 9001", not its code "iso-9001"
    try:
        message = str(template).format(**params)
    except (KeyError, ValueError, IndexError):  # a translation that lost a {parameter} must not break the page
        logger.warning("matching: translation of gap %s does not fit its parameters", gap.get("code"))
        return gap
    return {**gap, "message": message}


def localised_gaps(gaps: list[dict], standard_names: dict[str, str] | None = None) -> list[dict]:
    return [localised_gap(gap, standard_names) for gap in gaps]


def component_rows(components: dict) -> list[dict]:
    """Components as bar rows: a bar's width is the component's share of a perfect score, so bars add up.

    With many components (a learned ranker), the small ones are summed into one "other factors" row and the rest
    are listed largest first; the default ranker's eight are listed in their fixed order."""
    items = list(components.items())
    if len(items) >= COMPACT_FROM:
        baseline = [(name, value) for name, value in items if name == "baseline"]
        features = [(name, value) for name, value in items if name != "baseline"]
        shown = sorted(
            ((name, value) for name, value in features if abs(value) >= SHOWN_COMPONENT_AT_LEAST),
            key=lambda item: -abs(item[1]),
        )
        rest = math.fsum(value for name, value in features if abs(value) < SHOWN_COMPONENT_AT_LEAST)
        items = shown + ([(OTHER_FACTORS, rest)] if rest else []) + baseline
    return [
        {
            "name": name,
            "label": COMPONENT_LABELS.get(name, name),
            "value": value,
            "width": round(min(abs(value), 1.0) * 100, 1),
            "negative": value < 0,
        }
        for name, value in items
    ]
