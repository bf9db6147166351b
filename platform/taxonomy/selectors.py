"""Reads of the reference data."""

import operator
import re
from functools import reduce

from django.db.models import BooleanField, Case, F, Func, Q, QuerySet, When

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


class _NamedHereOrAbove(Func):
    """True for a category whose search text, or an ancestor's, has every one of ``terms`` (" word-start").

    A CPV lineage is "/" + an 8-digit code + "/" per level, so the ancestors' codes sit at fixed offsets in it and
    are found through the unique (scheme, code) index: no join per level, no pattern built from another column.
    Written as one expression because building the same test from Exists, OuterRef and seven Substr made supplier
    search slower to build than to run."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, terms: list[str]):
        self.terms = terms
        super().__init__(F("search_text"), F("scheme"), F("lineage"))

    def as_sql(self, compiler, connection, **extra_context):
        (text, text_params), (scheme, scheme_params), (lineage, lineage_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        quote = connection.ops.quote_name
        table, alias = quote(Category._meta.db_table), quote("named_ancestor")
        patterns = [f"%{term}%" for term in self.terms]
        here = " AND ".join(f"{text} LIKE %s" for _term in self.terms)
        above = " AND ".join(f"{alias}.{quote('search_text')} LIKE %s" for _term in self.terms)
        codes = ", ".join(f"SUBSTR({lineage}, {2 + 9 * depth}, 8)" for depth in range(_MAX_DEPTH))
        # Only quoted names and compiled columns go into the text; the words travel as parameters.
        sql = (
            f"(({here}) OR EXISTS (SELECT 1 FROM {table} {alias} WHERE {alias}.{quote('scheme')} = {scheme}"  # noqa: S608
            f" AND {alias}.{quote('code')} IN ({codes}) AND {above}))"
        )
        params = [
            *(param for _term in self.terms for param in text_params),
            *patterns,
            *scheme_params,
            *(lineage_params * _MAX_DEPTH),
            *patterns,
        ]
        return sql, params


def categories_named(*, word: str, among: QuerySet | None = None) -> QuerySet[Category]:
    """The categories named by ``word`` in any language (a word of the name starts like it, plural or singular) or
    lying below one so named: what a supplier search for "titanio" or "titanium" also means.

    ``among`` (a queryset of category ids, such as the ones suppliers' capabilities use) narrows the candidates:
    names are then read for those and their ancestors only, however many categories the word names ("servicios"
    names two thousand). Empty for short and common function words."""
    terms = [f" {word_prefix(term)}" for term in words(word) if len(term) >= 4 and term not in _FUNCTION_WORDS]
    if not terms:
        return Category.objects.none()
    candidates = Category.objects.all() if among is None else Category.objects.filter(pk__in=among)
    return candidates.filter(_NamedHereOrAbove(terms))


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
