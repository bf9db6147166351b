"""The audit trail page, for agency staff."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.permissions import is_agency_staff

from . import selectors
from .forms import AuditFilterForm

PAGE_SIZE = 50


@login_required
def trail(request):
    if not is_agency_staff(request.user):
        raise PermissionDenied(_("The audit trail is for agency staff."))
    form = AuditFilterForm(request.GET or None)
    page = Paginator(selectors.entries(**form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/trail.html",
        {"form": form, "page": page, "rows": selectors.with_changes(page.object_list), "query": query.urlencode()},
    )
