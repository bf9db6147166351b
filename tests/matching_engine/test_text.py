"""Text relevance across languages, accents and typos; incremental refresh; persistence."""

import numpy as np
import pytest

from matching.engine.documents import SupplierRecord
from matching.engine.text import FORMAT_VERSION, SupplierTextIndex, normalise

SUPPLIERS = {
    1: "Mecanizado CNC de piezas en acero inoxidable 316L y titanio para implantes ortopédicos",
    2: "Usinagem CNC de peças em aço inoxidável e alumínio para a indústria automotiva",
    3: "Transporte refrigerado de carga 2-8 °C con monitoreo GPS",
    4: "Cajas de cartón corrugado impresas en flexografía",
    5: "Quesos frescos y madurados, leche pasteurizada",
    6: "Precision plastic injection moulding of polycarbonate housings",
}


def records(texts):
    return [SupplierRecord(supplier_id=i, summary=text) for i, text in texts.items()]


@pytest.fixture
def index():
    return SupplierTextIndex().fit(records(SUPPLIERS))


def best(index, text):
    return int(index.ids[int(np.argmax(index.relevance(text)))])


def test_normalise_strips_accents_and_punctuation_keeps_digits_and_units():
    assert normalise("Máquinas-Herramienta ÇÃO, 316L; 2-8 °C") == "maquinas herramienta cao 316l 2 8 c"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("CNC machining stainless steel implants", 1),  # English query, Spanish supplier
        ("mecanizado CNC acero inoxidable titanio", 1),
        ("mecanisado de titanio", 1),  # a typo still matches
        ("aço inoxidável usinagem automotiva", 2),
        ("inoxidavel aluminio automotriz", 2),  # no accents, Spanish cognate
        ("cold chain refrigerated freight 2-8 °C", 3),
        ("cajas carton corrugado", 4),  # without accents
        ("queso pasteurizado", 5),
        ("inyección de plásticos policarbonato", 6),  # Spanish query, English supplier
    ],
)
def test_the_right_supplier_ranks_first_across_languages(index, query, expected):
    assert best(index, query) == expected


def test_shared_character_ngrams_link_cognates(index):
    scores = index.relevance("inoxidavel", ids=[1, 2, 5])
    assert scores[0] > 0
    assert scores[1] > 0
    assert scores[2] == 0.0


def test_relevance_in_given_order_with_unknown_ids_at_zero(index):
    scores = index.relevance("titanio", ids=[99, 1])
    assert scores[0] == 0.0
    assert scores[1] > 0.1
    assert np.all((index.relevance("titanio") >= 0) & (index.relevance("titanio") <= 1))


def test_upsert_uses_the_fitted_vocabulary_and_equals_a_fresh_transform(index):
    vocabulary = dict(index._word.vocabulary_)
    changed = {3: "Impresión offset de etiquetas", 7: "Transporte refrigerado de carga y cadena de frío"}
    index.upsert(records(changed))
    assert sorted(index.ids.tolist()) == [1, 2, 3, 4, 5, 6, 7]
    assert index._word.vocabulary_ == vocabulary  # no refit
    for supplier_id, text in changed.items():
        row = int(index.rows_of([supplier_id])[0])
        expected = index.vectorise(text).toarray()
        assert np.allclose(index.matrix[row].toarray(), expected)
    assert best(index, "transporte refrigerado") == 7
    assert best(index, "etiquetas offset") == 3


def test_upsert_ranks_like_a_refit_for_changed_documents(index):
    changed = {3: "Transporte refrigerado de carga y cadena de frío con GPS"}
    index.upsert(records(changed))
    refitted = SupplierTextIndex().fit(records({**SUPPLIERS, **changed}))
    query = "transporte refrigerado cadena de frio"
    ids = sorted(SUPPLIERS)
    incremental = np.argsort(-index.relevance(query, ids=ids), kind="stable")
    full = np.argsort(-refitted.relevance(query, ids=ids), kind="stable")
    assert incremental[0] == full[0] == ids.index(3)


def test_remove_drops_rows_and_refit_threshold(index):
    index.refit_share = 0.4
    index.remove([5])
    assert 5 not in index.ids.tolist()
    assert index.relevance("queso", ids=[5])[0] == 0.0
    assert not index.needs_refit()  # 1 change among 5 rows ≤ 40 %
    index.upsert(records({7: "tornos", 8: "fresadoras", 9: "prensas"}))
    assert index.needs_refit()  # 4 changes among 8 rows > 40 %
    index.refit(records(SUPPLIERS))
    assert not index.needs_refit()
    assert index.changed_since_fit == 0


def test_persistence_round_trip(index, tmp_path):
    path = tmp_path / "index.joblib"
    index.upsert(records({7: "tornos CNC"}))
    index.save(path)
    loaded = SupplierTextIndex.load(path)
    assert loaded.ids.tolist() == index.ids.tolist()
    assert loaded.changed_since_fit == 1
    assert np.array_equal(loaded.relevance("titanio CNC"), index.relevance("titanio CNC"))


def test_loading_another_format_is_refused(tmp_path):
    import joblib

    path = tmp_path / "old.joblib"
    joblib.dump({"format": FORMAT_VERSION - 1}, path)
    with pytest.raises(ValueError, match="rebuild"):
        SupplierTextIndex.load(path)


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="unique"):
        SupplierTextIndex().fit_documents(ids=[1, 1], documents=["a", "b"])


def test_an_empty_supplier_base_is_an_index_that_scores_zero():
    from matching.engine.text import SupplierTextIndex

    index = SupplierTextIndex().fit_documents(ids=[], documents=[])
    assert index.relevance("titanio grado 5").shape == (0,)
    index.upsert_documents(ids=[7], documents=["de la y"])  # stop words only
    assert index.relevance("titanio", ids=[7]).tolist() == [0.0]
