app_name = "notifications"

urlpatterns = []
api_urlpatterns = []
