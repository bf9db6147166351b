"""The site's URLs plus two views that fail, for the error page tests (ROOT_URLCONF points here)."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def fails(request):
    raise RuntimeError("a bug in a view")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("fails/", fails), path("forbidden/", forbidden), *site_urlpatterns]
