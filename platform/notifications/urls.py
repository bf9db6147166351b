from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

app_name = "notifications"

router = SimpleRouter()
router.register("notifications", api.NotificationViewSet, basename="notifications-notification")

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.read, name="read"),
    path("read-all/", views.read_all, name="read-all"),
]
api_urlpatterns = router.urls
