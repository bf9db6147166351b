"""The linkages API: the pipeline of each buyer–supplier relationship, its stage moves and transactions."""

from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Organisation
from accounts.selectors import organisations_visible_to
from buyers.selectors import requirements_visible_to
from core.api import VisiblePrimaryKeyRelatedField
from core.limits import IdFilter
from suppliers.selectors import profiles_visible_to

from . import selectors, services
from .models import Linkage, LinkageStageChange, Stage, Transaction


class StageChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = LinkageStageChange
        fields = ["from_stage", "to_stage", "changed_at", "note"]


class TransactionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Transaction
        fields = ["id", "kind", "date", "value", "currency", "description", "created_at"]
        read_only_fields = ["id", "kind", "created_at"]


def _visible_buyers(user):
    return organisations_visible_to(user=user).filter(kind=Organisation.Kind.MNC)


def _visible_suppliers(user):
    return profiles_visible_to(user=user)


def _visible_requirements(user):
    return requirements_visible_to(user=user)


class LinkageSerializer(serializers.ModelSerializer):
    # Each reference is looked up among what the user may see: an id the user may not see answers exactly like one
    # that does not exist (no oracle of who owns what), and a linkage never names what its creator may not read.
    buyer = VisiblePrimaryKeyRelatedField(visible=_visible_buyers)
    buyer_name = serializers.CharField(source="buyer.legal_name", read_only=True)
    supplier = VisiblePrimaryKeyRelatedField(visible=_visible_suppliers)
    supplier_name = serializers.CharField(source="supplier.organisation.legal_name", read_only=True)
    requirement = VisiblePrimaryKeyRelatedField(visible=_visible_requirements, required=False, allow_null=True)
    requirement_title = serializers.SerializerMethodField()
    note = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=2000)

    class Meta:
        model = Linkage
        fields = [
            "id",
            "buyer",
            "buyer_name",
            "supplier",
            "supplier_name",
            "requirement",
            "requirement_title",
            "source",
            "stage",
            "stage_changed_at",
            "last_activity_at",
            "created_at",
            "note",
        ]
        read_only_fields = ["source", "stage", "stage_changed_at", "last_activity_at", "created_at"]
        validators = []  # the service returns the existing linkage instead of refusing a duplicate

    def get_requirement_title(self, linkage) -> str | None:
        """The requirement's title when the reader may see the requirement, else null (never the title of a draft,
        an agency-only requirement or an invitation the reader does not have)."""
        user = self.context["request"].user
        return linkage.requirement.title if selectors.shows_requirement(user=user, linkage=linkage) else None


class LinkageDetailSerializer(LinkageSerializer):
    stage_changes = StageChangeSerializer(many=True, read_only=True)
    transactions = TransactionSerializer(many=True, read_only=True)
    allowed_moves = serializers.SerializerMethodField()

    class Meta(LinkageSerializer.Meta):
        fields = [*LinkageSerializer.Meta.fields, "stage_changes", "transactions", "allowed_moves"]

    def get_allowed_moves(self, linkage) -> list[str]:
        return services.allowed_moves(user=self.context["request"].user, linkage=linkage)


class MoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class LinkageFilter(filters.FilterSet):
    # Plain ids, not lookups among every organisation, profile and requirement: filtering one's own linkages must
    # not answer "no such requirement" for one id and an empty list for another.
    buyer = IdFilter(field_name="buyer_id")
    supplier = IdFilter(field_name="supplier_id")
    requirement = IdFilter(field_name="requirement_id")

    class Meta:
        model = Linkage
        fields = ["stage", "source", "buyer", "supplier", "requirement"]


class LinkageViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Linkages the user takes part in (agency staff: all). Creating one records a linkage by hand."""

    permission_classes = [IsAuthenticated]
    filterset_class = LinkageFilter
    # ?search= is the selector's: it searches a requirement's title only where the reader may see the requirement.
    filter_backends = [filters.DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["last_activity_at", "created_at", "stage"]

    @extend_schema(
        parameters=[OpenApiParameter("search", str, description="words in the buyer, supplier or requirement")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        queryset = selectors.linkages_visible_to(user=self.request.user)
        if self.action == "list":
            queryset = selectors.filter_linkages(queryset, text=self.request.query_params.get("search", "")[:100])
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("stage_changes", "transactions")
        return queryset

    def get_serializer_class(self):
        return LinkageDetailSerializer if self.action == "retrieve" else LinkageSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        linkage, _created = services.create_linkage(
            actor=self.request.user,
            buyer=data["buyer"],
            supplier=data["supplier"],
            requirement=data.get("requirement"),
            source=Linkage.Source.MANUAL,
            note=data.get("note", ""),
        )
        serializer.instance = linkage

    @extend_schema(request=MoveSerializer, responses=LinkageDetailSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        linkage = self.get_object()
        payload = MoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.move_linkage(
            actor=request.user,
            linkage=linkage,
            to_stage=payload.validated_data["stage"],
            note=payload.validated_data["note"],
        )
        return Response(LinkageDetailSerializer(self._fresh(linkage.pk), context={"request": request}).data)

    @extend_schema(request=TransactionSerializer, responses={201: TransactionSerializer})
    @action(detail=True, methods=["get", "post"], serializer_class=TransactionSerializer)
    def transactions(self, request, pk=None):
        linkage = self.get_object()
        if request.method == "GET":
            return Response(TransactionSerializer(linkage.transactions.all(), many=True).data)
        payload = TransactionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        record = services.record_transaction(actor=request.user, linkage=linkage, **payload.validated_data)
        return Response(TransactionSerializer(record).data, status=status.HTTP_201_CREATED)

    def _fresh(self, pk):
        linkage = self.get_queryset().prefetch_related("stage_changes", "transactions").filter(pk=pk).first()
        if linkage is None:
            raise Http404
        return linkage
