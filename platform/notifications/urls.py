from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, api_alerts, views, views_alerts

app_name = "notifications"

router = SimpleRouter()
router.register("notifications", api.NotificationViewSet, basename="notifications-notification")
router.register("saved-searches", api_alerts.SavedSearchViewSet, basename="notifications-saved-search")

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.read, name="read"),
    path("read-all/", views.read_all, name="read-all"),
    # Saved searches and followed categories and keywords (alerts in the daily digest).
    path("saved-searches/", views_alerts.saved_searches, name="saved-searches"),
    path("saved-searches/suppliers/", views_alerts.save_supplier_search, name="save-supplier-search"),
    path("saved-searches/follow/", views_alerts.follow, name="follow"),
    path("saved-searches/<int:pk>/rename/", views_alerts.rename, name="rename-saved-search"),
    path("saved-searches/<int:pk>/delete/", views_alerts.delete, name="delete-saved-search"),
]
api_urlpatterns = router.urls
