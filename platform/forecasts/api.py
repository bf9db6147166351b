"""Demand forecasts over the API: thin views over the services and selectors.

A forecast one may not see answers 404. Writing a forecast is for its buyer's owners and members (and agency staff);
publishing needs a buyer verified by agency staff. Fits and interests: the buyer's team and agency staff see all of
them, an SME only its own.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Organisation
from accounts.selectors import organisations_visible_to
from core.api import VisiblePrimaryKeyRelatedField
from core.limits import IdField, parse_id
from suppliers.selectors import listed_profiles
from taxonomy.models import Category

from . import selectors, services
from .models import DemandForecast, ForecastFit, ForecastInterest, ForecastInvitation


class ForecastVolumeSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2200)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    unit = serializers.CharField(max_length=32)
    estimated_value = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    currency = serializers.CharField(max_length=8, required=False, default="USD")


class ForecastSerializer(serializers.ModelSerializer):
    buyer = VisiblePrimaryKeyRelatedField(
        visible=lambda user: organisations_visible_to(user=user).filter(kind=Organisation.Kind.MNC), required=False
    )
    buyer_name = serializers.CharField(source="buyer.legal_name", read_only=True)
    categories = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Category.objects.filter(scheme="CPV"), required=False
    )
    volumes = ForecastVolumeSerializer(many=True, required=False)
    delivery_country = CountryField(required=False, allow_blank=True)
    start_year = serializers.IntegerField(min_value=1900, max_value=2200)
    end_year = serializers.IntegerField(min_value=1900, max_value=2200)
    local_share_target = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False, allow_null=True
    )
    confidence_explanation = serializers.CharField(read_only=True)
    horizon_years = serializers.IntegerField(read_only=True)
    my_fit_rank = serializers.SerializerMethodField(
        help_text="In an SME's list: its own rank among the suppliers fit for the forecast (null when not ranked)."
    )

    class Meta:
        model = DemandForecast
        fields = [
            "id",
            "buyer",
            "buyer_name",
            "categories",
            *services.FORECAST_FIELDS,
            "confidence_explanation",
            "horizon_years",
            "my_fit_rank",
            "volumes",
            "status",
            "published_at",
            "withdrawn_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "published_at", "withdrawn_at", "created_at", "updated_at"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_my_fit_rank(self, instance) -> int | None:
        return getattr(instance, "my_fit", None)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["volumes"] = [
            {
                "year": v.year,
                "quantity": str(v.quantity),
                "unit": v.unit,
                "estimated_value": None if v.estimated_value is None else str(v.estimated_value),
                "currency": v.currency,
            }
            for v in sorted(instance.volumes.all(), key=lambda v: v.year)
        ]
        return data

    @staticmethod
    def _volumes(validated_data):
        items = validated_data.pop("volumes", None)
        return None if items is None else [dict(item) for item in items]

    def create(self, validated_data):
        user = self.context["request"].user
        buyer = validated_data.pop("buyer", None) or selectors.forecasting_buyers_for(user=user).first()
        if buyer is None:
            raise PermissionDenied(_("Only members of a buyer organisation write forecasts."))
        return services.create_forecast(
            buyer=buyer, created_by=user, volumes=self._volumes(validated_data) or [], **validated_data
        )

    def update(self, instance, validated_data):
        if "buyer" in validated_data and validated_data.pop("buyer") != instance.buyer:
            raise serializers.ValidationError({"buyer": [_("A forecast cannot move to another buyer.")]})
        return services.update_forecast(
            forecast=instance,
            actor=self.context["request"].user,
            volumes=self._volumes(validated_data),
            **validated_data,
        )


class ForecastFitSerializer(serializers.ModelSerializer):
    supplier_name = serializers.CharField(source="supplier.organisation.legal_name", read_only=True)

    class Meta:
        model = ForecastFit
        fields = ["supplier", "supplier_name", "rank", "score", "components", "gaps", "computed_at"]


class ForecastInterestSerializer(serializers.ModelSerializer):
    supplier_name = serializers.CharField(source="supplier.organisation.legal_name", read_only=True)
    capacity_quantity = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    investment_amount = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, required=False)
    investment_currency = serializers.CharField(max_length=8, required=False)
    from_year = serializers.IntegerField(min_value=1900, max_value=2200)

    class Meta:
        model = ForecastInterest
        fields = [
            "id",
            "forecast",
            "supplier",
            "supplier_name",
            "capacity_quantity",
            "capacity_unit",
            "capacity_note",
            "investment_amount",
            "investment_currency",
            "investment_purpose",
            "from_year",
            "revisions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["forecast", "supplier", "revisions", "created_at", "updated_at"]


class ForecastInvitationSerializer(serializers.ModelSerializer):
    supplier_name = serializers.CharField(source="supplier.organisation.legal_name", read_only=True)

    class Meta:
        model = ForecastInvitation
        fields = ["id", "supplier", "supplier_name", "created_at"]


class ForecastViewSet(viewsets.ModelViewSet):
    """Demand forecasts: what a buyer expects to buy over the next one to three years, with volumes per year and how
    sure it is. Seen by the requirements' rule (public, invited suppliers only, agency only); an SME's list holds the
    published ones it may see, its best fits first."""

    serializer_class = ForecastSerializer
    permission_classes = [IsAuthenticated]
    search_fields = ["title", "description"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DemandForecast.objects.none()
        if self.action == "list":
            return selectors.forecast_list(user=self.request.user, status=self.request.query_params.get("status", ""))
        return selectors.forecasts_visible_to(user=self.request.user).prefetch_related("categories", "volumes")

    def _require_manager(self, forecast):
        if not selectors.may_manage(user=self.request.user, forecast=forecast):
            raise PermissionDenied(_("Only the buyer's team and agency staff may do this."))

    def create(self, request, *args, **kwargs):
        if not selectors.forecasting_buyers_for(user=request.user).exists():
            raise PermissionDenied(_("Only owners and members of a buyer organisation write forecasts."))
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        self._require_manager(self.get_object())
        return super().update(request, *args, **kwargs)

    def perform_update(self, serializer):
        self._require_manager(serializer.instance)
        serializer.save()

    def perform_destroy(self, instance):
        services.delete_draft(forecast=instance, actor=self.request.user)

    @extend_schema(
        request=inline_serializer(
            "ForecastTransition", {"status": serializers.ChoiceField(choices=DemandForecast.Status.choices)}
        ),
        responses=ForecastSerializer,
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Publish a draft (a verified buyer only), withdraw a published forecast, or publish a withdrawn one again.
        Publishing ranks suppliers for it in the background; the best fits are told."""
        forecast = self.get_object()
        self._require_manager(forecast)
        target = request.data.get("status") if isinstance(request.data, dict) else None
        if not isinstance(target, str):
            raise serializers.ValidationError({"status": [_("This field is required.")]})
        services.change_status(forecast=forecast, actor=request.user, to_status=target)
        return Response(self.get_serializer(self.get_queryset().get(pk=forecast.pk)).data)

    @extend_schema(responses=ForecastFitSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def fits(self, request, pk=None):
        """The suppliers the engine ranks for this forecast (score, rank, gaps). The buyer's team and agency staff
        see all; an SME only its own fit."""
        forecast = self.get_object()
        fits = selectors.fits_visible_to(user=request.user, forecast=forecast)
        return Response(ForecastFitSerializer(fits, many=True).data)

    @extend_schema(methods=["GET"], responses=ForecastInterestSerializer(many=True))
    @extend_schema(methods=["PUT"], request=ForecastInterestSerializer, responses=ForecastInterestSerializer)
    @action(detail=True, methods=["get", "put"], pagination_class=None)
    def interests(self, request, pk=None):
        """ "We could supply this". GET: the buyer's team and agency staff see every interest, an SME only its own.
        PUT (an SME's owner or member): say or revise what it could supply, the investment it would need and from
        which year; one per supplier and forecast."""
        forecast = self.get_object()
        if request.method == "PUT":
            serializer = ForecastInterestSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            interest, created = services.register_interest(
                forecast=forecast, actor=request.user, **serializer.validated_data
            )
            return Response(
                ForecastInterestSerializer(interest).data,
                status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            )
        interests = selectors.interests_visible_to(user=request.user, forecast=forecast)
        return Response(ForecastInterestSerializer(interests, many=True).data)

    @extend_schema(
        methods=["POST"],
        request=inline_serializer("ForecastInvite", {"suppliers": serializers.ListField(child=IdField())}),
        responses=ForecastInvitationSerializer(many=True),
    )
    @extend_schema(methods=["GET"], responses=ForecastInvitationSerializer(many=True))
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def invitations(self, request, pk=None):
        """Suppliers invited to an invitation-only forecast. An invited SME sees only its own invitation."""
        forecast = self.get_object()
        if request.method == "POST":
            self._require_manager(forecast)
            ids = request.data.get("suppliers") if isinstance(request.data, dict) else None
            if not isinstance(ids, list) or not ids or not all(isinstance(i, int) and parse_id(i) for i in ids):
                raise serializers.ValidationError({"suppliers": [_("Give a non-empty list of supplier ids.")]})
            profiles = list(listed_profiles().filter(pk__in=ids).select_related("organisation"))
            missing = sorted(set(ids) - {p.pk for p in profiles})
            if missing:
                raise serializers.ValidationError(
                    {"suppliers": [_("Unknown supplier ids: %(ids)s") % {"ids": missing}]}
                )
            with transaction.atomic():
                services.invite_suppliers(forecast=forecast, actor=request.user, suppliers=profiles)
            status_code = status.HTTP_201_CREATED
        else:
            status_code = status.HTTP_200_OK
        invitations = selectors.invitations_visible_to(user=request.user, forecast=forecast)
        return Response(ForecastInvitationSerializer(invitations, many=True).data, status=status_code)
