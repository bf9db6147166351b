app_name = "suppliers"

urlpatterns: list = []
api_urlpatterns: list = []
