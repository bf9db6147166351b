"""The agency's impact dashboard, its exports, and the exchange-rate table."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import add_service_errors
from accounts.permissions import is_agency_staff

from . import exports, selectors, services
from .forms import DashboardFilterForm, ExchangeRateForm
from .models import ExchangeRate


def _require_agency(request):
    if not is_agency_staff(request.user):
        raise PermissionDenied(_("The impact dashboard is for agency staff."))


def _chart_data(figures: dict) -> dict:
    return {
        "years": [row["year"] for row in figures["linkages_per_year"]],
        "new_linkages": [row["new_linkages"] for row in figures["linkages_per_year"]],
        "value_years": [row["year"] for row in figures["values_per_year"]],
        "cumulative_first": [float(row["cumulative_first_usd"]) for row in figures["values_per_year"]],
        "cumulative_follow_up": [float(row["cumulative_follow_up_usd"]) for row in figures["values_per_year"]],
        "funnel_labels": [row["label"] for row in figures["funnel"][:6]],
        "funnel": [row["reached"] for row in figures["funnel"][:6]],
        "labels": {
            "new_linkages": _("New linkages"),
            "first": _("First transactions (USD, cumulative)"),
            "follow_up": _("Follow-up orders (USD, cumulative)"),
            "funnel": _("Linkages that reached the stage"),
        },
    }


@login_required
def dashboard(request):
    _require_agency(request)
    form = DashboardFilterForm(request.GET or None)
    figures = selectors.impact_figures(form.filters())
    query = request.GET.urlencode()
    return render(
        request,
        "reporting/dashboard.html",
        {"form": form, "figures": figures, "charts": _chart_data(figures), "query": query, "tables": selectors.TABLES},
    )


@login_required
def export(request, table: str, fmt: str):
    _require_agency(request)
    if table not in selectors.TABLES or fmt not in ("csv", "xlsx"):
        raise Http404
    title, columns = selectors.TABLES[table]
    rows = selectors.impact_figures(DashboardFilterForm(request.GET or None).filters())[table]
    if fmt == "csv":
        response = HttpResponse(exports.as_csv(columns, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.as_xlsx(title, columns, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="enlace-{table}.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def rates(request):
    _require_agency(request)
    form = ExchangeRateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_rate(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Rate saved."))
            return redirect("reporting:rates")
        except ValidationError as error:
            add_service_errors(form, error)
    status = 400 if request.method == "POST" else 200
    return render(request, "reporting/rates.html", {"form": form, "rates": selectors.rates()}, status=status)


@login_required
@require_POST
def delete_rate(request, pk):
    _require_agency(request)
    services.delete_rate(actor=request.user, rate=get_object_or_404(ExchangeRate, pk=pk))
    messages.success(request, _("Rate deleted."))
    return redirect("reporting:rates")
