from csp.decorators import csp_update
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

import accounts.urls
import audit.urls
import buyers.urls
import conversations.urls
import development.urls
import events.urls
import forecasts.urls
import interchange.urls
import linkages.urls
import marketplace.urls
import matching.urls
import notifications.urls
import reporting.urls
import suppliers.urls
import taxonomy.urls

from . import views

# The Swagger UI under the site's Content-Security-Policy: the split view serves its start-up script as a file (no
# inline script); its page keeps one small inline <style> block and the Swagger stylesheet draws its icons from
# data: URLs, so this one page allows inline styles and data: images. Scripts stay 'self' only.
api_docs = csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

api_v1 = [
    *matching.urls.api_urlpatterns,
    *accounts.urls.api_urlpatterns,
    *taxonomy.urls.api_urlpatterns,
    *suppliers.urls.api_urlpatterns,
    *buyers.urls.api_urlpatterns,
    *linkages.urls.api_urlpatterns,
    *events.urls.api_urlpatterns,
    *development.urls.api_urlpatterns,
    *reporting.urls.api_urlpatterns,
    *marketplace.urls.api_urlpatterns,
    *forecasts.urls.api_urlpatterns,
    *conversations.urls.api_urlpatterns,
    *notifications.urls.api_urlpatterns,
    *interchange.urls.api_urlpatterns,
    *audit.urls.api_urlpatterns,
]

urlpatterns = [
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.health, name="health"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accounts/", include(accounts.urls)),
    path("suppliers/", include(suppliers.urls)),
    path("requirements/", include(buyers.urls)),
    path("", include(matching.urls)),
    path("linkages/", include(linkages.urls)),
    path("events/", include(events.urls)),
    path("programmes/", include(development.urls)),
    path("dashboard/", include(reporting.urls)),
    path("responses/", include(marketplace.urls)),
    path("forecasts/", include(forecasts.urls)),
    path("messages/", include(conversations.urls)),
    path("notifications/", include(notifications.urls)),
    path("imports/", include(interchange.urls)),
    path("taxonomy/", include(taxonomy.urls)),
    path("audit/", include(audit.urls)),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

# No media URL in any mode, DEBUG included: certificate documents are confidential and are only ever read through
# the permission-checked view (suppliers:certificate-document).
