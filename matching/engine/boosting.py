"""A gradient-boosted ranker over every feature, explained by exact per-feature contributions.

Trees learn what a weighted sum cannot: that a buyer's regular supplier in the same code matters more than the
same count in another division, that text relevance counts for a newcomer and less for an incumbent. LightGBM
gives each row's exact TreeSHAP values (``pred_contrib``): the logit is ``z = φ0 + Σ_j φ_j`` with φ0 the model's
expected logit. The score shown is the probability σ(z), split exactly as the logistic scorer splits it
(``logit_shares_to_probability``): σ(φ0) as the "average candidate" component plus each feature's share of the
logit change. So the shortlist page explains every score with components that add up to it.

Every feature is constrained to raise the score monotonically (more text relevance, more deals, a nearer plant
never lower a score), which keeps the gaps' "what would raise it" true and the model robust on sparse history.
Ranking needs only the logits (``scores``); contributions are computed for the rows a page shows.
"""

import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from .features import FEATURES
from .scoring import BASELINE, check_features, check_version, logit_shares_to_probability, read_artifact, write_artifact

ARTIFACT_FORMAT = 1
KIND = "boosted"
DEFAULT_PARAMETERS: dict[str, object] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.9,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "monotone_constraints": [1] * len(FEATURES),
    "monotone_constraints_method": "advanced",
    "verbosity": -1,
    "seed": 7,
    "deterministic": True,
    "force_row_wise": True,
}
DEFAULT_ROUNDS = 300


def _booster(model_text: str):
    import lightgbm

    return lightgbm.Booster(model_str=model_text)


class BoostedScorer:
    component_names = (*FEATURES, BASELINE)
    kind = KIND
    # Each row's score is its trees' outputs summed on their own: rows scored together get what they get alone.
    scores_rows_alone = True

    def __init__(
        self,
        *,
        model_text: str,
        data_fingerprint: str,
        trained_at: dt.datetime,
        metadata: Mapping[str, object] | None = None,
    ):
        self.model_text = model_text
        self.booster = _booster(model_text)
        if self.booster.num_feature() != len(FEATURES):
            raise ValueError("the model was trained for another feature set; retrain it")
        self.data_fingerprint = data_fingerprint
        self.trained_at = trained_at
        self.metadata = dict(metadata or {})
        model_hash = hashlib.sha256(model_text.encode()).hexdigest()
        self.version = f"boosted-{model_hash[:10]}-{data_fingerprint[:10]}-{trained_at:%Y%m%dT%H%M%SZ}"

    @classmethod
    def train(
        cls,
        *,
        features: np.ndarray,
        labels: np.ndarray,
        trained_at: dt.datetime,
        weights: np.ndarray | None = None,
        rounds: int = DEFAULT_ROUNDS,
        parameters: Mapping[str, object] | None = None,
        metadata: Mapping[str, object] | None = None,
        threads: int = 2,
    ) -> "BoostedScorer":
        import lightgbm

        features = check_features(features)
        labels = np.asarray(labels, dtype=np.int64)
        if len(np.unique(labels)) != 2:
            raise ValueError("training needs both positive and negative outcomes")
        params = {**DEFAULT_PARAMETERS, **dict(parameters or {}), "num_threads": threads}
        # Small training sets (a young platform) cannot fill 40-row leaves: scale the leaf size down with them.
        params["min_data_in_leaf"] = int(max(3, min(int(params["min_data_in_leaf"]), len(labels) // 50)))
        dataset = lightgbm.Dataset(
            features, label=labels, weight=weights, feature_name=list(FEATURES), free_raw_data=True
        )
        booster = lightgbm.train(params, dataset, num_boost_round=rounds)
        fingerprint = hashlib.sha256(features.tobytes() + labels.tobytes()).hexdigest()
        info = {"examples": len(labels), "positives": int(labels.sum()), "rounds": rounds, **dict(metadata or {})}
        return cls(
            model_text=booster.model_to_string(),
            data_fingerprint=fingerprint,
            trained_at=trained_at,
            metadata=info,
        )

    def logits(self, features: np.ndarray) -> np.ndarray:
        features = np.asarray(features, dtype=np.float64)
        if not len(features):
            return np.empty(0)
        return np.asarray(self.booster.predict(features, raw_score=True, num_threads=1), dtype=np.float64)

    def scores(self, features: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(features)))

    def score(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        features = check_features(features)
        if not len(features):
            return np.empty(0), np.empty((0, len(self.component_names)))
        shap = np.asarray(self.booster.predict(features, pred_contrib=True, num_threads=1), dtype=np.float64)
        return logit_shares_to_probability(shap[:, :-1], shap[:, -1])

    def importances(self) -> dict[str, float]:
        """Share of the total split gain of each feature: what the model relies on, for the model's page."""
        gains = self.booster.feature_importance(importance_type="gain")
        total = float(gains.sum()) or 1.0
        return {name: float(g) / total for name, g in zip(FEATURES, gains, strict=True)}

    # -- artifacts ------------------------------------------------------------------------------------------------

    def save(self, path: Path | str) -> None:
        write_artifact(path, scorer=self, kind=KIND, artifact_format=ARTIFACT_FORMAT, model_text=self.model_text)

    @classmethod
    def load(cls, path: Path | str) -> "BoostedScorer":
        payload = read_artifact(path, kind=KIND, artifact_format=ARTIFACT_FORMAT)
        scorer = cls(
            model_text=payload["model_text"],
            data_fingerprint=payload["data_fingerprint"],
            trained_at=payload["trained_at"],
            metadata=payload["metadata"],
        )
        return check_version(scorer, payload)
