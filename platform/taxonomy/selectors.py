"""Reads of the reference data."""

import operator
import re
from functools import reduce

from django.db.models import BooleanField, Case, Exists, F, Func, OuterRef, Q, QuerySet, When

from .models import Category, CertificationStandard, Industry
from .text import fold, word_prefix, words

_CPV_CODE = re.compile(r"^\s*(\d{2,8})(?:-\d)?\s*$")

# CPV's tree: a division (2 significant digits) down to 8 significant digits.
_MAX_DEPTH = 7

# Words too common to name a category (articles, prepositions, conjunctions in en/es/pt).
_FUNCTION_WORDS = frozenset(
    "and are for from into not other the their with "  # noqa: SIM905 (one list, read by language)
    "como con del desde entre las los otro otros para por que sin sobre una unas unos "
    "com das dos mais outra outras outro outros pelo pela pelos pelas sem uma umas uns".split()
)


def normalise_cpv_code(raw: str) -> str:
    """'03111000-2', ' 03111000 ' and '0311' style prefixes → digits only, check digit dropped."""
    match = _CPV_CODE.match(raw or "")
    return match.group(1) if match else ""


def significant_cpv_prefix(code: str) -> str:
    """The digits that identify a CPV node: 15500000 → '155'. Divisions keep their two digits."""
    stripped = code.rstrip("0")
    return stripped if len(stripped) >= 2 else code[:2]


def search_categories(*, query: str = "", scheme: str = "CPV", limit: int | None = 50) -> QuerySet[Category]:
    """Categories by code prefix ("155", "15500000-7") or by words in any of English, Spanish and Portuguese.

    Every word must start a word of the category's search text (see taxonomy/text.py: accents and case ignored,
    a plural finds the singular, "usinagem" finds "maquinagem"). Categories where more of the words appear whole
    come first, then the more general ones (higher in the tree), then by code."""
    queryset = Category.objects.filter(scheme=scheme)
    query = (query or "").strip()
    if not query:
        queryset = queryset.order_by("code")
    elif code := normalise_cpv_code(query):
        queryset = queryset.filter(code__startswith=code).order_by("code")
    else:
        terms = list(dict.fromkeys(words(query)))
        if not terms:
            return queryset.none()
        whole_words = []
        for term in terms:
            queryset = queryset.filter(search_text__contains=f" {word_prefix(term)}")
            whole_words.append(Case(When(search_text__contains=f" {term} ", then=1), default=0))
        queryset = queryset.annotate(whole_words=reduce(operator.add, whole_words)).order_by(
            "-whole_words", "level", "code"
        )
    return queryset[:limit] if limit else queryset


class _InLineage(Func):
    """``code IN (the codes of lineage)``. A CPV lineage is "/" + an 8-digit code + "/" per level, so its codes sit
    at fixed offsets: the ancestors are found through the unique (scheme, code) index, with no join per level and
    no pattern built from another column. Written as one expression because seven Substr(OuterRef) cost more to
    build than the query takes to run."""

    output_field = BooleanField()
    conditional = True

    def as_sql(self, compiler, connection, **extra_context):
        code_sql, code_params = compiler.compile(self.source_expressions[0])
        lineage_sql, lineage_params = compiler.compile(self.source_expressions[1])
        codes = ", ".join(f"SUBSTR({lineage_sql}, {2 + 9 * depth}, 8)" for depth in range(_MAX_DEPTH))
        return f"{code_sql} IN ({codes})", [*code_params, *(lineage_params * _MAX_DEPTH)]


def categories_named(*, word: str, among: QuerySet | None = None) -> QuerySet[Category]:
    """The categories named by ``word`` in any language (a word of the name starts like it, plural or singular) or
    lying below one so named: what a supplier search for "titanio" or "titanium" also means.

    ``among`` (a queryset of category ids, such as the ones suppliers' capabilities use) narrows the candidates:
    names are then read for those and their ancestors only, however many categories the word names ("servicios"
    names two thousand). Empty for short and common function words."""
    terms = [f" {word_prefix(term)}" for term in words(word) if len(term) >= 4 and term not in _FUNCTION_WORDS]
    if not terms:
        return Category.objects.none()
    named = Q(*(Q(search_text__contains=term) for term in terms))
    named_ancestor = Category.objects.filter(
        named, _InLineage(F("code"), OuterRef("lineage")), scheme=OuterRef("scheme")
    )
    candidates = Category.objects.all() if among is None else Category.objects.filter(pk__in=among)
    return candidates.filter(named | Exists(named_ancestor))


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
