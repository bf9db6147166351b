from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

app_name = "suppliers"

router = SimpleRouter()
router.register("suppliers", api.SupplierViewSet, basename="suppliers-profile")
router.register("capabilities", api.CapabilityViewSet, basename="suppliers-capability")
router.register("machines", api.MachineViewSet, basename="suppliers-machine")
router.register("certifications", api.CertificationViewSet, basename="suppliers-certification")
router.register("diagnostics", api.DiagnosticViewSet, basename="suppliers-diagnostic")

urlpatterns = [
    path("onboarding/", views.onboarding, name="onboarding"),
    path("onboarding/<str:step>/", views.onboarding, name="onboarding_step"),
    path("search/", views.search, name="search"),
    path("verification/", views.verification_queue, name="verification_queue"),
    path("verification/organisations/<int:pk>/", views.verification_case, name="verification_case"),
    path("verification/approve/", views.verification_bulk_approve, name="verification_bulk_approve"),
    path("verification/<str:kind>/<int:pk>/", views.verify, name="verify"),
    path("certifications/<int:pk>/document/", views.certificate_document, name="certificate_document"),
    path("<int:pk>/", views.detail, name="detail"),
]
api_urlpatterns = router.urls
