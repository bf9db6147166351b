"""Notifications about this area: receivers of its signals."""

from django.dispatch import receiver

from forecasts.models import DemandForecast
from forecasts.selectors import GOOD_FIT_TOP, may_see_supplier
from forecasts.signals import forecast_interest_registered, forecast_matched

from .models import Notification
from .services import notify, recipients_in


@receiver(forecast_matched, dispatch_uid="notifications.forecast_matched")
def tell_fitting_suppliers_about_the_forecast(sender, forecast, run, **kwargs):
    """The best fits that may see a published forecast hear of it once (a re-ranking after an edit says nothing new
    to those already told); an agency-only forecast, or an invitation-only one to those not invited, is no news."""
    forecast = DemandForecast.objects.select_related("buyer").get(pk=forecast.pk)
    if forecast.status != DemandForecast.Status.PUBLISHED:
        return
    fits = forecast.fits.filter(rank__lte=GOOD_FIT_TOP).select_related("supplier__organisation")
    for fit in fits:
        if not may_see_supplier(supplier=fit.supplier, forecast=forecast):
            continue
        notify(
            users=recipients_in(fit.supplier.organisation),
            kind=Notification.Kind.FORECAST,
            params={
                "forecast": forecast.title,
                "buyer": forecast.buyer.legal_name,
                "start_year": forecast.start_year,
                "end_year": forecast.end_year,
            },
            url=f"/forecasts/{forecast.pk}/",
            dedupe_key=f"forecast:{forecast.pk}",
        )


@receiver(forecast_interest_registered, dispatch_uid="notifications.forecast_interest")
def tell_the_buyer_about_an_interest(sender, interest, created, actor=None, **kwargs):
    forecast = interest.forecast
    notify(
        users=recipients_in(forecast.buyer),
        kind=Notification.Kind.FORECAST_INTEREST,
        params={
            "forecast": forecast.title,
            "supplier": interest.supplier.organisation.legal_name,
            "from_year": interest.from_year,
            "revised": not created,
        },
        url=f"/forecasts/{forecast.pk}/",
        dedupe_key=f"forecast-interest:{interest.pk}:{interest.revisions}",
    )
