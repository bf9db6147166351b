"""What would raise a supplier's score: each gap names the missing thing and the score it would add.

Messages are English templates with parameters; the Django side translates them by ``code``.
"""

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from .categories import closeness
from .features import NEUTRAL
from .records import RequirementRecord, SupplierRecord
from .scoring import FEATURES

LOW_FEATURE = 0.5


@dataclass(frozen=True)
class Gap:
    code: str
    message: str
    params: dict = field(default_factory=dict)
    gain: float = 0.0  # score added if the gap were closed


def find_gaps(
    requirement: RequirementRecord,
    supplier: SupplierRecord,
    features: np.ndarray,
    weights: np.ndarray,
    *,
    today: dt.date,
) -> list[Gap]:
    """Gaps of one supplier, largest possible gain first. ``features`` and ``weights`` follow scoring.FEATURES."""
    day = requirement.needed_by or today
    gaps: list[Gap] = []

    def gain_of(feature: str, target: float = 1.0) -> float:
        column = FEATURES.index(feature)
        return max(0.0, float(weights[column] * (target - features[column])))

    by_standard = {c.standard: c for c in supplier.certifications}
    for required in requirement.required_certifications:
        held = by_standard.get(required.standard)
        if held is not None and held.valid_on(day):
            continue
        if held is not None and held.active and held.expires_on < day:
            code, message = "certification_expires", "{standard} expires on {expires_on}, before {needed_by}"
            params = {
                "standard": required.standard,
                "expires_on": held.expires_on.isoformat(),
                "needed_by": day.isoformat(),
            }
        else:
            code = "missing_mandatory_certification" if required.mandatory else "missing_preferred_certification"
            message, params = "No valid {standard} certificate", {"standard": required.standard}
        gaps.append(Gap(code, message, params, gain_of("certification_coverage")))
    if requirement.categories and closeness(requirement.categories, supplier.categories) < 1.0:
        codes = ", ".join(code for _scheme, code in requirement.categories)
        gaps.append(
            Gap(
                "no_capability_in_category",
                "No capability listed in {categories}",
                {"categories": codes},
                gain_of("category_closeness"),
            )
        )
    capacity = features[FEATURES.index("capacity_fit")]
    if capacity < 1.0 and capacity != NEUTRAL:
        gaps.append(
            Gap(
                "capacity_below_quantity",
                "Monthly capacity covers {share:.0%} of the monthly quantity",
                {"share": float(capacity)},
                gain_of("capacity_fit"),
            )
        )
    if supplier.readiness_score is None:
        gaps.append(Gap("no_readiness_diagnostic", "No readiness diagnostic yet", {}, gain_of("readiness")))
    elif features[FEATURES.index("readiness")] < LOW_FEATURE:
        gaps.append(
            Gap(
                "low_readiness",
                "Readiness score {score:.0f}/100",
                {"score": supplier.readiness_score},
                gain_of("readiness"),
            )
        )
    if features[FEATURES.index("proximity")] < LOW_FEATURE:
        gaps.append(Gap("far_from_delivery", "Far from the delivery site", {}, gain_of("proximity")))
    return sorted(gaps, key=lambda gap: gap.gain, reverse=True)
