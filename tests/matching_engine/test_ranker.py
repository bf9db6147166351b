"""A whole match run on synthetic suppliers: order, explanations that add up, exclusions, timings."""

import math

import pytest

from matching.engine.candidates import CandidateMatrix
from matching.engine.documents import CPV, RequiredCertification
from matching.engine.history import TrackRecord
from matching.engine.ranker import ENGINE_VERSION, rank
from matching.engine.scoring import DefaultScorer
from matching.engine.synthetic import TODAY, generate_history, generate_requirements, generate_suppliers
from matching.engine.text import SupplierTextIndex
from tests.matching_engine.builders import requirement, supplier


@pytest.fixture(scope="module")
def world():
    suppliers = generate_suppliers(count=400, seed=11)
    return {
        "suppliers": suppliers,
        "candidates": CandidateMatrix(suppliers),
        "index": SupplierTextIndex().fit(suppliers),
        "history": TrackRecord(generate_history(suppliers=suppliers, events=600)),
    }


def run(world, need, **options):
    return rank(
        requirement=need,
        candidates=world["candidates"],
        index=world["index"],
        history=world["history"],
        scorer=DefaultScorer(),
        today=TODAY,
        **options,
    )


def test_matches_are_ordered_explained_and_add_up(world):
    need = generate_requirements(count=1, seed=4)[0]
    result = run(world, need, top_k=20)
    assert len(result.matches) == 20
    assert [m.rank for m in result.matches] == list(range(1, 21))
    scores = [m.score for m in result.matches]
    assert scores == sorted(scores, reverse=True)
    for match in result.matches:
        assert math.isclose(match.score, math.fsum(match.components.values()), rel_tol=0, abs_tol=1e-12)
        assert all(0 <= value <= 1 for value in match.features.values())
    assert result.engine_version == ENGINE_VERSION
    assert result.model_version.startswith("default-")
    assert result.candidates == 400
    assert result.eligible + result.excluded == 400
    assert set(result.timings_ms) >= {"constraints", "text", "features", "scoring", "ordering", "total"}


def test_the_supplier_doing_exactly_what_is_asked_comes_first(world):
    specialist = supplier(
        9_999,
        codes=("42600000",),
        text="Anodizado duro y mecanizado de aluminio aeroespacial",
        readiness_score=70,
        latitude=9.93,
        longitude=-84.09,
    )
    suppliers = [*world["suppliers"], specialist]
    index = SupplierTextIndex().fit(suppliers)
    need = requirement(
        title="Hard anodizing of aerospace aluminium parts",  # English query, Spanish supplier
        specification="anodisado duro",  # with a typo
        categories=((CPV, "42600000"),),
        delivery_latitude=9.86,
        delivery_longitude=-83.92,
        delivery_country="CR",
    )
    result = rank(
        requirement=need,
        candidates=CandidateMatrix(suppliers),
        index=index,
        history=world["history"],
        scorer=DefaultScorer(),
        today=TODAY,
        top_k=5,
    )
    assert result.matches[0].supplier_id == 9_999


def test_mandatory_constraints_exclude_and_are_counted(world):
    need = requirement(
        specification="mecanizado CNC",
        categories=((CPV, "42600000"),),
        required_certifications=(RequiredCertification("iso-13485"),),
        delivery_country="CR",
        restrict_to_delivery_country=True,
    )
    result = run(world, need)
    kept = {s.supplier_id: s for s in world["suppliers"]}
    assert all(kept[m.supplier_id].country == "CR" for m in result.matches)
    assert result.excluded_by_reason["outside_delivery_country"] > 0
    assert result.excluded_by_reason["missing_mandatory_certification"] > 0
    assert len(result.matches) == result.eligible
    assert result.excluded == 400 - result.eligible


def test_restricting_to_one_supplier_scores_it_as_in_the_full_run(world):
    need = generate_requirements(count=1, seed=4)[0]
    full = run(world, need)
    first = full.matches[3]
    alone = run(world, need, restrict_to=[first.supplier_id])
    assert len(alone.matches) == 1
    assert alone.matches[0].score == pytest.approx(first.score, abs=1e-12)
    assert alone.matches[0].components == pytest.approx(first.components, abs=1e-12)


def test_ties_are_broken_by_supplier_id_and_top_k_keeps_the_best(world):
    need = requirement(specification="")
    everything = run(world, need, explain=False)
    top = run(world, need, top_k=7, explain=False)
    assert top.supplier_ids() == everything.supplier_ids()[:7]
    assert all(match.gaps == () for match in everything.matches)
