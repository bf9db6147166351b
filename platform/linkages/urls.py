from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

app_name = "linkages"

router = SimpleRouter()
router.register("linkages", api.LinkageViewSet, basename="linkages-linkage")

urlpatterns = [
    path("", views.linkage_list, name="list"),
    path("board/", views.pipeline_board, name="board"),
    path("<int:pk>/", views.linkage_detail, name="detail"),
    path("<int:pk>/move/", views.linkage_move, name="move"),
    path("<int:pk>/transactions/", views.linkage_transaction, name="transaction"),
]
api_urlpatterns = router.urls
