"""The whole CPV 2008 shipped in taxonomy/data/cpv2008.csv: loaded in bulk, a correct tree, searchable in English,
Spanish, Portuguese and the Brazilian and Latin American words for the same things."""

import csv
import time

import pytest
from django.db import connection

from taxonomy.apps import load_reference_data_when_empty
from taxonomy.models import Category
from taxonomy.selectors import categories_named, search_categories
from taxonomy.services import DATA_DIR, SHIPPED_CPV_CODES, load_cpv_file, load_reference_data
from taxonomy.text import name_words, search_text, word_prefix, words

pytestmark = pytest.mark.django_db

MACHINING = {"42610000", "42612000", "42612100", "42612200", "42638000"}


def _codes(query, **kwargs):
    return [c.code for c in search_categories(query=query, **kwargs)]


def test_the_shipped_file_is_the_whole_vocabulary():
    with (DATA_DIR / "cpv2008.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == SHIPPED_CPV_CODES == 9454
    assert list(rows[0]) == ["code", "en", "es", "pt"]
    assert all(row["en"] and row["es"] and row["pt"] for row in rows)
    assert (DATA_DIR / "README.md").read_text(encoding="utf-8").count("CC BY 4.0") >= 1


def _empty_categories(keep=()):
    # One statement: the ORM's delete would first look for rows pointing at each of 9,454 categories.
    table = Category._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET parent_id = NULL")  # noqa: S608
        if keep:
            cursor.execute(f"DELETE FROM {table} WHERE code NOT IN ({', '.join(['%s'] * len(keep))})", keep)  # noqa: S608
        else:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608


def test_every_code_loads_in_bulk_in_a_few_seconds():
    _empty_categories()
    started = time.perf_counter()
    counts = load_cpv_file(path=DATA_DIR / "cpv2008.csv")
    elapsed = time.perf_counter() - started
    assert counts == {"created": 9454, "updated": 0}
    assert Category.objects.filter(scheme="CPV").count() == 9454
    # Generous for a busy CI machine: it takes one to two seconds.
    assert elapsed < 20, f"loading the CPV took {elapsed:.1f} s"
    assert load_cpv_file(path=DATA_DIR / "cpv2008.csv") == {"created": 0, "updated": 0}


def test_levels_and_lineage_follow_the_significant_digits():
    counts = dict.fromkeys(range(1, 8), 0)
    for level in Category.objects.filter(scheme="CPV").values_list("level", flat=True):
        counts[level] += 1
    assert counts[1] == 45  # divisions
    assert sum(counts.values()) == 9454
    by_id = {c.pk: c for c in Category.objects.filter(scheme="CPV")}
    for category in by_id.values():
        codes = category.lineage.strip("/").split("/")
        assert codes[-1] == category.code
        assert category.level == len(codes)
        if category.parent_id is None:
            assert category.level == 1
            assert category.code.endswith("000000")
        else:
            parent = by_id[category.parent_id]
            assert category.lineage == f"{parent.lineage}{category.code}/"
            assert category.code.startswith(parent.code.rstrip("0"))


def test_lineage_of_deep_codes_and_codes_whose_parent_cpv_does_not_list():
    centre = Category.objects.get(code="42612100")
    assert centre.lineage == "/42000000/42600000/42610000/42612000/42612100/"
    assert centre.parent.parent.code == "42610000"
    # CPV 2008 has no 30192120: "Ballpoint pens" hangs from the nearest code above it.
    pens = Category.objects.get(code="30192121")
    assert pens.parent.code == "30192100"
    assert pens.lineage == "/30000000/30100000/30190000/30192000/30192100/30192121/"


def test_a_stale_tree_is_mended_by_the_next_load():
    Category.objects.filter(code="15511000").update(parent=None, level=1, lineage="/15511000/", search_text="")
    assert load_reference_data()["categories"] == {"created": 0, "updated": 1}
    milk = Category.objects.get(code="15511000")
    assert milk.lineage == "/15000000/15500000/15510000/15511000/"
    assert milk.parent.code == "15510000"
    assert " leche " in milk.search_text


def test_a_database_with_the_old_subset_gets_the_whole_vocabulary_on_migrate():
    _empty_categories(keep=["15000000", "15500000", "15510000"])
    load_reference_data_when_empty(sender=None)
    assert Category.objects.filter(scheme="CPV").count() == 9454
    assert Category.objects.get(code="15510000").parent.code == "15500000"


class TestSearchText:
    def test_words_are_folded_and_split_on_punctuation(self):
        assert words("Máquinas-ferramentas (CNC), Ñandú") == ["maquinas", "ferramentas", "cnc", "nandu"]

    def test_each_word_once_with_spaces_around(self):
        text = search_text("42612000", en="Machining centre", es="Centro de mecanizado", pt="Centro de maquinagem")
        assert text.startswith(" 42612000 ")
        assert text.endswith(" ")
        assert text.count(" centro ") == 1
        assert " usinagem " in text
        assert " center " in text

    def test_brazilian_spelling_of_the_portuguese_names(self):
        assert "eletricos" in name_words("Motores eléctricos", language="pt")
        assert "protecao" in name_words("Equipamento de protecção", language="pt")
        assert "otico" in name_words("Material óptico", language="pt")
        # Only Portuguese names are respelt: the Spanish "eléctricos" is already how Latin America writes it.
        assert "eletricos" not in name_words("Motores eléctricos", language="es")

    def test_phrases_and_regional_words(self):
        assert "celulares" in name_words("Teléfonos móviles", language="es")
        assert "celulares" not in name_words("Grúas móviles", language="es")
        assert "banheiro" in name_words("Artigos para casa de banho", language="pt")

    def test_plurals_find_the_singular(self):
        assert word_prefix("tornillos") == "tornillo"
        assert word_prefix("motores") == "motor"
        assert word_prefix("gas") == "gas"


class TestCategorySearch:
    @pytest.mark.parametrize(
        "query", ["machining", "mecanizado", "maquinagem", "usinagem", "USINAGEM", "Mecanizado", "máquinagem"]
    )
    def test_machining_in_every_language_and_in_brazil(self, query):
        found = _codes(query)
        assert set(found) == MACHINING
        assert found[0] == "42610000"  # the most general first

    def test_whole_words_rank_before_prefixes(self):
        found = _codes("centro de usinagem")
        assert found[0] == "42612000"  # "centro" whole; 42610000 says "centros"
        assert set(found) == MACHINING

    @pytest.mark.parametrize("query", ["titanio", "titanium", "titânio", "Titanio"])
    def test_titanium_in_every_language(self, query):
        assert "14724000" in _codes(query)

    @pytest.mark.parametrize(
        ("query", "code"),
        [
            ("concreto", "44114000"),  # Brazil and Latin America; CPV says betão / hormigón
            ("aluminum", "14721000"),  # American English; CPV says aluminium
            ("eletricos", "31100000"),  # Brazilian spelling; CPV says eléctricos
            ("computadoras", "30213000"),  # Latin America; CPV says ordenadores
            ("leite", "15511000"),
            ("lacticínios", "15500000"),
        ],
    )
    def test_regional_words_and_spellings(self, query, code):
        assert code in _codes(query, limit=None)

    def test_a_word_matches_the_start_of_words_only(self):
        # "titan" is inside "antitanque" (35622600) but starts no word of it.
        assert "35622600" not in _codes("titan", limit=None)
        assert all(
            any(word.startswith("oro") for word in c.search_text.split())
            for c in search_categories(query="oro", limit=None)
        )

    def test_plural_and_singular_find_the_same(self):
        assert set(_codes("tornillo", limit=None)) == set(_codes("tornillos", limit=None))

    def test_codes_and_nonsense(self):
        assert _codes("42612000-9") == ["42612000"]
        assert _codes("4261")[:2] == ["42610000", "42611000"]
        assert _codes("zzzqqq") == []
        assert _codes("¿?") == []

    def test_the_api_and_the_autocomplete_in_the_readers_language(self, sme_client, client, sme_owner):
        rows = sme_client.get("/api/v1/categories/", {"q": "usinagem"}).json()["results"]
        assert {row["code"] for row in rows} == MACHINING
        client.force_login(sme_owner)
        spanish = client.get("/es/taxonomy/categories/autocomplete/", {"q": "usinagem"}).json()
        assert {"code": "42612000", "name": "Centro de mecanizado"} in spanish
        portuguese = client.get("/pt/taxonomy/categories/autocomplete/", {"q": "machining"}).json()
        assert {"code": "42612000", "name": "Centro de maquinagem"} in portuguese


class TestCategoriesNamed:
    def test_a_named_category_and_everything_below_it(self):
        subtree = set(Category.objects.filter(lineage__startswith="/15000000/15500000/").values_list("code", flat=True))
        assert {"15500000", "15510000", "15511000", "15511100"} <= subtree
        for word in ("lácteos", "dairy", "lacticínios"):
            named = {c.code for c in categories_named(word=word)}
            assert subtree <= named, word
            assert "15800000" not in named

    def test_narrowed_to_some_categories(self):
        among = Category.objects.filter(code__in=["15511000", "14724000", "42612000"]).values("pk")
        assert {c.code for c in categories_named(word="titanium", among=among)} == {"14724000"}
        assert {c.code for c in categories_named(word="leite", among=among)} == {"15511000"}
        assert {c.code for c in categories_named(word="usinagem", among=among)} == {"42612000"}

    def test_ancestors_are_read_in_the_candidates_own_scheme(self):
        # Another scheme reusing CPV's codes: its ancestors' names must not be taken for CPV's, nor CPV's for its.
        other_root = Category.objects.create(
            scheme="LOCAL",
            code="15000000",
            level=1,
            lineage="/15000000/",
            name_en="Zebra crossings",
            search_text=search_text("15000000", en="Zebra crossings"),
        )
        other_leaf = Category.objects.create(
            scheme="LOCAL",
            code="15511000",
            level=2,
            lineage="/15000000/15511000/",
            parent=other_root,
            name_en="Road paint",
            search_text=search_text("15511000", en="Road paint"),
        )
        cpv = Category.objects.filter(scheme="CPV", code__in=["15511000", "14724000", "42612000"])
        among = Category.objects.filter(pk__in=[*cpv.values_list("pk", flat=True), other_leaf.pk]).values("pk")
        named = {word: {c.pk for c in categories_named(word=word, among=among)} for word in ("zebra", "leite", "road")}
        assert named["zebra"] == {other_leaf.pk}
        assert named["leite"] == {cpv.get(code="15511000").pk}
        assert named["road"] == {other_leaf.pk}

    @pytest.mark.parametrize("word", ["de", "para", "the", "con", "sin", "ab"])
    def test_short_and_function_words_name_nothing(self, word):
        assert not categories_named(word=word).exists()
