"""One match run: constraints, text relevance, features, scores, order, gaps — timed stage by stage."""

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .candidates import CandidateMatrix
from .constraints import apply_constraints
from .documents import RequirementRecord
from .features import COLUMN, FEATURES, feature_matrix
from .gaps import Gap, find_gaps_of_rows
from .history import TrackRecord
from .scoring import DefaultScorer, Scorer
from .text import SupplierTextIndex

ENGINE_VERSION = "enlace-engine-2"
# A tree model scores a few thousand rows in milliseconds but 100,000 in a few hundred: beyond this many eligible
# candidates it rescores only the best of a first stage (the default weights plus the history that matters most to
# buyers), which holds every supplier with a real chance. Offline evaluation ranks the same way.
FIRST_STAGE_SIZE = 2_000
FIRST_STAGE_HISTORY = ("buyer_any_category", "category_deals", "past_deal_text")


@dataclass(frozen=True, slots=True)
class RankedMatch:
    supplier_id: int
    rank: int  # 1-based
    score: float
    components: dict[str, float]  # adds up to ``score`` (math.fsum within 1e-12); empty when not explained
    features: dict[str, float]
    gaps: tuple[Gap, ...] = ()
    newcomer: bool = False  # never dealt with this buyer before the requirement's date


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


def reserve_newcomer_slots(ordered: np.ndarray, newcomer: np.ndarray, *, slots: int, k: int) -> np.ndarray:
    """Reorder so that at least ``slots`` of the first ``k`` places go to newcomers (``newcomer[position]``), the
    best-ranked ones, when there are that many; everyone else keeps their order. Incumbents pushed out of the
    first ``k`` come right after it."""
    slots = max(0, min(slots, k))
    if not slots or not len(ordered):
        return ordered
    is_new = newcomer[ordered]
    wanted = min(slots, int(is_new[:].sum()))
    if int(is_new[:k].sum()) >= wanted:
        return ordered
    top, pushed, newcomers_taken = [], [], 0
    for position, new in zip(ordered.tolist(), is_new.tolist(), strict=True):
        if len(top) < k:
            free = k - len(top)
            if new or wanted - newcomers_taken < free:
                top.append(position)
                newcomers_taken += new
                continue
        pushed.append(position)
    return np.array(top + pushed, dtype=ordered.dtype)


def first_stage_scores(features: np.ndarray) -> np.ndarray:
    """A cheap score for every row: the default weights plus the most telling history."""
    quick = DefaultScorer().scores(features)
    for name in FIRST_STAGE_HISTORY:
        quick = quick + features[:, COLUMN[name]]
    return quick


def first_stage(features: np.ndarray, size: int = FIRST_STAGE_SIZE) -> np.ndarray:
    """Rows worth a tree model's time (ascending): the best ``size`` by ``first_stage_scores``."""
    if len(features) <= size:
        return np.arange(len(features))
    return np.sort(np.argpartition(-first_stage_scores(features), size - 1)[:size])


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
    newcomer_slots: int = 0,
    slots_within: int = 10,
) -> RankingResult:
    """Rank the eligible candidates for ``requirement``.

    ``restrict_to`` limits the run to these supplier ids (an SME's own opportunities); ``explain=False`` skips the
    components and gaps (offline evaluation ranks thousands of requirements and never shows them).
    ``newcomer_slots`` of the first ``slots_within`` places go to the best-ranked suppliers that never dealt with
    the buyer (when there are that many): the platform exists to create first linkages.
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
    scored = first_stage(features) if getattr(scorer, "kind", "") == "boosted" else np.arange(len(features))
    scores = np.full(len(features), -np.inf)
    scores[scored] = scorer.scores(features[scored])
    watch.lap("scoring")
    depth = None if top_k is None else min(top_k, len(scored))
    # Only scored rows can be shown (the others hold -inf and come after them): order those alone.
    scored_ids = eligible.supplier_ids[scored]
    ordered = scored[order_by_score(scores[scored], scored_ids, depth)]
    newcomer = features[:, COLUMN["buyer_any_category"]] == 0
    if newcomer_slots:
        ordered = scored[order_by_score(scores[scored], scored_ids, None)]
        ordered = reserve_newcomer_slots(ordered, newcomer, slots=newcomer_slots, k=slots_within)
        ordered = ordered if depth is None else ordered[:depth]
    watch.lap("ordering")

    names = scorer.component_names
    gaps_by_position: list[list[Gap]] = [[] for _ in range(len(ordered))]
    if explain and len(ordered):
        shown_scores, contributions = scorer.score(features[ordered])
        gaps_by_position = find_gaps_of_rows(
            requirement=requirement,
            candidates=eligible,
            rows=ordered,
            features=features[ordered],
            scorer=scorer,
            today=today,
        )
    else:
        shown_scores, contributions = scores[ordered], None
    matches = []
    for position, row in enumerate(ordered.tolist(), start=1):
        components = {}
        if contributions is not None:
            components = dict(zip(names, contributions[position - 1].tolist(), strict=True))
        matches.append(
            RankedMatch(
                supplier_id=int(eligible.supplier_ids[row]),
                rank=position,
                score=float(shown_scores[position - 1]),
                components=components,
                features=dict(zip(FEATURES, features[row].tolist(), strict=True)),
                gaps=tuple(gaps_by_position[position - 1]),
                newcomer=bool(newcomer[row]),
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
