app_name = "development"

urlpatterns = []
api_urlpatterns = []
