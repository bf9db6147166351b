from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

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

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_form, name="create"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/edit/", views.programme_form, name="edit"),
    path("<int:pk>/enrol/", views.programme_enrol, name="enrol"),
    path("<int:pk>/sessions/", views.programme_session, name="session"),
    path("<int:pk>/export/<slug:table>.<str:fmt>", views.programme_export, name="export"),
    path("<int:pk>/vouchers/", views.programme_vouchers, name="vouchers"),
    path("vouchers/<int:pk>/redeem/", views.voucher_redeem, name="redeem"),
    path("consultants/", views.consultant_list, name="consultants"),
    path("consultants/new/", views.consultant_form, name="consultant_create"),
    path("consultants/<int:pk>/", views.consultant_detail, name="consultant"),
    path("consultants/<int:pk>/edit/", views.consultant_form, name="consultant_edit"),
    path("interventions/<int:pk>/", views.intervention_detail, name="intervention"),
    path("interventions/<int:pk>/move/", views.intervention_move, name="move"),
    path("interventions/<int:pk>/diagnosis/", views.intervention_diagnostic, name="diagnose"),
    path("interventions/<int:pk>/projects/", views.intervention_project, name="project"),
    path("interventions/<int:pk>/projects/<int:project_pk>/", views.project_status, name="project_status"),
    path("interventions/<int:pk>/attendance/", views.intervention_attendance, name="attendance"),
    path("interventions/<int:pk>/outcomes/", views.intervention_outcome, name="outcome"),
    path("interventions/<int:pk>/consultant/", views.intervention_consultant, name="assign"),
    path("interventions/<int:pk>/<slug:action>/", views.intervention_status, name="status"),
]
api_urlpatterns = router.urls
