"""Pages: the buyer's ranked shortlist and the SME's opportunities inbox."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import has_buyer_powers, is_agency_staff
from accounts.redirects import redirect_within_site
from linkages.models import Stage
from suppliers.selectors import listed_profiles

from . import selectors, services
from .explanations import GapWords, component_rows, exclusion_labels, exclusion_rows
from .forms import MatchFilterForm, MatchingPolicyForm, OpportunityFilterForm

SHORTLIST_PER_PAGE = 10  # each ranked supplier explains its score: ten make a page of ~5,700 px, twenty ~11,000


def _requirement_or_404(request, pk):
    requirement = selectors.matchable_requirement(user=request.user, requirement_id=pk)
    if requirement is None:
        raise Http404
    return requirement


def _buyer_side_requirement(request, pk):
    requirement = _requirement_or_404(request, pk)
    if not selectors.may_see_matches(user=request.user, requirement=requirement):
        raise PermissionDenied(_("Only the buyer's team and agency staff see a requirement's matches."))
    _require_verified_buyer(request, requirement)
    return requirement


def _require_verified_buyer(request, requirement) -> None:
    """Rankings, runs, shortlists and contacts are buyer powers: the requirement's buyer must be verified."""
    if not has_buyer_powers(request.user, requirement.buyer):
        raise PermissionDenied(_("Your buyer organisation must be verified by agency staff before it sees matches."))


@login_required
def shortlist(request, pk):
    requirement = _buyer_side_requirement(request, pk)
    form = MatchFilterForm(request.GET or None)
    run = selectors.latest_finished_run(requirement=requirement)
    latest = selectors.latest_run(requirement=requirement)
    matches = selectors.matches_of(run=run, **form.selection()) if run else []
    page = Paginator(matches, SHORTLIST_PER_PAGE).get_page(request.GET.get("page"))
    contacted = selectors.linkage_stages(requirement=requirement)
    words = GapWords()  # standard and category names looked up once for the page
    rows = [
        {
            "match": match,
            "components": component_rows(match.components),
            "gaps": [words.gap(gap) for gap in match.gaps],
            "stage": contacted.get(match.supplier_id),
            "stage_label": Stage(contacted[match.supplier_id]).label if match.supplier_id in contacted else "",
        }
        for match in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "matching/shortlist.html",
        {
            "requirement": requirement,
            "run": run,
            "pending": latest if latest and not latest.finished else None,
            "failed": latest if latest and latest.status == latest.Status.FAILED else None,
            "exclusions": exclusion_rows(run.excluded_by_reason, requirement) if run else [],
            "rows": rows,
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "may_act": selectors.may_request_run(user=request.user, requirement=requirement),
        },
    )


@login_required
@require_POST
def request_run(request, pk):
    requirement = _requirement_or_404(request, pk)
    if selectors.may_request_run(user=request.user, requirement=requirement):
        _require_verified_buyer(request, requirement)
    try:
        services.request_run_by(actor=request.user, requirement=requirement)
        messages.success(request, _("Matching is running; the shortlist refreshes when it is done."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("matching:shortlist", pk=pk)


def _supplier(supplier_pk):
    """A supplier open to buyers (published, not rejected); any other answers 404, like one that does not exist."""
    return get_object_or_404(listed_profiles().select_related("organisation"), pk=supplier_pk)


@login_required
@require_POST
def toggle_shortlist(request, pk, supplier_pk):
    requirement = _buyer_side_requirement(request, pk)
    keep = request.POST.get("shortlisted") == "1"
    services.set_shortlisted(
        actor=request.user, requirement=requirement, supplier=_supplier(supplier_pk), shortlisted=keep
    )
    return _back(request, pk)


@login_required
@require_POST
def contact(request, pk, supplier_pk):
    requirement = _buyer_side_requirement(request, pk)
    supplier = _supplier(supplier_pk)
    try:
        services.contact_supplier(
            actor=request.user, requirement=requirement, supplier=supplier, note=request.POST.get("note", "")[:2000]
        )
        messages.success(request, _("%(supplier)s is now in your linkages as contacted.") % {"supplier": supplier})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(request, pk)


def _back(request, pk):
    """Back to the page the button was on, else the shortlist."""
    return redirect_within_site(request, request.POST.get("next", ""), "matching:shortlist", pk=pk)


@login_required
def opportunities(request):
    profile = selectors.own_supplier_profile(user=request.user)
    if profile is None:
        raise PermissionDenied(_("Opportunities are for suppliers: your organisation has no supplier profile."))
    form = OpportunityFilterForm(request.GET or None)
    page = Paginator(form.apply(selectors.inbox(profile=profile)), 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    words = GapWords()
    certificates = list(profile.certifications.all())  # which mandatory certificate an exclusion lacks
    rows = [
        {
            "requirement": requirement,
            "fit": fit,
            "components": component_rows(fit.components) if fit else [],
            "gaps": [words.gap(gap) for gap in fit.gaps] if fit else [],
            "exclusions": exclusion_labels(fit.excluded_because, requirement=requirement, certificates=certificates)
            if fit
            else [],
        }
        for requirement, fit in page
    ]
    context = {
        "profile": profile,
        "rows": rows,
        "page": page,
        "form": form,
        "query": query.urlencode(),
        "listed": listed_profiles().filter(pk=profile.pk).exists(),
        "refreshing": selectors.opportunity_refresh_pending(profile=profile),
    }
    return render(request, "matching/opportunities.html", context)


@login_required
def policy(request):
    """Agency staff: the newcomer places, the rankers trained and how each evaluated."""
    if not is_agency_staff(request.user):
        raise PermissionDenied(_("Only agency staff see and set the matching policy."))
    current = selectors.matching_policy()
    form = MatchingPolicyForm(request.POST or None, initial={"newcomer_slots": current.newcomer_slots})
    if request.method == "POST" and form.is_valid():
        services.set_newcomer_slots(actor=request.user, slots=form.cleaned_data["newcomer_slots"])
        messages.success(request, _("Matching policy saved: it applies to the next runs."))
        return redirect("matching:policy")
    return render(
        request,
        "matching/policy.html",
        {"form": form, "policy": current, "rankers": [_ranker_row(model) for model in selectors.ranker_models()[:10]]},
    )


def _ranker_row(model) -> dict:
    rows = (model.metrics or {}).get("rows", {})
    return {
        "model": model,
        "evaluation": [
            {"name": name, "hit": row.get("hit@10", 0.0), "mrr": row.get("mrr", 0.0), "queries": row.get("queries", 0)}
            for name, row in rows.items()
        ],
    }
