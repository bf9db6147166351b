"""Saved searches through the API: one's own only (another person's answer 404)."""

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from . import selectors_alerts as selectors
from . import services_alerts as services
from .models import SavedSearch


class SavedSearchSerializer(serializers.ModelSerializer):
    """``filters`` for a supplier search (``kind`` "suppliers"): the supplier search's parameters — q, country,
    region, category (CPV code, with its subtree), certification (standard code, valid today), verified,
    size_class, min_readiness, language — as `GET /api/v1/suppliers/` takes them, at least one. For followed
    opportunities (``kind`` "opportunities", SMEs): ``{"categories": [CPV codes], "keywords": [words]}``, at least
    one of either; a requirement in any followed category's subtree or naming any keyword matches."""

    filters = serializers.JSONField()
    organisation_name = serializers.CharField(source="organisation.legal_name", read_only=True)
    announced = serializers.IntegerField(
        read_only=True, help_text="Results announced so far (not those found at saving)."
    )

    class Meta:
        model = SavedSearch
        fields = ["id", "kind", "name", "filters", "organisation_name", "created_at", "last_checked_at", "announced"]
        read_only_fields = ["organisation_name", "created_at", "last_checked_at", "announced"]

    def to_representation(self, instance):
        if not hasattr(instance, "announced"):
            instance.announced = instance.results.filter(announced=True).count()
        return super().to_representation(instance)


class RenameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)


_EXAMPLES = [
    OpenApiExample(
        "A supplier search",
        value={
            "kind": "suppliers",
            "name": "Titanium machining, ISO 13485",
            "filters": {"q": "titanio", "certification": "iso-13485"},
        },
        request_only=True,
    ),
    OpenApiExample(
        "Followed categories and keywords",
        value={
            "kind": "opportunities",
            "name": "Machining",
            "filters": {"categories": ["42600000"], "keywords": ["cnc"]},
        },
        request_only=True,
    ),
]


class SavedSearchViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your saved searches and followed categories and keywords: new results come in the daily digest (SAVED_SEARCH
    notifications). Supplier searches are for verified buyers' teams and agency staff; following is for SMEs. At
    most 20 per person. PATCH renames (only ``name``)."""

    permission_classes = [IsAuthenticated]
    serializer_class = SavedSearchSerializer
    filterset_fields = ["kind"]
    http_method_names = ["get", "post", "patch", "delete"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SavedSearch.objects.none()
        return selectors.saved_searches_of(user=self.request.user)

    @extend_schema(examples=_EXAMPLES)
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        saved_search = services.save_search(
            owner=request.user, kind=data["kind"], name=data["name"], filters=data["filters"]
        )
        return Response(self.get_serializer(saved_search).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RenameSerializer, responses=SavedSearchSerializer)
    def partial_update(self, request, *args, **kwargs):
        saved_search = self.get_object()
        serializer = RenameSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            saved_search = services.rename_saved_search(
                actor=request.user, saved_search=saved_search, name=serializer.validated_data["name"]
            )
        except ObjectDoesNotExist as error:
            raise NotFound from error
        return Response(self.get_serializer(saved_search).data)

    def perform_destroy(self, instance):
        try:
            services.delete_saved_search(actor=self.request.user, saved_search=instance)
        except ObjectDoesNotExist as error:
            raise NotFound from error
