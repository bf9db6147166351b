from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

app_name = "audit"

router = SimpleRouter()
router.register("audit", api.AuditLogViewSet, basename="audit-log")

urlpatterns = [path("", views.trail, name="trail")]
api_urlpatterns = [*router.urls]
