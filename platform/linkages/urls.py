app_name = "linkages"

urlpatterns = []
api_urlpatterns = []
