from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

app_name = "marketplace"

router = SimpleRouter()
router.register("responses", api.ResponseViewSet, basename="marketplace-response")
router.register("clarifications", api.ClarificationViewSet, basename="marketplace-clarification")

api_urlpatterns = [
    *router.urls,
    path(
        "requirements/<rowid:requirement_id>/responses/comparison/",
        api.ComparisonView.as_view(),
        name="marketplace-comparison",
    ),
    path(
        "requirements/<rowid:requirement_id>/responses/shortlist/",
        api.ShortlistView.as_view(),
        name="marketplace-shortlist",
    ),
    path("requirements/<rowid:requirement_id>/responses/award/", api.AwardView.as_view(), name="marketplace-award"),
]

urlpatterns = [
    path("requirements/<rowid:pk>/respond/", views.respond, name="respond"),
    path("requirements/<rowid:pk>/ask/", views.ask, name="ask"),
    path("requirements/<rowid:pk>/compare/", views.compare, name="compare"),
    path("requirements/<rowid:pk>/shortlist/", views.shortlist, name="shortlist"),
    path("requirements/<rowid:pk>/award/", views.award, name="award"),
    path("clarifications/<rowid:pk>/answer/", views.answer, name="answer"),
    path("attachments/<rowid:pk>/", views.attachment, name="attachment"),
]
