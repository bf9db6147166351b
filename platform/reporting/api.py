"""The dashboard's figures and the exchange-rate table through the API (agency staff only)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import is_agency_staff

from . import selectors, services
from .forms import DashboardFilterForm
from .models import ExchangeRate


class IsAgencyStaff(BasePermission):
    message = "Only agency staff see the impact figures and maintain exchange rates."

    def has_permission(self, request, view):
        return is_agency_staff(request.user)


class DashboardView(APIView):
    permission_classes = [IsAuthenticated, IsAgencyStaff]

    @extend_schema(
        parameters=[
            OpenApiParameter("date_from", str, description="YYYY-MM-DD"),
            OpenApiParameter("date_to", str, description="YYYY-MM-DD"),
            OpenApiParameter("country", str, description="supplier country (ISO 3166 alpha-2)"),
            OpenApiParameter("sector", str, description="ISIC division of the supplier (two digits)"),
            OpenApiParameter("programme", int, description="supplier-development programme id"),
        ],
        responses={200: dict},
        summary="Impact figures: linkages, values in USD, funnel, time to first transaction, suppliers, local share",
    )
    def get(self, request):
        form = DashboardFilterForm(request.query_params or None)
        if request.query_params and not form.is_valid():
            raise serializers.ValidationError(form.errors.get_json_data())
        return Response(selectors.impact_figures(form.filters()))


class ExchangeRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExchangeRate
        fields = ["id", "currency", "units_per_usd", "valid_from", "created_at"]
        read_only_fields = ["id", "created_at"]
        validators = []  # a second rate for the same day corrects the first


class ExchangeRateViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, IsAgencyStaff]
    serializer_class = ExchangeRateSerializer
    queryset = ExchangeRate.objects.all()
    filterset_fields = ["currency"]

    def perform_create(self, serializer):
        serializer.instance = services.set_rate(actor=self.request.user, **serializer.validated_data)
