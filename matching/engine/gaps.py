"""What would raise a match's score: each gap names what is missing and the score it would add if fixed.

A gap has a stable ``code``, an English ``message`` template with named ``params`` (the Django side translates by
code and fills the same params) and ``gain``: the score the candidate would gain with that feature fixed, as the
current scorer computes it (for the default scorer, weight × how far the feature is from its target).
"""

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .candidates import CandidateMatrix
from .categories import SAME
from .documents import RequirementRecord
from .features import (
    COLUMN,
    PROXIMITY_SCALE_KM,
    certification_weights,
    distances_km,
    monthly_quantity,
    stated_capacity,
)
from .scoring import Scorer, improved_row

MISSING_MANDATORY_CERTIFICATION = "missing_mandatory_certification"
MISSING_PREFERRED_CERTIFICATION = "missing_preferred_certification"
CERTIFICATION_EXPIRES = "certification_expires"
NO_CAPABILITY_IN_CATEGORY = "no_capability_in_category"
CAPACITY_BELOW_QUANTITY = "capacity_below_quantity"
CAPACITY_NOT_STATED = "capacity_not_stated"
NO_READINESS_DIAGNOSTIC = "no_readiness_diagnostic"
LOW_READINESS = "low_readiness"
FAR_FROM_DELIVERY = "far_from_delivery"

MESSAGES = {
    MISSING_MANDATORY_CERTIFICATION: "No valid {standard} certificate (required)",
    MISSING_PREFERRED_CERTIFICATION: "No valid {standard} certificate (preferred)",
    CERTIFICATION_EXPIRES: "{standard} expires on {expires_on}, before the needed-by date {needed_by}",
    NO_CAPABILITY_IN_CATEGORY: "No capability listed in the requirement's categories ({categories})",
    CAPACITY_BELOW_QUANTITY: "Monthly capacity {capacity:g} {unit} covers {share:.0%} of the {needed:g} {unit} needed",
    CAPACITY_NOT_STATED: "No monthly capacity stated in {unit} for the requirement's categories",
    NO_READINESS_DIAGNOSTIC: "No readiness diagnostic yet",
    LOW_READINESS: "Readiness score {score:.0f}/100",
    FAR_FROM_DELIVERY: "About {distance_km:.0f} km from the delivery site",
}
LOW_READINESS_BELOW = 50.0
FAR_BEYOND_KM = PROXIMITY_SCALE_KM  # beyond this the proximity feature is below e^-1
MIN_GAIN = 1e-9  # a gap that would add nothing is not worth showing


@dataclass(frozen=True, slots=True)
class Gap:
    code: str
    params: dict = field(default_factory=dict)
    gain: float = 0.0

    @property
    def message(self) -> str:
        return MESSAGES[self.code].format(**self.params)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "params": dict(self.params), "gain": self.gain}


def find_gaps(
    *,
    requirement: RequirementRecord,
    candidates: CandidateMatrix,
    row: int,
    features: np.ndarray,
    scorer: Scorer,
    today: dt.date,
) -> list[Gap]:
    """Gaps of the candidate in ``row`` (its feature row is ``features``), largest gain first."""
    features = np.asarray(features, dtype=np.float64).reshape(1, -1)
    return find_gaps_of_rows(
        requirement=requirement, candidates=candidates, rows=[row], features=features, scorer=scorer, today=today
    )[0]


def find_gaps_of_rows(
    *,
    requirement: RequirementRecord,
    candidates: CandidateMatrix,
    rows: Sequence[int] | np.ndarray,
    features: np.ndarray,
    scorer: Scorer,
    today: dt.date,
) -> list[list[Gap]]:
    """``find_gaps`` of each candidate in ``rows`` (``features[i]`` is the feature row of ``rows[i]``).

    Their capacities and distances are read in one pass over just these rows, and a scorer that scores each row on
    its own (``scores_rows_alone``, a tree model) prices every candidate's gaps in one call; any other prices each
    candidate's in a call of its own, as a BLAS product's last bits may depend on the rows it is given with.
    """
    rows = np.asarray(rows, dtype=np.int64)
    features = np.asarray(features, dtype=np.float64).reshape(len(rows), -1)
    if not len(rows):
        return []
    day = requirement.reference_day(today)
    shown = candidates.take(rows)
    needed = monthly_quantity(requirement)
    capacities = stated_capacity(requirement, shown) if needed is not None else None
    distances = distances_km(requirement, shown)
    weights = certification_weights(requirement)
    total = math.fsum(w for _s, w in weights)
    standards = [(standard, weight, candidates.standard_id(standard)) for standard, weight in weights]

    found: list[list[tuple[str, dict, int]]] = []  # per candidate: (code, params, which improved row prices it)
    batches: list[list[np.ndarray]] = []  # per candidate: its feature row, then its improved rows
    for position, row in enumerate(rows.tolist()):
        mine = features[position]
        pending: list[tuple[str, dict, int]] = []
        improved: list[np.ndarray] = []

        def improvement(feature: str, target: float = 1.0, *, mine=mine, improved=improved) -> int:
            improved.append(improved_row(mine, feature=feature, target=target))
            return len(improved) - 1

        # Certificates: each missing one, with the coverage it alone would add.
        span = candidates.certificates.slice(row)
        coverage = mine[COLUMN["certification_coverage"]]
        for standard, weight, code in standards:
            held = candidates.cert_standard[span] == code
            active = held & candidates.cert_active[span]
            issued, expires = candidates.cert_issued[span][active], candidates.cert_expires[span][active]
            if np.any((issued <= day.toordinal()) & (day.toordinal() <= expires)):
                continue
            add = improvement("certification_coverage", coverage + weight / total)
            lapsing = expires[expires < day.toordinal()]
            if len(lapsing):
                params = {
                    "standard": standard,
                    "expires_on": dt.date.fromordinal(int(lapsing.max())).isoformat(),
                    "needed_by": day.isoformat(),
                }
                pending.append((CERTIFICATION_EXPIRES, params, add))
            else:
                kind = MISSING_MANDATORY_CERTIFICATION if weight == 1.0 else MISSING_PREFERRED_CERTIFICATION
                pending.append((kind, {"standard": standard}, add))

        if requirement.categories and mine[COLUMN["category_closeness"]] < SAME:
            categories = ", ".join(code for _scheme, code in requirement.categories)
            pending.append((NO_CAPABILITY_IN_CATEGORY, {"categories": categories}, improvement("category_closeness")))

        if capacities is not None:
            capacity = float(capacities[position])
            unit = requirement.unit or "units"
            if math.isnan(capacity):
                pending.append((CAPACITY_NOT_STATED, {"unit": unit}, improvement("capacity_fit")))
            elif capacity < needed:
                params = {"capacity": capacity, "needed": needed, "unit": unit, "share": capacity / needed}
                pending.append((CAPACITY_BELOW_QUANTITY, params, improvement("capacity_fit")))

        readiness = candidates.readiness[row]
        if math.isnan(readiness):
            pending.append((NO_READINESS_DIAGNOSTIC, {}, improvement("readiness")))
        elif readiness < LOW_READINESS_BELOW:
            pending.append((LOW_READINESS, {"score": float(readiness)}, improvement("readiness")))

        distance = float(distances[position])
        if not math.isnan(distance) and distance > FAR_BEYOND_KM:
            pending.append((FAR_FROM_DELIVERY, {"distance_km": round(distance)}, improvement("proximity")))

        found.append(pending)
        batches.append([mine, *improved] if pending else [])

    if getattr(scorer, "scores_rows_alone", False):
        together = [priced_row for batch in batches for priced_row in batch]
        priced_together = scorer.scores(np.array(together)) if together else np.empty(0)
        ends = np.cumsum([len(batch) for batch in batches])
        scores = np.split(priced_together, ends[:-1])
    else:
        scores = [scorer.scores(np.array(batch)) if batch else np.empty(0) for batch in batches]

    result = []
    for pending, priced in zip(found, scores, strict=True):
        gaps = [Gap(code, params, max(0.0, float(priced[1 + which] - priced[0]))) for code, params, which in pending]
        kept = [gap for gap in gaps if gap.gain > MIN_GAIN or gap.code == MISSING_MANDATORY_CERTIFICATION]
        result.append(sorted(kept, key=lambda gap: gap.gain, reverse=True))
    return result
