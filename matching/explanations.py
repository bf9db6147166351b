"""The words of an explanation in the reader's language: score components and gaps, by their engine codes.

The engine stores English gap messages with their parameters; pages and the API show these translations, filled
with the same parameters (a code the platform does not know yet keeps the engine's English message).
"""

import contextlib
import datetime as dt
import logging
import math

from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.templatetags.words import number, percent
from taxonomy.models import Category, CertificationStandard

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
        "Monthly capacity {capacity} {unit} covers {share} of the {needed} {unit} needed"
    ),
    engine_gaps.CAPACITY_NOT_STATED: _("No monthly capacity stated in {unit} for the requirement's categories"),
    engine_gaps.NO_READINESS_DIAGNOSTIC: _("No readiness diagnostic yet"),
    engine_gaps.LOW_READINESS: _("Readiness score {score}/100"),
    engine_gaps.FAR_FROM_DELIVERY: _("About {distance_km} km from the delivery site"),
}


EXCLUSION_LABELS = {
    engine_constraints.NOT_PUBLISHED: _("profile not published"),
    engine_constraints.REJECTED: _("rejected by agency staff"),
    engine_constraints.MISSING_MANDATORY_CERTIFICATION: _("no valid mandatory certificate on the needed-by date"),
    engine_constraints.OUTSIDE_DELIVERY_COUNTRY: _("outside the delivery country"),
    engine_constraints.OUTSIDE_DELIVERY_REGION: _("outside the delivery region"),
    engine_constraints.OUTSIDE_CATEGORIES: _("no capability in the requirement's categories"),
}


def certificate_day(requirement, today: dt.date | None = None) -> dt.date:
    """The day a mandatory certificate must be valid on: the requirement's needed-by date, else today (the engine's
    ``reference_day``)."""
    return requirement.needed_by or today or timezone.localdate()


def _date(day) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _mandatory_standards(requirement) -> list:
    """The requirement's mandatory standards (reads the prefetched ``required_certifications`` when there)."""
    return [required.standard for required in requirement.required_certifications.all() if required.mandatory]


def missing_certificate_label(standard_names: list[str], day) -> str:
    """ "no valid ISO 13485 certificate on 12 May 2027"; with several, the reader learns they lack one of them."""
    if len(standard_names) == 1:
        return gettext("no valid %(standard)s certificate on %(date)s") % {
            "standard": standard_names[0],
            "date": _date(day),
        }
    if not standard_names:
        return gettext("no valid mandatory certificate on %(date)s") % {"date": _date(day)}
    return gettext("no valid certificate on %(date)s for one of %(standards)s") % {
        "standards": ", ".join(standard_names),
        "date": _date(day),
    }


def exclusion_rows(excluded_by_reason: dict, requirement=None) -> list[tuple[str, str, int]]:
    """(code, words, count) per reason; given the requirement, the missing-certificate reason names its mandatory
    standards and the day they must be valid on."""
    rows = []
    for code, count in excluded_by_reason.items():
        label = EXCLUSION_LABELS.get(code, code)
        if code == engine_constraints.MISSING_MANDATORY_CERTIFICATION and requirement is not None:
            names = [standard.name for standard in _mandatory_standards(requirement)]
            label = missing_certificate_label(names, certificate_day(requirement))
        rows.append((code, str(label), count))
    return rows


def exclusion_labels(codes, *, requirement, certificates=()) -> list[str]:
    """A supplier's reasons for being excluded, in words. ``certificates`` are the supplier's own (with their
    standard): the missing-certificate reason names the mandatory standards none of them covers on the day they
    must be valid (all the mandatory ones when the supplier's certificates have changed since)."""
    labels = []
    for code in codes:
        if code != engine_constraints.MISSING_MANDATORY_CERTIFICATION:
            labels.append(str(EXCLUSION_LABELS.get(code, code)))
            continue
        day = certificate_day(requirement)
        mandatory = _mandatory_standards(requirement)
        missing = [
            standard
            for standard in mandatory
            if not any(c.standard_id == standard.pk and c.is_valid_on(day) for c in certificates)
        ]
        labels.append(missing_certificate_label([standard.name for standard in missing or mandatory], day))
    return labels


def category_names(codes) -> dict[str, str]:
    """Category code → name in the active language (CPV first, where a code is in two schemes)."""
    names: dict[str, str] = {}
    for category in Category.objects.filter(code__in=set(codes)).order_by("-scheme"):
        if category.scheme == "CPV" or category.code not in names:
            names[category.code] = category.name
    return names


def _category_codes(gap: dict) -> list[str]:
    text = str(gap.get("params", {}).get("categories", ""))
    return [code.strip() for code in text.split(",") if code.strip()]


def localised_gap(
    gap: dict, standard_names: dict[str, str] | None = None, categories: dict[str, str] | None = None
) -> dict:
    template = GAP_MESSAGES.get(gap.get("code"))
    if template is None:
        return gap
    params = dict(gap.get("params", {}))
    if standard_names and params.get("standard") in standard_names:
        params["standard"] = standard_names[params["standard"]]  # "ISO 9001", not its code "iso-9001"
    if gap.get("code") == engine_gaps.NO_CAPABILITY_IN_CATEGORY:
        codes = _category_codes(gap)
        names = categories if categories is not None else category_names(codes)
        # "Surgical instruments; Repair services", not "33169000, 50421000"
        params["categories"] = "; ".join(names.get(code) or code for code in codes)
    for key in ("capacity", "needed", "score", "distance_km"):  # "1,500", not "1.5e+06"
        value = params.get(key)
        if isinstance(value, (int, float)):
            params[key] = number(value, 2 if key in ("capacity", "needed") and 0 < abs(value) < 10 else 0)
    if params.get("unit") == "units":  # the engine's word when a requirement names no unit
        params["unit"] = gettext("units")
    if isinstance(params.get("share"), (int, float)):
        params["share"] = percent(params["share"])
    for key in ("expires_on", "needed_by"):  # ISO dates as the reader writes them
        if isinstance(params.get(key), str):
            with contextlib.suppress(ValueError):
                params[key] = _date(dt.date.fromisoformat(params[key]))
    try:
        message = str(template).format(**params)
    except (KeyError, ValueError, IndexError):  # a translation that lost a {parameter} must not break the page
        logger.warning("matching: translation of gap %s does not fit its parameters", gap.get("code"))
        return gap
    return {**gap, "message": message}


class GapWords:
    """Standard and category names for many gaps, each looked up once (the API words one gap at a time)."""

    def __init__(self):
        self.standards: dict[str, str] | None = None
        self.categories: dict[str, str] = {}

    def gap(self, gap: dict) -> dict:
        if self.standards is None:
            self.standards = dict(CertificationStandard.objects.values_list("code", "name"))
        if gap.get("code") == engine_gaps.NO_CAPABILITY_IN_CATEGORY:
            unknown = [code for code in _category_codes(gap) if code not in self.categories]
            if unknown:
                self.categories.update(dict.fromkeys(unknown, ""))
                self.categories.update(category_names(unknown))
        return localised_gap(gap, self.standards, self.categories)


def localised_gaps(gaps: list[dict], standard_names: dict[str, str] | None = None) -> list[dict]:
    codes = [
        code
        for gap in gaps
        if gap.get("code") == engine_gaps.NO_CAPABILITY_IN_CATEGORY
        for code in _category_codes(gap)
    ]
    names = category_names(codes) if codes else {}
    return [localised_gap(gap, standard_names, names) for gap in gaps]


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
