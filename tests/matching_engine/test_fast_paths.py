"""The engine's fast paths give exactly what the straightforward computations they replaced give.

Each reference below is the computation as it was before (a whole-matrix product, one sort and search of every
deal per run, one scorer call per candidate): the fast path must match it bit for bit, so the learning bench's
speed-ups change no score, order, feature or gap.
"""

import copy
import datetime as dt
import math

import joblib
import numpy as np
import pytest
from scipy import sparse

from matching.engine.boosting import BoostedScorer
from matching.engine.candidates import KEEP_TAKES_FROM, CandidateMatrix
from matching.engine.categories import NESTED, SAME_DIVISION, SAME_GROUP
from matching.engine.documents import AWARD, CPV, TRANSACTION, HistoryEvent, RequirementRecord
from matching.engine.features import FEATURES, distances_km, feature_matrix
from matching.engine.gaps import find_gaps, find_gaps_of_rows
from matching.engine.history import (
    BUYER_SHARE,
    CATEGORY_SHARE,
    HALF_LIFE_DAYS,
    HISTORY_FEATURES,
    NEUTRAL_VALUE_FIT,
    PAST_TEXT_SATURATION,
    RECENCY_SCALE_DAYS,
    VALUE_SCALE,
    TrackRecord,
    rows_in,
    squash_count,
)
from matching.engine.ranker import rank
from matching.engine.scoring import DefaultScorer
from matching.engine.synthetic import TODAY, generate_requirements, generate_suppliers
from matching.engine.text import SupplierTextIndex

WORDS = (
    "acero", "inoxidable", "mecanizado", "cnc", "titanio", "implantes", "aluminio", "usinagem", "peças", "transporte",
    "refrigerado", "carga", "cartón", "corrugado", "quesos", "leche", "plástico", "inyección", "policarbonato",
    "moldes", "soldadura", "tornillos", "válvulas", "bombas", "envases", "etiquetas", "impresión", "guantes",
    "nitrilo", "suturas", "catéteres", "jeringas", "316l", "iso", "13485", "9001", "grado", "lote",
)  # fmt: skip


def random_texts(rng, count, *, words=(3, 12)):
    return [" ".join(rng.choice(WORDS, size=int(rng.integers(*words)))) for _ in range(count)]


# -- text relevance ---------------------------------------------------------------------------------------------


def relevance_by_rows(index: SupplierTextIndex, text: str, ids=None) -> np.ndarray:
    """The computation before the matrix was stored column-wise: every row times a dense query vector."""
    rows_matrix = sparse.csr_matrix(index.matrix)
    query = index.vectorise(text)
    dense = np.zeros(rows_matrix.shape[1], dtype=np.float32)
    dense[query.indices] = query.data
    everyone = np.clip((rows_matrix @ dense).astype(np.float64), 0.0, 1.0)
    if ids is None:
        return everyone
    rows = index.rows_of(ids)
    known = rows >= 0
    scores = np.zeros(len(rows))
    scores[known] = everyone[rows[known]]
    return scores


@pytest.fixture(scope="module")
def random_index():
    rng = np.random.default_rng(5)
    ids = rng.permutation(np.arange(1, 1_301)) * 3
    index = SupplierTextIndex(fit_sample=1_000).fit_documents(ids=ids.tolist(), documents=random_texts(rng, len(ids)))
    return index, ids, rng


def test_column_wise_relevance_equals_the_row_wise_product(random_index):
    index, ids, rng = random_index
    assert index.matrix.format == "csc"
    for text in [*random_texts(rng, 40, words=(1, 15)), "", "zzz", "ISO 13485 acero"]:
        assert np.abs(index.relevance(text) - relevance_by_rows(index, text)).max() <= 1e-12
        assert np.array_equal(index.relevance(text), relevance_by_rows(index, text))
        some = np.concatenate([rng.choice(ids, size=int(rng.integers(1, 400)), replace=False), [7, 10**9]])
        assert np.array_equal(index.relevance(text, ids=some), relevance_by_rows(index, text, some))


def test_relevance_stays_equal_after_upserts_and_removals(random_index):
    _index, ids, rng = random_index
    changed = SupplierTextIndex(fit_sample=1_000).fit_documents(ids=ids.tolist(), documents=random_texts(rng, len(ids)))
    changed.upsert_documents(ids=[ids[0], 5, 8], documents=random_texts(rng, 3))
    changed.remove([ids[1], ids[2]])
    assert changed.matrix.format == "csc"
    for text in random_texts(rng, 10):
        assert np.array_equal(changed.relevance(text), relevance_by_rows(changed, text))
        assert np.array_equal(changed.relevance(text, ids=ids[:50]), relevance_by_rows(changed, text, ids[:50]))


def test_the_kept_rows_of_a_candidate_array_follow_upserts_and_removals(random_index):
    _index, ids, rng = random_index
    changed = SupplierTextIndex(fit_sample=1_000).fit_documents(ids=ids.tolist(), documents=random_texts(rng, len(ids)))
    asked = np.concatenate([ids[:300], [5, 8]])  # the same array object each time, as a run's candidates are
    text = "acero inoxidable mecanizado"
    assert np.array_equal(changed.relevance(text, ids=asked), relevance_by_rows(changed, text, asked))
    changed.upsert_documents(ids=[5, 8], documents=["acero inoxidable", "mecanizado cnc"])
    changed.remove(ids[:10].tolist())
    assert np.array_equal(changed.relevance(text, ids=asked), relevance_by_rows(changed, text, asked))
    assert changed.relevance(text, ids=asked)[-2] > 0


def test_an_index_pickled_by_the_older_engine_turns_column_wise(random_index):
    index, ids, rng = random_index
    older = {k: v for k, v in index.__dict__.items() if k not in ("_sorted_ids", "_last_rows")}
    older["matrix"] = sparse.csr_matrix(index.matrix)  # the platform's saved state held the index as it was
    restored = SupplierTextIndex.__new__(SupplierTextIndex)
    restored.__setstate__(older)
    assert restored.matrix.format == "csc"
    for text in random_texts(rng, 5):
        assert np.array_equal(restored.relevance(text, ids=ids), index.relevance(text, ids=ids))
    assert restored._last_rows is not None  # the candidate array just asked about …
    assert restored.__getstate__()["_last_rows"] is None  # … is not saved with the index


def test_an_index_saved_row_wise_loads_and_scores_the_same(random_index, tmp_path):
    index, _ids, rng = random_index
    path = tmp_path / "index.joblib"
    index.save(path)
    payload = joblib.load(path)
    payload["matrix"] = sparse.csr_matrix(payload["matrix"])  # as indexes were saved before
    joblib.dump(payload, path)
    loaded = SupplierTextIndex.load(path)
    assert loaded.matrix.format == "csc"
    for text in random_texts(rng, 5):
        assert np.array_equal(loaded.relevance(text), index.relevance(text))


# -- history features ---------------------------------------------------------------------------------------------


def reference_history_features(history: TrackRecord, requirement, supplier_ids, as_of) -> np.ndarray:
    """DealHistory.features as it was: each deal's candidate row found by a sort and search of every deal."""
    deals = history.deals
    closeness = history.closeness_per_code(requirement.categories)
    n = len(supplier_ids)
    out = np.zeros((n, len(HISTORY_FEATURES)), dtype=np.float64, order="F")
    column = {name: i for i, name in enumerate(HISTORY_FEATURES)}
    out[:, column["value_fit"]] = NEUTRAL_VALUE_FIT
    cut = deals.before(as_of)
    if not n or not cut:
        return out
    rows = rows_in(supplier_ids, deals.supplier_id)[:cut]
    known = rows >= 0
    close = closeness[deals.category[:cut]]
    same_buyer = deals.buyer_id[:cut] == requirement.buyer_id
    in_code, in_group, in_division = close >= NESTED, close >= SAME_GROUP, close >= SAME_DIVISION

    def count(mask):
        mask = mask & known
        return np.bincount(rows[mask], minlength=n).astype(np.float64)

    out[:, column["buyer_same_code"]] = squash_count(count(same_buyer & in_code))
    out[:, column["buyer_same_group"]] = squash_count(count(same_buyer & in_group))
    out[:, column["buyer_same_division"]] = squash_count(count(same_buyer & in_division))
    out[:, column["buyer_any_category"]] = squash_count(count(same_buyer))
    category_deals = count(in_code)
    out[:, column["category_deals"]] = squash_count(category_deals)
    out[:, column["category_share"]] = category_deals / max(1, int(in_code.sum()))
    out[:, column["group_deals"]] = squash_count(count(in_group))
    out[:, column["supplier_deals"]] = squash_count(count(np.ones(cut, dtype=bool)))
    day = deals.day[:cut]
    for name, mask in (("buyer_recency", same_buyer), ("category_recency", in_group)):
        mask = mask & known
        last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
        last[rows[mask]] = day[mask]
        seen = last > np.iinfo(np.int64).min
        out[seen, column[name]] = np.exp(-(as_of.toordinal() - last[seen]) / RECENCY_SCALE_DAYS)
    if requirement.estimated_value and requirement.estimated_value > 0:
        valued = known & ~np.isnan(deals.log_value[:cut])
        totals = np.bincount(rows[valued], weights=deals.log_value[:cut][valued], minlength=n)
        numbers = np.bincount(rows[valued], minlength=n)
        has = numbers > 0
        distance = np.abs(totals[has] / numbers[has] - math.log(requirement.estimated_value))
        out[has, column["value_fit"]] = 1.0 - np.minimum(1.0, distance / VALUE_SCALE)
    similarity = deals.text_similarity(requirement.text(), cut)
    useful = known & (similarity > 0)
    if useful.any():
        best = np.zeros(n, dtype=np.float64)
        np.maximum.at(best, rows[useful], similarity[useful])
        out[:, column["past_deal_text"]] = np.minimum(1.0, best / PAST_TEXT_SATURATION)
    return np.clip(out, 0.0, 1.0, out=out)


def reference_track_record(history: TrackRecord, requirement, supplier_ids, as_of) -> np.ndarray:
    """TrackRecord.feature as it was: each useful event's candidate row found by a sort and search."""
    values = np.zeros(len(supplier_ids))
    if not len(history) or not len(supplier_ids):
        return values
    cut = int(np.searchsorted(history.day, as_of.toordinal(), side="left"))
    decay = np.exp2(-(as_of.toordinal() - history.day[:cut]).astype(np.float64) / HALF_LIFE_DAYS)
    closeness = history.closeness_per_code(requirement.categories)[history.category[:cut]]
    relevance = CATEGORY_SHARE * closeness + BUYER_SHARE * (history.buyer_id[:cut] == requirement.buyer_id)
    weight = history.evidence[:cut] * decay * relevance
    useful = weight > 0
    ids, weight = history.supplier_id[:cut][useful], weight[useful]
    if not len(ids):
        return values
    rows = rows_in(supplier_ids, ids)
    known = rows >= 0
    return -np.expm1(-np.bincount(rows[known], weights=weight[known], minlength=len(supplier_ids)))


CODES = ("33141125", "33141110", "33141000", "33600000", "45000000", "15510000", "33190000")


@pytest.fixture(scope="module")
def random_history():
    rng = np.random.default_rng(9)
    events = []
    for number in range(3_000):
        events.append(
            HistoryEvent(
                supplier_id=int(rng.integers(1, 400)) * 7,
                buyer_id=int(rng.integers(1, 6)),
                occurred_on=dt.date(2024, 6, 1) - dt.timedelta(days=int(rng.integers(-60, 1_500))),
                stage=str(rng.choice([AWARD, TRANSACTION, "meeting", "first_transaction", "declined"])),
                category=None if rng.random() < 0.05 else (CPV, str(rng.choice(CODES))),
                value=float(rng.choice([0.0, rng.integers(1_000, 1_000_000)])),
                text=" ".join(rng.choice(WORDS, size=4)) if rng.random() < 0.8 else "",
                linkage_id=number if rng.random() < 0.9 else None,
            )
        )
    return TrackRecord(events), rng


def candidate_arrays(rng):
    everyone = np.arange(1, 450, dtype=np.int64) * 7  # some never dealt, some dealt and are not candidates
    yield rng.permutation(everyone)
    yield np.sort(rng.choice(everyone, size=150, replace=False))
    yield rng.choice(everyone, size=5, replace=False)
    yield np.array([7, 14, 7, 21, 14], dtype=np.int64)  # listed twice: the first place gets the history
    yield np.array([10**9, 3], dtype=np.int64)
    yield np.empty(0, dtype=np.int64)


def test_history_features_per_supplier_equal_the_per_deal_computation(random_history):
    history, rng = random_history
    for case in range(12):
        requirement = RequirementRecord(
            requirement_id=case,
            buyer_id=int(rng.integers(1, 6)),
            title=" ".join(rng.choice(WORDS, size=5)),
            categories=((CPV, str(rng.choice(CODES))),),
            estimated_value=float(rng.choice([0.0, 50_000.0])),
            created_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=int(rng.integers(-900, 200))),
        )
        as_of = requirement.as_of(TODAY)
        for supplier_ids in candidate_arrays(rng):
            fast = history.history_features(requirement=requirement, supplier_ids=supplier_ids, as_of=as_of)
            slow = reference_history_features(history, requirement, supplier_ids, as_of)
            assert np.array_equal(fast, slow)
            fast = history.feature(requirement=requirement, supplier_ids=supplier_ids, as_of=as_of)
            assert np.array_equal(fast, reference_track_record(history, requirement, supplier_ids, as_of))
            again = history.history_features(requirement=requirement, supplier_ids=supplier_ids, as_of=as_of)
            assert np.array_equal(again, slow)  # the kept answer for the same candidate array


# -- candidate subsets and gaps -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world():
    suppliers = generate_suppliers(count=1_500, seed=4)
    return CandidateMatrix(suppliers), SupplierTextIndex().fit(suppliers)


def test_a_large_take_is_kept_and_handed_back_for_the_same_rows(world):
    candidates, _index = world
    rows = np.arange(0, candidates.size, 1)[: KEEP_TAKES_FROM + 10]
    first = candidates.take(rows)
    assert candidates.take(rows.copy()) is first
    assert candidates.take(rows[:-1]) is not first
    fresh = candidates._take(rows)
    for name in ("supplier_ids", "country", "readiness", "category_code", "cert_standard", "capacity_quantity"):
        np.testing.assert_array_equal(getattr(first, name), getattr(fresh, name))
    assert "_kept_take" not in copy.deepcopy(candidates).__dict__  # not saved with the store
    small = candidates.take([3, 1])
    assert candidates.take([3, 1]) is not small  # small takes are cheap: not kept
    assert small.supplier_ids.tolist() == candidates.supplier_ids[[3, 1]].tolist()


def old_haversine_km(lat1, lon1, lat2, lon2):
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(d_phi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(d_lambda / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def test_features_from_the_arrays_a_store_keeps_equal_those_computed_afresh(world):
    candidates, index = world
    for need in generate_requirements(count=30, seed=12):
        kept = copy.deepcopy(candidates)  # the arrays derived by earlier runs are not copied
        cosine = index.relevance(need.text(), ids=candidates.supplier_ids)
        fresh = feature_matrix(requirement=need, candidates=kept, text_cosine=cosine, history=None, today=TODAY)
        for _ in range(2):  # the second time from the kept latitudes, masks and static columns
            again = feature_matrix(
                requirement=need, candidates=candidates, text_cosine=cosine, history=None, today=TODAY
            )
            assert np.array_equal(again, fresh)
        expected = old_haversine_km(
            need.delivery_latitude, need.delivery_longitude, candidates.latitude, candidates.longitude
        )
        np.testing.assert_array_equal(distances_km(need, candidates), expected)
    assert all(not array.flags.writeable for array in candidates._derived.values())
    assert "_derived" not in copy.deepcopy(candidates).__dict__


def boosted_scorer():
    rng = np.random.default_rng(3)
    features = rng.random((600, len(FEATURES)))
    labels = (features[:, 0] + features[:, 1] + rng.normal(0, 0.3, 600) > 1.0).astype(int)
    return BoostedScorer.train(features=features, labels=labels, trained_at=dt.datetime(2026, 1, 1), rounds=20)


@pytest.mark.parametrize("scorer", [DefaultScorer(), boosted_scorer()], ids=["default", "boosted"])
def test_gaps_of_many_rows_equal_each_row_priced_alone(world, scorer):
    candidates, index = world
    for need in generate_requirements(count=8, seed=6):
        cosine = index.relevance(need.text(), ids=candidates.supplier_ids)
        features = feature_matrix(
            requirement=need, candidates=candidates, text_cosine=cosine, history=None, today=TODAY
        )
        rows = np.random.default_rng(need.requirement_id).choice(candidates.size, size=40, replace=False)
        together = find_gaps_of_rows(
            requirement=need, candidates=candidates, rows=rows, features=features[rows], scorer=scorer, today=TODAY
        )
        alone = [
            find_gaps(
                requirement=need, candidates=candidates, row=row, features=features[row], scorer=scorer, today=TODAY
            )
            for row in rows.tolist()
        ]
        assert together == alone
        assert any(together)


def test_a_run_is_the_same_whether_its_eligible_store_is_kept_or_fresh(world):
    candidates, index = world
    need = generate_requirements(count=1, seed=8)[0]
    options = {"candidates": candidates, "index": index, "history": None, "scorer": DefaultScorer(), "today": TODAY}
    first = rank(requirement=need, top_k=20, **options)
    second = rank(requirement=need, top_k=20, **options)  # the eligible store handed back from the first run
    assert first.matches == second.matches
