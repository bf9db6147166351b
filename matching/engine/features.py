"""Features of each (requirement, candidate) pair, every one in [0, 1], computed for all candidates at once.

Unknowns get a documented neutral value where absence says nothing about the supplier (readiness never assessed,
capacity not stated, responsiveness not yet observed) and zero where it does (no valid certificate, no history).

| feature                | meaning                                                        | unknown              |
|------------------------|----------------------------------------------------------------|----------------------|
| text_relevance         | cosine of the texts / TEXT_SATURATION, capped at 1              | 0 (no text)          |
| category_closeness     | best CPV closeness (1, 0.8, 0.6, 0.4, 0)                        | 0                    |
| certification_coverage | share of required certificates valid on the needed-by date     | 1 when none required |
| readiness              | readiness score / 100                                           | 0.5                  |
| proximity              | exp(-distance / PROXIMITY_SCALE_KM)                              | 0.6 / 0.3 (*)        |
| capacity_fit           | monthly capacity in the category / monthly quantity, capped     | 0.5                  |
| track_record           | see history.py                                                  | 0                    |
| responsiveness         | share of contacts answered                                      | 0.5                  |

(*) without coordinates: 0.6 in the delivery country, 0.3 outside it, 0.5 when the requirement names no place.

Text relevance is the better of what the supplier says it makes (its profile and declared capabilities) and what it
has delivered before the requirement's date (the texts of its past deals, from the track record); categories
learned from an award count only after that award. ``same_region`` (1 in the delivery region, 0.5 elsewhere in the
delivery country, 0 abroad; 0.5 when the requirement names no country) and the track record's history features
(history.py) follow: the learned ranker reads all of them, the default weights only the first eight.
"""

import datetime as dt
import math

import numpy as np

from .candidates import CandidateMatrix
from .categories import SAME_GROUP
from .documents import RequirementRecord, canonical_unit
from .history import HISTORY_FEATURES, TrackRecord
from .text import SupplierTextIndex

CONTENT_FEATURES: tuple[str, ...] = (
    "text_relevance",
    "category_closeness",
    "certification_coverage",
    "readiness",
    "proximity",
    "capacity_fit",
    "track_record",
    "responsiveness",
)
FEATURES: tuple[str, ...] = (*CONTENT_FEATURES, "same_region", *HISTORY_FEATURES)
COLUMN = {name: i for i, name in enumerate(FEATURES)}
HISTORY_COLUMNS = slice(COLUMN[HISTORY_FEATURES[0]], COLUMN[HISTORY_FEATURES[-1]] + 1)

NEUTRAL = 0.5
# A cosine of 0.5 over word and character n-grams means the texts share most of their vocabulary; more overlap
# than that adds nothing, and a fixed scale (not "relative to the best candidate") keeps one supplier's feature
# the same whether it is ranked among 100,000 or alone in its opportunities inbox.
TEXT_SATURATION = 0.5
PREFERRED_SHARE = 0.3  # a preferred certificate weighs 0.3 of a mandatory one
PROXIMITY_SCALE_KM = 300.0  # 300 km keeps e^-1 ≈ 37 % of the feature; a day's trucking is ~600 km (13 %)
SAME_COUNTRY_WITHOUT_COORDINATES = 0.6
OTHER_COUNTRY_WITHOUT_COORDINATES = 0.3
CAPACITY_MIN_CLOSENESS = SAME_GROUP  # capacity stated for a sibling category still says what the plant can make
EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km; works on scalars and NumPy arrays alike."""
    phi2 = np.radians(lat2)
    return _haversine_km(lat1, lon1, phi2, np.cos(phi2), lon2)


def _haversine_km(lat1, lon1, phi2, cos_phi2, lon2):
    """``haversine_km`` with the second point's latitude in radians and its cosine given (a candidate store keeps
    them); the same operations in the same order."""
    phi1 = np.radians(lat1)
    d_phi, d_lambda = phi2 - phi1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(d_phi / 2) ** 2 + np.cos(phi1) * cos_phi2 * np.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def text_relevance(cosine: np.ndarray) -> np.ndarray:
    return np.clip(np.asarray(cosine, dtype=np.float64) / TEXT_SATURATION, 0.0, 1.0)


def certification_weights(requirement: RequirementRecord) -> list[tuple[str, float]]:
    """(standard, weight) of each required certificate: 1 when mandatory, PREFERRED_SHARE when preferred."""
    return [(c.standard, 1.0 if c.mandatory else PREFERRED_SHARE) for c in requirement.required_certifications]


def certification_coverage(requirement: RequirementRecord, candidates: CandidateMatrix, day: dt.date) -> np.ndarray:
    weights = certification_weights(requirement)
    total = math.fsum(weight for _standard, weight in weights)
    if not total:
        return np.ones(candidates.size)
    valid = candidates.valid_certificates(day)
    held = np.zeros(candidates.size)
    for standard, weight in weights:
        held += weight * candidates.holds(standard, day, valid=valid)
    return held / total


def distances_km(requirement: RequirementRecord, candidates: CandidateMatrix) -> np.ndarray:
    """Distance of each candidate to the delivery site; NaN where either side has no coordinates."""
    if requirement.delivery_latitude is None or requirement.delivery_longitude is None:
        return np.full(candidates.size, np.nan)
    phi = candidates.derived("latitude_radians", lambda: np.radians(candidates.latitude))
    cos_phi = candidates.derived("latitude_cosine", lambda: np.cos(phi))
    return _haversine_km(
        requirement.delivery_latitude, requirement.delivery_longitude, phi, cos_phi, candidates.longitude
    )


def proximity(requirement: RequirementRecord, candidates: CandidateMatrix) -> np.ndarray:
    distance = distances_km(requirement, candidates)
    if requirement.delivery_country:
        same_country = candidates.in_country(requirement.delivery_country.upper())
        fallback = np.where(same_country, SAME_COUNTRY_WITHOUT_COORDINATES, OTHER_COUNTRY_WITHOUT_COORDINATES)
    else:
        fallback = np.full(candidates.size, NEUTRAL)  # nowhere to deliver to: distance says nothing
    return np.where(np.isnan(distance), fallback, np.exp(-np.nan_to_num(distance) / PROXIMITY_SCALE_KM))


def same_region(requirement: RequirementRecord, candidates: CandidateMatrix) -> np.ndarray:
    if not requirement.delivery_country:
        return np.full(candidates.size, NEUTRAL)
    same_country = candidates.in_country(requirement.delivery_country.upper())
    region = requirement.delivery_region.strip().lower()
    in_region = same_country & candidates.in_region(region) if region else np.zeros(candidates.size, dtype=bool)
    return np.where(in_region, 1.0, np.where(same_country, 0.5, 0.0))


def readiness(candidates: CandidateMatrix) -> np.ndarray:
    return np.where(np.isnan(candidates.readiness), NEUTRAL, candidates.readiness / 100)


def responsiveness(candidates: CandidateMatrix) -> np.ndarray:
    return np.where(np.isnan(candidates.response_rate), NEUTRAL, candidates.response_rate)


def monthly_quantity(requirement: RequirementRecord) -> float | None:
    if not requirement.quantity or requirement.quantity <= 0:
        return None
    return requirement.quantity / max(requirement.quantity_months, 1.0)


def stated_capacity(requirement: RequirementRecord, candidates: CandidateMatrix) -> np.ndarray:
    """Largest monthly capacity each candidate states in the requirement's categories and unit; NaN if none."""
    unit = candidates.units.get(canonical_unit(requirement.unit), -1)
    closeness = candidates.vocabulary.closeness_to(requirement.categories)[candidates.capacity_category]
    usable = (candidates.capacity_unit == unit) & (closeness >= CAPACITY_MIN_CLOSENESS)
    values = np.where(usable, candidates.capacity_quantity, -np.inf)
    best = candidates.capacities.max_per_row(values, candidates.size, empty=-np.inf)
    return np.where(np.isneginf(best), np.nan, best)


def capacity_fit(requirement: RequirementRecord, candidates: CandidateMatrix) -> np.ndarray:
    needed = monthly_quantity(requirement)
    if needed is None:
        return np.full(candidates.size, NEUTRAL)
    capacity = stated_capacity(requirement, candidates)
    return np.where(np.isnan(capacity), NEUTRAL, np.minimum(1.0, np.nan_to_num(capacity) / needed))


def feature_matrix(
    *,
    requirement: RequirementRecord,
    candidates: CandidateMatrix,
    text_cosine: np.ndarray,
    history: TrackRecord | None,
    today: dt.date,
) -> np.ndarray:
    """A (candidates × FEATURES) float64 matrix, rows aligned with ``candidates.supplier_ids``."""
    day = requirement.reference_day(today)
    as_of = requirement.as_of(today)
    # Column-major: every feature is written as one contiguous column (row-major made each a strided write).
    columns = np.empty((candidates.size, len(FEATURES)), dtype=np.float64, order="F")
    if history is None:
        history = TrackRecord()
    columns[:, HISTORY_COLUMNS] = history.history_features(
        requirement=requirement, supplier_ids=candidates.supplier_ids, as_of=as_of
    )
    columns[:, COLUMN["text_relevance"]] = np.maximum(text_relevance(text_cosine), columns[:, COLUMN["past_deal_text"]])
    columns[:, COLUMN["category_closeness"]] = candidates.category_closeness(requirement.categories, as_of=as_of)
    columns[:, COLUMN["certification_coverage"]] = certification_coverage(requirement, candidates, day)
    columns[:, COLUMN["readiness"]] = candidates.derived("readiness_feature", lambda: readiness(candidates))
    columns[:, COLUMN["proximity"]] = proximity(requirement, candidates)
    columns[:, COLUMN["capacity_fit"]] = capacity_fit(requirement, candidates)
    columns[:, COLUMN["track_record"]] = history.feature(
        requirement=requirement, supplier_ids=candidates.supplier_ids, as_of=as_of
    )
    columns[:, COLUMN["responsiveness"]] = candidates.derived(
        "responsiveness_feature", lambda: responsiveness(candidates)
    )
    columns[:, COLUMN["same_region"]] = same_region(requirement, candidates)
    # The history columns come clipped already (history.py): clipping them again would change nothing.
    for part in (columns[:, : HISTORY_COLUMNS.start], columns[:, HISTORY_COLUMNS.stop :]):
        np.clip(part, 0.0, 1.0, out=part)
    return columns


def compute_features(
    *,
    requirement: RequirementRecord,
    candidates: CandidateMatrix,
    index: SupplierTextIndex,
    history: TrackRecord | None,
    today: dt.date,
) -> np.ndarray:
    """Features with the text relevance taken from the index for exactly these candidates."""
    cosine = index.relevance(requirement.text(), ids=candidates.supplier_ids)
    return feature_matrix(
        requirement=requirement, candidates=candidates, text_cosine=cosine, history=history, today=today
    )
