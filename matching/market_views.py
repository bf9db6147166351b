"""Pages: what the market tells an SME about itself, and agency staff what it asks of all SMEs."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.permissions import is_agency_staff
from suppliers.selectors import profile_completeness

from . import selectors
from .explanations import localised_gaps


def _worded(rows: list[dict]) -> list[dict]:
    """Each gap row with its words in the reader's language (the first gap's message, without the subject's date)."""
    names = selectors.standard_names()
    messages = localised_gaps([{"code": row["code"], "params": row["params"], "gain": 0.0} for row in rows], names)
    return [
        {**row, "message": message["message"], "average_points": round(row["average_gain"] * 100, 1)}
        for row, message in zip(rows, messages, strict=True)
    ]


@login_required
def my_market(request):
    profile = selectors.own_supplier_profile(user=request.user)
    if profile is None:
        raise PermissionDenied(_("This page is for suppliers: your organisation has no supplier profile."))
    context = {
        "profile": profile,
        "reach": selectors.market_reach(profile=profile),
        "gaps": _worded(selectors.costly_gaps(profile=profile))[:15],
        "activity": selectors.market_activity(profile=profile),
        "completeness": profile_completeness(profile=profile),
    }
    return render(request, "matching/market.html", context)


@login_required
def market_gaps(request):
    if not is_agency_staff(request.user):
        raise PermissionDenied(_("Only agency staff see what the market asks of all suppliers."))
    group_by = request.GET.get("by") if request.GET.get("by") in ("sector", "country") else "sector"
    rows = _worded(selectors.market_gaps(group_by=group_by))
    return render(request, "matching/market_gaps.html", {"rows": rows, "group_by": group_by})
