from django.db.models import QuerySet

from accounts.models import Membership
from accounts.permissions import is_agency_staff

from .models import Programme


def programmes_visible_to(*, user) -> QuerySet[Programme]:
    """Agency staff see every programme; buyers and suppliers the programmes they take part in."""
    if not user.is_authenticated:
        return Programme.objects.none()
    if is_agency_staff(user):
        return Programme.objects.all()
    own = Membership.objects.filter(user=user).values("organisation_id")
    return (
        Programme.objects.filter(anchor_buyers__in=own) | Programme.objects.filter(suppliers__organisation_id__in=own)
    ).distinct()
