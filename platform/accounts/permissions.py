"""Who may do what. Every API view names one of these classes; pages use the same predicates.

Roles: agency staff (verified agency, owner/member) see and verify everything; an organisation's owners and
members edit it and what it owns; viewers only read. Nobody edits another organisation's data.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import Membership, Organisation


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
