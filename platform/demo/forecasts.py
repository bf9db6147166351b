"""Demo demand forecasts: three verified buyers say what they expect to buy over the next years (one sure, one
planned, one early estimate), the engine ranks suppliers for each, and a few of the best fits answer "we could
supply this" with the investment it would take. Written through the forecasts' services, like a user would."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import Membership, Organisation
from buyers.models import Requirement
from forecasts import services
from forecasts.models import Confidence, DemandForecast

# (confidence, quantities per year as multiples of the requirement's quantity, local-share target %, note)
PLANS = (
    (Confidence.HIGH, (1, Decimal("1.5"), 2), Decimal("60"), "The new plant opens next year; we want local suppliers."),
    (Confidence.MEDIUM, (1, Decimal("1.2")), Decimal("40"), "Part of our plan to replace imports over two years."),
    (Confidence.LOW, (Decimal("0.5"), 1, Decimal("1.5")), None, "Depends on the approval of a new product line."),
)
INVESTMENTS = (
    (Decimal("120000"), "USD", "A second CNC machining centre and training for its operators"),
    (Decimal("45000"), "USD", "ISO 9001 certification and a quality laboratory"),
)


def _owner(organisation: Organisation):
    membership = (
        Membership.objects.filter(organisation=organisation, role=Membership.Role.OWNER).select_related("user").first()
    )
    return membership.user if membership else None


def seed_forecasts(*, today: dt.date | None = None) -> dict[str, int]:
    """Write the demo forecasts unless some exist; returns what it created."""
    if DemandForecast.objects.exists():
        return {}
    year = (today or timezone.localdate()).year
    counts = {"demand forecasts": 0, "forecast interests": 0}
    buyers_done = set()
    requirements = (
        Requirement.objects.filter(
            status=Requirement.Status.OPEN,
            historic=False,
            buyer__verification_status=Organisation.VerificationStatus.VERIFIED,
        )
        .exclude(quantity=None)
        .prefetch_related("categories")
        .order_by("pk")
    )
    plans = iter(PLANS)
    for requirement in requirements:
        if requirement.buyer_id in buyers_done or not requirement.categories.exists():
            continue
        owner = _owner(requirement.buyer)
        if owner is None:
            continue
        plan = next(plans, None)
        if plan is None:
            break
        confidence, multiples, share, note = plan
        buyers_done.add(requirement.buyer_id)
        forecast = services.create_forecast(
            buyer=requirement.buyer,
            created_by=owner,
            title=requirement.title,
            description=requirement.specification,
            categories=list(requirement.categories.all()),
            start_year=year + 1,
            end_year=year + len(multiples),
            confidence=confidence,
            local_share_target=share,
            local_content_note=note,
            delivery_country=requirement.delivery_country,
            delivery_region=requirement.delivery_region,
            volumes=[
                {
                    "year": year + 1 + offset,
                    "quantity": (requirement.quantity * multiple).quantize(Decimal("1")),
                    "unit": requirement.unit or "units",
                    "estimated_value": (
                        (requirement.estimated_annual_value * multiple).quantize(Decimal("1"))
                        if requirement.estimated_annual_value
                        else None
                    ),
                    "currency": requirement.currency,
                }
                for offset, multiple in enumerate(multiples)
            ],
        )
        services.change_status(forecast=forecast, actor=owner, to_status=DemandForecast.Status.PUBLISHED)
        counts["demand forecasts"] += 1
        run = forecast.match_runs.order_by("-pk").first()
        if run is not None:
            services.execute_match_run(run_id=run.pk)  # rank now; the queued message then finds it finished
        for fit, (amount, currency, purpose) in zip(
            forecast.fits.select_related("supplier__organisation").order_by("rank")[:2], INVESTMENTS, strict=False
        ):
            sme_owner = _owner(fit.supplier.organisation)
            if sme_owner is None:
                continue
            services.register_interest(
                forecast=forecast,
                actor=sme_owner,
                capacity_quantity=(requirement.quantity / 2).quantize(Decimal("1")) or Decimal("1"),
                capacity_unit=requirement.unit or "units",
                capacity_note="",
                investment_amount=amount,
                investment_currency=currency,
                investment_purpose=purpose,
                from_year=year + 1 + (1 if amount > 100000 else 0) if len(multiples) > 1 else year + 1,
            )
            counts["forecast interests"] += 1
    return counts
