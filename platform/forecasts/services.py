"""Every write about demand forecasts: drafting, publishing and withdrawing, invitations, the ranking job, and SMEs'
"we could supply this".

A forecast is ranked by the matching engine in a durable job (``ForecastMatchRun``, ``core.jobs``), never in a
request: publishing it, or changing a published one, writes a queued run and sends it after commit; the worker builds
the engine's query from the forecast (``forecast_record``), ranks with ``matching.services.rank_query`` and replaces
the forecast's fits in one transaction with the run's status.
"""

import logging
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.permissions import has_buyer_powers
from core import jobs
from core.currency import validate_currency
from core.updates import update_fields
from matching import services as matching_services
from matching.engine.documents import RequirementRecord
from suppliers.models import SupplierProfile

from . import selectors
from .models import (
    MAX_HORIZON_YEARS,
    DemandForecast,
    ForecastFit,
    ForecastInterest,
    ForecastInvitation,
    ForecastMatchRun,
    ForecastVolume,
)
from .signals import forecast_interest_registered, forecast_matched

logger = logging.getLogger(__name__)

# A forecast's own facts, in the order the API and the form show them (categories and volumes apart).
FORECAST_FIELDS = (
    "title",
    "description",
    "delivery_country",
    "delivery_region",
    "start_year",
    "end_year",
    "confidence",
    "local_share_target",
    "local_content_note",
    "visibility",
)
SCALAR_FIELDS = frozenset(FORECAST_FIELDS)
INTEREST_FIELDS = frozenset(
    {
        "capacity_quantity",
        "capacity_unit",
        "capacity_note",
        "investment_amount",
        "investment_currency",
        "investment_purpose",
        "from_year",
    }
)


def this_year() -> int:
    return timezone.localdate().year


# -- validation --------------------------------------------------------------------------------------------------------


def validate_horizon(*, start_year, end_year) -> None:
    """One to three years, starting this year or later, ending at most three years from now."""
    errors: dict[str, list] = {}
    now = this_year()
    if start_year is None:
        errors["start_year"] = [_("Give the first year of the forecast.")]
    elif start_year < now:
        errors["start_year"] = [_("The first year (%(year)s) is in the past.") % {"year": start_year}]
    if end_year is None:
        errors["end_year"] = [_("Give the last year of the forecast.")]
    elif start_year is not None:
        if end_year < start_year:
            errors["end_year"] = [_("The last year comes before the first year.")]
        elif end_year - start_year + 1 > MAX_HORIZON_YEARS or end_year > now + MAX_HORIZON_YEARS:
            errors["end_year"] = [
                _("A forecast looks at most %(years)s years ahead (until %(last)s).")
                % {"years": MAX_HORIZON_YEARS, "last": min(start_year + MAX_HORIZON_YEARS - 1, now + MAX_HORIZON_YEARS)}
            ]
    if errors:
        raise ValidationError(errors)


def _decimal(value, *, field: str, minimum: Decimal, allow_none: bool = False) -> Decimal | None:
    if value in (None, "") and allow_none:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: [_("“%(value)s” is not a number.") % {"value": value}]}) from None
    if not number.is_finite():
        raise ValidationError({field: [_("“%(value)s” is not a number.") % {"value": value}]})
    if number < minimum:
        if minimum == 0:
            raise ValidationError({field: [_("This may not be negative.")]})
        raise ValidationError({field: [_("This must be at least %(minimum)s.") % {"minimum": minimum}]})
    return number


def clean_volumes(volumes, *, start_year: int, end_year: int) -> list[dict]:
    """Each year's row checked: a year within the horizon, once; a non-negative quantity with its unit; a
    non-negative value in a known currency. Errors under ``volumes``, naming the year."""
    cleaned = []
    seen = set()
    for row in volumes or ():
        year = row.get("year")
        if year is None:
            raise ValidationError({"volumes": [_("Give the year of each volume.")]})
        if not isinstance(year, int) or not (start_year <= year <= end_year):
            raise ValidationError(
                {
                    "volumes": [
                        _("%(year)s is outside the forecast's years (%(first)s–%(last)s).")
                        % {"year": year, "first": start_year, "last": end_year}
                    ]
                }
            )
        if year in seen:
            raise ValidationError({"volumes": [_("%(year)s is given twice.") % {"year": year}]})
        seen.add(year)
        try:
            quantity = _decimal(row.get("quantity"), field="volumes", minimum=Decimal("0"))
            value = _decimal(row.get("estimated_value"), field="volumes", minimum=Decimal("0"), allow_none=True)
            currency = validate_currency(row.get("currency") or "USD", field="volumes")
        except ValidationError as error:
            messages = [f"{year}: {message}" for message in error.messages]
            raise ValidationError({"volumes": messages}) from None
        unit = str(row.get("unit") or "").strip()
        if not unit:
            raise ValidationError({"volumes": [_("%(year)s: give the unit of the quantity.") % {"year": year}]})
        cleaned.append(
            {"year": year, "quantity": quantity, "unit": unit[:32], "estimated_value": value, "currency": currency}
        )
    return sorted(cleaned, key=lambda row: row["year"])


def _set_volumes(forecast: DemandForecast, volumes: list[dict]) -> None:
    forecast.volumes.all().delete()
    ForecastVolume.objects.bulk_create([ForecastVolume(forecast=forecast, **row) for row in volumes])


# -- writing a forecast ----------------------------------------------------------------------------------------------


@transaction.atomic
def create_forecast(
    *,
    buyer: Organisation,
    created_by,
    title: str,
    description: str,
    start_year: int,
    end_year: int,
    categories=(),
    volumes=(),
    **fields,
) -> DemandForecast:
    if not selectors.forecasting_buyers_for(user=created_by).filter(pk=buyer.pk).exists():
        raise PermissionDenied(_("You may write forecasts only for your own buyer organisation."))
    unknown = set(fields) - SCALAR_FIELDS
    if unknown:
        raise ValidationError({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    validate_horizon(start_year=start_year, end_year=end_year)
    rows = clean_volumes(volumes, start_year=start_year, end_year=end_year)
    forecast = DemandForecast(
        buyer=buyer,
        created_by=created_by,
        title=(title or "").strip(),
        description=(description or "").strip(),
        start_year=start_year,
        end_year=end_year,
        status=DemandForecast.Status.DRAFT,
        **fields,
    )
    forecast.full_clean()
    forecast.save()
    forecast.categories.set(categories)
    _set_volumes(forecast, rows)
    return forecast


@transaction.atomic
def update_forecast(*, forecast: DemandForecast, actor, categories=None, volumes=None, **fields) -> DemandForecast:
    if not selectors.may_manage(user=actor, forecast=forecast):
        raise PermissionDenied(_("Only the buyer's team and agency staff edit a forecast."))
    forecast = DemandForecast.objects.select_for_update().get(pk=forecast.pk)
    unknown = set(fields) - SCALAR_FIELDS
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    start_year = fields.get("start_year", forecast.start_year)
    end_year = fields.get("end_year", forecast.end_year)
    if "start_year" in fields or "end_year" in fields:
        validate_horizon(start_year=start_year, end_year=end_year)
    if volumes is not None:
        rows = clean_volumes(volumes, start_year=start_year, end_year=end_year)
    else:
        # Years that fell out of a changed horizon are dropped with it.
        rows = None
        forecast.volumes.exclude(year__gte=start_year, year__lte=end_year).delete()
    update_fields(instance=forecast, data=fields, allowed=SCALAR_FIELDS)
    if categories is not None:
        forecast.categories.set(categories)
    if rows is not None:
        _set_volumes(forecast, rows)
    if forecast.status == DemandForecast.Status.PUBLISHED:
        if not forecast.volumes.exists() or not forecast.categories.exists():
            raise ValidationError(_publish_gaps(forecast))
        request_match_run(forecast=forecast, trigger=ForecastMatchRun.Trigger.CHANGED)
    return forecast


def _publish_gaps(forecast: DemandForecast) -> dict:
    missing = {}
    if not forecast.categories.exists():
        missing["categories"] = [_("Choose at least one category before publishing.")]
    if not forecast.volumes.exists():
        missing["volumes"] = [_("Give the expected volume of at least one year before publishing.")]
    return missing


@transaction.atomic
def change_status(*, forecast: DemandForecast, actor, to_status: str) -> DemandForecast:
    if not selectors.may_manage(user=actor, forecast=forecast):
        raise PermissionDenied(_("Only the buyer's team and agency staff publish or withdraw a forecast."))
    forecast = DemandForecast.objects.select_for_update().get(pk=forecast.pk)
    if to_status not in DemandForecast.Status.values:
        raise ValidationError({"status": [_("Unknown status “%(status)s”.") % {"status": to_status}]})
    if not forecast.can_move_to(to_status):
        raise ValidationError(
            {
                "status": [
                    _("A %(current)s forecast cannot become %(target)s.")
                    % {
                        "current": forecast.get_status_display(),
                        "target": DemandForecast.Status(to_status).label,
                    }
                ]
            }
        )
    if to_status == DemandForecast.Status.PUBLISHED:
        if not has_buyer_powers(actor, forecast.buyer, editing=True):
            raise PermissionDenied(_("Your buyer organisation must be verified by agency staff before it publishes."))
        validate_horizon(start_year=forecast.start_year, end_year=forecast.end_year)
        missing = _publish_gaps(forecast)
        if missing:
            raise ValidationError(missing)
        forecast.published_at = timezone.now()
        forecast.withdrawn_at = None
    else:
        forecast.withdrawn_at = timezone.now()
    forecast.status = to_status
    forecast.save(update_fields=["status", "published_at", "withdrawn_at", "updated_at"])
    if to_status == DemandForecast.Status.PUBLISHED:
        request_match_run(forecast=forecast, trigger=ForecastMatchRun.Trigger.PUBLISHED)
    return forecast


@transaction.atomic
def delete_draft(*, forecast: DemandForecast, actor) -> None:
    if not selectors.may_manage(user=actor, forecast=forecast):
        raise PermissionDenied(_("Only the buyer's team and agency staff delete a forecast."))
    if forecast.status != DemandForecast.Status.DRAFT:
        raise ValidationError({"status": [_("Only a draft is deleted; withdraw a published forecast instead.")]})
    forecast.delete()


@transaction.atomic
def invite_suppliers(*, forecast: DemandForecast, actor, suppliers) -> list[ForecastInvitation]:
    if not selectors.may_manage(user=actor, forecast=forecast):
        raise PermissionDenied(_("Only the buyer's team and agency staff invite suppliers."))
    if not has_buyer_powers(actor, forecast.buyer, editing=True):
        raise PermissionDenied(_("Your buyer organisation must be verified by agency staff before it invites."))
    invitations = []
    for supplier in suppliers:
        invitation, _created = ForecastInvitation.objects.get_or_create(
            forecast=forecast, supplier=supplier, defaults={"invited_by": actor}
        )
        invitations.append(invitation)
    return invitations


# -- the ranking job -------------------------------------------------------------------------------------------------


def forecast_record(forecast: DemandForecast) -> RequirementRecord:
    """The engine's query for a forecast: its words, categories and delivery area; the largest yearly volume as an
    annual quantity (compared with monthly capacity over twelve months), the value of that year as the estimate."""
    volumes = sorted(forecast.volumes.all(), key=lambda v: (v.quantity, v.year))
    peak = volumes[-1] if volumes else None
    specification = "\n".join(part for part in (forecast.description, forecast.local_content_note) if part)
    return RequirementRecord(
        requirement_id=0,  # no stored requirement: the engine uses the id only to label results
        buyer_id=forecast.buyer_id,
        title=forecast.title,
        specification=specification,
        categories=tuple((c.scheme, c.code) for c in forecast.categories.all()),
        quantity=float(peak.quantity) if peak is not None and peak.quantity else None,
        unit=peak.unit if peak is not None else "",
        delivery_country=str(forecast.delivery_country or ""),
        delivery_region=forecast.delivery_region,
        created_at=forecast.published_at or forecast.created_at,
        estimated_value=float(peak.estimated_value) if peak is not None and peak.estimated_value else None,
    )


def _send(run_id: int) -> None:
    from .tasks import match_forecast  # tasks import services

    jobs.enqueue(ForecastMatchRun, run_id, match_forecast)


def request_match_run(*, forecast: DemandForecast, trigger: str) -> tuple[ForecastMatchRun, bool]:
    """A queued run for ``forecast`` (an existing one not yet started when there is one; then ``created`` False)."""
    with transaction.atomic():
        DemandForecast.objects.select_for_update().filter(pk=forecast.pk).first()
        waiting = forecast.match_runs.filter(status=ForecastMatchRun.Status.QUEUED, attempts=0).first()
        if waiting is not None:
            return waiting, False
        run = ForecastMatchRun.objects.create(forecast=forecast, trigger=trigger)
        jobs.enqueue_after_commit(run, _send)
    return run, True


def execute_match_run(*, run_id: int) -> ForecastMatchRun | None:
    """Rank suppliers for a queued run's forecast and store its fits; a finished run is returned untouched."""
    run = ForecastMatchRun.objects.filter(pk=run_id).first()
    if run is None or run.finished:
        return run
    claimed = jobs.claim(ForecastMatchRun, run_id, started_at=timezone.now())
    if claimed is None:
        return ForecastMatchRun.objects.filter(pk=run_id).first()
    with jobs.heartbeating(claimed):
        forecast = DemandForecast.objects.prefetch_related("categories", "volumes").get(pk=claimed.forecast_id)
        try:
            result, rows = matching_services.rank_query(record=forecast_record(forecast))
        except ValueError as exc:  # bad data, not a transient fault
            logger.exception("forecasts: run %s failed", run_id)
            return fail_match_run(run_id=run_id, error=str(exc))
        return _store_fits(run_id=run_id, rows=rows, result=result)


def _store_fits(*, run_id: int, rows: list[dict], result) -> ForecastMatchRun:
    with transaction.atomic():
        run = ForecastMatchRun.objects.select_for_update().get(pk=run_id)
        if run.status == ForecastMatchRun.Status.SUCCEEDED:
            return run
        existing = set(
            SupplierProfile.objects.filter(pk__in=[row["supplier_id"] for row in rows]).values_list("pk", flat=True)
        )
        ForecastFit.objects.filter(forecast_id=run.forecast_id).delete()
        moment = timezone.now()
        fits = []
        for row in rows:
            if row["supplier_id"] not in existing:
                continue
            fits.append(
                ForecastFit(
                    forecast_id=run.forecast_id,
                    supplier_id=row["supplier_id"],
                    run=run,
                    rank=len(fits) + 1,
                    score=row["score"],
                    components=row["components"],
                    gaps=row["gaps"],
                    computed_at=moment,
                )
            )
        ForecastFit.objects.bulk_create(fits)
        jobs.finish(
            run,
            status=ForecastMatchRun.Status.SUCCEEDED,
            engine_version=result.engine_version,
            model_version=result.model_version,
            candidates=result.candidates,
            eligible=result.eligible,
            error="",
        )
        forecast = run.forecast
        transaction.on_commit(lambda: forecast_matched.send(sender=DemandForecast, forecast=forecast, run=run))
    return run


def fail_match_run(*, run_id: int, error: str) -> ForecastMatchRun | None:
    with transaction.atomic():
        run = ForecastMatchRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status == ForecastMatchRun.Status.SUCCEEDED:
            return run
        return jobs.finish(run, status=ForecastMatchRun.Status.FAILED, error=error[:2000])


# -- "we could supply this" ------------------------------------------------------------------------------------------


@transaction.atomic
def register_interest(*, forecast: DemandForecast, actor, **fields) -> tuple[ForecastInterest, bool]:
    """The acting SME's interest in ``forecast``, created or revised (one per supplier and forecast)."""
    supplier = selectors.acting_supplier(user=actor)
    if supplier is None:
        raise PermissionDenied(_("Only owners and members of a supplier say it could supply a forecast."))
    if not selectors.forecasts_visible_to(user=actor).filter(pk=forecast.pk).exists():
        raise PermissionDenied(_("This forecast is not open to your company."))
    forecast = DemandForecast.objects.select_for_update().get(pk=forecast.pk)
    if forecast.status != DemandForecast.Status.PUBLISHED:
        raise ValidationError(
            {
                "forecast": [
                    _("This forecast is %(status)s: it takes no interest.") % {"status": forecast.get_status_display()}
                ]
            }
        )
    unknown = set(fields) - INTEREST_FIELDS
    if unknown:
        raise ValidationError({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    interest = ForecastInterest.objects.filter(forecast=forecast, supplier=supplier).first()
    created = interest is None
    if created:
        interest = ForecastInterest(forecast=forecast, supplier=supplier, created_by=actor)
    data = {**fields}
    missing = [
        name for name in ("capacity_quantity", "capacity_unit", "from_year") if created and data.get(name) in (None, "")
    ]
    if missing:
        raise ValidationError({name: [_("This field is required.")] for name in missing})
    if "capacity_quantity" in data:
        data["capacity_quantity"] = _decimal(
            data["capacity_quantity"], field="capacity_quantity", minimum=Decimal("0.01")
        )
    if "investment_amount" in data:
        data["investment_amount"] = _decimal(
            data["investment_amount"] if data["investment_amount"] not in (None, "") else 0,
            field="investment_amount",
            minimum=Decimal("0"),
        )
    if "investment_currency" in data:
        data["investment_currency"] = validate_currency(
            data["investment_currency"] or "USD", field="investment_currency"
        )
    if "from_year" in data:
        year = data["from_year"]
        if not isinstance(year, int) or not (forecast.start_year <= year <= forecast.end_year):
            raise ValidationError(
                {
                    "from_year": [
                        _("Choose a year of the forecast (%(first)s–%(last)s).")
                        % {"first": forecast.start_year, "last": forecast.end_year}
                    ]
                }
            )
    for name, value in data.items():
        setattr(interest, name, value.strip() if isinstance(value, str) else value)
    interest.updated_by = actor
    if not created:
        interest.revisions += 1
    interest.full_clean()
    interest.save()
    transaction.on_commit(
        lambda: forecast_interest_registered.send(
            sender=ForecastInterest, interest=interest, created=created, actor=actor
        )
    )
    return interest, created


@transaction.atomic
def withdraw_interest(*, interest: ForecastInterest, actor) -> None:
    supplier = selectors.acting_supplier(user=actor)
    if supplier is None or supplier.pk != interest.supplier_id:
        raise PermissionDenied(_("Only the supplier's owners and members withdraw its interest."))
    interest.delete()


# -- the demo ----------------------------------------------------------------------------------------------------------


def run_now(*, forecast: DemandForecast) -> ForecastMatchRun | None:
    """Create and execute a run in this process (the demo seeder)."""
    run = ForecastMatchRun.objects.create(forecast=forecast, trigger=ForecastMatchRun.Trigger.COMMAND)
    return execute_match_run(run_id=run.pk)
