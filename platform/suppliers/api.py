from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Organisation
from accounts.permissions import OrganisationScoped, can_edit_organisation, is_agency_staff
from core.api import VerificationInput, VisiblePrimaryKeyRelatedField
from core.limits import parse_id
from core.pagination import OneQueryPagination
from core.parsers import JSONParser
from core.responses import after_response
from taxonomy.models import Category, CertificationStandard

from . import selectors, services
from .models import (
    DIAGNOSTIC_AREAS,
    Capability,
    Certification,
    ExposureCount,
    Machine,
    ReadinessDiagnostic,
    SupplierProfile,
)


def _profiles_visible_to(user):
    # A profile the writer may not see is "does not exist", exactly like an id that exists nowhere (not a 403 that
    # would confirm it is there).
    return selectors.profiles_visible_to(user=user)


class CapabilitySerializer(serializers.ModelSerializer):
    supplier = VisiblePrimaryKeyRelatedField(source="profile", visible=_profiles_visible_to)
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.filter(scheme="CPV"))
    category_name = serializers.CharField(source="category.name", read_only=True)
    keywords = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=30)

    class Meta:
        model = Capability
        fields = [
            "id",
            "supplier",
            "category",
            "category_name",
            "description",
            "language",
            "keywords",
            "monthly_capacity",
            "capacity_unit",
            "lead_time_days",
            "minimum_order",
        ]


class MachineSerializer(serializers.ModelSerializer):
    supplier = VisiblePrimaryKeyRelatedField(source="profile", visible=_profiles_visible_to)

    class Meta:
        model = Machine
        fields = ["id", "supplier", "name", "quantity", "manufacturer", "year", "notes"]


class CertificationSerializer(serializers.ModelSerializer):
    supplier = VisiblePrimaryKeyRelatedField(source="profile", visible=_profiles_visible_to)
    standard = serializers.SlugRelatedField(slug_field="code", queryset=CertificationStandard.objects.all())
    standard_name = serializers.CharField(source="standard.name", read_only=True)
    effective_status = serializers.CharField(read_only=True)
    document = serializers.FileField(write_only=True, required=False, allow_null=True)
    document_url = serializers.SerializerMethodField()

    class Meta:
        model = Certification
        fields = [
            "id",
            "supplier",
            "standard",
            "standard_name",
            "number",
            "certifying_body",
            "scope",
            "issued_on",
            "expires_on",
            "status",
            "effective_status",
            "document",
            "document_url",
            "verification_status",
            "verified_at",
        ]
        read_only_fields = ["verification_status", "verified_at"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_document_url(self, obj):
        if not obj.document:
            return None
        path = reverse("suppliers:certificate_document", kwargs={"pk": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class DiagnosticSerializer(serializers.ModelSerializer):
    supplier = VisiblePrimaryKeyRelatedField(source="profile", visible=_profiles_visible_to)

    class Meta:
        model = ReadinessDiagnostic
        fields = ["id", "supplier", "assessed_on", *[name for name, _label in DIAGNOSTIC_AREAS], "notes", "score"]
        read_only_fields = ["score"]


class OrganisationSummarySerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code")

    class Meta:
        model = Organisation
        fields = list(selectors.ORGANISATION_SUMMARY_FIELDS)


class SupplierSerializer(serializers.ModelSerializer):
    organisation = OrganisationSummarySerializer(read_only=True)
    capabilities = CapabilitySerializer(many=True, read_only=True)
    certifications = CertificationSerializer(many=True, read_only=True)
    machines = MachineSerializer(many=True, read_only=True)

    class Meta:
        model = SupplierProfile
        fields = [
            "id",
            "organisation",
            "summary",
            "production_capacity",
            "quality_systems",
            "readiness_score",
            "published",
            "verification_status",
            "verified_at",
            "capabilities",
            "certifications",
            "machines",
            "updated_at",
        ]
        read_only_fields = ["readiness_score", "published", "verification_status", "verified_at", "updated_at"]

    def update(self, instance, validated_data):
        return services.update_profile(profile=instance, actor=self.context["request"].user, **validated_data)


# A search result's rows are already what their fields say (ids, codes, words, ISO dates): written as they are, with
# only decimals and times formatted by a DRF field. Field by field, DRF spent more on a page of results than the
# database did to find them.
_CAPACITY = serializers.DecimalField(max_digits=14, decimal_places=2)
_SCORE = serializers.DecimalField(max_digits=5, decimal_places=2)
_TIME = serializers.DateTimeField()
_CAPABILITY_FIELDS = (
    "id",
    "category",
    "category_name",
    "description",
    "language",
    "monthly_capacity",
    "capacity_unit",
    "lead_time_days",
)
_CERTIFICATION_FIELDS = ("id", "standard", "standard_name", "effective_status", "expires_on")


def _formatted(field, value):
    return None if value is None else field.to_representation(value)


def _capability_row(row: dict) -> dict:
    shown = {name: row[name] for name in _CAPABILITY_FIELDS}
    shown["monthly_capacity"] = _formatted(_CAPACITY, shown["monthly_capacity"])
    return shown


def _certification_row(row: dict) -> dict:
    return {name: row[name] for name in _CERTIFICATION_FIELDS}


class CapabilitySummarySerializer(serializers.Serializer):
    # Reads the dictionaries of selectors.summarise_results.
    id = serializers.IntegerField()
    category = serializers.CharField()
    category_name = serializers.CharField()
    description = serializers.CharField()
    language = serializers.CharField()
    monthly_capacity = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    capacity_unit = serializers.CharField()
    lead_time_days = serializers.IntegerField(allow_null=True)

    def to_representation(self, instance):
        return _capability_row(instance)


class CertificationSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    standard = serializers.CharField()
    standard_name = serializers.CharField()
    effective_status = serializers.CharField()
    expires_on = serializers.DateField()

    def to_representation(self, instance):
        return _certification_row(instance)


class SupplierSearchResultSerializer(serializers.ModelSerializer):
    """One search result: what a buyer scans in a list (the profile's full detail is at /suppliers/{id}/)."""

    # Reads the profiles of selectors.search_results, shaped by selectors.summarise_results.

    organisation = OrganisationSummarySerializer(read_only=True)
    capabilities = CapabilitySummarySerializer(source="capability_summaries", many=True, read_only=True)
    certifications = CertificationSummarySerializer(source="certification_summaries", many=True, read_only=True)

    class Meta:
        model = SupplierProfile
        fields = [
            name
            for name in SupplierSerializer.Meta.fields
            if name not in ("production_capacity", "quality_systems", "machines")
        ]
        read_only_fields = fields

    # The declared fields above say what a result is (the schema, and the reference the tests compare with); a page
    # of results is written here directly: built field by field, these serializers cost a search more than its
    # query did. Only the values DRF formats (decimals, times) go through a field of their own.
    def to_representation(self, instance):
        organisation = instance.organisation
        return {
            "id": instance.pk,
            "organisation": {
                **{name: getattr(organisation, name) for name in selectors.ORGANISATION_SUMMARY_FIELDS},
                "country": organisation.country.code,
            },
            "summary": instance.summary,
            "readiness_score": _formatted(_SCORE, instance.readiness_score),
            "published": instance.published,
            "verification_status": instance.verification_status,
            "verified_at": _formatted(_TIME, instance.verified_at),
            "capabilities": [_capability_row(row) for row in instance.capability_summaries],
            "certifications": [_certification_row(row) for row in instance.certification_summaries],
            "updated_at": _formatted(_TIME, instance.updated_at),
        }


class SupplierFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_nothing", label="words in names, summary and capabilities")
    country = filters.CharFilter(method="filter_nothing")
    region = filters.CharFilter(method="filter_nothing")
    category = filters.CharFilter(method="filter_nothing", label="CPV code (includes its subtree)")
    certification = filters.CharFilter(method="filter_nothing", label="standard code, valid today")
    verified = filters.BooleanFilter(method="filter_nothing")
    size_class = filters.ChoiceFilter(method="filter_nothing", choices=Organisation.SizeClass.choices)
    min_readiness = filters.NumberFilter(method="filter_nothing", min_value=0, max_value=100)
    language = filters.ChoiceFilter(method="filter_nothing", choices=Capability.Language.choices)
    ordering = filters.ChoiceFilter(
        method="filter_nothing", choices=list(selectors.SEARCH_ORDERINGS.items()), label="order (name by default)"
    )

    class Meta:
        model = SupplierProfile
        fields: list = []

    def filter_nothing(self, queryset, name, value):
        # The search itself is the selector's job; this FilterSet validates the parameters and documents them.
        return queryset


class SupplierViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Supplier profiles. Buyers and agency staff search them; an SME sees and edits only its own."""

    serializer_class = SupplierSerializer
    permission_classes = [OrganisationScoped]
    readable_by_others = True
    filterset_class = SupplierFilter
    # SupplierFilter documents and validates every parameter of the search (its ``ordering`` and ``q`` included);
    # the default search and ordering backends would advertise parameters this endpoint does not read.
    filter_backends = [filters.DjangoFilterBackend]
    pagination_class = OneQueryPagination  # the search's page and its count in one query
    http_method_names = ["get", "patch", "post"]

    def get_owner_organisation(self, obj):
        return obj.organisation

    def get_queryset(self):
        if self.action == "list":
            params = self.request.query_params
            form = SupplierFilter(params, queryset=SupplierProfile.objects.none())
            if not form.is_valid():
                raise serializers.ValidationError(form.errors)
            found = selectors.search_suppliers_by(
                user=self.request.user,
                filters=form.form.cleaned_data,
                ordering=form.form.cleaned_data.get("ordering") or "name",
            )
            return selectors.search_results(found)
        return selectors.with_details(selectors.profiles_visible_to(user=self.request.user))

    def filter_queryset(self, queryset):
        return queryset if self.action == "list" else super().filter_queryset(queryset)

    def get_serializer_class(self):
        return SupplierSearchResultSerializer if self.action == "list" else SupplierSerializer

    @extend_schema(responses=SupplierSearchResultSerializer(many=True))
    def list(self, request, *args, **kwargs):
        if not selectors.may_search_suppliers(user=request.user):
            raise PermissionDenied("Supplier search is for buyers and agency staff.")
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        shown = selectors.summarise_results(page)
        response = self.get_paginated_response(self.get_serializer(shown, many=True).data)
        # Each supplier on the page of results appeared in a buyer's search (its market page counts them).
        return after_response(
            response,
            services.request_exposure_count,
            viewer=request.user,
            kind=ExposureCount.Kind.SEARCH,
            profiles=shown,
        )

    def retrieve(self, request, *args, **kwargs):
        profile = self.get_object()
        response = Response(self.get_serializer(profile).data)
        return after_response(
            response,
            services.request_exposure_count,
            viewer=request.user,
            kind=ExposureCount.Kind.VIEW,
            profiles=[profile],
        )

    def create(self, request, *args, **kwargs):
        raise PermissionDenied("A supplier profile is created with its SME organisation.")

    @extend_schema(responses=SupplierSerializer, methods=["GET"])
    @extend_schema(request=SupplierSerializer, responses=SupplierSerializer, methods=["PATCH"])
    @action(detail=False, methods=["get", "patch"], url_path="me")
    def me(self, request):
        """The caller's own SME profile (created on first access)."""
        organisation = Organisation.objects.filter(memberships__user=request.user, kind=Organisation.Kind.SME).first()
        if organisation is None:
            raise NotFound("You are not a member of an SME supplier.")
        profile = services.get_or_create_profile(organisation=organisation)
        if request.method == "PATCH":
            serializer = self.get_serializer(profile, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            serializer.save()
        return Response(self.get_serializer(selectors.with_details(SupplierProfile.objects).get(pk=profile.pk)).data)

    @extend_schema(request=VerificationInput, responses=SupplierSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """Agency staff approve (`{"approve": true}`) or reject a profile, with a note."""
        if not is_agency_staff(request.user):
            raise PermissionDenied("Only agency staff verify suppliers.")
        data = _verification_input(request)
        profile = services.verify_profile(profile=self.get_object(), verified_by=request.user, **data)
        return Response(self.get_serializer(profile).data)

    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish (`{"published": true}`) or withdraw the profile from buyers' searches."""
        published = request.data.get("published", True) if isinstance(request.data, dict) else None
        if not isinstance(published, bool):
            raise serializers.ValidationError({"published": ["Must be true or false."]})
        profile = self.get_object()
        if not can_edit_organisation(request.user, profile.organisation) and not is_agency_staff(request.user):
            raise PermissionDenied("You may only publish your own profile.")
        profile = services.set_published(profile=profile, actor=request.user, published=published)
        return Response(self.get_serializer(profile).data)


def _verification_input(request) -> dict:
    verdict = VerificationInput(data=request.data)
    verdict.is_valid(raise_exception=True)
    return verdict.validated_data


class ProfilePartViewSet(viewsets.ModelViewSet):
    """Capabilities, machines, certifications and diagnostics: each belongs to one supplier profile."""

    permission_classes = [IsAuthenticated, OrganisationScoped]
    readable_by_others = True
    filterset_fields = ["profile"]

    def get_owner_organisation(self, obj):
        return obj.profile.organisation

    def visible_profiles(self):
        return selectors.profiles_visible_to(user=self.request.user)

    def get_queryset(self):
        queryset = self.model.objects.filter(profile__in=self.visible_profiles()).select_related(
            "profile__organisation"
        )
        supplier = self.request.query_params.get("supplier")
        if supplier and supplier.isdigit():
            # parse_id: str.isdigit() also accepts "²", and a number past 64 bits is nobody's id.
            queryset = queryset.filter(profile_id=parse_id(supplier)) if parse_id(supplier) else queryset.none()
        return queryset.order_by("pk")

    def _profile_for_write(self, serializer):
        profile = serializer.validated_data.pop("profile")
        if not (can_edit_organisation(self.request.user, profile.organisation) or is_agency_staff(self.request.user)):
            raise PermissionDenied("You may only change your own organisation's profile.")
        return profile

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "profile" in data and data.pop("profile") != serializer.instance.profile:
            raise serializers.ValidationError({"supplier": ["A record cannot move to another supplier."]})
        serializer.instance = self.update_service(serializer.instance, data)

    def perform_destroy(self, instance):
        self.remove_service(instance)


class CapabilityViewSet(ProfilePartViewSet):
    model = Capability
    serializer_class = CapabilitySerializer
    filterset_fields = ["language"]

    def get_queryset(self):
        return super().get_queryset().select_related("category")

    def perform_create(self, serializer):
        profile = self._profile_for_write(serializer)
        serializer.instance = services.add_capability(
            profile=profile, actor=self.request.user, **serializer.validated_data
        )

    def update_service(self, capability, data):
        return services.update_capability(capability=capability, actor=self.request.user, **data)

    def remove_service(self, capability):
        services.remove_capability(capability=capability, actor=self.request.user)


class MachineViewSet(ProfilePartViewSet):
    model = Machine
    serializer_class = MachineSerializer
    filterset_fields: list = []

    def perform_create(self, serializer):
        profile = self._profile_for_write(serializer)
        serializer.instance = services.add_machine(
            profile=profile, actor=self.request.user, **serializer.validated_data
        )

    def update_service(self, machine, data):
        return services.update_machine(machine=machine, actor=self.request.user, **data)

    def remove_service(self, machine):
        services.remove_machine(machine=machine, actor=self.request.user)


class CertificationViewSet(ProfilePartViewSet):
    """Certificates; upload the document as multipart `document` (PDF, PNG or JPEG, at most 5 MiB)."""

    model = Certification
    serializer_class = CertificationSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = ["status", "verification_status"]

    def get_queryset(self):
        return super().get_queryset().select_related("standard")

    def perform_create(self, serializer):
        profile = self._profile_for_write(serializer)
        serializer.instance = services.add_certification(
            profile=profile, actor=self.request.user, **serializer.validated_data
        )

    def update_service(self, certification, data):
        return services.update_certification(certification=certification, actor=self.request.user, **data)

    def remove_service(self, certification):
        services.remove_certification(certification=certification, actor=self.request.user)

    @extend_schema(request=VerificationInput, responses=CertificationSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """Agency staff verify (`{"approve": true}`) or reject a certificate."""
        if not is_agency_staff(request.user):
            raise PermissionDenied("Only agency staff verify certificates.")
        approve = _verification_input(request)["approve"]
        certification = services.verify_certification(
            certification=self.get_object(), verified_by=request.user, approve=approve
        )
        return Response(self.get_serializer(certification).data)


class DiagnosticViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Readiness diagnostics (eight areas scored 1–5): a self-assessment by the SME or an agency assessment."""

    serializer_class = DiagnosticSerializer
    permission_classes = [IsAuthenticated, OrganisationScoped]
    readable_by_others = True

    def get_owner_organisation(self, obj):
        return obj.profile.organisation

    def get_queryset(self):
        queryset = ReadinessDiagnostic.objects.filter(
            profile__in=selectors.profiles_visible_to(user=self.request.user)
        ).select_related("profile__organisation")
        supplier = self.request.query_params.get("supplier")
        if supplier and supplier.isdigit():
            # parse_id: str.isdigit() also accepts "²", and a number past 64 bits is nobody's id.
            queryset = queryset.filter(profile_id=parse_id(supplier)) if parse_id(supplier) else queryset.none()
        return queryset

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        profile = data.pop("profile")
        if not (can_edit_organisation(self.request.user, profile.organisation) or is_agency_staff(self.request.user)):
            raise PermissionDenied("You may only assess your own organisation.")
        areas = {name: data.pop(name) for name, _label in DIAGNOSTIC_AREAS}
        serializer.instance = services.record_diagnostic(
            profile=profile, assessed_by=self.request.user, areas=areas, **data
        )

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.status_code = status.HTTP_201_CREATED
        return response
