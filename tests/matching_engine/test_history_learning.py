"""History features, the boosted ranker, newcomer slots and the evaluation on award history — no database."""

import datetime as dt
import math

import numpy as np
import pytest

from matching.engine.boosting import BoostedScorer
from matching.engine.candidates import CandidateMatrix
from matching.engine.documents import CPV, CapabilityRecord, HistoryEvent, RequirementRecord, SupplierRecord
from matching.engine.evaluation import EvaluationOptions, baseline_ranker, compare, summarise
from matching.engine.features import COLUMN, FEATURES, feature_matrix
from matching.engine.history import HISTORY_FEATURES, TrackRecord
from matching.engine.learning import Outcome, build_training_set, train_and_evaluate
from matching.engine.ranker import rank, reserve_newcomer_slots
from matching.engine.scoring import DefaultScorer
from matching.engine.text import SupplierTextIndex

DAY = dt.date(2024, 6, 1)
BUYER, OTHER_BUYER = 7, 8


def award(supplier, buyer, day, code="33141125", value=0.0, text="", linkage=None):
    return HistoryEvent(
        supplier_id=supplier,
        buyer_id=buyer,
        occurred_on=day,
        stage="award",
        category=(CPV, code),
        value=value,
        text=text,
        linkage_id=linkage,
    )


def need(**fields):
    fields.setdefault("requirement_id", 1)
    fields.setdefault("buyer_id", BUYER)
    fields.setdefault("categories", ((CPV, "33141125"),))
    fields.setdefault("created_at", dt.datetime.combine(DAY, dt.time(12), tzinfo=dt.UTC))
    return RequirementRecord(**fields)


def history_row(history, requirement, ids):
    matrix = history.history_features(requirement=requirement, supplier_ids=np.array(ids), as_of=DAY)
    return [dict(zip(HISTORY_FEATURES, row, strict=True)) for row in matrix]


def test_history_features_count_only_deals_strictly_before_the_requirement():
    before, same_day, after = DAY - dt.timedelta(days=30), DAY, DAY + dt.timedelta(days=1)
    history = TrackRecord(
        [
            award(1, BUYER, before),
            award(1, BUYER, same_day),  # the day of the requirement: not yet known
            award(1, BUYER, after),  # the future
            award(2, BUYER, after),
        ]
    )
    one, two = history_row(history, need(), [1, 2])
    assert one["buyer_same_code"] == pytest.approx(math.log1p(1) / math.log1p(100))
    assert one["supplier_deals"] == pytest.approx(math.log1p(1) / math.log1p(100))
    assert one["buyer_recency"] == pytest.approx(math.exp(-30 / 365))
    assert all(value == 0 for name, value in two.items() if name != "value_fit")  # only future deals
    assert two["value_fit"] == 0.5  # neutral without values


def test_counts_grow_on_a_log_scale_and_separate_code_group_division_and_any_category():
    deals = [award(1, BUYER, DAY - dt.timedelta(days=i + 1)) for i in range(10)]  # ten in the very code
    deals += [award(2, BUYER, DAY - dt.timedelta(days=5))]  # one in the very code
    deals += [award(3, BUYER, DAY - dt.timedelta(days=5), code="33141110")]  # same group 331, not nested
    deals += [award(4, BUYER, DAY - dt.timedelta(days=5), code="33600000")]  # same division 33 only
    deals += [award(5, BUYER, DAY - dt.timedelta(days=5), code="45000000")]  # the buyer, another division
    deals += [award(6, OTHER_BUYER, DAY - dt.timedelta(days=5))]  # the code, another buyer
    rows = history_row(TrackRecord(deals), need(), [1, 2, 3, 4, 5, 6])
    ten, one, group, division, elsewhere, other = rows
    assert ten["buyer_same_code"] > 3 * one["buyer_same_code"] > 0  # 10 deals is not "about the same" as 1
    assert ten["buyer_same_code"] < 1  # and does not saturate
    assert (group["buyer_same_code"], group["buyer_same_group"], group["buyer_same_division"]) == (
        0,
        one["buyer_same_code"],
        one["buyer_same_code"],
    )
    assert division["buyer_same_group"] == 0 < division["buyer_same_division"]
    assert elsewhere["buyer_same_division"] == 0 < elsewhere["buyer_any_category"]
    assert other["buyer_any_category"] == 0 < other["category_deals"]
    # share of the code's deals: 10 of 12 deals in 33141125 before the day
    assert ten["category_share"] == pytest.approx(10 / 12)
    assert other["category_share"] == pytest.approx(1 / 12)


def test_value_fit_and_past_deal_text():
    history = TrackRecord(
        [
            award(1, OTHER_BUYER, DAY - dt.timedelta(days=9), value=100_000, text="Suturas quirúrgicas absorbibles"),
            award(2, OTHER_BUYER, DAY - dt.timedelta(days=9), value=100, text="Servicio de limpieza de oficinas"),
        ]
    )
    requirement = need(title="Suturas quirurgicas", estimated_value=120_000.0)
    close, far = history_row(history, requirement, [1, 2])
    assert close["value_fit"] > 0.9 > 0.1 > far["value_fit"]
    assert close["past_deal_text"] > 0.3 > far["past_deal_text"]


def test_a_category_learned_from_an_award_counts_only_after_that_award():
    learned = CapabilityRecord(category=(CPV, "33141125"), description="Suturas", since=DAY + dt.timedelta(days=3))
    declared = CapabilityRecord(category=(CPV, "33141125"), description="Suturas")
    candidates = CandidateMatrix(
        [
            SupplierRecord(supplier_id=1, capabilities=(learned,)),
            SupplierRecord(supplier_id=2, capabilities=(declared,)),
        ]
    )
    assert candidates.category_closeness([(CPV, "33141125")], as_of=DAY).tolist() == [0.0, 1.0]
    later = DAY + dt.timedelta(days=4)
    assert candidates.category_closeness([(CPV, "33141125")], as_of=later).tolist() == [1.0, 1.0]
    # and an award's title stays out of the supplier's text (the track record reads it with its date)
    assert "Suturas" not in SupplierRecord(supplier_id=1, capabilities=(learned,)).document()


def test_feature_matrix_has_every_feature_in_range():
    suppliers = [SupplierRecord(supplier_id=i, country="DE", region="bayern" if i % 2 else "") for i in range(1, 5)]
    candidates = CandidateMatrix(suppliers)
    history = TrackRecord([award(1, BUYER, DAY - dt.timedelta(days=3), text="Nahtmaterial")])
    requirement = need(title="Nahtmaterial", delivery_country="DE", delivery_region="Bayern")
    features = feature_matrix(
        requirement=requirement, candidates=candidates, text_cosine=np.zeros(4), history=history, today=DAY
    )
    assert features.shape == (4, len(FEATURES))
    assert ((features >= 0) & (features <= 1)).all()
    assert features[:, COLUMN["same_region"]].tolist() == [1.0, 0.5, 1.0, 0.5]
    assert features[0, COLUMN["text_relevance"]] == features[0, COLUMN["past_deal_text"]] > 0  # what it delivered


def _planted(rng, rows):
    """Labels that need an interaction: a win takes both a deal with the buyer in the code and relevant text."""
    features = rng.random((rows, len(FEATURES)))
    wins = (features[:, COLUMN["buyer_same_code"]] > 0.6) & (features[:, COLUMN["text_relevance"]] > 0.5)
    labels = (wins & (rng.random(rows) < 0.9)) | (rng.random(rows) < 0.02)
    return features, labels.astype(int)


def test_boosted_scorer_learns_a_planted_interaction_and_explains_every_score_exactly(tmp_path):
    rng = np.random.default_rng(3)
    features, labels = _planted(rng, 6_000)
    scorer = BoostedScorer.train(
        features=features, labels=labels, trained_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), rounds=120
    )
    test, truth = _planted(rng, 2_000)
    predicted = scorer.scores(test)
    top = np.argsort(-predicted)[: int(truth.sum())]
    assert truth[top].mean() > 0.8  # precision at the number of winners, against a base rate of ~0.15
    scores, components = scorer.score(test)
    np.testing.assert_allclose(components.sum(axis=1), scores, rtol=0, atol=1e-12)
    np.testing.assert_allclose(scores, predicted, rtol=0, atol=1e-9)
    assert scorer.component_names[-1] == "baseline"
    assert components.shape[1] == len(FEATURES) + 1
    importances = scorer.importances()
    assert importances["buyer_same_code"] + importances["text_relevance"] > 0.5
    scorer.save(tmp_path / "model.joblib")
    again = BoostedScorer.load(tmp_path / "model.joblib")
    assert again.version == scorer.version
    np.testing.assert_array_equal(again.scores(test), predicted)


def test_newcomer_slots_give_the_best_newcomers_places_without_reordering_the_rest():
    ordered = np.arange(12)
    newcomer = np.zeros(12, dtype=bool)
    newcomer[[4, 9, 11]] = True
    result = reserve_newcomer_slots(ordered, newcomer, slots=3, k=10)
    assert result[:10].tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 9, 11]
    assert result[10:].tolist() == [8, 10]
    assert reserve_newcomer_slots(ordered, newcomer, slots=0, k=10).tolist() == ordered.tolist()
    assert reserve_newcomer_slots(ordered, np.zeros(12, dtype=bool), slots=3, k=10).tolist() == ordered.tolist()
    # already enough newcomers in the first k: nothing moves
    assert reserve_newcomer_slots(ordered, newcomer, slots=1, k=10).tolist() == ordered.tolist()


def test_baseline_follows_the_protocol_buyer_code_then_code_then_group_then_overall():
    before = DAY - dt.timedelta(days=10)
    history = TrackRecord(
        [
            award(1, OTHER_BUYER, before),
            award(1, OTHER_BUYER, before),
            award(1, OTHER_BUYER, before),  # most awarded in the code
            award(2, BUYER, before),  # the buyer's supplier for the code
            award(3, OTHER_BUYER, before, code="33141110"),  # the group
            award(4, OTHER_BUYER, before, code="45000000"),
            award(4, OTHER_BUYER, before, code="45000000"),  # overall
            award(5, BUYER, DAY + dt.timedelta(days=1)),  # the future
        ]
    )
    assert baseline_ranker(requirement=need(), history=history, as_of=DAY) == [2, 1, 3, 4]


def test_bootstrap_interval_brackets_the_mean():
    runs = [([1], {1})] * 30 + [([2], {1})] * 70
    summary = summarise(runs, k=10, bootstrap=500)
    assert summary["hit@10"] == pytest.approx(0.3)
    assert summary["hit@10_low"] < 0.3 < summary["hit@10_high"]
    assert summary["hit@10_high"] - summary["hit@10_low"] < 0.25


def _award_world(requirements=160, suppliers=60, seed=11):
    """A buyer population whose awards go mostly to its incumbents in the code; every past award is a requirement."""
    rng = np.random.default_rng(seed)
    codes = ["33141125", "33141110", "45233140", "79710000", "30192000"]
    titles = {
        "33141125": "Nahtmaterial chirurgisch",
        "33141110": "Verbandmaterial",
        "45233140": "Strassenbauarbeiten",
        "79710000": "Sicherheitsdienste",
        "30192000": "Bueromaterial",
    }
    records = [SupplierRecord(supplier_id=s, name=f"Firma {s}", country="DE") for s in range(1, suppliers + 1)]
    incumbents = {(b, c): rng.choice(suppliers, size=2, replace=False) + 1 for b in range(1, 9) for c in codes}
    events, reqs, outcomes = [], [], []
    start = dt.date(2020, 1, 1)
    for i in range(requirements):
        day = start + dt.timedelta(days=int(i * 7))
        buyer, code = int(rng.integers(1, 9)), codes[int(rng.integers(len(codes)))]
        winner = (
            int(rng.choice(incumbents[(buyer, code)])) if rng.random() < 0.8 else int(rng.integers(1, suppliers + 1))
        )
        requirement_id = 1000 + i
        reqs.append(
            RequirementRecord(
                requirement_id=requirement_id,
                buyer_id=buyer,
                title=titles[code],
                categories=((CPV, code),),
                created_at=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC),
            )
        )
        events.append(award(winner, buyer, day, code=code, text=titles[code], linkage=requirement_id))
        outcomes.append(Outcome(requirement_id=requirement_id, supplier_id=winner, stage="award", occurred_on=day))
    return records, TrackRecord(events), reqs, outcomes


def test_imported_history_trains_with_sampled_negatives_and_beats_the_default_weights():
    records, history, requirements, outcomes = _award_world()
    candidates, index = CandidateMatrix(records), SupplierTextIndex().fit(records)
    today = dt.date(2023, 12, 31)
    training = build_training_set(
        requirements=requirements[:100],
        outcomes=outcomes,
        candidates=candidates,
        index=index,
        history=history,
        today=today,
        hard_negatives=5,
        random_negatives=5,
    )
    assert training.labels.sum() == 100  # the winners
    assert (training.labels == 0).sum() == 100 * 10  # and ten negatives each: positives alone teach nothing
    report = train_and_evaluate(
        requirements=requirements,
        outcomes=outcomes,
        candidates=candidates,
        index=index,
        history=history,
        current=DefaultScorer(),
        cutoff=requirements[110].created_at.date(),
        today=today,
        trained_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        options=EvaluationOptions(bootstrap=200),
    )
    best = report.table.rows[f"learned ({'boosted' if report.scorer.version.startswith('boosted') else 'logistic'})"]
    assert best["queries"] == 50
    assert best["hit@10"] > report.table.rows["current"]["hit@10"]
    assert report.promote
    assert "New pairs" in report.table.format()
    assert "Newcomer exposure" in report.table.format()


def test_ranking_with_a_boosted_model_marks_newcomers_and_reserves_their_slots():
    records, history, requirements, outcomes = _award_world()
    candidates, index = CandidateMatrix(records), SupplierTextIndex().fit(records)
    training = build_training_set(
        requirements=requirements,
        outcomes=outcomes,
        candidates=candidates,
        index=index,
        history=history,
        today=dt.date(2024, 1, 1),
    )
    scorer = BoostedScorer.train(
        features=training.features, labels=training.labels, trained_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )
    query = RequirementRecord(
        requirement_id=1,
        buyer_id=requirements[-1].buyer_id,
        title=requirements[-1].title,
        categories=requirements[-1].categories,
    )
    plain = rank(
        requirement=query, candidates=candidates, index=index, history=history, scorer=scorer,
        today=dt.date(2024, 1, 1), top_k=10,
    )  # fmt: skip
    reserved = rank(
        requirement=query, candidates=candidates, index=index, history=history, scorer=scorer,
        today=dt.date(2024, 1, 1), top_k=10, newcomer_slots=4,
    )  # fmt: skip
    assert sum(m.newcomer for m in reserved.matches) >= 4
    assert sum(m.newcomer for m in plain.matches) <= sum(m.newcomer for m in reserved.matches)
    for match in reserved.matches:
        assert math.fsum(match.components.values()) == pytest.approx(match.score, abs=1e-12)
    incumbents = [m for m in plain.matches if not m.newcomer]
    assert incumbents
    assert all(m.features["buyer_any_category"] > 0 for m in incumbents)


def test_the_protocol_freezes_history_at_the_cutoff():
    """Later awards are never history under the protocol: the second later tender must not see the first's award."""
    cutoff = dt.date(2024, 1, 1)
    first, second = dt.date(2024, 2, 1), dt.date(2024, 3, 1)
    events = [award(1, BUYER, cutoff - dt.timedelta(days=30))]
    events += [award(2, BUYER, first), award(2, BUYER, first + dt.timedelta(days=10)), award(2, BUYER, second)]
    history = TrackRecord(events)
    requirements = [
        need(requirement_id=10, created_at=dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)),
        need(requirement_id=11, created_at=dt.datetime.combine(second, dt.time(), tzinfo=dt.UTC)),
    ]
    relevant = {10: {2}, 11: {2}}
    records = [SupplierRecord(supplier_id=i) for i in (1, 2)]
    candidates, index = CandidateMatrix(records), SupplierTextIndex().fit(records)

    def baseline_hit_at_1(**options):
        chosen = EvaluationOptions(history_until=cutoff, bootstrap=0, **options)
        table = compare(
            requirements=requirements, relevant=relevant, candidates=candidates, index=index, history=history,
            scorers={}, today=dt.date(2024, 6, 1), options=chosen,
        )  # fmt: skip
        return next(iter(table.rows.values()))["hit@1"]

    assert baseline_hit_at_1() == 0.5  # the second tender saw the first's award to supplier 2
    assert baseline_hit_at_1(freeze_history=True) == 0.0  # frozen: both see only supplier 1
    # supplier 2 never dealt before the cutoff: the protocol drops both queries when asked for known suppliers
    table = compare(
        requirements=requirements, relevant=relevant, candidates=candidates, index=index, history=history, scorers={},
        today=dt.date(2024, 6, 1), options=EvaluationOptions(history_until=cutoff, known_suppliers_only=True),
    )  # fmt: skip
    assert next(iter(table.rows.values()))["queries"] == 0
