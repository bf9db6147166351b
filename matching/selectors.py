"""Reads for matching: the engine's records built from the database, and the results pages and the API show.

Records are built with ``values_list`` (three queries for any number of suppliers), not model instances: the
engine's cache is built from 100,000 suppliers in seconds this way.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Membership
from accounts.permissions import is_agency_staff
from buyers.models import Requirement
from buyers.selectors import may_manage, open_requirements_for_supplier, requirements_visible_to
from linkages import selectors as linkage_selectors
from suppliers import selectors as supplier_selectors
from suppliers.models import (
    Capability,
    Certification,
    SupplierProfile,
    VerificationStatus,
    certificate_in_standing_q,
)
from taxonomy.models import CertificationStandard

from .engine.documents import (
    TRANSACTION,
    CapabilityRecord,
    CertificationRecord,
    HistoryEvent,
    RequiredCertification,
    RequirementRecord,
    SupplierRecord,
)
from .engine.learning import Outcome
from .engine.ranker import ENGINE_VERSION
from .engine.scoring import DefaultScorer
from .models import Match, MatchingPolicy, MatchRun, Opportunity, RankerModel, ShortlistEntry

DEFAULT_NEWCOMER_SLOTS = MatchingPolicy._meta.get_field("newcomer_slots").default


def _float(value) -> float | None:
    return None if value is None else float(value)


def rankable_profiles() -> QuerySet[SupplierProfile]:
    """Suppliers the engine may rank: published and not rejected by the agency."""
    return SupplierProfile.objects.filter(published=True).exclude(verification_status=VerificationStatus.REJECTED)


def supplier_records(*, profile_ids: Iterable[int] | None = None) -> list[SupplierRecord]:
    profiles = rankable_profiles()
    if profile_ids is not None:
        profiles = profiles.filter(pk__in=list(profile_ids))
    rows = list(
        profiles.values_list(
            "pk",
            "organisation__legal_name",
            "summary",
            "organisation__country",
            "organisation__region",
            "organisation__latitude",
            "organisation__longitude",
            "readiness_score",
            "verification_status",
            "updated_at",
        )
    )
    ids = [row[0] for row in rows]
    capabilities: dict[int, list[CapabilityRecord]] = defaultdict(list)
    names: dict[int, list[str]] = defaultdict(list)
    capability_rows = Capability.objects.filter(profile_id__in=ids) if profile_ids is not None else Capability.objects
    for (
        profile_id,
        scheme,
        code,
        name_en,
        name_es,
        name_pt,
        description,
        language,
        keywords,
        capacity,
        unit,
        lead_time,
        minimum,
        evidence_date,
    ) in capability_rows.order_by("profile_id", "pk").values_list(
        "profile_id",
        "category__scheme",
        "category__code",
        "category__name_en",
        "category__name_es",
        "category__name_pt",
        "description",
        "language",
        "keywords",
        "monthly_capacity",
        "capacity_unit",
        "lead_time_days",
        "minimum_order",
        "evidence_date",
    ):
        capabilities[profile_id].append(
            CapabilityRecord(
                category=(scheme, code),
                description=description,
                language=language,
                keywords=tuple(keywords or ()),
                monthly_capacity=_float(capacity),
                capacity_unit=unit,
                lead_time_days=lead_time,
                minimum_order=_float(minimum),
                since=evidence_date,
            )
        )
        if evidence_date is None:  # a category learned from an award is history, read with its date
            names[profile_id].extend(name for name in (name_en, name_es, name_pt) if name)
    certifications: dict[int, list[CertificationRecord]] = defaultdict(list)
    certificate_rows = (
        Certification.objects.filter(profile_id__in=ids) if profile_ids is not None else Certification.objects
    )
    # ``active`` is the day-independent half of the one valid-certificate rule, computed by the database from the
    # same Q; the engine (no Django) applies the date half, issued_on <= day <= expires_on, on the needed-by date.
    for profile_id, standard, issued, expires, active in certificate_rows.annotate(
        in_standing=ExpressionWrapper(certificate_in_standing_q(), output_field=BooleanField())
    ).values_list("profile_id", "standard__code", "issued_on", "expires_on", "in_standing"):
        certifications[profile_id].append(
            CertificationRecord(standard=standard, issued_on=issued, expires_on=expires, active=bool(active))
        )
    responsiveness = linkage_selectors.responsiveness_by_supplier()
    return [
        SupplierRecord(
            supplier_id=pk,
            name=name,
            summary=summary,
            country=str(country or ""),
            region=region,
            capabilities=tuple(capabilities.get(pk, ())),
            category_names=tuple(dict.fromkeys(names.get(pk, ()))),
            certifications=tuple(certifications.get(pk, ())),
            readiness_score=_float(readiness),
            latitude=_float(latitude),
            longitude=_float(longitude),
            verified=verification == VerificationStatus.VERIFIED,
            rejected=verification == VerificationStatus.REJECTED,
            published=True,
            response_rate=responsiveness.get(pk),
            updated_at=updated_at,
        )
        for pk, name, summary, country, region, latitude, longitude, readiness, verification, updated_at in rows
    ]


def changed_profiles_since(moment: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """(id, updated_at) of the profiles changed after ``moment``, published or not."""
    return list(SupplierProfile.objects.filter(updated_at__gt=moment).values_list("pk", "updated_at"))


def rankable_count() -> int:
    return rankable_profiles().count()


def responsiveness() -> dict[int, float]:
    return linkage_selectors.responsiveness_by_supplier()


def requirement_record(requirement: Requirement) -> RequirementRecord:
    # .all() so a caller's prefetch_related serves these (opportunities, evaluation) instead of 2 queries each.
    categories = tuple((c.scheme, c.code) for c in requirement.categories.all())
    certifications = tuple(
        RequiredCertification(standard=rc.standard.code, mandatory=rc.mandatory)
        for rc in requirement.required_certifications.all()
    )
    return RequirementRecord(
        requirement_id=requirement.pk,
        buyer_id=requirement.buyer_id,
        title=requirement.title,
        specification=requirement.specification,
        categories=categories,
        required_certifications=certifications,
        quantity=_float(requirement.quantity),
        unit=requirement.unit,
        needed_by=requirement.needed_by,
        delivery_latitude=_float(requirement.delivery_latitude),
        delivery_longitude=_float(requirement.delivery_longitude),
        delivery_country=str(requirement.delivery_country or ""),
        delivery_region=requirement.delivery_region,
        restrict_to_delivery_country=requirement.restrict_to_delivery_country,
        created_at=requirement.published_at or requirement.created_at,
        estimated_value=_float(requirement.estimated_annual_value),
    )


def requirement_records(requirements: QuerySet[Requirement]) -> list[RequirementRecord]:
    return [
        requirement_record(r) for r in requirements.prefetch_related("categories", "required_certifications__standard")
    ]


def history_events() -> list[HistoryEvent]:
    """Every linkage stage reached and every transaction, as the engine's track record reads them."""
    events = [
        HistoryEvent(
            supplier_id=supplier,
            buyer_id=buyer,
            occurred_on=timezone.localdate(at),
            stage=stage,
            category=(scheme, code) if code else None,
            requirement_id=requirement,
            linkage_id=linkage,
            text=title or "",
        )
        for supplier, buyer, at, stage, scheme, code, requirement, linkage, title in linkage_selectors.stage_history()
    ]
    events.extend(
        HistoryEvent(
            supplier_id=supplier,
            buyer_id=buyer,
            occurred_on=day,
            stage=TRANSACTION,
            category=(scheme, code) if code else None,
            requirement_id=requirement,
            value=float(value),
            linkage_id=linkage,
            text=title or description or "",
        )
        for (
            supplier,
            buyer,
            day,
            scheme,
            code,
            requirement,
            value,
            linkage,
            description,
            title,
        ) in linkage_selectors.transaction_history()
    )
    return events


def history_fingerprint() -> tuple:
    """Changes whenever a linkage moves or a transaction is recorded: the cached track record is then stale."""
    return linkage_selectors.history_fingerprint()


def outcomes() -> list[Outcome]:
    return [
        Outcome(requirement_id=requirement, supplier_id=supplier, stage=stage, occurred_on=timezone.localdate(at))
        for requirement, supplier, stage, at in linkage_selectors.requirement_outcomes()
    ]


def matching_policy() -> MatchingPolicy:
    """The agency's matching policy (the defaults, unsaved, until agency staff first set it)."""
    return MatchingPolicy.objects.filter(pk=1).first() or MatchingPolicy(pk=1)


def newcomer_slots() -> int:
    row = MatchingPolicy.objects.filter(pk=1).values_list("newcomer_slots", flat=True).first()
    return DEFAULT_NEWCOMER_SLOTS if row is None else row


def ranker_models() -> QuerySet[RankerModel]:
    return RankerModel.objects.order_by("-trained_at", "-pk")


def active_ranker() -> RankerModel | None:
    return RankerModel.objects.filter(active=True).first()


# -- what pages and the API show -------------------------------------------------------------------------------------


def latest_run(*, requirement: Requirement) -> MatchRun | None:
    return requirement.match_runs.order_by("-created_at", "-pk").first()


def current_model_version() -> str:
    ranker = active_ranker()
    return ranker.version if ranker else DefaultScorer().version


def ranked_by_current_engine(run: MatchRun) -> bool:
    """False for a run made by another engine version or another ranker than the ones in use now."""
    return run.engine_version == ENGINE_VERSION and run.model_version == current_model_version()


def latest_finished_run(*, requirement: Requirement) -> MatchRun | None:
    return requirement.match_runs.filter(status=MatchRun.Status.SUCCEEDED).order_by("-finished_at", "-pk").first()


def may_see_matches(*, user, requirement: Requirement) -> bool:
    """The shortlist is the buyer's working list: its team (viewers included) and agency staff see it."""
    if is_agency_staff(user):
        return True
    return Membership.objects.filter(user=user, organisation_id=requirement.buyer_id).exists()


def may_request_run(*, user, requirement: Requirement) -> bool:
    return may_manage(user=user, requirement=requirement)


def matchable_requirement(*, user, requirement_id: int) -> Requirement | None:
    """The requirement if ``user`` may see it (else None, which callers answer with 404)."""
    return requirements_visible_to(user=user).filter(pk=requirement_id).first()


def runs_visible_to(*, user) -> QuerySet[MatchRun]:
    if not user.is_authenticated:
        return MatchRun.objects.none()
    runs = MatchRun.objects.select_related("requirement")
    if is_agency_staff(user):
        return runs
    own = Membership.objects.filter(user=user).values("organisation_id")
    return runs.filter(requirement__buyer_id__in=own)


def matches_of(
    *,
    run: MatchRun,
    country: str = "",
    verified_only: bool = False,
    shortlisted_only: bool = False,
    min_score: float | None = None,
    certification: str = "",
) -> QuerySet[Match]:
    # A supplier that unpublished or was rejected after the run leaves the list at once, not at the next run.
    listed = run.matches.filter(supplier__in=supplier_selectors.listed_profiles())
    matches = listed.select_related("supplier__organisation").annotate(
        shortlisted=Exists(
            ShortlistEntry.objects.filter(requirement_id=run.requirement_id, supplier_id=OuterRef("supplier_id"))
        )
    )
    if country:
        matches = matches.filter(supplier__organisation__country=country)
    if verified_only:
        matches = matches.filter(supplier__verification_status=VerificationStatus.VERIFIED)
    if shortlisted_only:
        matches = matches.filter(shortlisted=True)
    if min_score is not None:
        matches = matches.filter(score__gte=min_score)
    if certification:
        matches = matches.filter(
            Exists(
                Certification.objects.valid_on(timezone.localdate()).filter(
                    profile_id=OuterRef("supplier_id"), standard__code=certification
                )
            )
        )
    return matches.order_by("rank")


def linkage_stages(*, requirement: Requirement) -> dict[int, str]:
    """Supplier id → stage of the buyer's linkage that came from this requirement."""
    return dict(requirement.linkages.values_list("supplier_id", "stage"))


def standard_names() -> dict[str, str]:
    return dict(CertificationStandard.objects.values_list("code", "name"))


def own_supplier_profile(*, user) -> SupplierProfile | None:
    if not user.is_authenticated:
        return None
    return (
        SupplierProfile.objects.filter(organisation__memberships__user=user, organisation__kind="sme")
        .select_related("organisation")
        .first()
    )


def opportunities_for(*, profile: SupplierProfile) -> QuerySet[Requirement]:
    """Open requirements this SME may see: public ones and those it was invited to (never agency-only)."""
    return (
        open_requirements_for_supplier(profile=profile)
        .select_related("buyer")
        .prefetch_related("categories", "required_certifications__standard")
        .filter(~Q(visibility=Requirement.Visibility.AGENCY))
    )


def opportunities_pending_key(profile_id: int) -> str:
    return f"matching:opportunities-pending:{profile_id}"


def opportunity_refresh_pending(*, profile: SupplierProfile) -> bool:
    return cache.get(opportunities_pending_key(profile.pk)) is not None


def inbox(*, profile: SupplierProfile) -> list[tuple[Requirement, Opportunity | None]]:
    """The open requirements this SME may see, each with its stored fit (None where none was worked out): eligible
    ones best fit first, then the excluded, then the rest by need date. Reads rows only, never the engine."""
    visible = list(opportunities_for(profile=profile))
    fits = {
        fit.requirement_id: fit
        for fit in Opportunity.objects.filter(supplier=profile, requirement__in=[r.pk for r in visible])
    }
    far_future = dt.date.max

    def order(requirement: Requirement):
        fit = fits.get(requirement.pk)
        if fit is None:
            return (2, 0.0, requirement.needed_by or far_future, requirement.pk)
        return (0 if fit.eligible else 1, -fit.score, requirement.needed_by or far_future, requirement.pk)

    return [(requirement, fits.get(requirement.pk)) for requirement in sorted(visible, key=order)]


def pending_runs(*, older_than: dt.datetime) -> QuerySet[MatchRun]:
    return MatchRun.objects.filter(
        status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING], created_at__lt=older_than
    )


# -- what the market tells suppliers -----------------------------------------------------------------------------------

MARKET_WINDOW = dt.timedelta(days=365)


def _latest_rankings(*, since: dt.datetime) -> QuerySet[Match]:
    """Matches of each requirement's latest finished run, for runs finished since ``since`` (one ranking per
    requirement: a re-run replaces, it does not add)."""
    latest = (
        MatchRun.objects.filter(requirement_id=OuterRef("run__requirement_id"), status=MatchRun.Status.SUCCEEDED)
        .order_by("-finished_at", "-pk")
        .values("pk")[:1]
    )
    return Match.objects.filter(run__finished_at__gte=since, run__status=MatchRun.Status.SUCCEEDED).filter(
        run_id=Subquery(latest)
    )


def _gap_key(gap: dict) -> tuple[str, str]:
    params = gap.get("params") or {}
    return gap.get("code", ""), str(params.get("standard") or params.get("categories") or "")


def costly_gaps(*, profile: SupplierProfile, now: dt.datetime | None = None) -> list[dict]:
    """What kept this supplier lower in buyers' rankings over the last twelve months: per gap (a certificate, a
    category, capacity, readiness, distance), in how many rankings it showed and the points it cost on average
    (its gain, 0–1) — most costly in total first. Only the supplier's own rankings: never competitors'."""
    since = (now or timezone.now()) - MARKET_WINDOW
    rankings = _latest_rankings(since=since).filter(supplier=profile).values_list("gaps", flat=True)
    totals: dict[tuple[str, str], dict] = {}
    for gaps in rankings:
        seen = set()
        for gap in gaps or ():
            key = _gap_key(gap)
            if key in seen:
                continue
            seen.add(key)
            row = totals.setdefault(
                key,
                {
                    "code": key[0],
                    "subject": key[1],
                    "params": gap.get("params") or {},
                    "rankings": 0,
                    "total_gain": 0.0,
                },
            )
            row["rankings"] += 1
            row["total_gain"] += float(gap.get("gain") or 0.0)
    rows = [{**row, "average_gain": row["total_gain"] / row["rankings"]} for row in totals.values() if row["rankings"]]
    return sorted(rows, key=lambda row: (-row["total_gain"], row["code"], row["subject"]))


def market_reach(*, profile: SupplierProfile, now: dt.datetime | None = None) -> dict:
    """How the market saw this supplier over the last twelve months: rankings it appeared in (and in the first
    ten), shortlists it is on, contacts it received. Counts only, never who else was ranked."""
    since = (now or timezone.now()) - MARKET_WINDOW
    rankings = _latest_rankings(since=since).filter(supplier=profile)
    return {
        "rankings": rankings.count(),
        "first_ten": rankings.filter(rank__lte=10).count(),
        "shortlists": ShortlistEntry.objects.filter(supplier=profile, added_at__gte=since).count(),
        "contacts": linkage_selectors.contacts_received(supplier=profile, since=since),
    }


# The periods the market page counts over: the last month and the last twelve.
ACTIVITY_PERIODS = (("month", dt.timedelta(days=30)), ("year", MARKET_WINDOW))


def market_activity(*, profile: SupplierProfile, now: dt.datetime | None = None) -> dict[str, dict[str, int]]:
    """How buyers met this supplier, per period (ACTIVITY_PERIODS): times it was among the results of a buyer's
    supplier search (``searches``), its profile opened by buyers' teams or agency staff (``views``; never its own
    people), shortlists it was put on and buyers that contacted it. Counts only, never who."""
    now = now or timezone.now()
    activity = {}
    for period, length in ACTIVITY_PERIODS:
        since = now - length
        exposure = supplier_selectors.exposure_totals(profile=profile, since=timezone.localdate(since))
        activity[period] = {
            "searches": exposure["search"],
            "views": exposure["view"],
            "shortlists": ShortlistEntry.objects.filter(supplier=profile, added_at__gte=since).count(),
            "contacts": linkage_selectors.contacts_received(supplier=profile, since=since),
        }
    return activity


def market_gaps(*, group_by: str, now: dt.datetime | None = None) -> list[dict]:
    """For agency staff: across all SMEs, per sector (ISIC division) or country, what the market asks for and the
    suppliers lack — per gap, the suppliers it affected, the rankings it showed in and its average cost."""
    field = {"sector": "supplier__organisation__industry__code", "country": "supplier__organisation__country"}[group_by]
    since = (now or timezone.now()) - MARKET_WINDOW
    totals: dict[tuple, dict] = {}
    for supplier_id, group, gaps in _latest_rankings(since=since).values_list("supplier_id", field, "gaps"):
        group = (group or "")[:2] if group_by == "sector" else (group or "")
        seen = set()
        for gap in gaps or ():
            key = (group, *_gap_key(gap))
            if key in seen:
                continue
            seen.add(key)
            row = totals.setdefault(
                key,
                {
                    "group": group,
                    "code": key[1],
                    "subject": key[2],
                    "params": gap.get("params") or {},
                    "suppliers": set(),
                    "rankings": 0,
                    "total_gain": 0.0,
                },
            )
            row["suppliers"].add(supplier_id)
            row["rankings"] += 1
            row["total_gain"] += float(gap.get("gain") or 0.0)
    rows = [
        {**row, "suppliers": len(row["suppliers"]), "average_gain": row["total_gain"] / row["rankings"]}
        for row in totals.values()
    ]
    return sorted(rows, key=lambda row: (row["group"], -row["total_gain"], row["code"], row["subject"]))
