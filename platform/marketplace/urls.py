app_name = "marketplace"

api_urlpatterns: list = []
urlpatterns: list = []
