app_name = "reporting"

urlpatterns = []
api_urlpatterns = []
