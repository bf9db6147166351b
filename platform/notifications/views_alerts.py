"""Pages of saved searches: one's list (rename, delete), "Save this search" from the supplier search page, and the
categories and keywords an SME follows."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import add_service_errors
from suppliers.selectors import SEARCH_PARAMETERS

from . import selectors_alerts as selectors
from . import services_alerts as services
from .forms_alerts import FollowForm, RenameForm, SaveSupplierSearchForm
from .models import SavedSearch


def _own_or_404(request, pk) -> SavedSearch:
    saved_search = selectors.saved_searches_of(user=request.user).filter(pk=pk).first()
    if saved_search is None:
        raise Http404
    return saved_search


def _rows(searches) -> list[dict]:
    rows = []
    for saved_search in searches:
        if saved_search.kind == SavedSearch.Kind.SUPPLIERS:
            open_url = f"{reverse('suppliers:search')}?{selectors.search_query(saved_search=saved_search)}"
        else:
            open_url = reverse("matching:opportunities")
        rows.append(
            {
                "search": saved_search,
                "filters": selectors.filters_in_words(saved_search=saved_search),
                "open_url": open_url,
                "announced": saved_search.announced,
                "rename_form": RenameForm(initial={"name": saved_search.name}, prefix=f"s{saved_search.pk}"),
            }
        )
    return rows


@login_required
def saved_searches(request):
    return render(
        request,
        "notifications/saved_searches.html",
        {
            "rows": _rows(selectors.saved_searches_of(user=request.user)),
            "may_follow": selectors.following_organisation(user=request.user) is not None,
            "may_search": selectors.supplier_search_organisation(user=request.user) is not None,
            "limit": services.MAX_SAVED_SEARCHES,
        },
    )


@login_required
@require_POST
def save_supplier_search(request):
    """From the supplier search page: the page's filters under a name. Errors go back to that page."""
    if selectors.supplier_search_organisation(user=request.user) is None:
        raise PermissionDenied(_("Saving a supplier search is for verified buyers and agency staff."))
    form = SaveSupplierSearchForm(request.POST)
    # The page's own query string, down to the search's parameters (its page number, order or anything else
    # dropped), re-encoded: it is what is saved and where an error sends the reader back to.
    given = QueryDict(request.POST.get("query", "")[:2000])
    filters = {name: given[name] for name in SEARCH_PARAMETERS if given.get(name)}
    back = f"{reverse('suppliers:search')}?{urlencode(filters)}"
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, error if field == "__all__" else f"{form.fields[field].label}: {error}")
        return redirect(back)
    try:
        services.save_search(
            owner=request.user, kind=SavedSearch.Kind.SUPPLIERS, name=form.cleaned_data["name"], filters=filters
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    messages.success(request, _("Search saved: new suppliers that match will be in your daily e-mail."))
    return redirect("notifications:saved-searches")


@login_required
@require_http_methods(["GET", "POST"])
def follow(request):
    organisation = selectors.following_organisation(user=request.user)
    if organisation is None:
        raise PermissionDenied(_("Following categories and keywords is for suppliers."))
    form = FollowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_search(
                owner=request.user,
                kind=SavedSearch.Kind.OPPORTUNITIES,
                name=form.cleaned_data["name"],
                filters=form.filters(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Followed: new opportunities that match will be in your daily e-mail."))
            return redirect("notifications:follow")
    follows = selectors.saved_searches_of(user=request.user, kind=SavedSearch.Kind.OPPORTUNITIES)
    return render(
        request,
        "notifications/follow.html",
        {"form": form, "rows": _rows(follows), "organisation": organisation},
    )


@login_required
@require_POST
def rename(request, pk: int):
    saved_search = _own_or_404(request, pk)
    form = RenameForm(request.POST, prefix=f"s{saved_search.pk}")
    if form.is_valid():
        try:
            services.rename_saved_search(actor=request.user, saved_search=saved_search, name=form.cleaned_data["name"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Renamed."))
    else:
        messages.error(request, _("Give the search a name of at most 120 characters."))
    return redirect("notifications:saved-searches")


@login_required
@require_POST
def delete(request, pk: int):
    saved_search = _own_or_404(request, pk)
    services.delete_saved_search(actor=request.user, saved_search=saved_search)
    messages.success(request, _("Deleted: you will hear no more of “%(name)s”.") % {"name": saved_search.name})
    return redirect("notifications:saved-searches")
