"""Ranking quality: hit@k, mean reciprocal rank and NDCG@k with binary relevance."""

from collections.abc import Collection, Sequence

import numpy as np


def hit_at_k(ranked: Sequence[int], relevant: Collection[int], k: int = 10) -> float:
    return float(any(item in relevant for item in ranked[:k]))


def reciprocal_rank(ranked: Sequence[int], relevant: Collection[int]) -> float:
    for position, item in enumerate(ranked, start=1):
        if item in relevant:
            return 1.0 / position
    return 0.0


def ndcg_at_k(ranked: Sequence[int], relevant: Collection[int], k: int = 10) -> float:
    gains = np.array([1.0 if item in relevant else 0.0 for item in ranked[:k]])
    discounts = 1.0 / np.log2(np.arange(2, len(gains) + 2))
    dcg = float((gains * discounts).sum())
    ideal_hits = min(len(relevant), k)
    ideal = float((1.0 / np.log2(np.arange(2, ideal_hits + 2))).sum())
    return dcg / ideal if ideal else 0.0


def summarise(runs: Sequence[tuple[Sequence[int], Collection[int]]], k: int = 10) -> dict[str, float]:
    """Mean hit@k, MRR and NDCG@k over (ranked ids, relevant ids) pairs."""
    if not runs:
        return {f"hit@{k}": 0.0, "mrr": 0.0, f"ndcg@{k}": 0.0, "queries": 0}
    return {
        f"hit@{k}": float(np.mean([hit_at_k(r, rel, k) for r, rel in runs])),
        "mrr": float(np.mean([reciprocal_rank(r, rel) for r, rel in runs])),
        f"ndcg@{k}": float(np.mean([ndcg_at_k(r, rel, k) for r, rel in runs])),
        "queries": len(runs),
    }
