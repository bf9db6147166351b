"""core.pagination.OneQueryPaginator: Django's Paginator's pages, numbers and errors, with the count read in the
page's own query."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Organisation
from core.pagination import OneQueryPaginator
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations():
    for n in range(7):
        factories.SmeFactory(legal_name=f"Taller {n:02d}")
    return Organisation.objects.filter(legal_name__startswith="Taller ").order_by("legal_name")


def _shown(page):
    return (
        [organisation.legal_name for organisation in page],
        page.number,
        page.paginator.count,
        page.paginator.num_pages,
    )


@pytest.mark.parametrize("number", [1, 2, 3, "2", 3.0])
def test_a_page_and_its_count_in_one_query_as_paginator_shows_them(organisations, number):
    with CaptureQueriesContext(connection) as captured:
        page = OneQueryPaginator(organisations, 3).page(number)
        shown = (*_shown(page), page.has_next(), page.has_previous(), page.start_index(), page.end_index())
    assert len(captured) == 1
    expected = Paginator(organisations, 3).page(number)
    assert shown == (
        *_shown(expected),
        expected.has_next(),
        expected.has_previous(),
        expected.start_index(),
        expected.end_index(),
    )
    assert page.paginator.count == 7


@pytest.mark.parametrize("number", [0, -1, 4, 99])
def test_a_page_past_either_end_is_an_empty_page(organisations, number):
    with pytest.raises(EmptyPage):
        Paginator(organisations, 3).page(number)
    with pytest.raises(EmptyPage):
        OneQueryPaginator(organisations, 3).page(number)


@pytest.mark.parametrize("number", ["x", None, 1.5, ""])
def test_a_number_that_is_none_is_refused(organisations, number):
    with pytest.raises(PageNotAnInteger):
        OneQueryPaginator(organisations, 3).page(number)


@pytest.mark.parametrize("number", ["x", None, 0, 4, 99, 2])
def test_get_page_falls_back_as_paginator_does(organisations, number):
    assert _shown(OneQueryPaginator(organisations, 3).get_page(number)) == _shown(
        Paginator(organisations, 3).get_page(number)
    )


def test_nothing_found_is_an_empty_first_page(organisations):
    nothing = organisations.filter(legal_name="nobody")
    page = OneQueryPaginator(nothing, 3).get_page(1)
    assert _shown(page) == ([], 1, 0, 1)
    assert _shown(OneQueryPaginator(nothing, 3).get_page(5)) == ([], 1, 0, 1)


def test_orphans_and_lists_are_paginator_s_own_way(organisations):
    for object_list in (organisations, list(organisations)):
        assert _shown(OneQueryPaginator(object_list, 3, orphans=1).page(2)) == _shown(
            Paginator(object_list, 3, orphans=1).page(2)
        )


def test_the_api_s_last_page_and_a_page_past_the_end(agency_client):
    for _n in range(27):
        factories.CapabilityFactory()
    last = agency_client.get("/api/v1/suppliers/", {"page": "last"}).json()
    assert (last["count"], len(last["results"]), last["next"]) == (27, 2, None)
    assert "page=1" not in last["previous"]
    assert agency_client.get("/api/v1/suppliers/", {"page": 3}).status_code == 404
    assert agency_client.get("/api/v1/suppliers/", {"page": "x"}).status_code == 404
