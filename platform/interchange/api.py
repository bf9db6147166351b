from drf_spectacular.utils import extend_schema
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from . import selectors, services
from .models import ImportRun


class ImportRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportRun
        fields = [
            "id",
            "file_name",
            "status",
            "default_country",
            "processed",
            "total",
            "counts",
            "error",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    default_country = serializers.CharField(required=False, allow_blank=True, max_length=2, default="")


class ImportRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Upload an OCDS file (agency staff); a worker imports it; read its progress and report here."""

    permission_classes = [IsAuthenticated]
    serializer_class = ImportRunSerializer
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]

    def get_queryset(self):
        return selectors.import_runs_visible_to(user=self.request.user)

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={202: ImportRunSerializer})
    def create(self, request):
        payload = UploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        run = services.queue_upload(
            actor=request.user,
            uploaded_file=payload.validated_data["file"],
            default_country=payload.validated_data["default_country"],
        )
        run.refresh_from_db()
        return Response(ImportRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)
