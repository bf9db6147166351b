"""Reads about responses, clarifications and the buyer's comparison.

Who sees what, in one place:
- a supplier (any member of the SME, viewers included) sees its own response, its history and attachments, and
  never another supplier's;
- the buyer's team (members of a **verified** buyer, viewers included) sees every response to its own requirements;
  an unverified MNC has no buyer powers and sees none;
- agency staff see every response (their reads are recorded in the audit trail by the callers, see
  ``services.record_reads``);
- answered clarifications are read by everyone who may see the requirement, without who asked; who asked is for the
  buyer's team and agency staff.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Membership, Organisation
from accounts.permissions import acts_for_verified_buyer, is_agency_staff
from buyers.models import Requirement, RequirementInvitation
from buyers.selectors import requirements_visible_to
from matching import selectors as matching_selectors
from matching.explanations import GapWords
from matching.models import ShortlistEntry
from reporting.selectors import usd_rates_on
from suppliers.models import Certification, SupplierProfile

from .models import Clarification, Response, ResponseAttachment, ResponseKind, ResponseReminder, ResponseRevision

# Requirements answerable (and revisable) while they are in this status.
ANSWERABLE = (Requirement.Status.OPEN,)


def acting_profile(*, user, editing: bool = True) -> SupplierProfile | None:
    """The supplier profile ``user`` acts for: an SME where the user is owner or member (``editing``), or any role."""
    if not user.is_authenticated:
        return None
    roles = [Membership.Role.OWNER, Membership.Role.MEMBER]
    if not editing:
        roles.append(Membership.Role.VIEWER)
    return (
        SupplierProfile.objects.filter(
            organisation__kind=Organisation.Kind.SME,
            organisation__memberships__user=user,
            organisation__memberships__role__in=roles,
        )
        .select_related("organisation")
        .order_by("pk")
        .first()
    )


def answerable_requirement(*, user, requirement_id: int) -> Requirement | None:
    """The requirement if ``user`` may see it (else None: callers answer 404)."""
    return requirements_visible_to(user=user).filter(pk=requirement_id).first()


def may_read_responses_of(*, user, requirement: Requirement) -> bool:
    """The buyer's team of a verified buyer (viewers included) and agency staff."""
    return is_agency_staff(user) or acts_for_verified_buyer(user, requirement.buyer)


def may_decide(*, user, requirement: Requirement) -> bool:
    """Shortlisting and awarding: owners and members of the verified buyer, and agency staff."""
    return is_agency_staff(user) or acts_for_verified_buyer(user, requirement.buyer, editing=True)


def is_buyer_side(*, user, requirement: Requirement) -> bool:
    """The buyer's team (any role, verified or not) or agency staff: may see who asked a question."""
    if is_agency_staff(user):
        return True
    return Membership.objects.filter(user=user, organisation_id=requirement.buyer_id).exists()


def may_answer_questions(*, user, requirement: Requirement) -> bool:
    """Owners and members of the buyer (verified), and agency staff."""
    return may_decide(user=user, requirement=requirement)


def responses_visible_to(*, user) -> QuerySet[Response]:
    if not user.is_authenticated:
        return Response.objects.none()
    base = Response.objects.select_related("requirement__buyer", "supplier__organisation")
    if is_agency_staff(user):
        return base
    memberships = Membership.objects.filter(user=user)
    verified_buyers = memberships.filter(
        organisation__kind=Organisation.Kind.MNC,
        organisation__verification_status=Organisation.VerificationStatus.VERIFIED,
    ).values("organisation_id")
    own_smes = memberships.filter(organisation__kind=Organisation.Kind.SME).values("organisation_id")
    return base.filter(Q(requirement__buyer_id__in=verified_buyers) | Q(supplier__organisation_id__in=own_smes))


def response_detail(*, user, response_id: int) -> Response | None:
    return responses_visible_to(user=user).filter(pk=response_id).prefetch_related("attachments").first()


def own_response(*, profile: SupplierProfile | None, requirement: Requirement) -> Response | None:
    if profile is None:
        return None
    return (
        Response.objects.filter(requirement=requirement, supplier=profile)
        .prefetch_related("attachments", "revisions")
        .first()
    )


def attachment_visible_to(*, user, attachment_id: int) -> ResponseAttachment | None:
    visible = responses_visible_to(user=user).values("pk")
    return (
        ResponseAttachment.objects.filter(pk=attachment_id, response__in=visible)
        .select_related("response__requirement", "response__supplier")
        .first()
    )


def revisions_of(*, response: Response) -> QuerySet[ResponseRevision]:
    return response.revisions.order_by("-version")


def clarifications_visible_to(*, user, requirement: Requirement) -> QuerySet[Clarification]:
    """``requirement`` is one ``user`` may see. The buyer's side reads every question; a supplier reads the answered
    ones and its own open questions."""
    clarifications = requirement.clarifications.select_related("asked_by_supplier__organisation")
    if is_buyer_side(user=user, requirement=requirement):
        return clarifications
    profile = acting_profile(user=user, editing=False)
    own = Q(asked_by_supplier=profile) if profile is not None else Q(pk__in=[])
    return clarifications.filter(Q(answered_at__isnull=False) | own)


def clarification_for_answer(*, user, clarification_id: int) -> Clarification | None:
    """A clarification whose requirement ``user`` may see (answering is then checked by the service)."""
    visible = requirements_visible_to(user=user).values("pk")
    return (
        Clarification.objects.filter(pk=clarification_id, requirement__in=visible).select_related("requirement").first()
    )


def unanswered_reminders_due(*, today: dt.date) -> list[tuple[Requirement, SupplierProfile]]:
    """(requirement, supplier) of open requirements whose respond-by date has come, for each invited supplier with
    no response and no reminder yet."""
    responded = Response.objects.filter(requirement_id=OuterRef("requirement_id"), supplier_id=OuterRef("supplier_id"))
    reminded = ResponseReminder.objects.filter(
        requirement_id=OuterRef("requirement_id"), supplier_id=OuterRef("supplier_id")
    )
    invitations = (
        RequirementInvitation.objects.filter(
            requirement__status=Requirement.Status.OPEN,
            requirement__respond_by__isnull=False,
            requirement__respond_by__lte=today,
        )
        .exclude(Exists(responded))
        .exclude(Exists(reminded))
        .select_related("requirement__buyer", "supplier__organisation")
        .order_by("requirement_id", "supplier_id")
    )
    return [(invitation.requirement, invitation.supplier) for invitation in invitations]


# -- the buyer's comparison ---------------------------------------------------------------------------------------

SORTS = ("price", "lead_time", "score", "rank", "supplier", "updated")


@dataclass
class ComparisonRow:
    response: Response
    price_usd: Decimal | None
    rate: Decimal | None  # units of the quote's currency per US dollar; None when the table has none
    certificates: list[str]  # names of the standards valid on the needed-by day
    missing_mandatory: list[str]
    rank: int | None
    score: float | None
    gaps: list[dict] = field(default_factory=list)
    shortlisted: bool = False
    linkage_stage: str = ""

    @property
    def no_rate(self) -> bool:
        return self.response.kind == ResponseKind.QUOTE and self.response.price is not None and self.rate is None


def comparison(
    *,
    requirement: Requirement,
    sort: str = "price",
    kind: str = "",
    shortlisted_only: bool = False,
    certified_only: bool = False,
    today: dt.date | None = None,
) -> dict:
    """The live responses to ``requirement`` beside the engine's latest finished ranking (never a new run).

    Prices are converted to US dollars with the agency's rate table on ``today`` (the original price and currency
    are kept); certificates are those valid on the needed-by day (today when there is none). A fixed number of
    queries whatever the number of responses.
    """
    today = today or timezone.localdate()
    day = requirement.needed_by or today
    responses = list(
        Response.objects.filter(requirement=requirement)
        .select_related("supplier__organisation", "linkage")
        .prefetch_related("attachments")
        .order_by("pk")
    )
    supplier_ids = [response.supplier_id for response in responses]
    rates = usd_rates_on(currencies={r.currency for r in responses if r.currency}, day=today)
    certificates: dict[int, list[tuple[str, str]]] = {}
    for profile_id, code, name in (
        Certification.objects.valid_on(day)
        .filter(profile_id__in=supplier_ids)
        .values_list("profile_id", "standard__code", "standard__name")
        .order_by("standard__name")
    ):
        certificates.setdefault(profile_id, []).append((code, name))
    mandatory = [
        (required.standard.code, required.standard.name)
        for required in requirement.required_certifications.select_related("standard")
        if required.mandatory
    ]
    run = matching_selectors.latest_finished_run(requirement=requirement)
    matches = {}
    if run is not None:
        matches = {match.supplier_id: match for match in run.matches.filter(supplier_id__in=supplier_ids)}
    shortlisted = set(
        ShortlistEntry.objects.filter(requirement=requirement, supplier_id__in=supplier_ids).values_list(
            "supplier_id", flat=True
        )
    )
    words = GapWords()
    rows = []
    for response in responses:
        rate = rates.get(response.currency) if response.currency else None
        price_usd = (response.price / rate).quantize(Decimal("0.01")) if rate and response.price is not None else None
        held = certificates.get(response.supplier_id, [])
        held_codes = {code for code, _name in held}
        match = matches.get(response.supplier_id)
        rows.append(
            ComparisonRow(
                response=response,
                price_usd=price_usd,
                rate=rate,
                certificates=[name for _code, name in held],
                missing_mandatory=[name for code, name in mandatory if code not in held_codes],
                rank=match.rank if match else None,
                score=match.score if match else None,
                gaps=[words.gap(gap) for gap in match.gaps] if match else [],
                shortlisted=response.supplier_id in shortlisted,
                linkage_stage=response.linkage.stage if response.linkage_id else "",
            )
        )
    if kind:
        rows = [row for row in rows if row.response.kind == kind]
    if shortlisted_only:
        rows = [row for row in rows if row.shortlisted]
    if certified_only:
        rows = [row for row in rows if not row.missing_mandatory]
    rows.sort(key=_sort_key(sort))
    return {"rows": rows, "run": run, "certificate_day": day, "rate_day": today}


def _last(value) -> tuple:
    return (value is None, value if value is not None else 0)


def _sort_key(sort: str):
    """Missing values (no price, no rate, not ranked) last whatever the sort; the supplier's name breaks ties."""
    if sort == "lead_time":
        return lambda row: (*_last(row.response.lead_time_days), row.response.supplier.organisation.legal_name)
    if sort == "score":
        return lambda row: (*_last(-row.score if row.score is not None else None), row.response.pk)
    if sort == "rank":
        return lambda row: (*_last(row.rank), row.response.pk)
    if sort == "supplier":
        return lambda row: (row.response.supplier.organisation.legal_name.casefold(), row.response.pk)
    if sort == "updated":
        return lambda row: (-row.response.updated_at.timestamp(), row.response.pk)
    return lambda row: (*_last(row.price_usd), row.response.supplier.organisation.legal_name)
