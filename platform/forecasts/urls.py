app_name = "forecasts"

api_urlpatterns: list = []
urlpatterns: list = []
