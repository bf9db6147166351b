"""Learning the scorer from linkage outcomes, and deciding whether the new model may replace the current one.

Outcomes are (requirement, supplier, stage reached, date). A meeting, negotiation or transaction is a positive; a
decline is a negative, and so is a proposal left unanswered for ``IGNORED_AFTER_DAYS`` ("shown and ignored").
Features are recomputed as the engine would have seen them at the requirement's creation (history before it only),
the model is trained on requirements before the cutoff and both scorers are evaluated on those after it.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .candidates import CandidateMatrix
from .documents import NEGATIVE_STAGES, POSITIVE_STAGES, UNANSWERED_STAGES, RequirementRecord
from .evaluation import DEFAULT_K, ComparisonTable, compare, time_split
from .features import FEATURES, feature_matrix
from .history import TrackRecord
from .scoring import LearnedScorer, Scorer
from .text import SupplierTextIndex

IGNORED_AFTER_DAYS = 30
LEARNED, CURRENT = "learned", "current"


@dataclass(frozen=True, slots=True)
class Outcome:
    requirement_id: int
    supplier_id: int
    stage: str  # the furthest stage the linkage reached
    occurred_on: dt.date


def label_for(outcome: Outcome, *, today: dt.date) -> int | None:
    """1 for a positive outcome, 0 for a negative one, None while it is too early to tell."""
    if outcome.stage in POSITIVE_STAGES:
        return 1
    if outcome.stage in NEGATIVE_STAGES:
        return 0
    if outcome.stage in UNANSWERED_STAGES and (today - outcome.occurred_on).days >= IGNORED_AFTER_DAYS:
        return 0
    return None


def relevant_suppliers(outcomes: Iterable[Outcome], *, today: dt.date) -> dict[int, set[int]]:
    relevant: dict[int, set[int]] = defaultdict(set)
    for outcome in outcomes:
        if label_for(outcome, today=today) == 1:
            relevant[outcome.requirement_id].add(outcome.supplier_id)
    return dict(relevant)


@dataclass(frozen=True)
class TrainingSet:
    features: np.ndarray
    labels: np.ndarray
    requirement_ids: np.ndarray


def build_training_set(
    *,
    requirements: Sequence[RequirementRecord],
    outcomes: Iterable[Outcome],
    candidates: CandidateMatrix,
    index: SupplierTextIndex,
    history: TrackRecord | None,
    today: dt.date,
) -> TrainingSet:
    by_requirement: dict[int, dict[int, int]] = defaultdict(dict)
    for outcome in outcomes:
        label = label_for(outcome, today=today)
        if label is not None:
            # A supplier that reached a meeting after being ignored once is a positive: keep the best label.
            known = by_requirement[outcome.requirement_id]
            known[outcome.supplier_id] = max(label, known.get(outcome.supplier_id, 0))
    blocks, labels, owners = [], [], []
    for requirement in requirements:
        labelled = by_requirement.get(requirement.requirement_id)
        if not labelled:
            continue
        ids = np.fromiter(labelled, dtype=np.int64)
        rows = candidates.rows_of(ids)
        ids, rows = ids[rows >= 0], rows[rows >= 0]
        subset = candidates.take(rows)
        cosine = index.relevance(requirement.text(), ids=ids)
        as_of = requirement.as_of(today)
        blocks.append(
            feature_matrix(requirement=requirement, candidates=subset, text_cosine=cosine, history=history, today=as_of)
        )
        labels.extend(labelled[int(i)] for i in ids)
        owners.extend([requirement.requirement_id] * len(ids))
    features = np.vstack(blocks) if blocks else np.empty((0, len(FEATURES)))
    return TrainingSet(features=features, labels=np.array(labels, dtype=np.int64), requirement_ids=np.array(owners))


def should_promote(*, new: dict[str, float], current: dict[str, float], k: int = DEFAULT_K) -> bool:
    """Promote only a model that beats the current one on NDCG@k without losing hit@k."""
    return new[f"ndcg@{k}"] > current[f"ndcg@{k}"] and new[f"hit@{k}"] >= current[f"hit@{k}"]


@dataclass(frozen=True)
class TrainingReport:
    scorer: LearnedScorer
    table: ComparisonTable
    promote: bool
    training_examples: int


def train_and_evaluate(
    *,
    requirements: Sequence[RequirementRecord],
    outcomes: Sequence[Outcome],
    candidates: CandidateMatrix,
    index: SupplierTextIndex,
    history: TrackRecord | None,
    current: Scorer,
    cutoff: dt.date,
    today: dt.date,
    trained_at: dt.datetime,
    k: int = DEFAULT_K,
) -> TrainingReport:
    """Train on requirements created before ``cutoff``, evaluate learned vs current on the later ones."""
    earlier, later = time_split(requirements, cutoff=cutoff, date_of=lambda r: r.as_of(today))
    training = build_training_set(
        requirements=earlier, outcomes=outcomes, candidates=candidates, index=index, history=history, today=today
    )
    scorer = LearnedScorer.train(
        features=training.features,
        labels=training.labels,
        trained_at=trained_at,
        metadata={"cutoff": cutoff.isoformat(), "requirements": len(set(training.requirement_ids.tolist()))},
    )
    table = compare(
        requirements=later,
        relevant=relevant_suppliers(outcomes, today=today),
        candidates=candidates,
        index=index,
        history=history or TrackRecord(),
        scorers={LEARNED: scorer, CURRENT: current},
        today=today,
        k=k,
    )
    promote = should_promote(new=table.rows[LEARNED], current=table.rows[CURRENT], k=k)
    return TrainingReport(scorer=scorer, table=table, promote=promote, training_examples=len(training.labels))
