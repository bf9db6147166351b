from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from accounts.permissions import is_agency_staff
from suppliers.selectors import pending_verification_count

from .selectors import platform_figures


def health(request):
    """Liveness and database reachability, for the load balancer and docker health checks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def home(request):
    context = {"figures": platform_figures()}
    if is_agency_staff(request.user):
        context["pending_verifications"] = pending_verification_count()
    return render(request, "home.html", context)
