"""The default scorer: a weighted sum whose named components add up exactly to the score.

Weights (sum 1): what the supplier does (text 0.30, category 0.20) dominates, because a certified, ready,
nearby supplier that makes something else is no match; certifications 0.15 (buyers' hard gate when mandatory,
a preference otherwise); readiness 0.10 (Costa Rica Provee's linkage-readiness assessment); capacity 0.08;
proximity 0.07; track record 0.07 (zero without history, so newcomers are not punished twice); responsiveness 0.03.
"""

from collections.abc import Mapping

import numpy as np

DEFAULT_WEIGHTS: dict[str, float] = {
    "text_relevance": 0.30,
    "category_closeness": 0.20,
    "certification_coverage": 0.15,
    "readiness": 0.10,
    "capacity_fit": 0.08,
    "proximity": 0.07,
    "track_record": 0.07,
    "responsiveness": 0.03,
}
FEATURES = tuple(DEFAULT_WEIGHTS)


class DefaultScorer:
    version = "default-1"

    def __init__(self, weights: Mapping[str, float] | None = None):
        weights = dict(weights or DEFAULT_WEIGHTS)
        if set(weights) != set(FEATURES):
            raise ValueError(f"weights must name exactly {FEATURES}")
        if any(w < 0 for w in weights.values()):
            raise ValueError("weights cannot be negative")
        self.weights = np.array([weights[name] for name in FEATURES], dtype=np.float64)

    def score(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(scores, contributions) for a (candidates × features) matrix with values in [0, 1].

        Each score is the sum of its row of contributions, computed from those very numbers, so an explanation
        never disagrees with the ranking.
        """
        features = np.asarray(features, dtype=np.float64)
        if features.ndim != 2 or features.shape[1] != len(FEATURES):
            raise ValueError(f"expected a (n, {len(FEATURES)}) feature matrix")
        if np.any(features < 0) or np.any(features > 1) or not np.all(np.isfinite(features)):
            raise ValueError("features must be finite and within [0, 1]")
        contributions = features * self.weights
        return contributions.sum(axis=1), contributions
