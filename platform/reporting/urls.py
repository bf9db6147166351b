from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

app_name = "reporting"

router = SimpleRouter()
router.register("exchange-rates", api.ExchangeRateViewSet, basename="reporting-exchange-rate")

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:table>.<str:fmt>", views.export, name="export"),
    path("rates/", views.rates, name="rates"),
    path("rates/<int:pk>/delete/", views.delete_rate, name="delete-rate"),
]
api_urlpatterns = [path("dashboard/", api.DashboardView.as_view(), name="dashboard"), *router.urls]
