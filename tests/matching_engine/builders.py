"""Small builders of engine records for the tests."""

import datetime as dt

from matching.engine.documents import (
    CPV,
    CapabilityRecord,
    CertificationRecord,
    RequiredCertification,
    RequirementRecord,
    SupplierRecord,
)

TODAY = dt.date(2026, 11, 22)


def supplier(supplier_id, *, country="CR", codes=("42600000",), text="", **fields):
    """A supplier with one capability per CPV code (the first carrying ``text``)."""
    capabilities = tuple(
        CapabilityRecord(category=(CPV, code), description=text if i == 0 else "") for i, code in enumerate(codes)
    )
    return SupplierRecord(supplier_id=supplier_id, country=country, capabilities=capabilities, **fields)


def certificate(standard, issued=dt.date(2025, 1, 1), expires=dt.date(2028, 1, 1), *, active=True):
    return CertificationRecord(standard=standard, issued_on=issued, expires_on=expires, active=active)


def requirement(**fields):
    fields.setdefault("requirement_id", 1)
    fields.setdefault("buyer_id", 100)
    fields.setdefault("categories", ((CPV, "42600000"),))
    return RequirementRecord(**fields)


def required(standard, mandatory=True):
    return RequiredCertification(standard=standard, mandatory=mandatory)
