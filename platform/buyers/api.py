from django.db import transaction
from django.utils.translation import gettext as _
from django_countries.serializer_fields import CountryField
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Organisation
from accounts.permissions import has_buyer_powers
from accounts.selectors import organisations_visible_to
from core.api import VisiblePrimaryKeyRelatedField
from core.limits import IdField, parse_id
from suppliers.selectors import listed_profiles
from taxonomy.models import Category, CertificationStandard

from . import selectors, services
from .models import PurchasingDeclaration, Requirement, RequirementInvitation


class RequiredCertificationSerializer(serializers.Serializer):
    standard = serializers.SlugRelatedField(slug_field="code", queryset=CertificationStandard.objects.all())
    mandatory = serializers.BooleanField(default=True)


class RequirementSerializer(serializers.ModelSerializer):
    # Looked up among the buyers the user may see (a hidden organisation's id answers like one that does not exist);
    # the service then allows only the user's own.
    buyer = VisiblePrimaryKeyRelatedField(
        visible=lambda user: organisations_visible_to(user=user).filter(kind=Organisation.Kind.MNC), required=False
    )
    buyer_name = serializers.CharField(source="buyer.legal_name", read_only=True)
    categories = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Category.objects.filter(scheme="CPV"), required=False
    )
    required_certifications = RequiredCertificationSerializer(many=True, required=False)
    delivery_country = CountryField(required=False, allow_blank=True)

    class Meta:
        model = Requirement
        fields = [
            "id",
            "buyer",
            "buyer_name",
            "categories",
            "required_certifications",
            *services.REQUIREMENT_FIELDS,
            "status",
            "historic",
            "published_at",
            "closed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "historic", "published_at", "closed_at", "created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["required_certifications"] = [
            {"standard": rc.standard.code, "mandatory": rc.mandatory} for rc in instance.required_certifications.all()
        ]
        return data

    def validate_required_certifications(self, items):
        # A PATCH is partial for the requirement's fields, not inside the list it replaces: DRF skips the nested
        # fields' requirements and defaults then, so each item is completed here as on creation.
        for item in items:
            if "standard" not in item:
                raise serializers.ValidationError(_("Each required certification names its standard."))
            item.setdefault("mandatory", True)
        return items

    @staticmethod
    def _certifications(validated_data):
        items = validated_data.pop("required_certifications", None)
        return None if items is None else [(item["standard"], item["mandatory"]) for item in items]

    def create(self, validated_data):
        user = self.context["request"].user
        buyer = validated_data.pop("buyer", None) or selectors.buyer_organisations_for(user=user).first()
        if buyer is None:
            raise PermissionDenied("Only members of a buyer organisation post requirements.")
        certifications = self._certifications(validated_data) or []
        return services.create_requirement(
            buyer=buyer, created_by=user, required_certifications=certifications, **validated_data
        )

    def update(self, instance, validated_data):
        if "buyer" in validated_data and validated_data.pop("buyer") != instance.buyer:
            raise serializers.ValidationError({"buyer": ["A requirement cannot move to another buyer."]})
        certifications = self._certifications(validated_data)
        return services.update_requirement(
            requirement=instance,
            actor=self.context["request"].user,
            required_certifications=certifications,
            **validated_data,
        )


class RequirementFilter(filters.FilterSet):
    category = filters.CharFilter(method="filter_category", label="CPV code (includes its subtree)")
    needed_by_after = filters.DateFilter(field_name="needed_by", lookup_expr="gte")
    needed_by_before = filters.DateFilter(field_name="needed_by", lookup_expr="lte")
    history = filters.BooleanFilter(
        method="filter_history", label="include past tenders imported from award history (left out by default)"
    )

    class Meta:
        model = Requirement
        fields = ["status", "visibility", "delivery_country", "buyer"]

    def filter_history(self, queryset, name, value):
        return queryset if value else queryset.filter(historic=False)

    def filter_category(self, queryset, name, value):
        return selectors.filter_requirements(queryset, category=value)


class RequirementInvitationSerializer(serializers.ModelSerializer):
    supplier_name = serializers.CharField(source="supplier.organisation.legal_name", read_only=True)

    class Meta:
        model = RequirementInvitation
        fields = ["id", "supplier", "supplier_name", "created_at"]


class RequirementViewSet(viewsets.ModelViewSet):
    """Sourcing requirements. Confidential ones are visible only to their buyer, invited suppliers and agency staff."""

    serializer_class = RequirementSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = RequirementFilter
    search_fields = ["title", "specification"]
    ordering_fields = ["created_at", "needed_by", "estimated_annual_value"]

    def get_queryset(self):
        queryset = selectors.requirements_visible_to(user=self.request.user)
        if self.action == "list" and "history" not in self.request.query_params:
            queryset = queryset.filter(historic=False)  # lists are live sourcing unless history is asked for
        return queryset.prefetch_related("categories", "required_certifications__standard").order_by("-created_at")

    def _require_manager(self, requirement):
        if not selectors.may_manage(user=self.request.user, requirement=requirement):
            raise PermissionDenied("Only the buyer's team and agency staff may do this.")

    def perform_update(self, serializer):
        self._require_manager(serializer.instance)
        serializer.save()

    def perform_destroy(self, instance):
        services.delete_draft(requirement=instance, actor=self.request.user)

    @extend_schema(
        request=inline_serializer(
            "RequirementTransition", {"status": serializers.ChoiceField(choices=Requirement.Status.choices)}
        ),
        responses=RequirementSerializer,
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move a requirement to another status: draft → open → closed/awarded; closed → open."""
        requirement = self.get_object()
        self._require_manager(requirement)
        target = request.data.get("status") if isinstance(request.data, dict) else None
        if not isinstance(target, str):
            raise serializers.ValidationError({"status": ["This field is required."]})
        requirement = services.change_status(requirement=requirement, actor=request.user, to_status=target)
        return Response(self.get_serializer(self.get_queryset().get(pk=requirement.pk)).data)

    @extend_schema(
        methods=["POST"],
        request=inline_serializer("RequirementInvite", {"suppliers": serializers.ListField(child=IdField())}),
        responses=RequirementInvitationSerializer(many=True),
    )
    @extend_schema(methods=["GET"], responses=RequirementInvitationSerializer(many=True))
    # The answer is the whole list, not a page of it: without a paginator the schema says so too.
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def invitations(self, request, pk=None):
        """Invited suppliers. An invited SME sees only its own invitation; the buyer and agency see all."""
        requirement = self.get_object()
        if request.method == "POST":
            self._require_manager(requirement)
            if not has_buyer_powers(request.user, requirement.buyer, editing=True):
                raise PermissionDenied("Your buyer organisation must be verified by agency staff before it invites.")
            ids = request.data.get("suppliers") if isinstance(request.data, dict) else None
            if not isinstance(ids, list) or not ids or not all(isinstance(i, int) and parse_id(i) for i in ids):
                raise serializers.ValidationError({"suppliers": ["Give a non-empty list of supplier ids."]})
            # Only suppliers open to buyers: a hidden one is "unknown" like an id that exists nowhere, never named.
            profiles = list(listed_profiles().filter(pk__in=ids).select_related("organisation"))
            missing = sorted(set(ids) - {p.pk for p in profiles})
            if missing:
                raise serializers.ValidationError({"suppliers": [f"Unknown supplier ids: {missing}"]})
            with transaction.atomic():
                services.invite_suppliers(requirement=requirement, actor=request.user, suppliers=profiles)
            status_code = status.HTTP_201_CREATED
        else:
            status_code = status.HTTP_200_OK
        invitations = selectors.invitations_visible_to(user=request.user, requirement=requirement)
        return Response(RequirementInvitationSerializer(invitations, many=True).data, status=status_code)


def _declaring_buyers(user):
    return selectors.buyer_organisations_for(user=user)


class PurchasingDeclarationSerializer(serializers.ModelSerializer):
    buyer = VisiblePrimaryKeyRelatedField(visible=_declaring_buyers)
    buyer_name = serializers.CharField(source="buyer.legal_name", read_only=True)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    total_purchases = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    local_purchases = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    local_share_target = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False, allow_null=True
    )

    class Meta:
        model = PurchasingDeclaration
        fields = [
            "id",
            "buyer",
            "buyer_name",
            "year",
            "currency",
            "total_purchases",
            "local_purchases",
            "local_share_target",
            "declared_at",
        ]
        read_only_fields = ["declared_at"]
        validators = []  # declaring a year again replaces it (the service)

    def create(self, validated_data):
        return services.declare_purchases(actor=self.context["request"].user, **validated_data)


class PurchasingDeclarationViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """What each buyer declares it buys in a year altogether (and locally, and its target): the denominator of the
    dashboard's local share. A buyer's owners and members declare its own; agency staff any buyer's. Declaring a
    year again replaces it."""

    permission_classes = [IsAuthenticated]
    serializer_class = PurchasingDeclarationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PurchasingDeclaration.objects.none()
        buyers = selectors.declaring_buyers_for(user=self.request.user)
        return PurchasingDeclaration.objects.filter(buyer__in=buyers).select_related("buyer").order_by("buyer", "-year")
