"""Reads about saved searches: whose they are, for which organisation one may save them, and what each finds now.

A saved search is personal: only its owner sees it (anyone else's answers 404). What it finds is always worked out
as its owner, with the owner's access today: a buyer whose organisation lost its verification, or an SME member who
left, finds nothing (the rules stay ``suppliers.selectors.search_suppliers`` and
``buyers.selectors.requirements_visible_to``; this module adds no rule of its own about who sees what).
"""

from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.models import Membership, Organisation
from accounts.permissions import SUPPLIER_BROWSING_KINDS, is_agency_staff, may_browse_suppliers
from buyers.models import Requirement
from buyers.selectors import requirements_visible_to
from suppliers.models import Capability, SupplierProfile
from suppliers.selectors import search_suppliers_by
from taxonomy.models import CertificationStandard
from taxonomy.selectors import categories_by_code, category_filter_q

from .models import SavedSearch


def saved_searches_of(*, user, kind: str = "") -> QuerySet[SavedSearch]:
    if not user.is_authenticated:
        return SavedSearch.objects.none()
    searches = (
        SavedSearch.objects.filter(owner=user)
        .select_related("organisation")
        .annotate(announced=Count("results", filter=Q(results__announced=True)))
        .order_by("-created_at", "-pk")
    )
    return searches.filter(kind=kind) if kind else searches


def supplier_search_organisation(*, user) -> Organisation | None:
    """The organisation a supplier search is saved for: the user's verified buyer (or consultancy), else the agency
    of agency staff; None for anyone who may not search suppliers (SMEs, unverified buyers)."""
    if not may_browse_suppliers(user):
        return None
    membership = (
        Membership.objects.filter(
            user=user,
            organisation__kind__in=list(SUPPLIER_BROWSING_KINDS),
            organisation__verification_status=Organisation.VerificationStatus.VERIFIED,
        )
        .select_related("organisation")
        .order_by("created_at", "pk")
        .first()
    )
    if membership is not None:
        return membership.organisation
    if is_agency_staff(user):
        agency = Membership.objects.filter(user=user, organisation__kind=Organisation.Kind.AGENCY).first()
        return agency.organisation if agency else None
    return None


def following_organisation(*, user) -> Organisation | None:
    """The SME a user follows opportunities for (any role: following is personal), else None."""
    if not user.is_authenticated or not user.is_active:
        return None
    membership = (
        Membership.objects.filter(user=user, organisation__kind=Organisation.Kind.SME)
        .select_related("organisation")
        .order_by("created_at", "pk")
        .first()
    )
    return membership.organisation if membership else None


def _still_member(saved_search: SavedSearch) -> bool:
    owner = saved_search.owner
    return (
        owner.is_active and Membership.objects.filter(user=owner, organisation_id=saved_search.organisation_id).exists()
    )


def suppliers_found(*, saved_search: SavedSearch) -> QuerySet[SupplierProfile]:
    """What a saved supplier search finds today, searched as its owner (the supplier search itself)."""
    if saved_search.kind != SavedSearch.Kind.SUPPLIERS or not _still_member(saved_search):
        return SupplierProfile.objects.none()
    if not may_browse_suppliers(saved_search.owner):
        return SupplierProfile.objects.none()
    return search_suppliers_by(user=saved_search.owner, filters=saved_search.filters)


def opportunities_found(*, saved_search: SavedSearch) -> QuerySet[Requirement]:
    """The open requirements its owner may see today in a followed category's subtree or naming a followed keyword
    (in the title or specification): any one of them is enough."""
    if saved_search.kind != SavedSearch.Kind.OPPORTUNITIES or not _still_member(saved_search):
        return Requirement.objects.none()
    wanted = Q()
    for code in saved_search.filters.get("categories") or ():
        wanted |= category_filter_q(code=code, prefix="categories__")
    for word in saved_search.filters.get("keywords") or ():
        wanted |= Q(title__icontains=word) | Q(specification__icontains=word)
    if not wanted:
        return Requirement.objects.none()
    visible = requirements_visible_to(user=saved_search.owner).filter(status=Requirement.Status.OPEN, historic=False)
    return Requirement.objects.filter(pk__in=visible.filter(wanted).values("pk")).select_related("buyer")


def found(*, saved_search: SavedSearch) -> QuerySet:
    if saved_search.kind == SavedSearch.Kind.SUPPLIERS:
        return suppliers_found(saved_search=saved_search)
    return opportunities_found(saved_search=saved_search)


def search_query(*, saved_search: SavedSearch) -> str:
    """A saved supplier search as the search page's query string (to open it there)."""
    return urlencode(
        [(name, "on" if value is True else str(value)) for name, value in sorted(saved_search.filters.items())]
    )


def filters_in_words(*, saved_search: SavedSearch) -> list[tuple[str, str]]:
    """The filters as (label, value) pairs in the reader's language: names, not codes."""
    filters = saved_search.filters or {}
    if saved_search.kind == SavedSearch.Kind.OPPORTUNITIES:
        categories = categories_by_code(codes=filters.get("categories") or [])
        pairs = [
            (_("Category"), categories[code].name if code in categories else code)
            for code in filters.get("categories") or []
        ]
        pairs += [(_("Keyword"), word) for word in filters.get("keywords") or []]
        return pairs
    pairs = []
    for name, value in filters.items():
        if name == "q":
            pairs.append((_("Words"), value))
        elif name == "category":
            category = categories_by_code(codes=[value]).get(value)
            pairs.append((_("Category"), category.name if category else value))
        elif name == "certification":
            standard = CertificationStandard.objects.filter(code=value).first()
            pairs.append((_("Valid certification"), standard.name if standard else value))
        elif name == "country":
            pairs.append((_("Country"), countries.name(value) or value))
        elif name == "region":
            pairs.append((_("Region"), value))
        elif name == "verified":
            pairs.append((_("Verified suppliers only"), _("yes")))
        elif name == "size_class":
            pairs.append(
                (
                    _("Size"),
                    str(Organisation.SizeClass(value).label) if value in Organisation.SizeClass.values else value,
                )
            )
        elif name == "min_readiness":
            pairs.append((_("Minimum readiness"), value))
        elif name == "language":
            pairs.append(
                (_("Language"), str(Capability.Language(value).label) if value in Capability.Language.values else value)
            )
    return pairs
