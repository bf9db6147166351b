"""Reads of the reference data."""

import re

from django.db.models import Q, QuerySet

from .models import Category, CertificationStandard, Industry
from .text import fold

_CPV_CODE = re.compile(r"^\s*(\d{2,8})(?:-\d)?\s*$")


def normalise_cpv_code(raw: str) -> str:
    """'03111000-2', ' 03111000 ' and '0311' style prefixes → digits only, check digit dropped."""
    match = _CPV_CODE.match(raw or "")
    return match.group(1) if match else ""


def significant_cpv_prefix(code: str) -> str:
    """The digits that identify a CPV node: 15500000 → '155'. Divisions keep their two digits."""
    stripped = code.rstrip("0")
    return stripped if len(stripped) >= 2 else code[:2]


def search_categories(*, query: str = "", scheme: str = "CPV", limit: int | None = 50) -> QuerySet[Category]:
    queryset = Category.objects.filter(scheme=scheme)
    query = (query or "").strip()
    if query:
        code = normalise_cpv_code(query)
        if code:
            queryset = queryset.filter(code__startswith=code)
        else:
            for word in fold(query).split():
                queryset = queryset.filter(search_text__contains=word)
    queryset = queryset.order_by("code")
    return queryset[:limit] if limit else queryset


def category_subtree(*, code: str, scheme: str = "CPV") -> QuerySet[Category]:
    """The category and everything below it."""
    return Category.objects.filter(scheme=scheme, lineage__contains=f"/{code}/")


def search_industries(*, query: str = "", limit: int | None = 50) -> QuerySet[Industry]:
    queryset = Industry.objects.all()
    query = (query or "").strip()
    if query:
        upper = query.upper()
        if re.fullmatch(r"[A-U]|\d{2,4}", upper):
            queryset = queryset.filter(code__startswith=upper)
        else:
            for word in fold(query).split():
                queryset = queryset.filter(search_text__contains=word)
    queryset = queryset.order_by("code")
    return queryset[:limit] if limit else queryset


def certification_standards() -> QuerySet[CertificationStandard]:
    return CertificationStandard.objects.order_by("name")


def categories_by_code(*, codes, scheme: str = "CPV") -> dict[str, Category]:
    normalised = {normalise_cpv_code(c) or c for c in codes}
    return {c.code: c for c in Category.objects.filter(scheme=scheme, code__in=normalised)}


def category_filter_q(*, code: str, prefix: str = "") -> Q:
    """A Q object selecting rows whose category lies in ``code``'s subtree (for other apps' filters)."""
    return Q(**{f"{prefix}lineage__contains": f"/{normalise_cpv_code(code) or code}/"})
