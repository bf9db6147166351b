"""The site's URLs plus two views that fail, for the error page tests (ROOT_URLCONF points here). They sit under the
language prefixes like the site's pages, so /es/fails/ fails in Spanish."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def fails(request):
    raise RuntimeError("a bug in a view")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    *i18n_patterns(path("fails/", fails), path("forbidden/", forbidden), prefix_default_language=False),
    *site_urlpatterns,
]
