from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission

from . import selectors
from .models import Category, CertificationStandard, Industry


class ReadOnlyOrAgencyStaff(BasePermission):
    """Reference data: every signed-in user reads it, only agency staff change it.

    Taxonomy sits below accounts, so it asks the user model (``is_agency_staff``) rather than importing accounts.
    """

    def has_permission(self, request, view):
        user = request.user
        if not user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or bool(getattr(user, "is_agency_staff", False))


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    # null for a top-level entry: allow_null makes the schema say so.
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Category
        fields = ["scheme", "code", "name", "name_en", "name_es", "name_pt", "level", "parent"]


class CategoryDetailSerializer(CategorySerializer):
    children = CategorySerializer(many=True, read_only=True)

    class Meta(CategorySerializer.Meta):
        fields = [*CategorySerializer.Meta.fields, "children"]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="CPV code prefix (check digit allowed) or words in en/es/pt"),
            OpenApiParameter("parent", str, description="only the children of this CPV code"),
            OpenApiParameter("level", int, description="1 = division, 2 = group, …"),
        ]
    )
)
class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Product and service categories (CPV 2008). Every signed-in user may read them."""

    permission_classes = [ReadOnlyOrAgencyStaff]
    lookup_field = "code"
    filter_backends: list = []

    def get_queryset(self):
        queryset = selectors.search_categories(query=self.request.query_params.get("q", ""), limit=None)
        parent = self.request.query_params.get("parent")
        if parent:
            queryset = queryset.filter(parent__code=selectors.normalise_cpv_code(parent) or parent)
        level = self.request.query_params.get("level")
        if level and level.isdigit():
            queryset = queryset.filter(level=int(level))
        return queryset.select_related("parent")

    def get_object(self):
        code = selectors.normalise_cpv_code(self.kwargs["code"]) or self.kwargs["code"]
        return get_object_or_404(Category.objects.prefetch_related("children"), scheme="CPV", code=code)

    def get_serializer_class(self):
        return CategoryDetailSerializer if self.action == "retrieve" else CategorySerializer


class IndustrySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    # null for a top-level entry: allow_null makes the schema say so.
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Industry
        fields = ["code", "name", "name_en", "name_es", "level", "parent"]


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("q", str, description="ISIC code or words")]))
class IndustryViewSet(viewsets.ReadOnlyModelViewSet):
    """Industries (ISIC Rev.4)."""

    permission_classes = [ReadOnlyOrAgencyStaff]
    serializer_class = IndustrySerializer
    lookup_field = "code"
    filter_backends: list = []

    def get_queryset(self):
        query = self.request.query_params.get("q", "")
        return selectors.search_industries(query=query, limit=None).select_related("parent")


class CertificationStandardSerializer(serializers.ModelSerializer):
    class Meta:
        model = CertificationStandard
        fields = [
            "code",
            "name",
            "issuing_body",
            "description_en",
            "description_es",
            "sectors",
            "typical_validity_years",
        ]


class CertificationStandardViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Certification standards: read by everyone signed in, maintained by agency staff."""

    permission_classes = [ReadOnlyOrAgencyStaff]
    serializer_class = CertificationStandardSerializer
    lookup_field = "code"
    search_fields = ["code", "name", "issuing_body"]

    def get_queryset(self):
        return selectors.certification_standards()
