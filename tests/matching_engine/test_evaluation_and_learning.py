"""Ranking metrics on hand-computed examples, the time split, the baseline, learning and the promotion rule."""

import datetime as dt
import math

import numpy as np
import pytest

from matching.engine.candidates import CandidateMatrix
from matching.engine.evaluation import (
    hit_at_k,
    ndcg_at_k,
    reciprocal_rank,
    summarise,
    time_split,
)
from matching.engine.features import FEATURES
from matching.engine.history import TrackRecord
from matching.engine.learning import Outcome, label_for, should_promote, train_and_evaluate
from matching.engine.scoring import DefaultScorer
from matching.engine.synthetic import (
    TODAY,
    generate_history,
    generate_outcomes,
    generate_requirements,
    generate_suppliers,
)
from matching.engine.text import SupplierTextIndex


def test_metrics_on_hand_computed_examples():
    ranked, relevant = [5, 3, 9, 1], {9, 1}
    assert hit_at_k(ranked, relevant, k=2) == 0.0
    assert hit_at_k(ranked, relevant, k=3) == 1.0
    assert reciprocal_rank(ranked, relevant) == 1 / 3
    dcg = 1 / math.log2(4) + 1 / math.log2(5)
    ideal = 1 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_at_k(ranked, relevant, k=10) == pytest.approx(dcg / ideal, abs=1e-15)
    assert ndcg_at_k(ranked, relevant, k=3) == pytest.approx((1 / math.log2(4)) / ideal, abs=1e-15)
    assert ndcg_at_k([1, 9], relevant) == 1.0
    assert ndcg_at_k([7], {7, 8, 9}, k=10) == pytest.approx(1 / (1 + 1 / math.log2(3) + 1 / math.log2(4)))
    assert ndcg_at_k([1, 2], set()) == 0.0
    assert reciprocal_rank([1, 2], {3}) == 0.0


def test_summary_means_over_queries_with_relevant_suppliers():
    summary = summarise([([1, 2], {1}), ([3, 4], {4}), ([5], {6}), ([7], set())], k=10)
    assert summary["hit@10"] == pytest.approx(2 / 3)
    assert summary["mrr"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert summary["ndcg@10"] == pytest.approx((1 + 1 / math.log2(3) + 0) / 3)
    assert summary["queries"] == 3


def test_time_split():
    days = [dt.date(2026, 1, d) for d in (1, 10, 20)]
    before, after = time_split(days, cutoff=dt.date(2026, 1, 10), date_of=lambda day: day)
    assert before == days[:1]
    assert after == days[1:]


def test_labels_from_outcomes():
    today = dt.date(2026, 11, 22)
    assert label_for(Outcome(1, 1, "meeting", today), today=today) == 1
    assert label_for(Outcome(1, 1, "first_transaction", today), today=today) == 1
    assert label_for(Outcome(1, 1, "declined", today), today=today) == 0
    assert label_for(Outcome(1, 1, "proposed", today - dt.timedelta(days=45)), today=today) == 0  # ignored
    assert label_for(Outcome(1, 1, "proposed", today - dt.timedelta(days=3)), today=today) is None  # too early


@pytest.mark.parametrize(
    ("new", "current", "promote"),
    [
        ({"ndcg@10": 0.5, "hit@10": 0.8}, {"ndcg@10": 0.4, "hit@10": 0.8}, True),
        ({"ndcg@10": 0.5, "hit@10": 0.7}, {"ndcg@10": 0.4, "hit@10": 0.8}, False),  # loses hits
        ({"ndcg@10": 0.4, "hit@10": 0.9}, {"ndcg@10": 0.4, "hit@10": 0.8}, False),  # NDCG not better
    ],
)
def test_promotion_rule(new, current, promote):
    assert should_promote(new=new, current=current) is promote


def test_learned_scorer_recovers_a_planted_signal_and_beats_the_default():
    suppliers = generate_suppliers(count=500, seed=5)
    candidates, index = CandidateMatrix(suppliers), SupplierTextIndex().fit(suppliers)
    history = TrackRecord(generate_history(suppliers=suppliers, events=1_000))
    requirements = generate_requirements(count=140, seed=6)
    # Buyers here care about proximity and responsiveness far more than the default weights assume.
    hidden = dict.fromkeys(FEATURES, 0.0) | {
        "text_relevance": 0.25,
        "category_closeness": 0.1,
        "proximity": 0.35,
        "responsiveness": 0.3,
    }
    outcomes = generate_outcomes(
        requirements=requirements,
        candidates=candidates,
        index=index,
        history=history,
        hidden_weights=np.array([hidden[name] for name in FEATURES]),
    )
    report = train_and_evaluate(
        requirements=requirements,
        outcomes=outcomes,
        candidates=candidates,
        index=index,
        history=history,
        current=DefaultScorer(),
        cutoff=TODAY - dt.timedelta(days=240),
        today=TODAY,
        trained_at=dt.datetime(2026, 11, 22, tzinfo=dt.UTC),
    )
    learned, current = report.table.rows["learned (logistic)"], report.table.rows["current"]
    assert learned["queries"] == current["queries"] > 20
    assert learned["ndcg@10"] > current["ndcg@10"]
    assert learned["hit@10"] >= current["hit@10"]
    assert report.promote
    assert set(report.candidates) == {"boosted", "logistic"}
    if hasattr(report.scorer, "weights_by_feature"):  # the logistic model won: its weights say what buyers want
        weights = report.scorer.weights_by_feature()
        assert weights["proximity"] > weights["readiness"]
        assert weights["responsiveness"] > weights["certification_coverage"]
    assert "baseline" in report.table.format()
