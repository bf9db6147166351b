"""Scores add up exactly from their components, for the default and the learned scorer."""

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from matching.engine.features import COLUMN, CONTENT_FEATURES, FEATURES
from matching.engine.scoring import BASELINE, DEFAULT_WEIGHTS, DefaultScorer, LearnedScorer, score_gain

feature_matrices = arrays(
    np.float64, st.tuples(st.integers(1, 40), st.just(len(FEATURES))), elements=st.floats(0, 1, allow_nan=False)
)
weight_vectors = st.lists(
    st.floats(0, 10, allow_nan=False), min_size=len(CONTENT_FEATURES), max_size=len(CONTENT_FEATURES)
)


def assert_exact_sums(scores, contributions):
    for score, row in zip(scores, contributions, strict=True):
        assert math.isclose(score, math.fsum(row), rel_tol=0, abs_tol=1e-12)


def test_default_weights_sum_to_one_and_name_every_content_feature():
    assert math.fsum(DEFAULT_WEIGHTS.values()) == pytest.approx(1.0, abs=1e-15)
    assert set(DEFAULT_WEIGHTS) == set(CONTENT_FEATURES)
    assert set(CONTENT_FEATURES) < set(FEATURES)  # the history block is the learned rankers'
    with pytest.raises(ValueError, match="exactly"):
        DefaultScorer(weights=dict.fromkeys(FEATURES, 0.1))


@settings(max_examples=150, deadline=None)
@given(feature_matrices, weight_vectors)
def test_default_components_add_up_exactly_to_the_score(features, weights):
    scorer = DefaultScorer(weights=dict(zip(CONTENT_FEATURES, weights, strict=True)))
    scores, contributions = scorer.score(features)
    content = features[:, [COLUMN[name] for name in CONTENT_FEATURES]]
    assert contributions.shape == content.shape
    assert np.array_equal(contributions, content * scorer.weights)
    assert_exact_sums(scores, contributions)
    np.testing.assert_allclose(scorer.scores(features), scores, rtol=0, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(feature_matrices)
def test_default_scores_stay_within_zero_and_one(features):
    scores, _ = DefaultScorer().score(features)
    assert np.all((scores >= 0) & (scores <= 1 + 1e-12))


@settings(max_examples=100, deadline=None)
@given(
    feature_matrices,
    st.lists(st.floats(-8, 8, allow_nan=False), min_size=len(FEATURES), max_size=len(FEATURES)),
    st.floats(-4, 4, allow_nan=False),
    arrays(np.float64, len(FEATURES), elements=st.floats(0, 1, allow_nan=False)),
)
def test_learned_components_add_up_exactly_and_match_the_probability(features, coefficients, intercept, baseline):
    scorer = LearnedScorer(
        coefficients=np.array(coefficients),
        intercept=intercept,
        baseline=baseline,
        data_fingerprint="f" * 64,
        trained_at=dt.datetime(2026, 11, 22, tzinfo=dt.UTC),
    )
    scores, contributions = scorer.score(features)
    assert contributions.shape == (len(features), len(FEATURES) + 1)
    assert scorer.component_names[-1] == BASELINE
    assert_exact_sums(scores, contributions)
    probability = 1 / (1 + np.exp(-(intercept + features @ np.array(coefficients))))
    assert np.allclose(scores, probability, atol=1e-9)


def test_more_relevant_text_scores_higher():
    low = np.full((1, len(FEATURES)), 0.5)
    high = low.copy()
    high[0, COLUMN["text_relevance"]] = 0.9
    scores, _ = DefaultScorer().score(np.vstack([low, high]))
    assert scores[1] > scores[0]


def test_gain_of_a_feature_is_weight_times_distance_to_target():
    row = np.full(len(FEATURES), 0.25)
    assert score_gain(DefaultScorer(), row, feature="capacity_fit") == pytest.approx(0.08 * 0.75)
    assert score_gain(DefaultScorer(), row, feature="readiness", target=0.1) == 0.0


@pytest.mark.parametrize(
    "bad", [np.full((2, len(FEATURES)), 1.5), np.full((2, 3), 0.5), np.full((1, len(FEATURES)), np.nan)]
)
def test_invalid_features_are_refused(bad):
    with pytest.raises(ValueError, match="feature"):
        DefaultScorer().score(bad)


def test_weights_must_name_every_feature_and_not_be_negative():
    with pytest.raises(ValueError, match="must name exactly"):
        DefaultScorer(weights={"text_relevance": 1.0})
    with pytest.raises(ValueError, match="negative"):
        DefaultScorer(weights={**DEFAULT_WEIGHTS, "readiness": -0.1})


def test_learned_scorer_artifact_round_trip_and_versioning(tmp_path):
    rng = np.random.default_rng(0)
    features = rng.random((200, len(FEATURES)))
    labels = (features[:, COLUMN["responsiveness"]] + 0.1 * rng.random(200) > 0.55).astype(int)
    trained_at = dt.datetime(2026, 11, 22, 3, 0, tzinfo=dt.UTC)
    scorer = LearnedScorer.train(features=features, labels=labels, trained_at=trained_at)
    assert scorer.version.startswith("learned-")
    assert scorer.version.endswith("20261122T030000Z")
    assert scorer.weights_by_feature()["responsiveness"] > 1.0
    path = tmp_path / "model.joblib"
    scorer.save(path)
    loaded = LearnedScorer.load(path)
    assert loaded.version == scorer.version
    assert np.array_equal(loaded.score(features)[0], scorer.score(features)[0])
    retrained = LearnedScorer.train(features=features, labels=1 - labels, trained_at=trained_at)
    assert retrained.version != scorer.version  # other data, other weights: another version
    with pytest.raises(ValueError, match="both"):
        LearnedScorer.train(features=features, labels=np.ones(200), trained_at=trained_at)
