"""Hard constraints: who may not be ranked at all, and how many were left out for each reason.

A supplier failing several constraints counts under each reason, and once in the total.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .candidates import CandidateMatrix
from .categories import NESTED
from .documents import RequirementRecord

NOT_PUBLISHED = "not_published"
REJECTED = "rejected_by_agency"
MISSING_MANDATORY_CERTIFICATION = "missing_mandatory_certification"
OUTSIDE_DELIVERY_COUNTRY = "outside_delivery_country"
OUTSIDE_DELIVERY_REGION = "outside_delivery_region"
OUTSIDE_CATEGORIES = "outside_requirement_categories"
REASONS = (
    NOT_PUBLISHED,
    REJECTED,
    MISSING_MANDATORY_CERTIFICATION,
    OUTSIDE_DELIVERY_COUNTRY,
    OUTSIDE_DELIVERY_REGION,
    OUTSIDE_CATEGORIES,
)


@dataclass(frozen=True, slots=True)
class ConstraintResult:
    eligible: np.ndarray  # boolean mask aligned with the candidates
    excluded_by_reason: dict[str, int]  # only reasons that excluded someone

    @property
    def excluded(self) -> int:
        return int((~self.eligible).sum())


def failures(*, requirement: RequirementRecord, candidates: CandidateMatrix, today: dt.date) -> dict[str, np.ndarray]:
    """Per reason, the mask of candidates failing it (a candidate may fail several)."""
    day = requirement.reference_day(today)
    failing = {NOT_PUBLISHED: ~candidates.published, REJECTED: candidates.rejected.copy()}
    mandatory = [c.standard for c in requirement.required_certifications if c.mandatory]
    if mandatory:
        valid = candidates.valid_certificates(day)
        missing = np.zeros(candidates.size, dtype=bool)
        for standard in mandatory:
            missing |= ~candidates.holds(standard, day, valid=valid)
        failing[MISSING_MANDATORY_CERTIFICATION] = missing
    if requirement.restrict_to_delivery_country and requirement.delivery_country:
        failing[OUTSIDE_DELIVERY_COUNTRY] = ~candidates.in_country(requirement.delivery_country.upper())
    if requirement.restrict_to_delivery_region and requirement.delivery_region:
        failing[OUTSIDE_DELIVERY_REGION] = ~candidates.in_region(requirement.delivery_region.strip().lower())
    if requirement.categories_mandatory and requirement.categories:
        # Within the subtree either way: a supplier of "medical equipment" may make the requirement's
        # "medical consumables", and one of a narrower code inside the requirement's certainly does.
        failing[OUTSIDE_CATEGORIES] = candidates.category_closeness(requirement.categories) < NESTED
    return failing


def apply_constraints(
    *, requirement: RequirementRecord, candidates: CandidateMatrix, today: dt.date
) -> ConstraintResult:
    failing = failures(requirement=requirement, candidates=candidates, today=today)
    excluded = np.zeros(candidates.size, dtype=bool)
    counts = {}
    for reason in REASONS:
        if reason in failing:
            mask = np.asarray(failing[reason], dtype=bool)
            excluded |= mask
            if count := int(mask.sum()):
                counts[reason] = count
    return ConstraintResult(eligible=~excluded, excluded_by_reason=counts)
