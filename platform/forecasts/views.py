from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import add_service_errors
from accounts.permissions import has_buyer_powers, is_agency_staff
from core.limits import parse_id
from matching.explanations import localised_gaps
from matching.selectors import standard_names
from suppliers.selectors import listed_profiles

from . import selectors, services
from .forms import ForecastFilterForm, ForecastForm, InterestForm
from .models import CONFIDENCE_EXPLANATIONS, Confidence, DemandForecast


def _visible_or_404(request, pk: int) -> DemandForecast:
    forecast = selectors.forecast_detail(user=request.user, forecast_id=pk)
    if forecast is None:
        raise Http404
    return forecast


@login_required
def forecast_list(request):
    form = ForecastFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.forecast_list(user=request.user, status=data.get("status", ""), text=data.get("q", ""))
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "forecasts/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "may_create": selectors.forecasting_buyers_for(user=request.user).exists(),
            "supplier": selectors.member_supplier(user=request.user),
        },
    )


def _form_page(request, form, *, buyer, forecast=None):
    return render(
        request,
        "forecasts/form.html",
        {
            "form": form,
            "buyer": buyer,
            "forecast": forecast,
            "confidence_levels": [(Confidence(c).label, text) for c, text in CONFIDENCE_EXPLANATIONS.items()],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def forecast_create(request):
    buyer = selectors.forecasting_buyers_for(user=request.user).first()
    if buyer is None:
        raise PermissionDenied(_("Only members of a buyer organisation write forecasts."))
    form = ForecastForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            forecast = services.create_forecast(buyer=buyer, created_by=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Draft saved. Publish it when it is ready."))
            return redirect("forecasts:detail", pk=forecast.pk)
    return _form_page(request, form, buyer=buyer)


@login_required
@require_http_methods(["GET", "POST"])
def forecast_edit(request, pk: int):
    forecast = _visible_or_404(request, pk)
    if not selectors.may_manage(user=request.user, forecast=forecast):
        raise PermissionDenied(_("Only the buyer's team and agency staff edit a forecast."))
    form = ForecastForm(request.POST or None, instance=forecast)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_forecast(
                forecast=DemandForecast.objects.get(pk=pk), actor=request.user, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Forecast saved."))
            return redirect("forecasts:detail", pk=pk)
    return _form_page(request, form, buyer=forecast.buyer, forecast=forecast)


@login_required
def forecast_detail(request, pk: int, interest_form=None):
    forecast = _visible_or_404(request, pk)
    manages = selectors.may_manage(user=request.user, forecast=forecast)
    buyer_powers = manages and has_buyer_powers(request.user, forecast.buyer, editing=True)
    team = selectors.is_buyer_team(user=request.user, forecast=forecast)
    transitions = forecast.TRANSITIONS[forecast.status] if manages else ()
    if not buyer_powers:
        transitions = [target for target in transitions if target != DemandForecast.Status.PUBLISHED]
    acting = None if team else selectors.acting_supplier(user=request.user)
    own_supplier = None if team else selectors.member_supplier(user=request.user)
    own_interest = selectors.interest_of(forecast=forecast, supplier=own_supplier)
    if acting is not None and forecast.status == DemandForecast.Status.PUBLISHED and interest_form is None:
        interest_form = InterestForm(instance=own_interest, forecast=forecast)
        if own_interest is None:
            interest_form.initial["from_year"] = forecast.start_year
    fits = list(selectors.fits_visible_to(user=request.user, forecast=forecast)[:50]) if team else []
    own_fit = selectors.fit_of(forecast=forecast, supplier=own_supplier)
    names = standard_names() if fits or own_fit else {}
    interested = set(forecast.interests.values_list("supplier_id", flat=True)) if team else set()
    volumes = list(forecast.volumes.all())
    peak = max((v.quantity for v in volumes), default=0) or 1
    return render(
        request,
        "forecasts/detail.html",
        {
            "forecast": forecast,
            "volumes": [(v, int(v.quantity * 100 / peak)) for v in volumes],
            "manages": manages,
            "buyer_powers": buyer_powers,
            "team": team,
            "transitions": transitions,
            "fits": [(fit, localised_gaps(fit.gaps[:3], names), fit.supplier_id in interested) for fit in fits],
            "interests": selectors.interests_visible_to(user=request.user, forecast=forecast) if team else (),
            "own_fit": own_fit,
            "own_gaps": localised_gaps(own_fit.gaps[:5], names) if own_fit else [],
            "own_interest": own_interest,
            "interest_form": interest_form,
            "latest_run": selectors.latest_run(forecast=forecast) if team else None,
            "invitations": selectors.invitations_visible_to(user=request.user, forecast=forecast),
            "is_agency": is_agency_staff(request.user),
        },
        status=400 if interest_form is not None and interest_form.errors else 200,
    )


@login_required
@require_POST
def forecast_transition(request, pk: int):
    forecast = _visible_or_404(request, pk)
    to_status = request.POST.get("status", "")
    try:
        services.change_status(forecast=forecast, actor=request.user, to_status=to_status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if to_status == DemandForecast.Status.PUBLISHED:
            messages.success(request, _("Forecast published. Suppliers are being ranked for it."))
        else:
            messages.success(request, _("Forecast withdrawn."))
    return redirect("forecasts:detail", pk=pk)


@login_required
@require_POST
def forecast_interest(request, pk: int):
    forecast = _visible_or_404(request, pk)
    if selectors.acting_supplier(user=request.user) is None:
        raise PermissionDenied(_("Only owners and members of a supplier say it could supply a forecast."))
    form = InterestForm(request.POST, forecast=forecast)
    if form.is_valid():
        try:
            _interest, created = services.register_interest(forecast=forecast, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The buyer now knows you could supply this.") if created else _("Your answer was revised."),
            )
            return redirect("forecasts:detail", pk=pk)
    return forecast_detail(request, pk, interest_form=form)


@login_required
@require_POST
def forecast_invite(request, pk: int):
    forecast = _visible_or_404(request, pk)
    supplier_id = request.POST.get("supplier", "")
    supplier = listed_profiles().filter(pk=supplier_id).first() if parse_id(supplier_id) else None
    if supplier is None:
        messages.error(request, _("Choose a supplier to invite."))
        return redirect("forecasts:detail", pk=pk)
    services.invite_suppliers(forecast=forecast, actor=request.user, suppliers=[supplier])
    messages.success(request, _("%(supplier)s invited.") % {"supplier": supplier})
    return redirect("forecasts:detail", pk=pk)
