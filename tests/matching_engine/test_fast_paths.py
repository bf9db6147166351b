"""The engine's fast paths give exactly what the straightforward computations they replaced give.

Each reference below is the computation as it was before (a whole-matrix product, one sort and search of every
deal per run, one scorer call per candidate): the fast path must match it bit for bit, so the learning bench's
speed-ups change no score, order, feature or gap.
"""

import joblib
import numpy as np
import pytest
from scipy import sparse

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
