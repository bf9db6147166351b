app_name = "buyers"

urlpatterns: list = []
api_urlpatterns: list = []
