"""Supplier search reads category names in every language: a word that names a category (or one above it) finds the
suppliers with a capability there, whatever language their own texts are in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suppliers import selectors
from taxonomy.models import Category
from tests import factories

pytestmark = pytest.mark.django_db


def _supplier(code, description="Barras, placas y piezas a medida", keywords=()):
    profile = factories.SupplierProfileFactory(summary="Proveedor industrial con entregas semanales.")
    factories.CapabilityFactory(
        profile=profile, category=Category.objects.get(code=code), description=description, keywords=list(keywords)
    )
    return profile


@pytest.fixture
def found(buyer_owner):
    def _found(query):
        return set(selectors.search_suppliers(user=buyer_owner, query=query))

    return _found


def test_titanio_and_titanium_find_the_same_shops(found):
    titanium = _supplier("14724000")  # "Titanium" / "Titanio" / "Titânio"; the description never says it
    oxide = _supplier("24211300", description="Pigmentos para pinturas")  # "Titanium oxide"
    described = _supplier("42600000", description="Mecanizado de titanio grado 5")
    _supplier("15511000", description="Leche entera")
    spanish, english, portuguese = found("titanio"), found("titanium"), found("titânio")
    assert {titanium, oxide} <= english
    assert english - {described} == spanish - {described} == portuguese - {described} == {titanium, oxide}
    # A description still counts in its own language.
    assert described in spanish


def test_a_category_above_the_capability_names_it(found):
    # 15511100 "Pasteurised milk" lies below 15500000 "Dairy products" / "Productos lácteos" / "Lacticínios".
    milk = _supplier("15511100", description="Envasado en cartón")
    _supplier("15800000", description="Envasado en cartón")
    for query in ("dairy", "lácteos", "lacteos", "lacticínios"):
        assert found(query) == {milk}, query


def test_brazilian_words_reach_the_portuguese_of_portugal(found):
    centre = _supplier("42612100", description="Centros horizontales")
    assert found("usinagem") == {centre}
    assert found("machining") == found("mecanizado") == found("maquinagem") == {centre}


def test_every_word_must_match_somewhere(found):
    titanium = _supplier("14724000")
    _supplier("15511000")
    assert found("titanium barras") == {titanium}  # one word by category, one by description
    assert found("titanium leche") == set()


def test_short_and_function_words_do_not_name_categories(found):
    # "para" is in the Spanish and Portuguese names of thousands of categories.
    _supplier("42612100", description="Centros horizontales")
    assert found("para") == set()


def test_naming_categories_costs_no_query_of_its_own_whatever_the_words(buyer_owner):
    _supplier("14724000")

    def queries(query):
        with CaptureQueriesContext(connection) as context:
            results = selectors.search_suppliers(user=buyer_owner, query=query)
            results.count()
            list(results[:25])
        return len(context.captured_queries)

    queries("")  # the first search also reads what is cached for the rest of the request
    plain = queries("")
    # The categories a word names are a subquery of the search's own queries, not queries before it.
    assert queries("titanium") == queries("barras") == queries("titanium barras") == queries("con") == plain
