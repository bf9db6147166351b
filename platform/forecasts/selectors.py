"""Reads about demand forecasts.

Who sees a forecast is the requirements' rule (``buyers.selectors.visible_sourcing``): agency staff all; the buyer's
team its own, drafts included; SMEs the public ones and those they were invited to once published (a withdrawn one
stays readable, marked so); other buyers nothing. A forecast one may not see answers 404.

Inside a forecast, the ranking (fits) and the SMEs' interests are the buyer's working material: its team (viewers
included) and agency staff see them all; an SME sees only its own fit and its own interest, never another's.
"""

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from accounts.models import Membership, Organisation
from accounts.permissions import is_agency_staff
from buyers.selectors import buyer_organisations_for, visible_sourcing
from suppliers.models import SupplierProfile

from .models import DemandForecast, ForecastFit, ForecastInterest, ForecastInvitation

SME_VISIBLE_STATUSES = (DemandForecast.Status.PUBLISHED, DemandForecast.Status.WITHDRAWN)
GOOD_FIT_TOP = 10  # suppliers this high in a forecast's ranking are told about it


def forecasts_visible_to(*, user) -> QuerySet[DemandForecast]:
    return visible_sourcing(
        DemandForecast.objects.select_related("buyer"),
        user=user,
        invited=lambda sme_ids: ForecastInvitation.objects.filter(supplier__organisation_id__in=sme_ids).values(
            "forecast_id"
        ),
        not_draft=Q(status__in=SME_VISIBLE_STATUSES),
    )


def forecast_detail(*, user, forecast_id: int) -> DemandForecast | None:
    return forecasts_visible_to(user=user).filter(pk=forecast_id).prefetch_related("categories", "volumes").first()


def is_buyer_team(*, user, forecast: DemandForecast) -> bool:
    """Anyone in the buyer organisation (viewers too) and agency staff: they read the fits and the interests."""
    if is_agency_staff(user):
        return True
    return user.is_authenticated and Membership.objects.filter(user=user, organisation_id=forecast.buyer_id).exists()


def may_manage(*, user, forecast: DemandForecast) -> bool:
    """Owners and members of the buyer, and agency staff, edit a forecast and move its status."""
    if is_agency_staff(user):
        return True
    return (
        user.is_authenticated
        and Membership.objects.filter(
            user=user,
            organisation_id=forecast.buyer_id,
            role__in=[Membership.Role.OWNER, Membership.Role.MEMBER],
        ).exists()
    )


def forecasting_buyers_for(*, user) -> QuerySet[Organisation]:
    """The buyer organisations a user may write forecasts for (drafts; publishing needs a verified buyer)."""
    return buyer_organisations_for(user=user)


def acting_supplier(*, user) -> SupplierProfile | None:
    """The supplier profile an SME owner or member says "we could supply this" for (viewers only read)."""
    if not user.is_authenticated:
        return None
    return (
        SupplierProfile.objects.filter(
            organisation__kind=Organisation.Kind.SME,
            organisation__memberships__user=user,
            organisation__memberships__role__in=[Membership.Role.OWNER, Membership.Role.MEMBER],
        )
        .select_related("organisation")
        .first()
    )


def member_supplier(*, user) -> SupplierProfile | None:
    """The supplier profile of any SME the user belongs to, viewers included (what it may read of its own)."""
    if not user.is_authenticated:
        return None
    return (
        SupplierProfile.objects.filter(organisation__kind=Organisation.Kind.SME, organisation__memberships__user=user)
        .select_related("organisation")
        .first()
    )


def forecast_list(*, user, status: str = "", text: str = "") -> QuerySet[DemandForecast]:
    """The buyer's own, the forecasts an SME may see (published only unless asked, its best fits first), or all for
    agency staff; each annotated with ``my_fit`` (the SME's own rank, else None) and ``my_interest``."""
    queryset = forecasts_visible_to(user=user).prefetch_related("categories", "volumes")
    supplier = member_supplier(user=user)
    if supplier is not None and not is_agency_staff(user):
        own_fit = ForecastFit.objects.filter(forecast_id=OuterRef("pk"), supplier=supplier).values("rank")[:1]
        queryset = queryset.annotate(
            my_fit=Subquery(own_fit),
            my_interest=Exists(ForecastInterest.objects.filter(forecast_id=OuterRef("pk"), supplier=supplier)),
        )
        own_buyers = Membership.objects.filter(user=user).values("organisation_id")
        if not status:
            queryset = queryset.filter(Q(status=DemandForecast.Status.PUBLISHED) | Q(buyer_id__in=own_buyers))
        ordering = [_nulls_last("my_fit"), "start_year", "-published_at", "-pk"]
    else:
        ordering = ["-created_at", "-pk"]
    if status:
        queryset = queryset.filter(status=status)
    for word in (text or "").split():
        queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return queryset.order_by(*ordering)


def _nulls_last(field: str):
    return F(field).asc(nulls_last=True)


def fits_visible_to(*, user, forecast: DemandForecast) -> QuerySet[ForecastFit]:
    fits = forecast.fits.select_related("supplier__organisation").order_by("rank")
    if is_buyer_team(user=user, forecast=forecast):
        return fits
    supplier = member_supplier(user=user)
    return fits.filter(supplier=supplier) if supplier is not None else fits.none()


def interests_visible_to(*, user, forecast: DemandForecast) -> QuerySet[ForecastInterest]:
    interests = forecast.interests.select_related("supplier__organisation").order_by("-updated_at", "-pk")
    if is_buyer_team(user=user, forecast=forecast):
        return interests
    supplier = member_supplier(user=user)
    return interests.filter(supplier=supplier) if supplier is not None else interests.none()


def invitations_visible_to(*, user, forecast: DemandForecast) -> QuerySet[ForecastInvitation]:
    invitations = forecast.invitations.select_related("supplier__organisation").order_by("created_at")
    if is_buyer_team(user=user, forecast=forecast):
        return invitations
    return invitations.filter(supplier__organisation__memberships__user=user)


def latest_run(*, forecast: DemandForecast):
    return forecast.match_runs.order_by("-created_at", "-pk").first()


def fit_of(*, forecast: DemandForecast, supplier: SupplierProfile | None) -> ForecastFit | None:
    if supplier is None:
        return None
    return forecast.fits.filter(supplier=supplier).first()


def interest_of(*, forecast: DemandForecast, supplier: SupplierProfile | None) -> ForecastInterest | None:
    if supplier is None:
        return None
    return forecast.interests.filter(supplier=supplier).first()


def may_see_supplier(*, supplier: SupplierProfile, forecast: DemandForecast) -> bool:
    """Whether ``supplier``'s SME may see ``forecast`` (the rule above, for an organisation rather than a user)."""
    if forecast.status not in SME_VISIBLE_STATUSES:
        return False
    if forecast.visibility == DemandForecast.Visibility.PUBLIC:
        return True
    if forecast.visibility == DemandForecast.Visibility.INVITED:
        return forecast.invitations.filter(supplier=supplier).exists()
    return False
