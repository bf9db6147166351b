from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render


def health(request):
    """Liveness and database reachability, for the load balancer and docker health checks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def home(request):
    return render(request, "home.html")
