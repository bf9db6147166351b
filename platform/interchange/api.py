from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.limits import MAX_DB_INTEGER, BoundedDateTimeField

from . import ocds_export, selectors, services
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

    def to_representation(self, instance):
        return super().to_representation(selectors.with_live_progress(instance))


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


class ReleasesQuerySerializer(serializers.Serializer):
    # A page's offset, page × page_size, must fit a 64-bit OFFSET.
    page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_DB_INTEGER // 1000, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=100)
    ocid = serializers.ListField(child=serializers.CharField(max_length=255), required=False, default=list)
    since = BoundedDateTimeField(
        required=False, allow_null=True, default=None, help_text="only processes changed since then"
    )


class OcdsReleasesView(APIView):
    """The platform as an OCDS 1.1 release package: one compiled release per contracting process you may see.

    Agency staff see every process; a buyer's team sees its own requirements and linkages; a supplier sees public
    open requirements, those it was invited to and its own linkages. Pages follow the OCDS convention: the
    package's ``links.next`` and ``links.prev``.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[ReleasesQuerySerializer],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="an OCDS 1.1 release package")},
    )
    def get(self, request):
        query = ReleasesQuerySerializer(
            data={**request.query_params.dict(), "ocid": request.query_params.getlist("ocid")}
        )
        query.is_valid(raise_exception=True)
        page, size = query.validated_data["page"], query.validated_data["page_size"]
        found = ocds_export.processes_for(
            user=request.user, ocids=query.validated_data["ocid"], since=query.validated_data["since"]
        )
        batch = found[(page - 1) * size : page * size]
        scope = ocds_export.scope_for(user=request.user)
        package = ocds_export.release_package(
            releases=list(ocds_export.releases(batch, scope=scope)), uri=request.build_absolute_uri()
        )
        links = {}
        if page * size < len(found):
            links["next"] = _page_url(request, page + 1)
        if page > 1:
            links["prev"] = _page_url(request, page - 1)
        if links:
            package["links"] = links
        return Response(package)


def _page_url(request, page: int) -> str:
    params = request.query_params.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(request.path) + "?" + params.urlencode()
