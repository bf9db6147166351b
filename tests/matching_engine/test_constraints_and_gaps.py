"""Hard constraints with exclusion counts, and the gaps that say what would raise a match."""

import datetime as dt

import numpy as np
import pytest

from matching.engine.candidates import CandidateMatrix
from matching.engine.constraints import apply_constraints
from matching.engine.documents import CPV, CapabilityRecord, SupplierRecord
from matching.engine.features import feature_matrix
from matching.engine.gaps import find_gaps
from matching.engine.scoring import DEFAULT_WEIGHTS, DefaultScorer
from tests.matching_engine.builders import certificate, required, requirement, supplier


def test_exclusions_are_counted_by_reason_and_once_in_the_total(today):
    needed_by = dt.date(2027, 3, 1)
    valid = certificate("iso-13485")
    lapses_before = certificate("iso-13485", dt.date(2024, 1, 1), dt.date(2027, 1, 1))
    need = requirement(
        categories=((CPV, "33190000"),),
        needed_by=needed_by,
        delivery_country="CR",
        required_certifications=(required("iso-13485"), required("iso-9001", mandatory=False)),
        restrict_to_delivery_country=True,
        categories_mandatory=True,
    )
    candidates = CandidateMatrix(
        [
            supplier(1, codes=("33190000",), certifications=(valid,)),
            supplier(2, codes=("33190000",), certifications=(lapses_before,)),  # expires before needed-by
            supplier(3, country="MX", codes=("33100000",), certifications=(valid,)),  # wrong country; parent ok
            supplier(4, codes=("42600000",), published=False),  # three reasons at once
            supplier(5, codes=("33190000",), certifications=(valid,), rejected=True),
            supplier(6, codes=("33191000",), certifications=(valid,)),  # inside the subtree
        ]
    )
    result = apply_constraints(requirement=need, candidates=candidates, today=today)
    assert result.eligible.tolist() == [True, False, False, False, False, True]
    assert result.excluded == 4
    assert result.excluded_by_reason == {
        "missing_mandatory_certification": 2,
        "outside_delivery_country": 1,
        "not_published": 1,
        "outside_requirement_categories": 1,
        "rejected_by_agency": 1,
    }


def test_without_mandatory_flags_only_publication_and_rejection_filter(today):
    need = requirement(delivery_country="CR", required_certifications=(required("iso-9001", mandatory=False),))
    candidates = CandidateMatrix([supplier(1, country="MX", codes=("15510000",)), supplier(2, published=False)])
    result = apply_constraints(requirement=need, candidates=candidates, today=today)
    assert result.eligible.tolist() == [True, False]
    assert result.excluded_by_reason == {"not_published": 1}


def test_region_restriction(today):
    need = requirement(delivery_region="Cartago", restrict_to_delivery_region=True)
    candidates = CandidateMatrix([supplier(1, region="cartago"), supplier(2, region="Heredia")])
    result = apply_constraints(requirement=need, candidates=candidates, today=today)
    assert result.eligible.tolist() == [True, False]
    assert result.excluded_by_reason == {"outside_delivery_region": 1}


def gaps_of(need, record, today, text_cosine=0.1):
    candidates = CandidateMatrix([record])
    features = feature_matrix(
        requirement=need, candidates=candidates, text_cosine=np.array([text_cosine]), history=None, today=today
    )
    return find_gaps(
        requirement=need, candidates=candidates, row=0, features=features[0], scorer=DefaultScorer(), today=today
    )


def test_each_kind_of_gap_with_its_parameters_and_gain(today):
    need = requirement(
        categories=((CPV, "42600000"),),
        needed_by=dt.date(2027, 6, 1),
        required_certifications=(
            required("iso-13485"),
            required("iso-14001", mandatory=False),
            required("as9100"),
        ),
        quantity=1_200_000,
        unit="pieces",
        delivery_latitude=9.86,
        delivery_longitude=-83.92,
    )
    record = SupplierRecord(
        supplier_id=7,
        country="MX",
        capabilities=(CapabilityRecord((CPV, "42630000"), monthly_capacity=20_000.0, capacity_unit="piezas"),),
        certifications=(certificate("iso-13485", dt.date(2024, 1, 1), dt.date(2027, 1, 31)),),
        readiness_score=30,
        latitude=20.59,
        longitude=-100.39,
    )
    gaps = {gap.code: gap for gap in gaps_of(need, record, today)}
    assert set(gaps) == {
        "certification_expires",
        "missing_preferred_certification",
        "missing_mandatory_certification",
        "no_capability_in_category",
        "capacity_below_quantity",
        "low_readiness",
        "far_from_delivery",
    }
    expiring = gaps["certification_expires"]
    assert expiring.params == {"standard": "iso-13485", "expires_on": "2027-01-31", "needed_by": "2027-06-01"}
    assert expiring.message == "iso-13485 expires on 2027-01-31, before the needed-by date 2027-06-01"
    total = 1 + 1 + 0.3
    assert expiring.gain == pytest.approx(DEFAULT_WEIGHTS["certification_coverage"] * 1 / total)
    assert gaps["missing_preferred_certification"].gain == pytest.approx(
        DEFAULT_WEIGHTS["certification_coverage"] * 0.3 / total
    )
    assert gaps["missing_mandatory_certification"].params == {"standard": "as9100"}
    assert gaps["no_capability_in_category"].gain == pytest.approx(DEFAULT_WEIGHTS["category_closeness"] * 0.2)
    capacity = gaps["capacity_below_quantity"]
    assert capacity.params["share"] == pytest.approx(0.2)  # 20,000 of 100,000 a month
    assert capacity.gain == pytest.approx(DEFAULT_WEIGHTS["capacity_fit"] * 0.8)
    assert capacity.message == "Monthly capacity 20000 pieces covers 20% of the 100000 pieces needed"
    assert gaps["low_readiness"].gain == pytest.approx(DEFAULT_WEIGHTS["readiness"] * 0.7)
    assert gaps["far_from_delivery"].params["distance_km"] > 2_000
    ordered = gaps_of(need, record, today)
    assert [gap.gain for gap in ordered] == sorted((gap.gain for gap in ordered), reverse=True)
    assert all(gap.as_dict()["message"] == gap.message for gap in ordered)


def test_unknown_readiness_and_capacity_are_gaps_too(today):
    need = requirement(quantity=12_000, unit="kg")
    gaps = {gap.code for gap in gaps_of(need, supplier(1), today)}
    assert gaps == {"no_readiness_diagnostic", "capacity_not_stated"}


def test_a_complete_supplier_has_no_gaps(today):
    need = requirement(categories=((CPV, "42600000"),), delivery_country="CR")
    assert gaps_of(need, supplier(1, readiness_score=90), today, text_cosine=0.9) == []
