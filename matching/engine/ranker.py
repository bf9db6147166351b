"""One match run: constraints, text relevance, features, scores, order, gaps — timed stage by stage."""

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .candidates import CandidateMatrix
from .constraints import apply_constraints
from .documents import RequirementRecord
from .features import FEATURES, feature_matrix
from .gaps import Gap, find_gaps
from .history import TrackRecord
from .scoring import Scorer
from .text import SupplierTextIndex

ENGINE_VERSION = "enlace-engine-1"


@dataclass(frozen=True, slots=True)
class RankedMatch:
    supplier_id: int
    rank: int  # 1-based
    score: float
    components: dict[str, float]  # adds up to ``score`` (math.fsum within 1e-12)
    features: dict[str, float]
    gaps: tuple[Gap, ...] = ()


@dataclass(frozen=True, slots=True)
class RankingResult:
    requirement_id: int
    matches: tuple[RankedMatch, ...]
    candidates: int  # candidates considered
    eligible: int  # candidates passing the hard constraints
    excluded: int  # candidates excluded (each counted once)
    excluded_by_reason: dict[str, int]
    timings_ms: dict[str, float]
    engine_version: str
    model_version: str
    extra: dict = field(default_factory=dict)

    def supplier_ids(self) -> list[int]:
        return [match.supplier_id for match in self.matches]


class _Stopwatch:
    def __init__(self):
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round((now - self._last) * 1000, 3)
        self._last = now


def order_by_score(scores: np.ndarray, supplier_ids: np.ndarray, top_k: int | None) -> np.ndarray:
    """Positions by descending score, ties broken by ascending supplier id so runs are reproducible."""
    positions = np.arange(len(scores))
    if top_k is not None and top_k < len(scores):
        # Partition first: sorting 100,000 scores to keep 50 is wasted work. Keep every tie of the k-th score.
        threshold = np.partition(scores, len(scores) - top_k)[len(scores) - top_k]
        positions = np.flatnonzero(scores >= threshold)
    ordered = positions[np.lexsort((supplier_ids[positions], -scores[positions]))]
    return ordered if top_k is None else ordered[:top_k]


def rank(
    *,
    requirement: RequirementRecord,
    candidates: CandidateMatrix,
    index: SupplierTextIndex,
    history: TrackRecord | None,
    scorer: Scorer,
    today: dt.date,
    top_k: int | None = None,
    restrict_to: Sequence[int] | None = None,
    explain: bool = True,
) -> RankingResult:
    """Rank the eligible candidates for ``requirement``.

    ``restrict_to`` limits the run to these supplier ids (an SME's own opportunities); ``explain=False`` skips the
    gaps (offline evaluation ranks thousands of requirements and never shows them).
    """
    watch = _Stopwatch()
    if restrict_to is not None:
        rows = candidates.rows_of(restrict_to)
        candidates = candidates.take(rows[rows >= 0])
    constraint = apply_constraints(requirement=requirement, candidates=candidates, today=today)
    eligible_rows = np.flatnonzero(constraint.eligible)
    eligible = candidates.take(eligible_rows) if len(eligible_rows) < candidates.size else candidates
    watch.lap("constraints")

    cosine = index.relevance(requirement.text(), ids=eligible.supplier_ids)
    watch.lap("text")
    features = feature_matrix(
        requirement=requirement, candidates=eligible, text_cosine=cosine, history=history, today=today
    )
    watch.lap("features")
    scores, contributions = scorer.score(features)
    watch.lap("scoring")
    ordered = order_by_score(scores, eligible.supplier_ids, top_k)
    watch.lap("ordering")

    names = scorer.component_names
    matches = []
    for position, row in enumerate(ordered.tolist(), start=1):
        gaps = ()
        if explain:
            gaps = tuple(
                find_gaps(
                    requirement=requirement,
                    candidates=eligible,
                    row=row,
                    features=features[row],
                    scorer=scorer,
                    today=today,
                )
            )
        matches.append(
            RankedMatch(
                supplier_id=int(eligible.supplier_ids[row]),
                rank=position,
                score=float(scores[row]),
                components=dict(zip(names, contributions[row].tolist(), strict=True)),
                features=dict(zip(FEATURES, features[row].tolist(), strict=True)),
                gaps=gaps,
            )
        )
    watch.lap("explanations")
    watch.timings["total"] = round(sum(watch.timings.values()), 3)
    return RankingResult(
        requirement_id=requirement.requirement_id,
        matches=tuple(matches),
        candidates=candidates.size,
        eligible=eligible.size,
        excluded=constraint.excluded,
        excluded_by_reason=constraint.excluded_by_reason,
        timings_ms=watch.timings,
        engine_version=ENGINE_VERSION,
        model_version=scorer.version,
    )
