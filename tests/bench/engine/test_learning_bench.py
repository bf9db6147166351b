"""Learning to rank at scale: 100,000 synthetic suppliers with 200,000 past awards. Run with `make bench`.

Prints the time to build the track record (deal arrays and the TF-IDF of deal texts), to build the training set
from 2,000 past requirements and to train the boosted model, then one match run's p50/p95 with it at 100,000
suppliers (target ≤ 200 ms p95, issue 10) and the memory the track record holds.
"""

import datetime as dt
import resource
import statistics
import time
from dataclasses import replace

import numpy as np
import pytest

from matching.engine.boosting import BoostedScorer
from matching.engine.candidates import CandidateMatrix
from matching.engine.documents import AWARD, HistoryEvent, RequirementRecord
from matching.engine.history import TrackRecord
from matching.engine.learning import Outcome, build_training_set
from matching.engine.ranker import rank
from matching.engine.synthetic import TODAY, generate_requirements, generate_suppliers
from matching.engine.text import SupplierTextIndex

SUPPLIERS = 100_000
AWARDS = 200_000
BUYERS = 400
TRAINING_REQUIREMENTS = 500
RUNS = 50
TOP_K = 50


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def awards_and_queries(suppliers, rng):
    """Past awards (each a historic requirement) where buyers mostly return to a few incumbents per category."""
    active = rng.choice(len(suppliers), size=20_000, replace=False)
    by_category: dict = {}
    for position in active:
        for code in suppliers[position].all_categories()[:1]:
            by_category.setdefault(code, []).append(suppliers[position].supplier_id)
    categories = list(by_category)
    events, requirements, outcomes = [], [], []
    start = TODAY - dt.timedelta(days=1_500)
    for number in range(AWARDS):
        code = categories[int(rng.integers(len(categories)))]
        pool = by_category[code]
        buyer = int(rng.integers(1, BUYERS + 1))
        incumbent = pool[(buyer * 7919) % len(pool)]
        winner = incumbent if rng.random() < 0.6 else pool[int(rng.integers(len(pool)))]
        day = start + dt.timedelta(days=int(number * 1_500 / AWARDS))
        title = f"Suministro {code[1]} lote {number % 97}"
        events.append(
            HistoryEvent(
                supplier_id=winner, buyer_id=buyer, occurred_on=day, stage=AWARD, category=code, text=title,
                value=float(rng.integers(1_000, 1_000_000)), linkage_id=number,
            )
        )  # fmt: skip
        created = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
        requirements.append(
            RequirementRecord(
                requirement_id=number, buyer_id=buyer, title=title, categories=(code,), created_at=created
            )
        )
        outcomes.append(Outcome(requirement_id=number, supplier_id=winner, stage=AWARD, occurred_on=day))
    return events, requirements, outcomes


@pytest.mark.timeout(3_600)
def test_learning_at_100k_suppliers_and_200k_awards():
    rng = np.random.default_rng(11)
    rows = []
    suppliers = generate_suppliers(count=SUPPLIERS, seed=0)
    index = SupplierTextIndex().fit(suppliers)
    candidates = CandidateMatrix(suppliers)
    events, requirements, outcomes = awards_and_queries(suppliers, rng)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    history = TrackRecord(events)
    rows.append(
        (
            f"track record from {AWARDS:,} awards (deal arrays + deal-text TF-IDF)",
            f"{time.perf_counter() - started:.1f} s",
        )
    )
    deals = history.deals
    held = sum(a.nbytes for a in (deals.supplier_id, deals.buyer_id, deals.day, deals.category, deals.log_value))
    held += deals.texts.data.nbytes + deals.texts.indices.nbytes + deals.texts.indptr.nbytes
    rows.append(("deal history held (arrays + text matrix)", f"{held / 2**20:.0f} MiB"))

    started = time.perf_counter()
    training = build_training_set(
        requirements=requirements[-TRAINING_REQUIREMENTS:],
        outcomes=outcomes,
        candidates=candidates,
        index=index,
        history=history,
        today=TODAY,
    )
    featurise = time.perf_counter() - started
    each = featurise / TRAINING_REQUIREMENTS * 1000
    rows.append(
        (
            f"training set from {TRAINING_REQUIREMENTS:,} past requirements",
            f"{featurise:.1f} s ({each:.0f} ms each), {len(training.labels):,} rows",
        )
    )
    started = time.perf_counter()
    scorer = BoostedScorer.train(
        features=training.features, labels=training.labels, trained_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    )
    rows.append(("train the boosted model (300 rounds, 2 threads)", f"{time.perf_counter() - started:.1f} s"))

    queries = generate_requirements(count=RUNS, seed=3)
    queries = [replace(query, buyer_id=int(rng.integers(1, BUYERS + 1))) for query in queries]
    options = {"candidates": candidates, "index": index, "history": history, "scorer": scorer, "today": TODAY}
    rank(requirement=queries[0], top_k=TOP_K, **options)  # warm-up
    durations, stages = [], []
    for query in queries:
        started = time.perf_counter()
        result = rank(requirement=query, top_k=TOP_K, **options)
        durations.append((time.perf_counter() - started) * 1000)
        stages.append(result.timings_ms)
        assert len(result.matches) == TOP_K
    p50, p95 = statistics.median(durations), percentile(durations, 0.95)
    rows.append((f"match run with the boosted model, top {TOP_K} explained: p50", f"{p50:.0f} ms"))
    rows.append((f"match run with the boosted model, top {TOP_K} explained: p95", f"{p95:.0f} ms  (target ≤ 200 ms)"))
    for stage in ("constraints", "text", "features", "scoring", "ordering", "explanations"):
        rows.append((f"  stage {stage}: p50", f"{statistics.median(s[stage] for s in stages):.1f} ms"))
    rows.append(
        (
            "process max RSS before / after the track record and training",
            f"{rss_before:.0f} / {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB",
        )
    )

    width = max(len(name) for name, _ in rows)
    print(f"\n\nLearning benchmark ({SUPPLIERS:,} suppliers, {AWARDS:,} past awards)")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    assert len(np.unique(training.labels)) == 2
