app_name = "events"

urlpatterns = []
api_urlpatterns = []
