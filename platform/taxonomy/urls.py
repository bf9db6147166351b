from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

app_name = "taxonomy"

router = SimpleRouter()
router.register("categories", api.CategoryViewSet, basename="taxonomy-categories")
router.register("industries", api.IndustryViewSet, basename="taxonomy-industries")
router.register("certification-standards", api.CertificationStandardViewSet, basename="taxonomy-standards")

urlpatterns = [
    path("categories/", views.categories, name="categories"),
    path("categories/autocomplete/", views.category_autocomplete, name="category_autocomplete"),
]
api_urlpatterns = router.urls
