"""The engine core on its own: no database, no Django."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from matching.engine.categories import closeness, cpv_closeness
from matching.engine.metrics import hit_at_k, ndcg_at_k, reciprocal_rank, summarise
from matching.engine.scoring import DEFAULT_WEIGHTS, FEATURES, DefaultScorer
from matching.engine.text import SupplierTextIndex, fold

SUPPLIERS = {
    1: "Mecanizado CNC de piezas en acero inoxidable 316L y titanio para implantes ortopédicos",
    2: "Usinagem CNC de peças em aço inoxidável e alumínio para a indústria automotiva",
    3: "Transporte refrigerado de carga 2-8 °C con monitoreo GPS",
    4: "Cajas de cartón corrugado impresas en flexografía",
    5: "Quesos frescos y madurados, leche pasteurizada",
}


@pytest.fixture
def index():
    return SupplierTextIndex().fit(list(SUPPLIERS), list(SUPPLIERS.values()))


def best(index, text):
    scores = index.relevance(text)
    return int(index.ids[int(np.argmax(scores))])


class TestText:
    def test_fold_strips_accents_and_case(self):
        assert fold("Máquinas-Herramienta ÇÃO") == "maquinas-herramienta cao"

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("CNC machining of stainless steel implants", 1),
            ("mecanisado de titanio", 1),  # a typo still matches
            ("aço inoxidável usinagem automotiva", 2),
            ("cold chain refrigerated freight", 3),
            ("cajas carton corrugado", 4),  # without accents
            ("queso pasteurizado", 5),
        ],
    )
    def test_the_right_supplier_ranks_first_across_languages(self, index, query, expected):
        assert best(index, query) == expected

    def test_upsert_replaces_and_adds_without_refit(self, index):
        vocabulary = dict(index._word.vocabulary_)
        index.upsert([3, 6], ["Impresión offset de etiquetas", "Transporte refrigerado de carga y cadena de frío"])
        assert sorted(index.ids.tolist()) == [1, 2, 3, 4, 5, 6]
        assert index._word.vocabulary_ == vocabulary
        assert best(index, "transporte refrigerado") == 6
        refreshed = SupplierTextIndex().fit([3], ["Impresión offset de etiquetas"])
        assert index.matrix.shape[0] == 6
        assert refreshed.matrix.shape[0] == 1

    def test_remove_and_refit_threshold(self, index):
        index.refit_share = 0.5
        index.remove([5])
        assert 5 not in index.ids.tolist()
        assert not index.needs_refit()  # 1 change among 4 rows
        index.upsert([7, 8, 9], ["tornos", "fresadoras", "prensas"])
        assert index.needs_refit()  # 4 changes among 7 rows
        index.fit(index.ids.tolist(), [f"proveedor {i}" for i in index.ids.tolist()])
        assert not index.needs_refit()

    def test_relevance_in_given_order_with_unknown_ids(self, index):
        scores = index.relevance("titanio", ids=[99, 1])
        assert scores[0] == 0.0
        assert scores[1] > 0.1

    def test_persistence_round_trip(self, index, tmp_path):
        path = tmp_path / "index.joblib"
        index.save(path)
        loaded = SupplierTextIndex.load(path)
        assert np.allclose(loaded.relevance("titanio"), index.relevance("titanio"))


class TestCategories:
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
    def test_cpv_closeness(self, a, b, value):
        assert cpv_closeness(a, b) == value
        assert cpv_closeness(b, a) == value

    def test_best_pair_and_other_schemes(self):
        assert closeness([("CPV", "15510000")], [("CPV", "42600000"), ("CPV", "15540000")]) == 0.6
        assert closeness([("UNSPSC", "43211503")], [("UNSPSC", "43211503")]) == 1.0
        assert closeness([("UNSPSC", "43211503")], [("CPV", "43211503")]) == 0.0
        assert closeness([], [("CPV", "15510000")]) == 0.0


class TestScoring:
    def test_default_weights_sum_to_one(self):
        assert math.isclose(sum(DEFAULT_WEIGHTS.values()), 1.0)

    @settings(max_examples=100, deadline=None)
    @given(
        arrays(
            np.float64, st.tuples(st.integers(1, 30), st.just(len(FEATURES))), elements=st.floats(0, 1, allow_nan=False)
        )
    )
    def test_components_add_up_exactly_to_the_score(self, features):
        scores, contributions = DefaultScorer().score(features)
        for score, row in zip(scores, contributions, strict=True):
            assert math.isclose(score, math.fsum(row), rel_tol=0, abs_tol=1e-12)
        assert np.all((scores >= 0) & (scores <= 1 + 1e-12))

    def test_more_relevant_text_scores_higher(self):
        low = np.full((1, len(FEATURES)), 0.5)
        high = low.copy()
        high[0, FEATURES.index("text_relevance")] = 0.9
        scores, _ = DefaultScorer().score(np.vstack([low, high]))
        assert scores[1] > scores[0]

    @pytest.mark.parametrize(
        "bad", [np.full((2, len(FEATURES)), 1.5), np.full((2, 3), 0.5), np.full((1, len(FEATURES)), np.nan)]
    )
    def test_invalid_features_are_refused(self, bad):
        with pytest.raises(ValueError, match="feature"):
            DefaultScorer().score(bad)

    def test_weights_must_name_every_feature(self):
        with pytest.raises(ValueError, match="must name exactly"):
            DefaultScorer({"text_relevance": 1.0})


class TestMetrics:
    def test_hand_computed_values(self):
        ranked, relevant = [5, 3, 9, 1], {9, 1}
        assert hit_at_k(ranked, relevant, k=2) == 0.0
        assert hit_at_k(ranked, relevant, k=3) == 1.0
        assert reciprocal_rank(ranked, relevant) == pytest.approx(1 / 3)
        dcg = 1 / math.log2(4) + 1 / math.log2(5)
        ideal = 1 / math.log2(2) + 1 / math.log2(3)
        assert ndcg_at_k(ranked, relevant, k=10) == pytest.approx(dcg / ideal)
        assert ndcg_at_k([1, 9], relevant) == pytest.approx(1.0)
        assert ndcg_at_k([1, 2], set()) == 0.0

    def test_summary(self):
        summary = summarise([([1, 2], {1}), ([3, 4], {4}), ([5], {6})], k=10)
        assert summary["hit@10"] == pytest.approx(2 / 3)
        assert summary["mrr"] == pytest.approx((1 + 0.5 + 0) / 3)
        assert summary["queries"] == 3


class TestConstraints:
    def test_exclusions_are_counted_by_reason_and_once_in_total(self):
        import datetime as dt

        from matching.engine.constraints import apply_constraints
        from matching.engine.records import (
            CertificationRecord,
            RequiredCertification,
            RequirementRecord,
            SupplierRecord,
        )

        needed_by = dt.date(2027, 3, 1)
        valid = CertificationRecord("iso-13485", dt.date(2025, 1, 1), dt.date(2028, 1, 1))
        lapses_before = CertificationRecord("iso-13485", dt.date(2024, 1, 1), dt.date(2027, 1, 1))
        requirement = RequirementRecord(
            requirement_id=1,
            categories=(("CPV", "33190000"),),
            needed_by=needed_by,
            delivery_country="CR",
            required_certifications=(RequiredCertification("iso-13485"), RequiredCertification("iso-9001", False)),
            restrict_to_delivery_country=True,
            categories_mandatory=True,
        )
        suppliers = [
            SupplierRecord(1, "CR", (("CPV", "33190000"),), (valid,)),
            SupplierRecord(2, "CR", (("CPV", "33190000"),), (lapses_before,)),  # expires before needed-by
            SupplierRecord(3, "MX", (("CPV", "33100000"),), (valid,)),  # wrong country, parent category is fine
            SupplierRecord(4, "CR", (("CPV", "42600000"),), (), published=False),  # three reasons at once
            SupplierRecord(5, "CR", (("CPV", "33190000"),), (valid,), rejected=True),
        ]
        result = apply_constraints(requirement, suppliers, today=dt.date(2026, 11, 22))
        assert result.eligible.tolist() == [True, False, False, False, False]
        assert result.excluded == 4
        assert result.excluded_by_reason == {
            "missing_mandatory_certification": 2,
            "outside_delivery_country": 1,
            "not_published": 1,
            "outside_requirement_categories": 1,
            "rejected_by_agency": 1,
        }


class TestFeatures:
    def setup_method(self):
        import datetime as dt

        from matching.engine.records import (
            CertificationRecord,
            RequiredCertification,
            RequirementRecord,
            SupplierRecord,
        )

        self.today = dt.date(2026, 11, 22)
        self.requirement = RequirementRecord(
            requirement_id=1,
            categories=(("CPV", "42600000"),),
            needed_by=dt.date(2027, 2, 1),
            required_certifications=(RequiredCertification("iso-13485"), RequiredCertification("iso-9001", False)),
            quantity=120_000,
            unit="pieces",
            delivery_latitude=9.8644,
            delivery_longitude=-83.9194,
            delivery_country="CR",
        )
        certified = (CertificationRecord("iso-13485", dt.date(2025, 1, 1), dt.date(2028, 1, 1)),)
        self.near = SupplierRecord(
            1,
            "CR",
            (("CPV", "42600000"),),
            certified,
            readiness_score=80,
            latitude=9.9281,
            longitude=-84.0907,
            monthly_capacity=(("42600000", 20_000.0, "pieces"),),
            response_rate=0.9,
        )
        self.far = SupplierRecord(2, "MX", (("CPV", "15510000"),))

    def test_values_on_a_hand_made_pair(self):
        from matching.engine.features import (
            PREFERRED_SHARE,
            capacity_fit,
            certification_coverage,
            haversine_km,
            proximity,
        )

        assert certification_coverage(self.requirement, self.near, self.requirement.needed_by) == pytest.approx(
            1 / (1 + PREFERRED_SHARE)
        )
        assert certification_coverage(self.requirement, self.far, self.requirement.needed_by) == 0.0
        assert 19 < haversine_km(9.8644, -83.9194, 9.9281, -84.0907) < 21  # Cartago–San José
        assert proximity(self.requirement, self.near) > 0.9
        assert proximity(self.requirement, self.far) == 0.3
        assert capacity_fit(self.requirement, self.near) == 1.0  # 20,000 a month ≥ 10,000 needed
        assert capacity_fit(self.requirement, self.far) == 0.5  # unknown: neutral

    def test_matrix_shape_range_and_order(self):
        from matching.engine.features import feature_matrix
        from matching.engine.scoring import FEATURES, DefaultScorer

        matrix = feature_matrix(
            self.requirement,
            [self.near, self.far],
            text_relevance=np.array([0.6, 0.1]),
            track_record=np.zeros(2),
            today=self.today,
        )
        assert matrix.shape == (2, len(FEATURES))
        assert np.all((matrix >= 0) & (matrix <= 1))
        assert matrix[1, FEATURES.index("track_record")] == 0.0
        assert matrix[1, FEATURES.index("readiness")] == 0.5
        scores, _ = DefaultScorer().score(matrix)
        assert scores[0] > scores[1]


class TestGaps:
    def test_each_kind_of_gap_with_its_gain(self):
        import datetime as dt

        from matching.engine.features import feature_matrix
        from matching.engine.gaps import find_gaps
        from matching.engine.records import (
            CertificationRecord,
            RequiredCertification,
            RequirementRecord,
            SupplierRecord,
        )
        from matching.engine.scoring import DefaultScorer

        today = dt.date(2026, 11, 22)
        requirement = RequirementRecord(
            requirement_id=1,
            categories=(("CPV", "42600000"),),
            needed_by=dt.date(2027, 6, 1),
            required_certifications=(RequiredCertification("iso-13485"), RequiredCertification("iso-14001", False)),
            quantity=1_200_000,
            unit="pieces",
            delivery_latitude=9.86,
            delivery_longitude=-83.92,
        )
        supplier = SupplierRecord(
            7,
            "MX",
            (("CPV", "44530000"),),
            (CertificationRecord("iso-13485", dt.date(2024, 1, 1), dt.date(2027, 1, 31)),),
            readiness_score=30,
            latitude=20.59,
            longitude=-100.39,
            monthly_capacity=(("42600000", 20_000.0, "pieces"),),
        )
        scorer = DefaultScorer()
        features = feature_matrix(
            requirement, [supplier], text_relevance=np.array([0.2]), track_record=np.zeros(1), today=today
        )[0]
        gaps = find_gaps(requirement, supplier, features, scorer.weights, today=today)
        codes = [gap.code for gap in gaps]
        assert set(codes) == {
            "certification_expires",
            "missing_preferred_certification",
            "no_capability_in_category",
            "capacity_below_quantity",
            "low_readiness",
            "far_from_delivery",
        }
        assert [gap.gain for gap in gaps] == sorted((gap.gain for gap in gaps), reverse=True)
        expiring = next(gap for gap in gaps if gap.code == "certification_expires")
        assert expiring.params == {"standard": "iso-13485", "expires_on": "2027-01-31", "needed_by": "2027-06-01"}
        capacity = next(gap for gap in gaps if gap.code == "capacity_below_quantity")
        assert capacity.params["share"] == pytest.approx(0.2)  # 20,000 of 100,000 a month
        assert capacity.gain == pytest.approx(0.08 * 0.8)

    def test_a_complete_supplier_has_no_gaps(self):
        import datetime as dt

        from matching.engine.features import feature_matrix
        from matching.engine.gaps import find_gaps
        from matching.engine.records import RequirementRecord, SupplierRecord
        from matching.engine.scoring import DefaultScorer

        requirement = RequirementRecord(requirement_id=1, categories=(("CPV", "42600000"),), delivery_country="CR")
        supplier = SupplierRecord(1, "CR", (("CPV", "42600000"),), readiness_score=90)
        today = dt.date(2026, 11, 22)
        features = feature_matrix(
            requirement, [supplier], text_relevance=np.array([0.9]), track_record=np.zeros(1), today=today
        )[0]
        assert find_gaps(requirement, supplier, features, DefaultScorer().weights, today=today) == []
