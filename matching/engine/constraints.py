"""Hard constraints: who may not be ranked at all, and how many were left out for each reason.

A supplier failing several constraints counts under each reason, and once in the total.
"""

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .categories import closeness
from .records import RequirementRecord, SupplierRecord

NOT_PUBLISHED = "not_published"
REJECTED = "rejected_by_agency"
MISSING_MANDATORY_CERTIFICATION = "missing_mandatory_certification"
OUTSIDE_DELIVERY_COUNTRY = "outside_delivery_country"
OUTSIDE_CATEGORIES = "outside_requirement_categories"


@dataclass(frozen=True)
class ConstraintResult:
    eligible: np.ndarray  # boolean mask aligned with the suppliers given
    excluded_by_reason: dict[str, int]

    @property
    def excluded(self) -> int:
        return int((~self.eligible).sum())


def apply_constraints(
    requirement: RequirementRecord, suppliers: Sequence[SupplierRecord], *, today: dt.date
) -> ConstraintResult:
    day = requirement.needed_by or today
    mandatory = [c.standard for c in requirement.required_certifications if c.mandatory]
    reasons: Counter[str] = Counter()
    eligible = np.ones(len(suppliers), dtype=bool)
    for row, supplier in enumerate(suppliers):
        failed = []
        if not supplier.published:
            failed.append(NOT_PUBLISHED)
        if supplier.rejected:
            failed.append(REJECTED)
        valid = {c.standard for c in supplier.certifications if c.valid_on(day)}
        if any(standard not in valid for standard in mandatory):
            failed.append(MISSING_MANDATORY_CERTIFICATION)
        if requirement.restrict_to_delivery_country and supplier.country != requirement.delivery_country:
            failed.append(OUTSIDE_DELIVERY_COUNTRY)
        if requirement.categories_mandatory and closeness(requirement.categories, supplier.categories) < 0.8:
            failed.append(OUTSIDE_CATEGORIES)
        if failed:
            eligible[row] = False
            reasons.update(failed)
    return ConstraintResult(eligible=eligible, excluded_by_reason=dict(reasons))
