import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from demo import data as demo_data
from taxonomy.apps import load_reference_data_when_empty
from taxonomy.models import Category, CertificationStandard, Industry
from taxonomy.selectors import category_subtree, normalise_cpv_code, search_categories, search_industries
from taxonomy.services import load_cpv_file, load_reference_data

pytestmark = pytest.mark.django_db

DEMO_CODES = [
    "03000000",
    "14000000",
    "15000000",
    "15500000",
    "15510000",
    "15540000",
    "15550000",
    "15800000",
    "15300000",
    "18000000",
    "18100000",
    "19000000",
    "19500000",
    "19520000",
    "22000000",
    "22100000",
    "22460000",
    "22900000",
    "24000000",
    "24300000",
    "24500000",
    "24900000",
    "24910000",
    "30000000",
    "31000000",
    "31200000",
    "31300000",
    "31700000",
    "31710000",
    "31711000",
    "33000000",
    "33100000",
    "33140000",
    "33190000",
    "33600000",
    "34000000",
    "34300000",
    "34310000",
    "34320000",
    "34330000",
    "34700000",
    "34730000",
    "35000000",
    "35113000",
    "38000000",
    "38500000",
    "39000000",
    "39800000",
    "39830000",
    "42000000",
    "42120000",
    "42130000",
    "42600000",
    "42900000",
    "43000000",
    "43100000",
    "44000000",
    "44100000",
    "44160000",
    "44200000",
    "44210000",
    "44400000",
    "44500000",
    "44530000",
    "44600000",
    "44800000",
    "44810000",
    "45000000",
    "48000000",
    "50000000",
    "50530000",
    "60000000",
    "60100000",
    "63000000",
    "63100000",
    "63120000",
    "64120000",
    "71000000",
    "71300000",
    "72000000",
    "73000000",
    "76000000",
    "79000000",
    "79400000",
    "79810000",
    "80500000",
    "90000000",
    "90500000",
    "90900000",
    "90910000",
]


def test_loading_twice_changes_nothing():
    load_reference_data()
    counts = (Category.objects.count(), Industry.objects.count(), CertificationStandard.objects.count())
    second = load_reference_data()
    assert all(part == {"created": 0, "updated": 0} for part in second.values())
    assert (Category.objects.count(), Industry.objects.count(), CertificationStandard.objects.count()) == counts


def test_cpv_hierarchy_follows_significant_digits():
    load_reference_data()
    milk = Category.objects.get(code="15510000")
    assert milk.parent.code == "15500000"
    assert milk.parent.parent.code == "15000000"
    assert milk.parent.parent.parent is None
    assert milk.lineage == "/15000000/15500000/15510000/"
    assert milk.level == 3
    subtree = set(category_subtree(code="15500000").values_list("code", flat=True))
    assert {"15500000", "15510000", "15540000", "15550000"} <= subtree
    assert "15800000" not in subtree


def _codes_in(value) -> set[str]:
    if isinstance(value, str):
        return {value} if re.fullmatch(r"\d{8}", value) else set()
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, (list, tuple, set)):
        return set().union(*(_codes_in(item) for item in value))
    return set()


def test_every_category_the_demo_uses_is_shipped():
    load_reference_data()
    used = set(DEMO_CODES) | _codes_in(demo_data.SECTORS) | _codes_in(demo_data.REQUIREMENTS)
    present = set(Category.objects.filter(code__in=used).values_list("code", flat=True))
    assert used - present == set()


@pytest.mark.parametrize("query", ["lácteos", "lacteos", "LACTEOS", "dairy", "lacticínios"])
def test_category_search_ignores_accents_and_language(query):
    load_reference_data()
    assert "15500000" in [c.code for c in search_categories(query=query)]


def test_category_search_by_code_accepts_check_digit_and_prefix():
    load_reference_data()
    assert [c.code for c in search_categories(query="15500000-7")] == ["15500000"]
    assert "15510000" in [c.code for c in search_categories(query="155")]
    assert normalise_cpv_code("03111000-2") == "03111000"
    assert normalise_cpv_code("not a code") == ""


def test_isic_loaded_with_spanish_and_portuguese_names_and_english_fallback():
    load_reference_data()
    assert Industry.objects.get(code="C").name_es == "Industrias manufactureras"
    dairy = Industry.objects.get(code="1050")
    assert dairy.parent.code == "105"
    assert dairy.parent.parent.parent.code == "C"
    assert "1050" in [i.code for i in search_industries(query="lácteos")]
    # Every section, division, group and class is named in Spanish and Portuguese (the industry picker's words).
    assert not Industry.objects.filter(name_es="").exists()
    assert not Industry.objects.filter(name_pt="").exists()
    assert Industry.objects.get(code="2592").name_pt == "Tratamento e revestimento de metais; usinagem"
    with translation.override("pt"):
        assert Industry.objects.get(code="C").name == "Indústrias de transformação"
    assert "1050" in [i.code for i in search_industries(query="laticinios")]
    untranslated = Industry(code="X", name_en="Only English", level=Industry.Level.SECTION)
    with translation.override("es"):
        assert untranslated.name == "Only English"  # the English fallback


def test_a_cpv_file_with_check_digits_extends_the_tree(tmp_path):
    # A national extension (Ukraine's ДК 021:2015 adds 60173000-1 and 60173100 to CPV 2008) joins the shipped tree.
    path = tmp_path / "cpv.csv"
    path.write_text(
        "CODE,EN,ES,PT\n60173000-1,Hire of cars with driver,Alquiler de coches con conductor,Aluguer de carros\n"
        "60173100,Hire of taxis,Alquiler de taxis,Aluguer de táxis\n",
        encoding="utf-8",
    )
    load_reference_data()
    assert load_cpv_file(path=path) == {"created": 2, "updated": 0}
    taxis = Category.objects.get(code="60173100")
    assert taxis.parent.code == "60173000"
    assert taxis.lineage == "/60000000/60100000/60170000/60173000/60173100/"
    assert taxis.level == 5
    assert load_cpv_file(path=path) == {"created": 0, "updated": 0}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("CODE,EN\n03111000-2,Seeds\nnot-a-code,Broken\n", "line 3"),
        ("NAME,TEXT\n1,2\n", "expected columns"),
        ("CODE,EN\n03111000,\n", "no English name"),
        ("CODE,EN\n", "no categories"),
    ],
)
def test_a_broken_cpv_file_is_rejected_whole(tmp_path, content, message):
    path = tmp_path / "cpv.csv"
    path.write_text(content, encoding="utf-8")
    before = Category.objects.count()
    with pytest.raises(ValidationError, match=message):
        load_cpv_file(path=path)
    assert Category.objects.count() == before
    assert Category.objects.get(code="03111000").name_es == "Semillas"


def test_post_migrate_handler_fills_empty_tables():
    Category.objects.update(parent=None)
    Category.objects.all().delete()
    load_reference_data_when_empty(sender=None)
    assert Category.objects.filter(code="44530000").exists()


class TestApi:
    def test_anonymous_is_refused(self, api_client):
        assert api_client.get("/api/v1/categories/").status_code in (401, 403)
        assert api_client.get("/api/v1/certification-standards/").status_code in (401, 403)

    def test_signed_in_users_search_categories(self, sme_client):
        load_reference_data()
        response = sme_client.get("/api/v1/categories/", {"q": "lacteos"})
        assert response.status_code == 200
        assert "15500000" in [row["code"] for row in response.json()["results"]]
        detail = sme_client.get("/api/v1/categories/15500000-7/").json()
        assert {child["code"] for child in detail["children"]} >= {"15510000", "15540000"}

    def test_industries_search(self, buyer_client):
        load_reference_data()
        response = buyer_client.get("/api/v1/industries/", {"q": "10"})
        assert response.status_code == 200
        assert response.json()["results"][0]["code"].startswith("10")

    def test_only_agency_staff_add_standards(self, sme_client, buyer_client, agency_client):
        payload = {"code": "iso-37001", "name": "ISO 37001", "issuing_body": "ISO"}
        assert sme_client.post("/api/v1/certification-standards/", payload).status_code == 403
        assert buyer_client.post("/api/v1/certification-standards/", payload).status_code == 403
        assert agency_client.post("/api/v1/certification-standards/", payload).status_code == 201
        assert CertificationStandard.objects.filter(code="iso-37001").exists()

    def test_categories_page_and_autocomplete_need_login(self, client, django_user_model):
        assert client.get("/taxonomy/categories/").status_code == 302
        assert client.get("/taxonomy/categories/autocomplete/?q=lac").status_code == 302
        load_reference_data()
        user = django_user_model.objects.create_user(email="reader@example.com", password="x-very-long-pass")
        client.force_login(user)
        rows = client.get("/taxonomy/categories/autocomplete/?q=lacteos").json()
        assert {"code": "15500000", "name": "Dairy products"} in rows
