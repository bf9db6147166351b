from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

app_name = "forecasts"

router = SimpleRouter()
router.register("forecasts", api.ForecastViewSet, basename="forecasts-forecast")

urlpatterns = [
    path("", views.forecast_list, name="list"),
    path("new/", views.forecast_create, name="create"),
    path("<int:pk>/", views.forecast_detail, name="detail"),
    path("<int:pk>/edit/", views.forecast_edit, name="edit"),
    path("<int:pk>/status/", views.forecast_transition, name="transition"),
    path("<int:pk>/interest/", views.forecast_interest, name="interest"),
    path("<int:pk>/invite/", views.forecast_invite, name="invite"),
]
api_urlpatterns = router.urls
