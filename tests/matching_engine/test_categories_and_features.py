"""Category closeness and each feature's value on hand-made cases."""

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine.candidates import CandidateMatrix
from matching.engine.categories import CategoryVocabulary, closeness, cpv_closeness, pair_closeness
from matching.engine.documents import CPV, CapabilityRecord, HistoryEvent, canonical_unit
from matching.engine.features import (
    COLUMN,
    FEATURES,
    OTHER_COUNTRY_WITHOUT_COORDINATES,
    PREFERRED_SHARE,
    PROXIMITY_SCALE_KM,
    SAME_COUNTRY_WITHOUT_COORDINATES,
    TEXT_SATURATION,
    capacity_fit,
    certification_coverage,
    feature_matrix,
    haversine_km,
    proximity,
)
from matching.engine.history import HALF_LIFE_DAYS, TrackRecord
from tests.matching_engine.builders import certificate, required, requirement, supplier


@pytest.mark.parametrize(
    ("a", "b", "value"),
    [
        ("15510000", "15510000", 1.0),
        ("15500000", "15510000", 0.8),
        ("15000000", "15540000", 0.8),
        ("15510000", "15540000", 0.6),
        ("15510000", "15800000", 0.4),
        ("15510000", "42600000", 0.0),
    ],
)
def test_cpv_closeness(a, b, value):
    assert cpv_closeness(a, b) == value
    assert cpv_closeness(b, a) == value


def test_best_pair_and_other_schemes():
    assert closeness([(CPV, "15510000")], [(CPV, "42600000"), (CPV, "15540000")]) == 0.6
    assert closeness([("UNSPSC", "43211503")], [("UNSPSC", "43211503")]) == 1.0
    assert closeness([("UNSPSC", "43211503")], [("UNSPSC", "43211500")]) == 0.0
    assert closeness([("UNSPSC", "43211503")], [(CPV, "43211503")]) == 0.0
    assert closeness([], [(CPV, "15510000")]) == 0.0


def test_vocabulary_matches_the_pairwise_definition():
    codes = [(CPV, "15510000"), (CPV, "15000000"), (CPV, "42600000"), ("UNSPSC", "1")]
    vocabulary = CategoryVocabulary(codes)
    required_codes = [(CPV, "15540000"), ("UNSPSC", "1")]
    expected = [closeness(required_codes, [code]) for code in codes]
    assert vocabulary.closeness_to(required_codes).tolist() == expected == [0.6, 0.8, 0.0, 1.0]


def test_units_fold_across_languages():
    assert canonical_unit("Piezas") == canonical_unit("pcs") == canonical_unit("peças") == "pieces"
    assert canonical_unit("Kilogramos") == "kg"
    assert canonical_unit("bolsas") == "bolsas"


@pytest.fixture
def pair():
    need = requirement(
        categories=((CPV, "42600000"),),
        needed_by=dt.date(2027, 2, 1),
        required_certifications=(required("iso-13485"), required("iso-9001", mandatory=False)),
        quantity=120_000,
        unit="piezas",
        delivery_latitude=9.8644,
        delivery_longitude=-83.9194,
        delivery_country="CR",
    )
    near = supplier(
        1,
        certifications=(certificate("iso-13485"),),
        readiness_score=80,
        latitude=9.9281,
        longitude=-84.0907,
        response_rate=0.9,
    )
    near = near.__class__(
        **{
            **{f: getattr(near, f) for f in near.__slots__},
            "capabilities": (
                CapabilityRecord(category=(CPV, "42600000"), monthly_capacity=20_000.0, capacity_unit="pieces"),
            ),
        }
    )
    far = supplier(2, country="MX", codes=("15510000",))
    return need, CandidateMatrix([near, far])


def test_certification_coverage_weighs_preferred_lower(pair):
    need, candidates = pair
    values = certification_coverage(need, candidates, need.needed_by)
    assert values[0] == pytest.approx(1 / (1 + PREFERRED_SHARE))
    assert values[1] == 0.0
    assert certification_coverage(requirement(), candidates, need.needed_by).tolist() == [1.0, 1.0]


def test_certificates_must_be_valid_on_the_needed_by_date():
    need = requirement(needed_by=dt.date(2027, 6, 1), required_certifications=(required("iso-9001"),))
    candidates = CandidateMatrix(
        [
            supplier(1, certifications=(certificate("iso-9001", expires=dt.date(2027, 5, 31)),)),
            supplier(2, certifications=(certificate("iso-9001", active=False),)),
            supplier(3, certifications=(certificate("iso-9001", issued=dt.date(2027, 7, 1)),)),
            supplier(4, certifications=(certificate("iso-9001"),)),
        ]
    )
    assert certification_coverage(need, candidates, need.needed_by).tolist() == [0.0, 0.0, 0.0, 1.0]


def test_proximity_and_its_fallbacks(pair):
    need, candidates = pair
    assert 19 < haversine_km(9.8644, -83.9194, 9.9281, -84.0907) < 21  # Cartago–San José
    values = proximity(need, candidates)
    assert values[0] == pytest.approx(math.exp(-haversine_km(9.8644, -83.9194, 9.9281, -84.0907) / PROXIMITY_SCALE_KM))
    assert values[1] == OTHER_COUNTRY_WITHOUT_COORDINATES
    no_coordinates = CandidateMatrix([supplier(3, country="CR")])
    assert proximity(need, no_coordinates)[0] == SAME_COUNTRY_WITHOUT_COORDINATES
    assert proximity(requirement(), no_coordinates)[0] == 0.5


def test_capacity_fit_when_units_agree_else_neutral(pair):
    need, candidates = pair
    assert capacity_fit(need, candidates).tolist() == [1.0, 0.5]  # 20,000 a month ≥ 10,000 needed; unknown
    bigger = requirement(quantity=1_200_000, unit="pcs")
    assert capacity_fit(bigger, candidates)[0] == pytest.approx(0.2)
    other_unit = requirement(quantity=1_200_000, unit="kg")
    assert capacity_fit(other_unit, candidates)[0] == 0.5
    assert capacity_fit(requirement(), candidates).tolist() == [0.5, 0.5]


def test_feature_matrix_range_order_and_neutral_values(pair, today):
    need, candidates = pair
    matrix = feature_matrix(
        requirement=need, candidates=candidates, text_cosine=np.array([0.4, 0.9]), history=None, today=today
    )
    assert matrix.shape == (2, len(FEATURES))
    assert np.all((matrix >= 0) & (matrix <= 1))
    assert matrix[0, COLUMN["text_relevance"]] == pytest.approx(0.4 / TEXT_SATURATION)
    assert matrix[1, COLUMN["text_relevance"]] == 1.0  # saturated
    assert matrix[0, COLUMN["category_closeness"]] == 1.0
    assert matrix[1, COLUMN["category_closeness"]] == 0.0
    assert matrix[0, COLUMN["readiness"]] == 0.8
    assert matrix[1, COLUMN["readiness"]] == 0.5
    assert matrix[0, COLUMN["responsiveness"]] == 0.9
    assert matrix[1, COLUMN["responsiveness"]] == 0.5
    assert matrix[:, COLUMN["track_record"]].tolist() == [0.0, 0.0]


def test_track_record_is_zero_without_history_and_decays_with_age(today):
    need = requirement(buyer_id=7, categories=((CPV, "42600000"),))
    events = [
        HistoryEvent(1, 7, today - dt.timedelta(days=1), "transaction", (CPV, "42600000")),
        HistoryEvent(2, 7, today - dt.timedelta(days=1 + int(HALF_LIFE_DAYS)), "transaction", (CPV, "42600000")),
        HistoryEvent(3, 99, today - dt.timedelta(days=1), "transaction", (CPV, "15510000")),  # other buyer, category
        HistoryEvent(4, 7, today - dt.timedelta(days=1), "declined", (CPV, "42600000")),
        HistoryEvent(5, 7, today + dt.timedelta(days=3), "transaction", (CPV, "42600000")),  # after the requirement
    ]
    history = TrackRecord(events)
    values = history.feature(requirement=need, supplier_ids=np.array([1, 2, 3, 4, 5, 6]), as_of=today)
    recent = 1 - math.exp(-(0.5 ** (1 / HALF_LIFE_DAYS)))  # full category and buyer relevance
    assert values[0] == pytest.approx(recent)
    assert values[1] == pytest.approx(1 - math.exp(-(0.5 ** (1 + 1 / HALF_LIFE_DAYS))))
    assert values[2:].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_track_record_of_no_candidates_is_empty(today):
    """Every candidate excluded by the constraints: the feature is an empty column, not an index error."""
    need = requirement(buyer_id=7, categories=((CPV, "42600000"),))
    history = TrackRecord([HistoryEvent(1, 7, today - dt.timedelta(days=1), "transaction", (CPV, "42600000"))])
    assert history.feature(requirement=need, supplier_ids=np.array([], dtype=np.int64), as_of=today).shape == (0,)


def test_candidate_store_take_and_replace_keep_rows_consistent(today):
    records = [
        supplier(i, codes=("42600000", "15510000")[: 1 + i % 2], certifications=(certificate("iso-9001"),) * (i % 2))
        for i in range(1, 7)
    ]
    store = CandidateMatrix(records)
    subset = store.take([4, 1])
    assert subset.supplier_ids.tolist() == [5, 2]
    need = requirement(categories=((CPV, "15510000"),))
    assert subset.category_closeness(need.categories).tolist() == [1.0, 0.0]  # odd ids offer both codes
    assert subset.holds("iso-9001", today).tolist() == [True, False]
    replaced = store.replace([supplier(3, codes=("15510000",)), supplier(9)], removed=[1])
    assert sorted(replaced.supplier_ids.tolist()) == [2, 3, 4, 5, 6, 9]
    closeness_by_id = dict(
        zip(replaced.supplier_ids.tolist(), replaced.category_closeness(need.categories).tolist(), strict=True)
    )
    assert closeness_by_id == {2: 0.0, 3: 1.0, 4: 0.0, 5: 1.0, 6: 0.0, 9: 0.0}
    assert replaced.rows_of([9, 1]).tolist() == [5, -1]


cpv_codes = st.from_regex(r"\A(0[3-9]|[1-9][0-9])[0-9]{6}\Z", fullmatch=True) | st.sampled_from(
    ["33141125", "33141000", "33140000", "33100000", "33000000", "45000000", "33141110", "33600000"]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(cpv_codes, min_size=1, max_size=30), st.lists(cpv_codes, min_size=1, max_size=3))
def test_vectorised_vocabulary_closeness_equals_the_pairwise_rule(offered, required):
    vocabulary = CategoryVocabulary([(CPV, code) for code in offered] + [("UNSPSC", "43211500")])
    required_codes = [(CPV, code) for code in required]
    expected = [max(pair_closeness(r, o) for r in required_codes) for o in vocabulary.codes]
    assert vocabulary.closeness_to(required_codes).tolist() == expected
    assert vocabulary.closeness_to([("UNSPSC", "43211500")]).tolist()[-1] == 1.0
