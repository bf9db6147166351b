"""The plain records the Django side fills from the database; the engine never sees a model instance."""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CertificationRecord:
    standard: str  # e.g. "iso-13485"
    issued_on: dt.date
    expires_on: dt.date
    active: bool = True

    def valid_on(self, day: dt.date) -> bool:
        return self.active and self.issued_on <= day <= self.expires_on


@dataclass(frozen=True, slots=True)
class SupplierRecord:
    supplier_id: int
    country: str
    categories: tuple[tuple[str, str], ...]  # (scheme, code), e.g. ("CPV", "42600000")
    certifications: tuple[CertificationRecord, ...] = ()
    published: bool = True
    rejected: bool = False
    readiness_score: float | None = None  # 0–100, from the latest diagnostic
    latitude: float | None = None
    longitude: float | None = None
    # Monthly capacity per CPV code, with its unit: {"42600000": (20000.0, "pieces")}.
    monthly_capacity: tuple[tuple[str, float, str], ...] = ()
    response_rate: float | None = None  # share of contacts answered, 0–1


@dataclass(frozen=True, slots=True)
class RequiredCertification:
    standard: str
    mandatory: bool = True


@dataclass(frozen=True, slots=True)
class RequirementRecord:
    requirement_id: int
    categories: tuple[tuple[str, str], ...]
    required_certifications: tuple[RequiredCertification, ...] = ()
    needed_by: dt.date | None = None
    quantity: float | None = None
    unit: str = ""
    delivery_latitude: float | None = None
    delivery_longitude: float | None = None
    delivery_country: str = ""
    restrict_to_delivery_country: bool = False
    categories_mandatory: bool = False
