"""Offline evaluation: hit@k, MRR and NDCG@k (binary relevance) on a time split, scorers side by side.

A query is one requirement with the suppliers that proved relevant afterwards (a meeting, a transaction, an
award). Rankers are compared on the requirements created after the cutoff, with history read only up to each
requirement's creation, beside the baseline a procurement officer would use without the engine.
"""

import datetime as dt
import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .candidates import CandidateMatrix
from .categories import NESTED
from .documents import RequirementRecord
from .history import TrackRecord
from .ranker import rank
from .scoring import Scorer
from .text import SupplierTextIndex

DEFAULT_K = 10
T = TypeVar("T")
RANK_DEPTH = 100  # rankings are cut here: a relevant supplier below 100 counts as a miss (MRR 0)


def hit_at_k(ranked: Sequence[int], relevant: Collection[int], *, k: int = DEFAULT_K) -> float:
    return float(any(item in relevant for item in ranked[:k]))


def reciprocal_rank(ranked: Sequence[int], relevant: Collection[int]) -> float:
    for position, item in enumerate(ranked, start=1):
        if item in relevant:
            return 1.0 / position
    return 0.0


def ndcg_at_k(ranked: Sequence[int], relevant: Collection[int], *, k: int = DEFAULT_K) -> float:
    dcg = math.fsum(1.0 / math.log2(position + 1) for position, item in enumerate(ranked[:k], 1) if item in relevant)
    ideal = math.fsum(1.0 / math.log2(position + 1) for position in range(1, min(len(relevant), k) + 1))
    return dcg / ideal if ideal else 0.0


def summarise(runs: Iterable[tuple[Sequence[int], Collection[int]]], *, k: int = DEFAULT_K) -> dict[str, float]:
    """Mean hit@k, MRR and NDCG@k over (ranked ids, relevant ids) pairs; queries without relevant ids are skipped."""
    runs = [(ranked, relevant) for ranked, relevant in runs if relevant]
    if not runs:
        return {f"hit@{k}": 0.0, "mrr": 0.0, f"ndcg@{k}": 0.0, "queries": 0}
    return {
        f"hit@{k}": math.fsum(hit_at_k(r, rel, k=k) for r, rel in runs) / len(runs),
        "mrr": math.fsum(reciprocal_rank(r, rel) for r, rel in runs) / len(runs),
        f"ndcg@{k}": math.fsum(ndcg_at_k(r, rel, k=k) for r, rel in runs) / len(runs),
        "queries": len(runs),
    }


def time_split(items: Iterable[T], *, cutoff: dt.date, date_of: Callable[[T], dt.date]) -> tuple[list[T], list[T]]:
    """(before, on or after) the cutoff: train on the past, evaluate on what came later."""
    before, after = [], []
    for item in items:
        (before if date_of(item) < cutoff else after).append(item)
    return before, after


def baseline_ranker(*, requirement: RequirementRecord, history: TrackRecord, as_of: dt.date) -> list[int]:
    """Suppliers this buyer used for this category, then the most-awarded in the category (more first)."""
    categories = requirement.categories
    used = history.positive_counts(
        categories=categories, as_of=as_of, buyer_id=requirement.buyer_id, min_closeness=NESTED
    )
    awarded = history.positive_counts(categories=categories, as_of=as_of, min_closeness=NESTED)
    first = sorted(used, key=lambda supplier: (-used[supplier], -awarded.get(supplier, 0), supplier))
    rest = sorted((s for s in awarded if s not in used), key=lambda supplier: (-awarded[supplier], supplier))
    return first + rest


@dataclass(frozen=True)
class ComparisonTable:
    k: int
    rows: dict[str, dict[str, float]]  # ranker name → metrics

    def columns(self) -> list[str]:
        return [f"hit@{self.k}", "mrr", f"ndcg@{self.k}", "queries"]

    def format(self) -> str:
        width = max([38, *(len(name) + 2 for name in self.rows)])
        header = f"{'ranker':<{width}}" + "".join(f"{name:>10}" for name in self.columns())
        lines = [header, "-" * len(header)]
        for name, metrics in self.rows.items():
            values = "".join(
                f"{metrics[c]:>10.0f}" if c == "queries" else f"{metrics[c]:>10.3f}" for c in self.columns()
            )
            lines.append(f"{name:<{width}}{values}")
        return "\n".join(lines)


def compare(
    *,
    requirements: Sequence[RequirementRecord],
    relevant: Mapping[int, Collection[int]],
    candidates: CandidateMatrix,
    index: SupplierTextIndex,
    history: TrackRecord,
    scorers: Mapping[str, Scorer],
    today: dt.date,
    k: int = DEFAULT_K,
    include_baseline: bool = True,
) -> ComparisonTable:
    """Metrics of each scorer (and the baseline) on the same requirements and relevant suppliers."""
    queries = [r for r in requirements if relevant.get(r.requirement_id)]
    rows: dict[str, dict[str, float]] = {}
    for name, scorer in scorers.items():
        runs = []
        for requirement in queries:
            result = rank(
                requirement=requirement,
                candidates=candidates,
                index=index,
                history=history,
                scorer=scorer,
                today=requirement.as_of(today),
                top_k=RANK_DEPTH,
                explain=False,
            )
            runs.append((result.supplier_ids(), set(relevant[requirement.requirement_id])))
        rows[name] = summarise(runs, k=k)
    if include_baseline:
        runs = [
            (
                baseline_ranker(requirement=r, history=history, as_of=r.as_of(today))[:RANK_DEPTH],
                set(relevant[r.requirement_id]),
            )
            for r in queries
        ]
        rows["baseline (buyer, then most awarded)"] = summarise(runs, k=k)
    return ComparisonTable(k=k, rows=rows)
