from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

app_name = "buyers"

router = SimpleRouter()
router.register("requirements", api.RequirementViewSet, basename="buyers-requirement")
router.register("purchasing-declarations", api.PurchasingDeclarationViewSet, basename="buyers-purchasing")

urlpatterns = [
    path("", views.requirement_list, name="list"),
    path("new/", views.requirement_create, name="create"),
    path("purchases/", views.purchasing, name="purchasing"),
    path("<int:pk>/", views.requirement_detail, name="detail"),
    path("<int:pk>/edit/", views.requirement_edit, name="edit"),
    path("<int:pk>/status/", views.requirement_transition, name="transition"),
    path("<int:pk>/invite/", views.requirement_invite, name="invite"),
]
api_urlpatterns = router.urls
