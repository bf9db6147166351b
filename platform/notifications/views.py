from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.redirects import redirect_within_site

from . import selectors, services


@login_required
def inbox(request):
    page = Paginator(selectors.notifications_of(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "query": ""})


@login_required
@require_POST
def read(request, pk):
    notification = selectors.notifications_of(user=request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    services.mark_read(user=request.user, notification=notification)
    target = notification.url if request.POST.get("open") else ""
    return redirect_within_site(request, target, "notifications:inbox")


@login_required
@require_POST
def read_all(request):
    services.mark_all_read(user=request.user)
    return redirect("notifications:inbox")
