"""Features of each (requirement, supplier) pair, every one in [0, 1], with documented neutral values.

Unknowns get a neutral value rather than zero where absence says nothing about the supplier (readiness never
assessed, capacity not stated, responsiveness not yet observed), and zero where it does (no valid certificate).
Text relevance and track record are computed elsewhere (text index, outcome history) and passed in.
"""

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np

from .categories import closeness
from .records import RequirementRecord, SupplierRecord
from .scoring import FEATURES

NEUTRAL = 0.5
PREFERRED_SHARE = 0.3  # preferred certificates weigh less than mandatory ones
PROXIMITY_SCALE_KM = 300.0  # a supplier this far away keeps e^-1 ≈ 37 % of the proximity feature
SAME_COUNTRY_WITHOUT_COORDINATES = 0.6
OTHER_COUNTRY_WITHOUT_COORDINATES = 0.3
MONTHS_PER_YEAR = 12.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def certification_coverage(requirement: RequirementRecord, supplier: SupplierRecord, day: dt.date) -> float:
    """Mandatory certificates valid on the day weigh 1 each, preferred ones PREFERRED_SHARE; 1 when none asked."""
    valid = {c.standard for c in supplier.certifications if c.valid_on(day)}
    total = held = 0.0
    for required in requirement.required_certifications:
        weight = 1.0 if required.mandatory else PREFERRED_SHARE
        total += weight
        held += weight if required.standard in valid else 0.0
    return held / total if total else 1.0


def proximity(requirement: RequirementRecord, supplier: SupplierRecord) -> float:
    coordinates = (requirement.delivery_latitude, requirement.delivery_longitude, supplier.latitude, supplier.longitude)
    if all(value is not None for value in coordinates):
        return math.exp(-haversine_km(*coordinates) / PROXIMITY_SCALE_KM)
    if requirement.delivery_country and supplier.country == requirement.delivery_country:
        return SAME_COUNTRY_WITHOUT_COORDINATES
    return OTHER_COUNTRY_WITHOUT_COORDINATES


def capacity_fit(requirement: RequirementRecord, supplier: SupplierRecord) -> float:
    """Stated monthly capacity in a matching category against the monthly share of the annual quantity."""
    if not requirement.quantity:
        return NEUTRAL
    needed_per_month = requirement.quantity / MONTHS_PER_YEAR
    offered = [
        quantity
        for code, quantity, unit in supplier.monthly_capacity
        if unit == requirement.unit and closeness(requirement.categories, (("CPV", code),)) >= 0.6
    ]
    if not offered:
        return NEUTRAL
    return min(1.0, max(offered) / needed_per_month)


def feature_matrix(
    requirement: RequirementRecord,
    suppliers: Sequence[SupplierRecord],
    *,
    text_relevance: np.ndarray,
    track_record: np.ndarray,
    today: dt.date,
) -> np.ndarray:
    """A (suppliers × FEATURES) matrix in the order of scoring.FEATURES."""
    day = requirement.needed_by or today
    columns = {
        "text_relevance": np.clip(np.asarray(text_relevance, dtype=np.float64), 0, 1),
        "category_closeness": np.array([closeness(requirement.categories, s.categories) for s in suppliers]),
        "certification_coverage": np.array([certification_coverage(requirement, s, day) for s in suppliers]),
        "readiness": np.array([NEUTRAL if s.readiness_score is None else s.readiness_score / 100 for s in suppliers]),
        "capacity_fit": np.array([capacity_fit(requirement, s) for s in suppliers]),
        "proximity": np.array([proximity(requirement, s) for s in suppliers]),
        "track_record": np.clip(np.asarray(track_record, dtype=np.float64), 0, 1),
        "responsiveness": np.array([NEUTRAL if s.response_rate is None else s.response_rate for s in suppliers]),
    }
    return np.column_stack([np.clip(columns[name], 0, 1) for name in FEATURES]).reshape(len(suppliers), len(FEATURES))
