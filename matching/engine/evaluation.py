"""Offline evaluation: hit@1/5/k, MRR and NDCG@k (binary relevance) on a time split, scorers side by side.

A query is one requirement with the suppliers that proved relevant afterwards (a meeting, a transaction, an
award). Rankers are compared on the requirements created after the cutoff, with history read only up to each
requirement's creation, beside the baseline a procurement officer would use without the engine. Each figure comes
with a bootstrap 95 % interval over the queries; the same figures are given on the "new pairs" (queries whose
relevant supplier had never dealt with this buyer before), and "newcomer exposure" is the share of the first k
places given to suppliers with no past linkage with the buyer.
"""

import datetime as dt
import math
import random
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np

from .candidates import CandidateMatrix
from .categories import SAME, SAME_GROUP
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


def summarise(
    runs: Iterable[tuple[Sequence[int], Collection[int]]], *, k: int = DEFAULT_K, bootstrap: int = 0, seed: int = 7
) -> dict[str, float]:
    """Mean hit@1/5/k, MRR and NDCG@k over (ranked ids, relevant ids) pairs; queries without relevant ids are skipped.

    With ``bootstrap`` resamples, ``<metric>_low`` and ``<metric>_high`` bound its 95 % interval."""
    runs = [(ranked, relevant) for ranked, relevant in runs if relevant]
    cutoffs = sorted({1, 5, k})
    names = [f"hit@{c}" for c in cutoffs] + ["mrr", f"ndcg@{k}"]
    if not runs:
        return {**dict.fromkeys(names, 0.0), "queries": 0}
    per_query = np.array(
        [
            [hit_at_k(r, rel, k=c) for c in cutoffs] + [reciprocal_rank(r, rel), ndcg_at_k(r, rel, k=k)]
            for r, rel in runs
        ]
    )
    summary: dict[str, float] = {name: float(math.fsum(per_query[:, i]) / len(runs)) for i, name in enumerate(names)}
    summary["queries"] = len(runs)
    if bootstrap:
        rng = np.random.default_rng(seed)
        draws = rng.integers(0, len(runs), size=(bootstrap, len(runs)))
        means = per_query[draws].mean(axis=1)  # bootstrap × metrics
        low, high = np.percentile(means, [2.5, 97.5], axis=0)
        for i, name in enumerate(names):
            summary[f"{name}_low"], summary[f"{name}_high"] = float(low[i]), float(high[i])
    return summary


def time_split(items: Iterable[T], *, cutoff: dt.date, date_of: Callable[[T], dt.date]) -> tuple[list[T], list[T]]:
    """(before, on or after) the cutoff: train on the past, evaluate on what came later."""
    before, after = [], []
    for item in items:
        (before if date_of(item) < cutoff else after).append(item)
    return before, after


def quantile_cutoff(days: Sequence[dt.date], share: float) -> dt.date | None:
    """The day from which the last ``1 - share`` of ``days`` (sorted) begin: 0.8 keeps the first 80 % as history."""
    days = sorted(days)
    if not days:
        return None
    return days[min(len(days) - 1, int(len(days) * share))]


def baseline_ranker(*, requirement: RequirementRecord, history: TrackRecord, as_of: dt.date) -> list[int]:
    """What a procurement officer would do without the engine: the suppliers this buyer already used for this code
    (most deals first), then the most-awarded for the code, then for its group (first three digits), then overall."""
    categories = requirement.categories
    tiers = [
        history.deal_counts(categories=categories, as_of=as_of, buyer_id=requirement.buyer_id, min_closeness=SAME),
        history.deal_counts(categories=categories, as_of=as_of, min_closeness=SAME),
        history.deal_counts(categories=categories, as_of=as_of, min_closeness=SAME_GROUP),
    ]
    overall = history.deal_counts(categories=categories, as_of=as_of, min_closeness=0.0)
    ranked: list[int] = []
    seen: set[int] = set()
    for counts in (*tiers, overall):
        for supplier in sorted(counts, key=lambda s: (-counts[s], -overall.get(s, 0), s)):
            if supplier not in seen:
                seen.add(supplier)
                ranked.append(supplier)
            if len(ranked) >= RANK_DEPTH:
                return ranked
    return ranked


BASELINE_NAME = "baseline (buyer's suppliers, then most awarded)"


@dataclass(frozen=True)
class EvaluationOptions:
    sample: int | None = None  # evaluate on this many queries drawn at random (seeded), all when None
    seed: int = 7
    # The shared protocol: keep queries whose relevant supplier dealt before ``history_until`` (a supplier nobody
    # has seen cannot be ranked from history).
    known_suppliers_only: bool = False
    history_until: dt.date | None = None
    # The shared protocol again: later requirements see the history up to the cutoff only, as tenders published
    # after importing the first 80 % of the awards would (otherwise each sees everything before its own date).
    freeze_history: bool = False
    newcomer_slots: int = 0
    bootstrap: int = 1_000


@dataclass(frozen=True)
class ComparisonTable:
    k: int
    rows: dict[str, dict[str, float]]  # ranker name → metrics

    def columns(self) -> list[str]:
        return [*(f"hit@{c}" for c in sorted({1, 5, self.k})), "mrr", f"ndcg@{self.k}", "queries"]

    def format(self) -> str:
        width = max([40, *(len(name) + 2 for name in self.rows)])
        k = self.k
        header = f"{'ranker':<{width}}" + "".join(f"{name:>9}" for name in self.columns())
        header += f"{f'hit@{k} 95% CI':>17}{'MRR 95% CI':>17}"
        lines = [header, "-" * len(header)]
        for name, metrics in self.rows.items():
            lines.append(f"{name:<{width}}" + self._values(metrics, ""))
        lines += [
            "",
            "New pairs: the relevant supplier had never dealt with this buyer before",
            header,
            "-" * len(header),
        ]
        for name, metrics in self.rows.items():
            lines.append(f"{name:<{width}}" + self._values(metrics, "new_pairs_"))
        lines += ["", f"Newcomer exposure: share of the first {k} places given to suppliers with no past linkage with "
                  "the buyer"]  # fmt: skip
        for name, metrics in self.rows.items():
            lines.append(f"{name:<{width}}{metrics.get('newcomer_exposure', 0.0):>9.3f}")
        return "\n".join(lines)

    def _values(self, metrics: dict, prefix: str) -> str:
        values = "".join(
            f"{metrics.get(prefix + c, 0):>9.0f}" if c == "queries" else f"{metrics.get(prefix + c, 0.0):>9.3f}"
            for c in self.columns()
        )
        for name in (f"hit@{self.k}", "mrr"):
            low, high = metrics.get(f"{prefix}{name}_low"), metrics.get(f"{prefix}{name}_high")
            values += f"{f'{low:.3f}–{high:.3f}':>17}" if low is not None else f"{'':>17}"
        return values


def select_queries(
    requirements: Sequence[RequirementRecord],
    relevant: Mapping[int, Collection[int]],
    *,
    history: TrackRecord,
    today: dt.date,
    options: EvaluationOptions,
) -> list[RequirementRecord]:
    """The requirements to evaluate on: with a relevant supplier (known before the cutoff, when asked), in date
    order, then a seeded sample of them when asked."""
    queries = sorted(
        (r for r in requirements if relevant.get(r.requirement_id)), key=lambda r: (r.as_of(today), r.requirement_id)
    )
    if options.known_suppliers_only:
        until = options.history_until or min((r.as_of(today) for r in queries), default=today)
        seen = set(history.deal_counts(categories=(), as_of=until, min_closeness=0.0))
        queries = [r for r in queries if seen & set(relevant[r.requirement_id])]
    if options.sample is not None and options.sample < len(queries):
        queries = random.Random(options.seed).sample(queries, options.sample)  # noqa: S311 (reproducible sampling)
    return queries


def _outcome_metrics(
    runs: list[tuple[list[int], set[int], bool, float]], *, k: int, options: EvaluationOptions
) -> dict[str, float]:
    metrics = summarise([(r, rel) for r, rel, _new, _exp in runs], k=k, bootstrap=options.bootstrap, seed=options.seed)
    new_pairs = summarise(
        [(r, rel) for r, rel, new, _exp in runs if new], k=k, bootstrap=options.bootstrap, seed=options.seed
    )
    metrics.update({f"new_pairs_{name}": value for name, value in new_pairs.items()})
    metrics["newcomer_exposure"] = float(np.mean([exposure for *_rest, exposure in runs])) if runs else 0.0
    return metrics


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
    options: EvaluationOptions | None = None,
) -> ComparisonTable:
    """Metrics of each scorer (and the baseline) on the same requirements and relevant suppliers."""
    options = options or EvaluationOptions()
    queries = select_queries(requirements, relevant, history=history, today=today, options=options)
    context = []
    for requirement in queries:
        as_of = requirement.as_of(today)
        if options.freeze_history and options.history_until and options.history_until < as_of:
            as_of = options.history_until
            requirement = replace(requirement, created_at=dt.datetime.combine(as_of, dt.time(), tzinfo=dt.UTC))
        partners = history.partners(buyer_id=requirement.buyer_id, as_of=as_of)
        suppliers = set(relevant[requirement.requirement_id])
        dealt = set(history.deal_counts(categories=(), as_of=as_of, buyer_id=requirement.buyer_id, min_closeness=0.0))
        context.append((requirement, as_of, suppliers, not (suppliers & dealt), partners))

    def exposure(ranked: Sequence[int], partners: set[int]) -> float:
        top = list(ranked[:k])
        return sum(1 for supplier in top if supplier not in partners) / len(top) if top else 0.0

    rows: dict[str, dict[str, float]] = {}
    for name, scorer in scorers.items():
        runs = []
        for requirement, as_of, suppliers, new_pair, partners in context:
            result = rank(
                requirement=requirement,
                candidates=candidates,
                index=index,
                history=history,
                scorer=scorer,
                today=as_of,
                top_k=RANK_DEPTH,
                explain=False,
                newcomer_slots=options.newcomer_slots,
                slots_within=k,
            )
            ranked = result.supplier_ids()
            runs.append((ranked, suppliers, new_pair, exposure(ranked, partners)))
        rows[name] = _outcome_metrics(runs, k=k, options=options)
    if include_baseline:
        runs = []
        for requirement, as_of, suppliers, new_pair, partners in context:
            ranked = baseline_ranker(requirement=requirement, history=history, as_of=as_of)[:RANK_DEPTH]
            runs.append((ranked, suppliers, new_pair, exposure(ranked, partners)))
        rows[BASELINE_NAME] = _outcome_metrics(runs, k=k, options=options)
    return ComparisonTable(k=k, rows=rows)
