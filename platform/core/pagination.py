"""A paginator that reads a page and the number of rows in one query, for lists whose filter is the costly part (the
supplier search): Django's Paginator counts in a query of its own, which runs the whole filter a second time."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import Count, QuerySet, Window
from rest_framework.pagination import PageNumberPagination

_TOTAL = "paginator_total"


class OneQueryPaginator(Paginator):
    """Django's Paginator, except that a page of a queryset is read with the total (``COUNT(*) OVER ()``) in one
    query. The count is asked on its own only when the page is empty (past the end, or nothing found), for
    ``orphans``, or where the database has no window functions; pages, numbers and errors are Paginator's."""

    def _windowed(self) -> bool:
        return (
            isinstance(self.object_list, QuerySet)
            and not self.orphans
            and "count" not in self.__dict__  # already counted: Paginator's own way costs nothing more
            and connections[self.object_list.db].features.supports_over_clause
        )

    def _at_least_one(self, number) -> int:
        """Paginator.validate_number without the upper bound (which needs the count)."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        if not self._windowed():
            return super().page(number)
        number = self._at_least_one(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list.annotate(**{_TOTAL: Window(Count("*"))})[bottom : bottom + self.per_page])
        if not rows:
            return super().page(number)  # counts: raises EmptyPage past the end, allows an empty first page
        self.count = getattr(rows[0], _TOTAL)  # Paginator.count is a cached_property: this is its value
        return self._get_page(rows, number, self)

    def get_page(self, number):
        """Paginator.get_page: a number that is not one gives the first page, one past the end the last."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)


class OneQueryPagination(PageNumberPagination):
    """The API's page-number pagination (same parameters and response), with OneQueryPaginator."""

    django_paginator_class = OneQueryPaginator
