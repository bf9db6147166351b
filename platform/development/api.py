from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from . import selectors
from .models import Programme


class ProgrammeSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.legal_name", read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "agency",
            "agency_name",
            "description",
            "anchor_buyers",
            "suppliers",
            "starts_on",
            "ends_on",
        ]
        read_only_fields = fields


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Programmes (read-only here; agency staff manage them in the admin)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ProgrammeSerializer
    search_fields = ["name"]

    def get_queryset(self):
        return (
            selectors.programmes_visible_to(user=self.request.user)
            .select_related("agency")
            .prefetch_related("anchor_buyers", "suppliers")
        )
