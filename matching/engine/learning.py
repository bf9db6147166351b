"""Learning the scorer from linkage outcomes, and deciding whether the new model may replace the current one.

Outcomes are (requirement, supplier, stage reached, date). A meeting, negotiation, transaction or award is a
positive; a decline is a negative, and so is a proposal left unanswered for ``IGNORED_AFTER_DAYS`` ("shown and
ignored"). Imported award history has positives only, so each past requirement also gets negatives sampled from the
suppliers eligible for it: the top of the engine's first stage that did not win (hard negatives, the mistakes the
model must learn not to make) and a random draw of the rest. Features are recomputed as the engine would have seen
them at the requirement's date (history strictly before it), the models are trained on requirements before the
cutoff, and every candidate model and the current scorer are evaluated on those after it.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .boosting import BoostedScorer
from .candidates import CandidateMatrix
from .constraints import apply_constraints
from .documents import NEGATIVE_STAGES, POSITIVE_STAGES, UNANSWERED_STAGES, RequirementRecord
from .evaluation import DEFAULT_K, ComparisonTable, EvaluationOptions, compare, time_split
from .features import COLUMN, FEATURES, HISTORY_COLUMNS, feature_matrix
from .history import TrackRecord
from .ranker import first_stage_scores
from .scoring import LearnedScorer, Scorer
from .text import SupplierTextIndex

IGNORED_AFTER_DAYS = 30
LEARNED, CURRENT = "learned", "current"
HARD_NEGATIVES = 20  # the first stage's best that did not win
RANDOM_NEGATIVES = 40  # and a random draw of the other eligible suppliers
# Each query's negatives weigh this much in all (each random one standing for the eligible suppliers it was drawn
# from): the model then learns how a winner differs from the whole field, not from the sample drawn of it.
NEGATIVE_MASS = 10.0
MAX_TRAINING_REQUIREMENTS = 10_000  # the most recent ones: older habits say less about today's buyers


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
    weights: np.ndarray | None = None  # per row; None: all equal


def labels_by_requirement(outcomes: Iterable[Outcome], *, today: dt.date) -> dict[int, dict[int, int]]:
    by_requirement: dict[int, dict[int, int]] = defaultdict(dict)
    for outcome in outcomes:
        label = label_for(outcome, today=today)
        if label is not None:
            # A supplier that reached a meeting after being ignored once is a positive: keep the best label.
            known = by_requirement[outcome.requirement_id]
            known[outcome.supplier_id] = max(label, known.get(outcome.supplier_id, 0))
    return dict(by_requirement)


def build_training_set(
    *,
    requirements: Sequence[RequirementRecord],
    outcomes: Iterable[Outcome],
    candidates: CandidateMatrix,
    index: SupplierTextIndex,
    history: TrackRecord | None,
    today: dt.date,
    hard_negatives: int = HARD_NEGATIVES,
    random_negatives: int = RANDOM_NEGATIVES,
    max_requirements: int = MAX_TRAINING_REQUIREMENTS,
    seed: int = 7,
) -> TrainingSet:
    """Labelled rows of every past requirement with an outcome: its labelled suppliers plus sampled negatives."""
    labelled_by = labels_by_requirement(outcomes, today=today)
    chosen = [r for r in requirements if labelled_by.get(r.requirement_id)]
    chosen = sorted(chosen, key=lambda r: r.as_of(today))[-max_requirements:] if max_requirements else chosen
    rng = np.random.default_rng(seed)
    blocks, labels, owners, weights = [], [], [], []
    for requirement in chosen:
        labelled = labelled_by[requirement.requirement_id]
        as_of = requirement.as_of(today)
        eligible = apply_constraints(requirement=requirement, candidates=candidates, today=as_of).eligible
        cosine = index.relevance(requirement.text(), ids=candidates.supplier_ids)
        features = feature_matrix(
            requirement=requirement, candidates=candidates, text_cosine=cosine, history=history, today=as_of
        )
        known = candidates.rows_of(np.fromiter(labelled, dtype=np.int64))
        known = known[known >= 0]
        known_labels = np.array([labelled[int(i)] for i in candidates.supplier_ids[known]], dtype=np.int64)
        winners = known[known_labels == 1]
        if len(winners) and not visible(features[winners]).any():
            continue  # no winner the engine could have seen (no history, text or category yet): nothing to learn
        pool = np.flatnonzero(eligible)
        pool = pool[~np.isin(pool, known)]
        hard = np.empty(0, dtype=np.int64)
        if hard_negatives and len(pool):
            quick = first_stage_scores(features[pool])
            best = np.argpartition(-quick, min(hard_negatives, len(pool)) - 1)[:hard_negatives]
            hard = pool[best[np.argsort(-quick[best], kind="stable")]]
        rest = pool[~np.isin(pool, hard)]
        drawn = rng.choice(rest, size=min(random_negatives, len(rest)), replace=False) if len(rest) else rest
        rows = np.concatenate([known, hard, drawn]).astype(np.int64)
        row_labels = np.concatenate([known_labels, np.zeros(len(hard) + len(drawn), dtype=np.int64)])
        row_weights = np.concatenate(
            [
                np.where(known_labels == 1, 1.0 / max(1, len(winners)), 1.0),
                np.ones(len(hard)),
                np.full(len(drawn), len(rest) / max(1, len(drawn))),
            ]
        )
        negative = row_labels == 0
        if negative.any():
            row_weights[negative] *= NEGATIVE_MASS / row_weights[negative].sum()
        blocks.append(features[rows])
        labels.append(row_labels)
        weights.append(row_weights)
        owners.append(np.full(len(rows), requirement.requirement_id))
    if not blocks:
        return TrainingSet(
            features=np.empty((0, len(FEATURES))),
            labels=np.empty(0, dtype=np.int64),
            requirement_ids=np.empty(0, dtype=np.int64),
            weights=np.empty(0),
        )
    return TrainingSet(
        features=np.vstack(blocks),
        labels=np.concatenate(labels),
        requirement_ids=np.concatenate(owners),
        weights=np.concatenate(weights),
    )


def visible(rows: np.ndarray) -> np.ndarray:
    """Per row: does anything set the supplier apart for this requirement (history, text or category)?"""
    signal = rows[:, HISTORY_COLUMNS].sum(axis=1) + rows[:, COLUMN["text_relevance"]]
    return (signal + rows[:, COLUMN["category_closeness"]]) > 0


def should_promote(*, new: dict[str, float], current: dict[str, float], k: int = DEFAULT_K) -> bool:
    """Promote only a model that beats the current one on NDCG@k without losing hit@k."""
    return new[f"ndcg@{k}"] > current[f"ndcg@{k}"] and new[f"hit@{k}"] >= current[f"hit@{k}"]


@dataclass(frozen=True)
class TrainingReport:
    scorer: Scorer
    table: ComparisonTable
    promote: bool
    training_examples: int
    candidates: dict[str, dict[str, float]]  # every model trained, with its metrics on the later requirements


def train_candidates(training: TrainingSet, *, trained_at: dt.datetime, metadata: dict) -> dict[str, Scorer]:
    """The models worth trying on these examples: gradient-boosted trees, and the logistic regression that a small
    history (a young platform) may still prefer."""
    arguments = {
        "features": training.features,
        "labels": training.labels,
        "weights": training.weights,
        "trained_at": trained_at,
        "metadata": metadata,
    }
    models: dict[str, Scorer] = {
        "boosted": BoostedScorer.train(**arguments),
        "logistic": LearnedScorer.train(**arguments),
    }
    return models


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
    options: EvaluationOptions | None = None,
) -> TrainingReport:
    """Train on requirements before ``cutoff``; evaluate every trained model and the current one on the later ones;
    the best trained model is promoted only if it beats the current one."""
    earlier, later = time_split(requirements, cutoff=cutoff, date_of=lambda r: r.as_of(today))
    training = build_training_set(
        requirements=earlier, outcomes=outcomes, candidates=candidates, index=index, history=history, today=today
    )
    metadata = {"cutoff": cutoff.isoformat(), "requirements": len(set(training.requirement_ids.tolist()))}
    models = train_candidates(training, trained_at=trained_at, metadata=metadata)
    table = compare(
        requirements=later,
        relevant=relevant_suppliers(outcomes, today=today),
        candidates=candidates,
        index=index,
        history=history or TrackRecord(),
        scorers={**{f"{LEARNED} ({name})": model for name, model in models.items()}, CURRENT: current},
        today=today,
        k=k,
        options=options,
    )
    best_name = max(models, key=lambda name: _merit(table.rows[f"{LEARNED} ({name})"], k))
    best = models[best_name]
    promote = should_promote(new=table.rows[f"{LEARNED} ({best_name})"], current=table.rows[CURRENT], k=k)
    return TrainingReport(
        scorer=best,
        table=table,
        promote=promote,
        training_examples=len(training.labels),
        candidates={name: table.rows[f"{LEARNED} ({name})"] for name in models},
    )


def _merit(metrics: dict[str, float], k: int) -> tuple[float, float]:
    return (metrics[f"ndcg@{k}"], metrics[f"hit@{k}"])
