app_name = "taxonomy"

urlpatterns: list = []
api_urlpatterns: list = []
