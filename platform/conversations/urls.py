app_name = "conversations"

api_urlpatterns: list = []
urlpatterns: list = []
