"""Reads about sourcing requirements.

The confidentiality rule, in one place:
- agency staff see every requirement;
- members of the buyer organisation see all of their own, drafts included;
- members of an SME see requirements that are not drafts and are either public, or "invited" with their
  supplier profile among the invited; "agency only" requirements never;
- members of other MNCs and consultancies see nothing of another buyer's sourcing (it is competitive
  information);
- anonymous visitors see nothing.
A requirement one may not see answers 404, never 403, so its existence does not leak.
"""

from decimal import Decimal

from django.db.models import Q, QuerySet

from accounts.models import Membership, Organisation
from accounts.permissions import is_agency_staff

from .models import PurchasingDeclaration, Requirement, RequirementInvitation


def visible_sourcing(queryset: QuerySet, *, user, invited, not_draft: Q) -> QuerySet:
    """The confidentiality rule above, for any of a buyer's sourcing documents (requirements, demand forecasts).

    ``queryset`` has ``buyer`` and ``visibility`` (``Requirement.Visibility`` values); ``invited(sme_ids)`` is a
    subquery of the documents the SMEs with those organisation ids were invited to; ``not_draft`` is what SMEs may
    see of the document's statuses."""
    if not user.is_authenticated:
        return queryset.none()
    if is_agency_staff(user):
        return queryset
    memberships = Membership.objects.filter(user=user)
    own_buyers = memberships.filter(organisation__kind=Organisation.Kind.MNC).values("organisation_id")
    own_smes = memberships.filter(organisation__kind=Organisation.Kind.SME).values("organisation_id")
    visible = Q(buyer_id__in=own_buyers) | (
        not_draft & Q(visibility=Requirement.Visibility.INVITED, pk__in=invited(own_smes))
    )
    if own_smes.exists():
        visible |= not_draft & Q(visibility=Requirement.Visibility.PUBLIC)
    return queryset.filter(visible)


def requirements_visible_to(*, user) -> QuerySet[Requirement]:
    return visible_sourcing(
        Requirement.objects.select_related("buyer"),
        user=user,
        invited=lambda sme_ids: RequirementInvitation.objects.filter(supplier__organisation_id__in=sme_ids).values(
            "requirement_id"
        ),
        not_draft=~Q(status=Requirement.Status.DRAFT),
    )


def requirement_detail(*, user, requirement_id: int) -> Requirement | None:
    return (
        requirements_visible_to(user=user)
        .filter(pk=requirement_id)
        .prefetch_related("categories", "required_certifications__standard")
        .first()
    )


def filter_requirements(
    queryset: QuerySet[Requirement],
    *,
    status: str = "",
    visibility: str = "",
    category: str = "",
    country: str = "",
    text: str = "",
    include_history: bool = False,
) -> QuerySet[Requirement]:
    """Live sourcing by default; past tenders imported from award history only when asked for."""
    if not include_history:
        queryset = queryset.filter(historic=False)
    if status:
        queryset = queryset.filter(status=status)
    if visibility:
        queryset = queryset.filter(visibility=visibility)
    if category:
        queryset = queryset.filter(categories__lineage__contains=f"/{category}/")
    if country:
        queryset = queryset.filter(delivery_country=country)
    for word in (text or "").split():
        queryset = queryset.filter(Q(title__icontains=word) | Q(specification__icontains=word))
    return queryset.distinct()


def invitations_visible_to(*, user, requirement: Requirement) -> QuerySet[RequirementInvitation]:
    """The buyer and agency staff see every invitee; an invited SME sees only its own invitation."""
    invitations = requirement.invitations.select_related("supplier__organisation").order_by("created_at")
    if is_agency_staff(user) or Membership.objects.filter(user=user, organisation=requirement.buyer).exists():
        return invitations
    return invitations.filter(supplier__organisation__memberships__user=user)


def open_requirements_for_supplier(*, profile) -> QuerySet[Requirement]:
    invited = RequirementInvitation.objects.filter(supplier=profile).values("requirement_id")
    return Requirement.objects.filter(status=Requirement.Status.OPEN).filter(
        Q(visibility=Requirement.Visibility.PUBLIC) | Q(visibility=Requirement.Visibility.INVITED, pk__in=invited)
    )


def may_manage(*, user, requirement: Requirement) -> bool:
    """Owners and members of the buyer, and agency staff, edit a requirement and move its status."""
    if is_agency_staff(user):
        return True
    return Membership.objects.filter(
        user=user, organisation=requirement.buyer, role__in=[Membership.Role.OWNER, Membership.Role.MEMBER]
    ).exists()


def buyer_organisations_for(*, user) -> QuerySet[Organisation]:
    """The MNC organisations a user may post requirements for."""
    if is_agency_staff(user):
        return Organisation.objects.filter(kind=Organisation.Kind.MNC)
    return Organisation.objects.filter(
        kind=Organisation.Kind.MNC,
        memberships__user=user,
        memberships__role__in=[Membership.Role.OWNER, Membership.Role.MEMBER],
    )


# -- what the buyer buys altogether ------------------------------------------------------------------------------------


def declaring_buyers_for(*, user) -> QuerySet[Organisation]:
    """The buyers whose purchasing declarations a user reads: its own MNCs (every role) and, for agency staff, all."""
    if is_agency_staff(user):
        return Organisation.objects.filter(kind=Organisation.Kind.MNC)
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(kind=Organisation.Kind.MNC, memberships__user=user)


def purchasing_years(*, buyer: Organisation) -> list[dict]:
    """The buyer's declarations, latest year first, each with its local share (local ÷ total, 0–1; None when the
    local part was not declared)."""
    rows = []
    for declaration in PurchasingDeclaration.objects.filter(buyer=buyer).order_by("-year"):
        share = None
        if declaration.local_purchases is not None and declaration.total_purchases:
            share = declaration.local_purchases / declaration.total_purchases
        rows.append(
            {
                "declaration": declaration,
                "local_share": share,
                "local_share_percent": None if share is None else (share * 100).quantize(Decimal("0.1")),
            }
        )
    return rows
