"""Reads about supplier profiles.

Who sees a profile: agency staff see all; members of *verified* MNC buyers and consultancies see published profiles
that were not rejected (``accounts.permissions.may_browse_suppliers``: a declared, unverified buyer sees nothing); an
SME sees only its own (suppliers do not browse their competitors); anonymous visitors none.
"""

import datetime as dt
import functools
from operator import itemgetter
from pathlib import Path

from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    JSONField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, JSONObject, Least
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.permissions import browses_suppliers_q, is_agency_staff, may_browse_suppliers
from taxonomy.selectors import categories_named

from .models import (
    Assessor,
    Capability,
    Certification,
    ExposureCount,
    ReadinessDiagnostic,
    SupplierProfile,
    VerificationStatus,
    certificate_valid_on_q,
)

LISTED = Q(published=True) & ~Q(verification_status=VerificationStatus.REJECTED)


def listed_profiles() -> QuerySet[SupplierProfile]:
    """Profiles open to buyers: published and not rejected. The only suppliers a buyer may find, invite, shortlist,
    contact or record a linkage with; any other answers as if it did not exist."""
    return SupplierProfile.objects.filter(LISTED)


def profiles_visible_to(*, user) -> QuerySet[SupplierProfile]:
    if not user.is_authenticated:
        return SupplierProfile.objects.none()
    base = SupplierProfile.objects.select_related("organisation", "organisation__industry")
    if is_agency_staff(user):
        return base
    # Whether the user may browse is asked in the same query (an uncorrelated EXISTS, run once), not in one of its own.
    visible = Q(organisation__memberships__user=user) | (LISTED & browses_suppliers_q(user))
    return base.filter(visible).distinct()


def may_search_suppliers(*, user) -> bool:
    return may_browse_suppliers(user)


def with_details(queryset: QuerySet[SupplierProfile]) -> QuerySet[SupplierProfile]:
    return queryset.prefetch_related(
        Prefetch("capabilities", queryset=Capability.objects.select_related("category")),
        Prefetch("certifications", queryset=Certification.objects.select_related("standard")),
        "machines",
    )


# The orders a supplier search offers (the page's sort control, the API's ``ordering``), in the reader's words.
SEARCH_ORDERINGS = {
    "-readiness": _("Readiness, highest first"),
    "name": _("Name, A to Z"),
    "-updated": _("Recently updated"),
}


def search_suppliers(
    *,
    user,
    query: str = "",
    country: str | None = None,
    region: str | None = None,
    category_code: str | None = None,
    certification: str | None = None,
    verified_only: bool = False,
    size_class: str | None = None,
    min_readiness=None,
    language: str | None = None,
    ordering: str = "name",
) -> QuerySet[SupplierProfile]:
    # Who sees what stays profiles_visible_to's rule, taken as an id subquery: its membership join, and the DISTINCT
    # that join needs, stay inside it instead of wrapping the page and the count.
    queryset = SupplierProfile.objects.select_related("organisation").filter(
        pk__in=profiles_visible_to(user=user).values("pk")
    )
    # Conditions on capabilities are id subqueries, not joins: a join repeats a profile once per capability and
    # would need a DISTINCT over every column (slower, and it wraps the whole page query).
    # A word also finds the suppliers with a capability in a category it names, in any language, or below one:
    # "titanio" and "titanium" both reach category 14724000 "Titanium"/"Titanio"/"Titânio". Which categories (among
    # those capabilities use) a word names is a subquery of the one query that reads the page and its count
    # (OneQueryPaginator), so the database answers it once, without two round trips of its own before the search.
    query_words = (query or "").split()
    in_use = Capability.objects.values("category_id")
    for word in query_words:
        named = categories_named(word=word, among=in_use).values("pk")
        described = Capability.objects.filter(
            Q(description__icontains=word) | Q(keywords__icontains=word) | Q(category_id__in=named)
        )
        queryset = queryset.filter(
            Q(organisation__legal_name__icontains=word)
            | Q(organisation__trade_name__icontains=word)
            | Q(summary__icontains=word)
            | Q(pk__in=described.values("profile_id"))
        )
    if country:
        queryset = queryset.filter(organisation__country=country)
    if region:
        queryset = queryset.filter(organisation__region__icontains=region)
    if category_code:
        in_category = Capability.objects.filter(category__lineage__contains=f"/{category_code}/")
        queryset = queryset.filter(pk__in=in_category.values("profile_id"))
    if certification:
        queryset = queryset.filter(
            Exists(
                Certification.objects.valid_on(timezone.localdate()).filter(
                    profile_id=OuterRef("pk"), standard__code=certification
                )
            )
        )
    if verified_only:
        queryset = queryset.filter(verification_status=VerificationStatus.VERIFIED)
    if size_class:
        queryset = queryset.filter(organisation__size_class=size_class)
    if min_readiness not in (None, ""):
        queryset = queryset.filter(readiness_score__gte=min_readiness)
    if language:
        queryset = queryset.filter(pk__in=Capability.objects.filter(language=language).values("profile_id"))
    order = {
        "name": ["organisation__legal_name"],
        # Suppliers not yet assessed last, on PostgreSQL too (where a descending order puts nulls first).
        "-readiness": [F("readiness_score").desc(nulls_last=True), "organisation__legal_name"],
        "-updated": ["-updated_at"],
    }.get(ordering, ["organisation__legal_name"])  # the keys of SEARCH_ORDERINGS
    # What a result shows of capabilities and certificates is read with the page (search_results), not here: the
    # buyer's invitation picker uses this for names only.
    return queryset.order_by(*order, "pk")


class _JsonArray(Aggregate):
    """The rows of a group as one JSON array: jsonb_agg on PostgreSQL, json_group_array on SQLite."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def _rows_of(queryset: QuerySet, **fields) -> Subquery:
    """A profile's rows of ``queryset`` (related by ``profile``) as one JSON array of objects made of ``fields``."""
    grouped = queryset.filter(profile_id=OuterRef("pk")).order_by().values("profile_id")
    return Subquery(grouped.annotate(rows=_JsonArray(JSONObject(**fields))).values("rows"), output_field=JSONField())


# What a result shows of a supplier's organisation (OrganisationSummarySerializer, the search page).
ORGANISATION_SUMMARY_FIELDS = (
    "id",
    "legal_name",
    "trade_name",
    "country",
    "region",
    "city",
    "size_class",
    "employees",
    "women_employees",
    "year_founded",
    "website",
    "verification_status",
)

# The columns a search result shows (SupplierSearchResultSerializer, templates/suppliers/search.html): anything else
# is left unread, and would cost a query per result if something read it (the search tests count them).
RESULT_FIELDS = (
    "id",
    "organisation_id",
    "summary",
    "readiness_score",
    "published",
    "verification_status",
    "verified_at",
    "updated_at",
    *(f"organisation__{name}" for name in ORGANISATION_SUMMARY_FIELDS),
)


def search_results(queryset: QuerySet[SupplierProfile]) -> QuerySet[SupplierProfile]:
    """``search_suppliers``'s profiles with what each result shows of its capabilities and certificates, read in the
    same query as the page (one JSON array each) instead of two prefetch queries and a model instance per row; then
    ``summarise_results`` shapes a page of them. A certificate's status is the valid-certificate rule's own Q,
    evaluated in the database."""
    return queryset.only(*RESULT_FIELDS).annotate(**_result_rows(timezone.localdate()))


@functools.lru_cache(maxsize=2)
def _result_rows(today: dt.date) -> dict[str, Subquery]:
    # Built once a day, not per search (building them cost a search more than running them): a query resolves the
    # expressions it is given into copies of its own, so one day's pair serves every request of that day.
    capabilities = _rows_of(
        Capability.objects.all(),
        id=F("id"),
        category=F("category__code"),
        name_en=F("category__name_en"),
        name_es=F("category__name_es"),
        name_pt=F("category__name_pt"),
        description=F("description"),
        language=F("language"),
        monthly_capacity=Cast("monthly_capacity", CharField()),
        capacity_unit=F("capacity_unit"),
        lead_time_days=F("lead_time_days"),
    )
    effective_status = Case(
        When(certificate_valid_on_q(today), then=Value(Certification.Status.ACTIVE.value)),
        When(~Q(status=Certification.Status.ACTIVE), then=F("status")),
        When(verification_status=VerificationStatus.REJECTED, then=Value("rejected")),
        When(issued_on__gt=today, then=Value("not_yet_valid")),
        default=Value("expired"),
        output_field=CharField(),
    )
    certifications = _rows_of(
        Certification.objects.all(),
        id=F("id"),
        standard=F("standard__code"),
        standard_name=F("standard__name"),
        effective_status=effective_status,
        expires_on=F("expires_on"),
    )
    return {"capability_rows": capabilities, "certification_rows": certifications}


def summarise_results(profiles) -> list[SupplierProfile]:
    """A page of ``search_results``: each profile gets ``capability_summaries`` (by id, the category named in the
    active language as ``Category.name`` does) and ``certification_summaries`` (by expiry, ``valid`` when its
    effective status is active, as ``Certification.valid_today``)."""
    language = (translation.get_language() or "en")[:2]
    profiles = list(profiles)
    for profile in profiles:
        capabilities = sorted(profile.capability_rows or (), key=itemgetter("id"))
        profile.capability_summaries = [
            {
                "id": row["id"],
                "category": row["category"],
                "category_name": row.get(f"name_{language}") or row["name_en"],
                "description": row["description"],
                "language": row["language"],
                "monthly_capacity": row["monthly_capacity"],
                "capacity_unit": row["capacity_unit"],
                "lead_time_days": row["lead_time_days"],
            }
            for row in capabilities
        ]
        certifications = sorted(profile.certification_rows or (), key=itemgetter("expires_on", "id"))
        for row in certifications:
            row["valid"] = row["effective_status"] == Certification.Status.ACTIVE
        profile.certification_summaries = certifications
    return profiles


# The supplier search's parameters by their public names (the search page's and the API's query string, and what a
# saved search stores) → search_suppliers' arguments.
SEARCH_PARAMETERS = {
    "q": "query",
    "country": "country",
    "region": "region",
    "category": "category_code",
    "certification": "certification",
    "verified": "verified_only",
    "size_class": "size_class",
    "min_readiness": "min_readiness",
    "language": "language",
}


def search_suppliers_by(*, user, filters: dict, ordering: str = "name") -> QuerySet[SupplierProfile]:
    """``search_suppliers`` with cleaned parameters named as the search page and API name them (SEARCH_PARAMETERS);
    empty ones are left out."""
    arguments = {
        SEARCH_PARAMETERS[name]: value
        for name, value in filters.items()
        if name in SEARCH_PARAMETERS and value not in (None, "", False)
    }
    if "verified_only" in arguments:
        arguments["verified_only"] = bool(arguments["verified_only"])
    return search_suppliers(user=user, ordering=ordering, **arguments)


def profile_detail(*, user, profile_id: int) -> SupplierProfile | None:
    return with_details(profiles_visible_to(user=user)).filter(pk=profile_id).first()


def profile_of(*, organisation: Organisation) -> SupplierProfile | None:
    return SupplierProfile.objects.filter(organisation=organisation).first()


def profiles_by_organisation(*, organisation_ids) -> dict[int, SupplierProfile]:
    """Organisation id → its supplier profile, for those that have one (one query)."""
    return {p.organisation_id: p for p in SupplierProfile.objects.filter(organisation_id__in=list(organisation_ids))}


PENDING_PARTS = ("organisation", "profile", "certificates")
_NEVER = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


def verification_cases(*, query: str = "", kind: str = "", country: str = "", pending: str = "") -> QuerySet:
    """The verification queue, one row per organisation with anything waiting for agency staff: the organisation
    itself, its supplier profile or any of its certificates. Each row carries ``organisation_pending``,
    ``profile_pending``, ``pending_certificates`` (a count) and ``waiting_since`` (its oldest pending item), oldest
    first. ``query`` matches the legal or trade name or the tax identifier; ``pending`` is one of ``PENDING_PARTS``."""
    waiting = VerificationStatus.PENDING
    # The organisation's one profile is joined (one to one); its certificates are found by the profile's id (indexed).
    pending_certificates = (
        Certification.objects.filter(profile_id=OuterRef("supplier_profile__id"), verification_status=waiting)
        .order_by()
        .values("profile_id")
    )
    certificate_count = pending_certificates.annotate(n=Count("pk")).values("n")
    oldest_certificate = pending_certificates.annotate(first=Min("created_at")).values("first")
    queryset = (
        Organisation.objects.exclude(kind=Organisation.Kind.AGENCY)
        .annotate(
            organisation_pending=Case(
                When(verification_status=waiting, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
            profile_pending=Case(
                When(supplier_profile__verification_status=waiting, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            pending_certificates=Coalesce(Subquery(certificate_count, output_field=IntegerField()), 0),
        )
        .filter(Q(organisation_pending=True) | Q(profile_pending=True) | Q(pending_certificates__gt=0))
    )
    for word in (query or "").split():
        compact = "".join(character for character in word if character.isalnum())
        match = Q(legal_name__icontains=word) | Q(trade_name__icontains=word) | Q(tax_id__icontains=word)
        if compact:
            match |= Q(tax_id_normalised__icontains=compact)
        queryset = queryset.filter(match)
    if kind:
        queryset = queryset.filter(kind=kind)
    if country:
        queryset = queryset.filter(country=country)
    if pending == "organisation":
        queryset = queryset.filter(organisation_pending=True)
    elif pending == "profile":
        queryset = queryset.filter(profile_pending=True)
    elif pending == "certificates":
        queryset = queryset.filter(pending_certificates__gt=0)
    never = Value(_NEVER, output_field=DateTimeField())
    since = Least(
        Case(When(verification_status=waiting, then=F("created_at")), default=never),
        Case(
            When(supplier_profile__verification_status=waiting, then=F("supplier_profile__created_at")), default=never
        ),
        Coalesce(Subquery(oldest_certificate, output_field=DateTimeField()), never),
    )
    return queryset.annotate(waiting_since=since).order_by("waiting_since", "pk")


PREVIEWS = {".pdf": "pdf", ".png": "image", ".jpg": "image", ".jpeg": "image"}  # what the page shows inline


def verification_case(*, organisation_id: int) -> dict | None:
    """An organisation (not an agency) with everything agency staff verify about it: its supplier profile (if any)
    with its capabilities and certificates, for the one-step verification page."""
    organisation = (
        Organisation.objects.exclude(kind=Organisation.Kind.AGENCY)
        .select_related("industry")
        .filter(pk=organisation_id)
        .first()
    )
    if organisation is None:
        return None
    profile = with_details(SupplierProfile.objects.filter(organisation=organisation)).first()
    certificates = list(profile.certifications.all()) if profile else []
    for certificate in certificates:
        extension = Path(certificate.document.name).suffix.lower() if certificate.document else ""
        certificate.preview = PREVIEWS.get(extension, "")
    return {
        "organisation": organisation,
        "profile": profile,
        "certificates": certificates,
        "latest_diagnostic": profile.diagnostics.first() if profile else None,
        "members": organisation.memberships.count(),
    }


def pending_verification_count() -> int:
    """How many organisations have anything waiting: the verification queue's rows."""
    return verification_cases().count()


def expiring_certifications(*, within_days: int, today: dt.date | None = None) -> QuerySet[Certification]:
    """Certificates valid today that lapse within ``within_days`` (today included)."""
    today = today or timezone.localdate()
    return (
        Certification.objects.valid_on(today)
        .filter(expires_on__lte=today + dt.timedelta(within_days))
        .select_related("profile__organisation", "standard")
    )


def certification_visible_to(*, user, certification_id: int) -> Certification | None:
    return (
        Certification.objects.filter(profile__in=profiles_visible_to(user=user), pk=certification_id)
        .select_related("profile")
        .first()
    )


def trusted_readiness(*, profile: SupplierProfile) -> ReadinessDiagnostic | None:
    """The diagnostic a profile's readiness follows: the latest assessed by someone else than the supplier, else the
    latest self-assessment (a supplier cannot talk its way past a consultant's score)."""
    diagnostics = profile.diagnostics.order_by("-assessed_on", "-id")
    return diagnostics.exclude(assessor=Assessor.SELF).first() or diagnostics.first()


def exposure_totals(*, profile: SupplierProfile, since: dt.date) -> dict[str, int]:
    """How often buyers met this supplier from ``since`` on: {"search": n, "view": n} (ExposureCount.Kind)."""
    totals = dict.fromkeys(ExposureCount.Kind.values, 0)
    rows = (
        ExposureCount.objects.filter(profile=profile, day__gte=since)
        .values("kind")
        .annotate(total=Sum("count"))
        .values_list("kind", "total")
    )
    totals.update({kind: total or 0 for kind, total in rows})
    return totals


# -- how complete a profile is ---------------------------------------------------------------------------------------

# (key, points, what to do, where): the points add up to 100. What buyers and the matching engine read about a
# supplier; each missing piece is a fix that raises the score by its points.
_COMPLETENESS = (
    ("capabilities", 20, _("Describe at least one capability, in its category."), "capabilities"),
    ("valid_certificate", 15, _("Record a certificate that is valid today."), "certifications"),
    ("summary", 10, _("Write a summary of what your company makes."), "profile"),
    ("production_capacity", 10, _("Describe your production capacity."), "profile"),
    ("capacity_figures", 10, _("Give every capability its monthly capacity and lead time."), "capabilities"),
    ("diagnostic", 10, _("Take the readiness diagnostic."), "diagnostic"),
    ("published", 10, _("Publish your profile so buyers can find it."), "profile"),
    ("quality_systems", 5, _("Describe your quality systems."), "profile"),
    ("certificate_documents", 5, _("Upload the document of each valid certificate."), "certifications"),
    ("location", 5, _("Give your organisation's city and website."), "organisation"),
)


def profile_completeness(*, profile: SupplierProfile, today: dt.date | None = None) -> dict:
    """How complete the profile is (0–100) and the fixes that would raise it, most points first: each with its
    points, words and the page where it is made."""
    today = today or timezone.localdate()
    capabilities = list(profile.capabilities.all())
    valid = list(Certification.objects.valid_on(today).filter(profile=profile))
    organisation = profile.organisation
    done = {
        "capabilities": bool(capabilities),
        "valid_certificate": bool(valid),
        "summary": bool(profile.summary.strip()),
        "production_capacity": bool(profile.production_capacity.strip()),
        "capacity_figures": bool(capabilities)
        and all(c.monthly_capacity is not None and c.lead_time_days is not None for c in capabilities),
        "diagnostic": profile.diagnostics.exists(),
        "published": profile.published,
        "quality_systems": bool(profile.quality_systems.strip()),
        "certificate_documents": bool(valid) and all(c.document for c in valid),
        "location": bool(organisation.city and organisation.website),
    }
    fixes = []
    for key, points, words, step in _COMPLETENESS:
        if done[key]:
            continue
        url = (
            reverse("accounts:organisation")
            if step == "organisation"
            else reverse("suppliers:onboarding_step", args=[step])
        )
        fixes.append({"key": key, "points": points, "words": words, "url": url})
    score = sum(points for key, points, _words, _step in _COMPLETENESS if done[key])
    return {"score": score, "fixes": fixes}
