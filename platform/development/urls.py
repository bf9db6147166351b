from rest_framework.routers import SimpleRouter

from . import api

app_name = "development"

router = SimpleRouter()
router.register("programmes", api.ProgrammeViewSet, basename="development-programme")

urlpatterns = []
api_urlpatterns = router.urls
