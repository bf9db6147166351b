"""Words of this area's notification kinds, in the active language (see notifications.texts)."""

from django.utils.translation import gettext as _

FORECAST = "forecast"
FORECAST_INTEREST = "forecast_interest"


def _years(p) -> str:
    first, last = p.get("start_year"), p.get("end_year")
    return str(first) if first == last else f"{first}–{last}"


def _forecast(p) -> tuple[str, str]:
    return (
        _("%(buyer)s expects to buy: %(title)s") % {"buyer": p["buyer"], "title": p["forecast"]},
        _(
            "A demand forecast for %(years)s in your line of work: your company is among the best fits. "
            "Say whether you could supply it, and what you would need to invest."
        )
        % {"years": _years(p)},
    )


def _forecast_interest(p) -> tuple[str, str]:
    if p.get("revised"):
        title = _("%(supplier)s revised what it could supply for %(title)s")
    else:
        title = _("%(supplier)s could supply %(title)s")
    return (
        title % {"supplier": p["supplier"], "title": p["forecast"]},
        _("From %(year)s; see its capacity and the investment it would need on the forecast's page.")
        % {"year": p.get("from_year", "—")},
    )


RENDERERS: dict = {FORECAST: _forecast, FORECAST_INTEREST: _forecast_interest}
