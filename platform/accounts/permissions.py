"""Who may do what. Every API view names one of these classes; pages use the same predicates.

Roles: agency staff (verified agency, owner/member) see and verify everything; an organisation's owners and
members edit it and what it owns; viewers only read. Nobody edits another organisation's data.

Buyer powers (searching and reading supplier profiles, publishing requirements, inviting suppliers, reading a
requirement's ranked matches, shortlisting and contacting suppliers) belong to people who act for a buyer
organisation that agency staff **verified**: anybody may sign up and declare an MNC, so a declared kind alone grants
nothing. ``acts_for_verified_buyer`` is that one rule; ``has_buyer_powers`` adds agency staff, who may do it all.
"""

from django.db.models import Count, Exists, Q
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import Membership, Organisation, agency_staff_q


def membership_in(user, organisation) -> Membership | None:
    if not user.is_authenticated or organisation is None:
        return None
    cache = getattr(user, "_membership_cache", None)
    if cache is None:
        cache = {m.organisation_id: m for m in user.memberships.all()}
        user._membership_cache = cache
    return cache.get(organisation.pk)


def is_member(user, organisation) -> bool:
    return membership_in(user, organisation) is not None


def can_edit_organisation(user, organisation) -> bool:
    membership = membership_in(user, organisation)
    return membership is not None and membership.can_edit


def is_owner(user, organisation) -> bool:
    membership = membership_in(user, organisation)
    return membership is not None and membership.role == Membership.Role.OWNER


def is_agency_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_agency_staff)


def organisations_of(user, *, kind: str | None = None) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    queryset = Organisation.objects.filter(memberships__user=user)
    if kind:
        queryset = queryset.filter(kind=kind)
    return list(queryset.order_by("memberships__created_at"))


# Organisations whose verified members browse published supplier profiles (the buyers of the marketplace).
SUPPLIER_BROWSING_KINDS = (Organisation.Kind.MNC, Organisation.Kind.CONSULTANCY)


def _verified_membership_q(*, kinds, editing: bool) -> Q:
    verified = Q(
        organisation__kind__in=list(kinds), organisation__verification_status=Organisation.VerificationStatus.VERIFIED
    )
    return verified & Q(role__in=[Membership.Role.OWNER, Membership.Role.MEMBER]) if editing else verified


def _verified_memberships(user, *, kinds, editing: bool):
    return Membership.objects.filter(_verified_membership_q(kinds=kinds, editing=editing), user=user)


def acts_for_verified_buyer(user, organisation: Organisation | None = None, *, editing: bool = False) -> bool:
    """Whether ``user`` acts for a verified MNC buyer organisation (``organisation`` itself when given).

    With ``editing`` only owners and members count (viewers read, they do not act). An MNC still pending or
    rejected by agency staff grants no buyer power, whatever its members declared it to be.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if organisation is not None:
        if organisation.kind != Organisation.Kind.MNC or not organisation.is_verified:
            return False
        membership = membership_in(user, organisation)
        return membership is not None and (membership.can_edit or not editing)
    return _verified_memberships(user, kinds=[Organisation.Kind.MNC], editing=editing).exists()


def has_buyer_powers(user, organisation: Organisation | None = None, *, editing: bool = False) -> bool:
    """Agency staff, or someone who acts for a verified buyer (see ``acts_for_verified_buyer``)."""
    return is_agency_staff(user) or acts_for_verified_buyer(user, organisation, editing=editing)


def may_browse_suppliers(user) -> bool:
    """Search and read published supplier profiles: agency staff and members of a verified buyer or consultancy."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not user.agency_staff_known:
        # Whether the user is agency staff is not known yet: one query answers both questions, and is_agency_staff
        # remembers its answer for the rest of the request (a supplier search asks it next).
        answers = Membership.objects.filter(user=user).aggregate(
            staff=Count("pk", filter=agency_staff_q()),
            browsing=Count("pk", filter=_verified_membership_q(kinds=SUPPLIER_BROWSING_KINDS, editing=False)),
        )
        user.remember_agency_staff(answers["staff"] > 0)
        return answers["staff"] > 0 or answers["browsing"] > 0
    return is_agency_staff(user) or _verified_memberships(user, kinds=SUPPLIER_BROWSING_KINDS, editing=False).exists()


def browses_suppliers_q(user) -> Q:
    """``may_browse_suppliers(user)`` for a signed-in user who is not agency staff, as a condition of a query (an
    uncorrelated EXISTS, which the database evaluates once) instead of a query of its own."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    return Q(Exists(_verified_memberships(user, kinds=SUPPLIER_BROWSING_KINDS, editing=False)))


class IsAgencyStaff(BasePermission):
    message = "Only agency staff may do this."

    def has_permission(self, request, view):
        return is_agency_staff(request.user)


class OrganisationScoped(BasePermission):
    """Objects that belong to an organisation (``view.get_owner_organisation(obj)``).

    Read: members of that organisation and agency staff (views narrow their querysets first, so others get 404).
    Write: owners/members of that organisation, and agency staff. Viewers never write.
    """

    message = "You may only change your own organisation's data."

    def has_permission(self, request, view):
        return request.user.is_authenticated

    def has_object_permission(self, request, view, obj):
        organisation = view.get_owner_organisation(obj)
        if is_agency_staff(request.user):
            return True
        if request.method in SAFE_METHODS:
            return is_member(request.user, organisation) or getattr(view, "readable_by_others", False)
        return can_edit_organisation(request.user, organisation)
