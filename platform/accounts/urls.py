app_name = "accounts"

urlpatterns: list = []
api_urlpatterns: list = []
