"""The platform's input limits (core.limits, core.parsers, core.middleware): no input reaches a 500."""

import io
import json

import pytest
from django.urls import reverse
from rest_framework import parsers as drf_parsers
from rest_framework.exceptions import ParseError

from core.limits import (
    MAX_DB_INTEGER,
    IdConverter,
    contains_nul,
    json_depth_exceeds,
    parse_id,
)
from core.parsers import JSONParser
from tests import factories

DEEP = "[" * 100_000 + "]" * 100_000


# --- ids ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (7, 7),
        ("7", 7),
        (str(MAX_DB_INTEGER), MAX_DB_INTEGER),
        (MAX_DB_INTEGER + 1, None),
        (str(MAX_DB_INTEGER + 1), None),
        ("99999999999999999999999", None),
        ("0", None),
        (-3, None),
        ("-3", None),
        ("²", None),
        ("٣", None),
        ("1.5", None),
        (" 7", None),
        ("", None),
        (None, None),
        (True, None),
        ([7], None),
        ({"id": 7}, None),
    ],
)
def test_parse_id_accepts_only_positive_64_bit_ids(value, expected):
    assert parse_id(value) == expected


def test_the_id_converter_refuses_numbers_past_64_bits():
    converter = IdConverter()
    assert converter.to_python(str(MAX_DB_INTEGER)) == MAX_DB_INTEGER
    with pytest.raises(ValueError, match="out of range"):
        converter.to_python(str(MAX_DB_INTEGER + 1))


# --- JSON depth ---------------------------------------------------------------------------------------------------


def test_json_depth_is_measured_without_recursion():
    assert json_depth_exceeds(DEEP, 64)
    assert not json_depth_exceeds("[" * 64 + "]" * 64, 64)
    assert json_depth_exceeds("[" * 65 + "]" * 65, 64)
    assert json_depth_exceeds('{"a": ' * 65 + "1" + "}" * 65, 64)


def test_brackets_inside_strings_do_not_count():
    text = json.dumps({"note": "[" * 1000, "quoted": 'a "[[[" b \\ [[[', "list": [[1]]})
    assert not json_depth_exceeds(text, 3)
    assert json.loads(text)["note"] == "[" * 1000


def test_the_standard_parser_overflows_the_stack_on_deep_json():
    """What the depth limit prevents: DRF's own parser recurses once per level."""
    with pytest.raises(RecursionError):
        drf_parsers.JSONParser().parse(io.BytesIO(DEEP.encode()))


def test_the_platform_parser_refuses_deep_json_with_a_parse_error():
    with pytest.raises(ParseError, match="deeper than 64"):
        JSONParser().parse(io.BytesIO(DEEP.encode()))


def test_the_platform_parser_still_parses_ordinary_json():
    document = {"a": [1, {"b": "[x]"}], "c": None, "d": "ñ"}
    assert JSONParser().parse(io.BytesIO(json.dumps(document).encode())) == document
    with pytest.raises(ParseError):
        JSONParser().parse(io.BytesIO(b'{"a": NaN}'))
    with pytest.raises(ParseError):
        JSONParser().parse(io.BytesIO(b"\xff\xfe{}"))


def test_the_api_parses_with_the_platform_parser():
    from rest_framework.settings import api_settings

    assert api_settings.DEFAULT_PARSER_CLASSES[0] is JSONParser


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/requirements/", "/api/v1/linkages/", "/api/v1/events/"])
def test_deep_json_in_an_api_request_is_a_400(buyer_client, url):
    response = buyer_client.generic("POST", url, DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "deeper than 64" in response.json()["detail"]


# --- NUL characters -----------------------------------------------------------------------------------------------


def test_contains_nul_finds_every_encoding_of_nul():
    assert contains_nul(b"a\x00b")
    assert contains_nul(b"q=a%00b", urlencoded=True)
    assert not contains_nul(b"q=a%2500b", urlencoded=True)
    assert contains_nul(rb'{"q": "a\u0000"}', json=True)
    assert contains_nul(rb'{"q": "a\\\u0000"}', json=True)  # an escaped backslash, then the escape
    assert not contains_nul(rb'{"q": "a\\u0000"}', json=True)  # the text \u0000, not a NUL
    assert not contains_nul(rb'{"q": "a\u0001"}', json=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/requirements/?search=a%00b",
        "/api/v1/suppliers/?q=%00",
        "/api/v1/categories/?q=%00",
        "/api/v1/categories/4200%000/",
        "/api/v1/certification-standards/ISO%00/",
        "/api/v1/linkages/?search=x%00",
    ],
)
def test_nul_in_an_api_query_or_path_is_a_400(sme_client, url):
    response = sme_client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


@pytest.mark.django_db
def test_nul_in_a_json_body_is_a_400(buyer_client):
    body = json.dumps({"title": "Tornillos\u0000", "specification": "x"})
    assert "\\u0000" in body
    response = buyer_client.generic("POST", "/api/v1/requirements/", body, content_type="application/json")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


@pytest.mark.django_db
def test_nul_in_a_form_body_or_a_page_query_is_a_400(client, sme_owner):
    client.force_login(sme_owner)
    response = client.post(
        reverse("suppliers:onboarding_step", args=["capabilities"]), {"action": "add", "description": "a\x00b"}
    )
    assert response.status_code == 400
    assert client.get(reverse("suppliers:search"), {"q": "a\x00b"}).status_code == 400
    assert client.get(reverse("taxonomy:category_autocomplete") + "?q=%00").status_code == 400


@pytest.mark.django_db
def test_nul_in_a_header_is_a_400(api_client):
    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token abc\x00def")
    assert response.status_code == 400


@pytest.mark.django_db
def test_text_that_only_looks_like_nul_passes(sme_client):
    factories.CategoryFactory(code="42000000", name_en="Industrial machinery", lineage="/42000000/")
    assert sme_client.get("/api/v1/categories/", {"q": "\\u0000 %00"}).status_code == 200
    assert sme_client.get("/api/v1/categories/", {"q": "machinery"}).json()["results"]
