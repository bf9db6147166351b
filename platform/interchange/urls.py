from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

app_name = "interchange"

router = SimpleRouter()
router.register("imports", api.ImportRunViewSet, basename="interchange-import")

urlpatterns = [
    path("", views.imports, name="imports"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("ocds.json", views.ocds_download, name="ocds-download"),
]
api_urlpatterns = [
    *router.urls,
    path("ocds/releases/", api.OcdsReleasesView.as_view(), name="ocds-releases"),
]
