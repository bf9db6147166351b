"""Reads about people and organisations.

Who sees which organisation: agency staff see every organisation; everybody else signed in sees their own
organisations and the verified SME and MNC organisations (the public directory facts of a marketplace);
pending or rejected organisations other than one's own stay hidden.
"""

from django.db.models import Q, QuerySet

from .models import Membership, Organisation
from .permissions import is_agency_staff


def organisations_visible_to(*, user) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    if is_agency_staff(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(
        Q(memberships__user=user)
        | Q(
            verification_status=Organisation.VerificationStatus.VERIFIED,
            kind__in=[Organisation.Kind.SME, Organisation.Kind.MNC],
        )
    ).distinct()


def pending_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(verification_status=Organisation.VerificationStatus.PENDING).order_by(
        "created_at"
    )


def members_of(*, organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("created_at")


def primary_organisation(*, user) -> Organisation | None:
    membership = (
        Membership.objects.filter(user=user).select_related("organisation").order_by("created_at").first()
        if user.is_authenticated
        else None
    )
    return membership.organisation if membership else None
