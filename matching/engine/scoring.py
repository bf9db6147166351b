"""Scorers turn a feature matrix into scores and the named components that add up to them.

Both scorers return ``(scores, contributions)`` where ``scores`` is computed as ``contributions.sum(axis=1)``: the
explanation is the arithmetic of the score, not an approximation of it. ``component_names`` names the columns.

Default weights (sum 1) over the content features, in order of what a buyer's procurement team checks first:

- text_relevance 0.30 and category_closeness 0.20: what the supplier makes dominates (half the score), because a
  certified, ready, nearby supplier that makes something else is no match. Text carries more than the category
  because capability descriptions are specific ("316L", "±0.01 mm") where categories are coarse.
- certification_coverage 0.15: mandatory certificates already filter candidates out; what remains here is the
  preferred ones and a strong signal of quality systems.
- readiness 0.10: the linkage-readiness assessment (Costa Rica Provee's model) predicts who can deliver.
- capacity_fit 0.08 and proximity 0.07: they matter for volume and logistics, but buyers often split orders and
  ship across borders.
- track_record 0.07: earned delivery in the category or with the buyer; kept modest because newcomers have none
  and the platform exists to create first linkages.
- responsiveness 0.03: a tie-breaker; response rates of new suppliers are noisy.
"""

import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import joblib
import numpy as np

from .features import COLUMN, CONTENT_FEATURES, FEATURES

DEFAULT_WEIGHTS: dict[str, float] = {
    "text_relevance": 0.30,
    "category_closeness": 0.20,
    "certification_coverage": 0.15,
    "readiness": 0.10,
    "proximity": 0.07,
    "capacity_fit": 0.08,
    "track_record": 0.07,
    "responsiveness": 0.03,
}
BASELINE = "baseline"  # the learned scorer's component for the score of an average candidate
ARTIFACT_FORMAT = 2  # 2: the history features joined the feature set


class Scorer(Protocol):
    version: str
    component_names: tuple[str, ...]

    def score(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...

    def scores(self, features: np.ndarray) -> np.ndarray:
        """The scores alone (what ordering needs); equal to ``score(features)[0]``."""
        ...


def check_features(features: np.ndarray) -> np.ndarray:
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or features.shape[1] != len(FEATURES):
        raise ValueError(f"expected a (n, {len(FEATURES)}) feature matrix")
    if not np.all(np.isfinite(features)) or np.any(features < 0) or np.any(features > 1):
        raise ValueError("features must be finite and within [0, 1]")
    return features


def improved_row(features: np.ndarray, *, feature: str, target: float = 1.0) -> np.ndarray:
    """A candidate's feature row with ``feature`` raised to ``target`` (never lowered)."""
    improved = np.array(features, dtype=np.float64).reshape(-1)
    improved[COLUMN[feature]] = max(float(improved[COLUMN[feature]]), min(1.0, target))
    return improved


def score_gain(scorer: Scorer, features: np.ndarray, *, feature: str, target: float = 1.0) -> float:
    """How much the score of one candidate (a feature row) rises if ``feature`` reached ``target``; never negative."""
    row = np.asarray(features, dtype=np.float64).reshape(-1)
    before, after = scorer.scores(np.vstack([row, improved_row(row, feature=feature, target=target)]))
    return max(0.0, float(after - before))


def _digest(*arrays: np.ndarray) -> str:
    digest = hashlib.sha256()
    for array in arrays:
        digest.update(np.ascontiguousarray(array, dtype=np.float64).tobytes())
    return digest.hexdigest()


LOGISTIC = "logistic"


def write_artifact(path: Path | str, *, scorer, kind: str, artifact_format: int, **model) -> None:
    """Save a trained scorer: its model's own fields inside the envelope every artifact shares."""
    joblib.dump(
        {
            "format": artifact_format,
            "kind": kind,
            "features": FEATURES,
            **model,
            "data_fingerprint": scorer.data_fingerprint,
            "trained_at": scorer.trained_at,
            "metadata": scorer.metadata,
            "version": scorer.version,
        },
        path,
    )


def read_artifact(path: Path | str, *, kind: str, artifact_format: int) -> dict:
    """The payload of an artifact of this kind and format for this feature set; ValueError for any other."""
    payload = joblib.load(path)
    if (
        not isinstance(payload, dict)
        or payload.get("kind", LOGISTIC) != kind
        or payload.get("format") != artifact_format
        or tuple(payload.get("features", ())) != FEATURES
    ):
        raise ValueError("the model artifact was trained for another engine version; retrain it")
    return payload


def check_version(scorer, payload: dict):
    if scorer.version != payload["version"]:
        raise ValueError("the model artifact's version does not match its model")
    return scorer


class DefaultScorer:
    """Hand-set weights over the content features (the history block is for the learned rankers)."""

    component_names = CONTENT_FEATURES

    def __init__(self, *, weights: Mapping[str, float] | None = None):
        weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
        if set(weights) != set(CONTENT_FEATURES):
            raise ValueError(f"weights must name exactly {CONTENT_FEATURES}")
        if any(w < 0 for w in weights.values()):
            raise ValueError("weights cannot be negative")
        self.weights = np.array([weights[name] for name in CONTENT_FEATURES], dtype=np.float64)
        self._columns = np.array([COLUMN[name] for name in CONTENT_FEATURES])
        self.version = "default-" + _digest(self.weights)[:10]

    def score(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(scores, contributions) with contributions[i, j] = weight_j × feature_ij and scores their row sums."""
        contributions = check_features(features)[:, self._columns] * self.weights
        return contributions.sum(axis=1), contributions

    def scores(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(features, dtype=np.float64)[:, self._columns] @ self.weights


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def logit_shares_to_probability(deltas: np.ndarray, z0: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Turn additive logit terms into components of a probability that add up to it exactly.

    ``deltas[i, j]`` is feature j's term in row i's logit ``z = z0 + Σ_j deltas[i, j]``. The probability σ(z) is
    split as σ(z0) (the "baseline" component, last column) plus each feature's share of the logit change times
    the probability change ``σ(z) - σ(z0)``; where the logit did not move the shares use the slope σ'(z0).
    """
    deltas = np.asarray(deltas, dtype=np.float64)
    z0 = np.broadcast_to(np.asarray(z0, dtype=np.float64), (len(deltas),))
    p0 = _sigmoid(z0)
    dz = deltas.sum(axis=1)
    p = _sigmoid(z0 + dz)
    flat = np.abs(dz) < 1e-12
    scale = np.where(flat, p0 * (1.0 - p0), (p - p0) / np.where(flat, 1.0, dz))
    contributions = np.empty((len(deltas), deltas.shape[1] + 1))
    contributions[:, :-1] = deltas * scale[:, None]
    contributions[:, -1] = p0
    return contributions.sum(axis=1), contributions


class LearnedScorer:
    """A logistic regression over the same features, explained by an exact additive decomposition.

    The model's logit is ``z = b + Σ_j c_j x_j``. Around the baseline candidate (the training mean ``m``) it reads
    ``z = z0 + Σ_j c_j (x_j - m_j)`` with ``z0 = b + Σ_j c_j m_j``. The reported score is the probability
    ``σ(z)``, split as ``σ(z0)`` (the "baseline" component) plus one component per feature: the feature's share of
    the logit change, ``c_j (x_j - m_j) / (z - z0)``, times the probability change ``σ(z) - σ(z0)``. When
    ``z == z0`` the shares use the slope ``σ'(z0)`` instead. A component is negative when the feature is worse
    than the average candidate's. The score is then the row sum of those components (equal to σ(z) within
    rounding), so the explanation adds up exactly.
    """

    component_names = (*FEATURES, BASELINE)

    def __init__(
        self,
        *,
        coefficients: np.ndarray,
        intercept: float,
        baseline: np.ndarray,
        data_fingerprint: str,
        trained_at: dt.datetime,
        metadata: Mapping[str, object] | None = None,
    ):
        self.coefficients = np.asarray(coefficients, dtype=np.float64).reshape(len(FEATURES))
        self.intercept = float(intercept)
        self.baseline = np.asarray(baseline, dtype=np.float64).reshape(len(FEATURES))
        self.data_fingerprint = data_fingerprint
        self.trained_at = trained_at
        self.metadata = dict(metadata or {})
        weights_hash = _digest(self.coefficients, np.array([self.intercept]), self.baseline)
        self.version = f"learned-{weights_hash[:10]}-{data_fingerprint[:10]}-{trained_at:%Y%m%dT%H%M%SZ}"

    @classmethod
    def train(
        cls,
        *,
        features: np.ndarray,
        labels: np.ndarray,
        trained_at: dt.datetime,
        weights: np.ndarray | None = None,
        regularisation: float = 1.0,
        metadata: Mapping[str, object] | None = None,
    ) -> "LearnedScorer":
        from sklearn.linear_model import LogisticRegression

        features = check_features(features)
        labels = np.asarray(labels, dtype=np.int64)
        if len(np.unique(labels)) != 2:
            raise ValueError("training needs both positive and negative outcomes")
        model = LogisticRegression(C=regularisation, max_iter=1_000)
        model.fit(features, labels, sample_weight=weights)
        fingerprint = hashlib.sha256(features.tobytes() + labels.tobytes()).hexdigest()
        info = {"examples": len(labels), "positives": int(labels.sum()), **dict(metadata or {})}
        return cls(
            coefficients=model.coef_[0],
            intercept=float(model.intercept_[0]),
            baseline=features.mean(axis=0),
            data_fingerprint=fingerprint,
            trained_at=trained_at,
            metadata=info,
        )

    def weights_by_feature(self) -> dict[str, float]:
        return {name: float(c) for name, c in zip(FEATURES, self.coefficients, strict=True)}

    def score(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        features = check_features(features)
        deltas = (features - self.baseline) * self.coefficients
        z0 = self.intercept + float(self.baseline @ self.coefficients)
        return logit_shares_to_probability(deltas, z0)

    def scores(self, features: np.ndarray) -> np.ndarray:
        return _sigmoid(self.intercept + np.asarray(features, dtype=np.float64) @ self.coefficients)

    # -- artifacts ------------------------------------------------------------------------------------------------

    def save(self, path: Path | str) -> None:
        write_artifact(
            path,
            scorer=self,
            kind=LOGISTIC,
            artifact_format=ARTIFACT_FORMAT,
            coefficients=self.coefficients,
            intercept=self.intercept,
            baseline=self.baseline,
        )

    @classmethod
    def load(cls, path: Path | str) -> "LearnedScorer":
        payload = read_artifact(path, kind=LOGISTIC, artifact_format=ARTIFACT_FORMAT)
        scorer = cls(
            coefficients=payload["coefficients"],
            intercept=payload["intercept"],
            baseline=payload["baseline"],
            data_fingerprint=payload["data_fingerprint"],
            trained_at=payload["trained_at"],
            metadata=payload["metadata"],
        )
        return check_version(scorer, payload)
