from rest_framework.routers import SimpleRouter

from . import api

app_name = "development"

router = SimpleRouter()
router.register("programmes", api.ProgrammeViewSet, basename="development-programme")
router.register("consultants", api.ConsultantViewSet, basename="development-consultant")
router.register("interventions", api.InterventionViewSet, basename="development-intervention")
router.register("programme-diagnostics", api.DiagnosticViewSet, basename="development-diagnostic")
router.register("improvement-projects", api.ProjectViewSet, basename="development-project")
router.register("training-sessions", api.SessionViewSet, basename="development-session")
router.register("attendance", api.AttendanceViewSet, basename="development-attendance")
router.register("outcomes", api.OutcomeViewSet, basename="development-outcome")
router.register("vouchers", api.VoucherViewSet, basename="development-voucher")

urlpatterns = []
api_urlpatterns = router.urls
