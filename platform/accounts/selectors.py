"""Reads about people and organisations.

Who sees which organisation: agency staff see every organisation; everybody else signed in sees their own
organisations and the verified MNC buyers (the public directory of a marketplace's buyers), and of those only the
public fields (``PUBLIC_ORGANISATION_FIELDS``). SMEs do not browse their competitors: another SME is never listed
(buyers read suppliers through their published profiles instead); pending or rejected organisations other than
one's own stay hidden.
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
        | Q(verification_status=Organisation.VerificationStatus.VERIFIED, kind=Organisation.Kind.MNC)
    ).distinct()


# What anybody who may see an organisation reads of it; the rest (tax identifier, address and coordinates,
# employees, sales band, verification notes) only its own members and agency staff.
PUBLIC_ORGANISATION_FIELDS = (
    "id",
    "kind",
    "legal_name",
    "trade_name",
    "country",
    "region",
    "city",
    "website",
    "size_class",
    "year_founded",
    "industry",
    "verification_status",
)


def organisation_ids_of(*, user) -> set[int]:
    """The organisations ``user`` is a member of (any role): whose confidential fields the user reads."""
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


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
