"""Loading a trained scorer from its artifact, whatever kind of model it holds."""

from pathlib import Path

import joblib

from .boosting import KIND as BOOSTED
from .boosting import BoostedScorer
from .scoring import LearnedScorer, Scorer


def load_scorer(path: Path | str) -> Scorer:
    """The scorer saved at ``path``; ValueError for an artifact of another engine version."""
    payload = joblib.load(path)
    if isinstance(payload, dict) and payload.get("kind") == BOOSTED:
        return BoostedScorer.load(path)
    return LearnedScorer.load(path)
