"""The matching API: request a run, read a run, read a requirement's ranked matches, an SME's opportunities."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsAgencyStaff, has_buyer_powers, is_agency_staff
from suppliers.selectors import listed_profiles

from . import selectors, services
from .explanations import GapWords
from .models import Match, MatchingPolicy, MatchRun


class MatchRunSerializer(serializers.ModelSerializer):
    """A run; its engine and ranker versions are internal, shown to agency staff only (null for anyone else)."""

    engine_version = serializers.CharField(read_only=True, allow_null=True)
    model_version = serializers.CharField(read_only=True, allow_null=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not is_agency_staff(request.user):
            data["engine_version"] = data["model_version"] = None
        return data

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "requirement",
            "status",
            "trigger",
            "engine_version",
            "model_version",
            "attempts",
            "error",
            "candidates",
            "eligible",
            "excluded",
            "excluded_by_reason",
            "timings_ms",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class GapSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    params = serializers.DictField()
    gain = serializers.FloatField()

    def to_representation(self, instance):
        words = self.context.setdefault("gap_words", GapWords()) if isinstance(self.context, dict) else GapWords()
        return super().to_representation(words.gap(instance))


class MatchSupplierSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="organisation.legal_name")
    country = serializers.CharField(source="organisation.country.code")
    region = serializers.CharField(source="organisation.region")
    verification_status = serializers.CharField()
    readiness_score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class MatchSerializer(serializers.ModelSerializer):
    supplier = MatchSupplierSerializer()
    components = serializers.DictField(child=serializers.FloatField())
    features = serializers.DictField(child=serializers.FloatField())
    gaps = GapSerializer(many=True)
    shortlisted = serializers.BooleanField(read_only=True)

    class Meta:
        model = Match
        fields = ["rank", "score", "supplier", "components", "features", "gaps", "shortlisted", "newcomer"]


def _requirement_or_404(request, pk):
    requirement = selectors.matchable_requirement(user=request.user, requirement_id=pk)
    if requirement is None:
        raise Http404
    return requirement


def _require_verified_buyer(request, requirement) -> None:
    """Rankings, runs, shortlists and contacts are buyer powers: the requirement's buyer must be verified (who of
    its team may act is the services' rule: viewers read, they do not act)."""
    if not has_buyer_powers(request.user, requirement.buyer):
        raise PermissionDenied("Your buyer organisation must be verified by agency staff before it sees matches.")


def _buyer_side_requirement(request, pk):
    requirement = _requirement_or_404(request, pk)
    if not selectors.may_see_matches(user=request.user, requirement=requirement):
        raise PermissionDenied("Only the buyer's team and agency staff see a requirement's matches.")
    _require_verified_buyer(request, requirement)
    return requirement


class RequestMatchRunView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={202: MatchRunSerializer}, summary="Queue a match run for a requirement")
    def post(self, request, pk):
        requirement = _requirement_or_404(request, pk)
        if selectors.may_request_run(user=request.user, requirement=requirement):
            _require_verified_buyer(request, requirement)
        run = services.request_run_by(actor=request.user, requirement=requirement)
        run.refresh_from_db()
        return Response(MatchRunSerializer(run, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


class MatchRunDetailView(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = MatchRunSerializer

    def get_queryset(self):
        return selectors.runs_visible_to(user=self.request.user)


class MatchPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["run"] = (
            MatchRunSerializer(self.run, context={"request": self.request}).data if self.run else None
        )
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["run"] = {"type": "object", "nullable": True}
        return schema


class RequirementMatchesView(generics.ListAPIView):
    """The latest finished run's ranked matches, best first; ``run`` says which run and how it went."""

    permission_classes = [IsAuthenticated]
    serializer_class = MatchSerializer
    pagination_class = MatchPagination
    filter_backends = []

    @extend_schema(
        parameters=[
            OpenApiParameter("country", str, description="ISO 3166 alpha-2 code of the supplier's country"),
            OpenApiParameter("verified", bool, description="only suppliers verified by agency staff"),
            OpenApiParameter("shortlisted", bool, description="only suppliers on the buyer's shortlist"),
            OpenApiParameter("min_score", float, description="only matches scoring at least this (0-1)"),
            OpenApiParameter("certification", str, description="only holders of a valid certificate (code)"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        requirement = _buyer_side_requirement(self.request, self.kwargs["pk"])
        run = selectors.latest_finished_run(requirement=requirement)
        self.paginator.run = run
        if run is None:
            return Match.objects.none()
        query = MatchFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.matches_of(run=run, **query.validated_data)


class MatchFilterSerializer(serializers.Serializer):
    country = serializers.CharField(required=False, max_length=2, default="")
    verified = serializers.BooleanField(required=False, default=False, source="verified_only")
    shortlisted = serializers.BooleanField(required=False, default=False, source="shortlisted_only")
    min_score = serializers.FloatField(required=False, min_value=0, max_value=1, default=None, allow_null=True)
    certification = serializers.SlugField(required=False, default="")

    def validate_country(self, value):
        return value.upper()


class SupplierActionSerializer(serializers.Serializer):
    # Only suppliers open to buyers (published, not rejected); any other id answers like one that does not exist.
    supplier = serializers.PrimaryKeyRelatedField(queryset=listed_profiles().select_related("organisation"))
    shortlisted = serializers.BooleanField(default=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ShortlistView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=SupplierActionSerializer,
        responses=inline_serializer(
            "ShortlistResult", {"supplier": serializers.IntegerField(), "shortlisted": serializers.BooleanField()}
        ),
        summary="Put a supplier on (or take it off) the requirement's shortlist",
    )
    def post(self, request, pk):
        requirement = _buyer_side_requirement(request, pk)
        payload = SupplierActionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        supplier = payload.validated_data["supplier"]
        shortlisted = services.set_shortlisted(
            actor=request.user,
            requirement=requirement,
            supplier=supplier,
            shortlisted=payload.validated_data["shortlisted"],
        )
        return Response({"supplier": supplier.pk, "shortlisted": shortlisted})


class ContactSupplierView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=SupplierActionSerializer,
        responses={
            201: inline_serializer(
                "ContactResult", {"linkage": serializers.IntegerField(), "stage": serializers.CharField()}
            )
        },
        summary="Contact a matched supplier: starts the buyer's linkage with it",
    )
    def post(self, request, pk):
        requirement = _buyer_side_requirement(request, pk)
        payload = SupplierActionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        linkage = services.contact_supplier(
            actor=request.user,
            requirement=requirement,
            supplier=payload.validated_data["supplier"],
            note=payload.validated_data["note"],
        )
        return Response({"linkage": linkage.pk, "stage": linkage.stage}, status=status.HTTP_201_CREATED)


class OpportunitySerializer(serializers.Serializer):
    requirement = serializers.IntegerField(source="requirement.pk")
    title = serializers.CharField(source="requirement.title")
    buyer = serializers.CharField(source="requirement.buyer.legal_name")
    visibility = serializers.CharField(source="requirement.visibility")
    needed_by = serializers.DateField(source="requirement.needed_by", allow_null=True)
    delivery_country = serializers.CharField(source="requirement.delivery_country.code")
    assessed = serializers.BooleanField(help_text="False while no fit was worked out for this supplier.")
    score = serializers.FloatField(allow_null=True)
    eligible = serializers.BooleanField(allow_null=True)
    excluded_because = serializers.ListField(child=serializers.CharField())
    components = serializers.DictField(child=serializers.FloatField())
    gaps = GapSerializer(many=True)
    computed_at = serializers.DateTimeField(allow_null=True)


def _opportunity(requirement, fit) -> dict:
    if fit is None:
        return {
            "requirement": requirement,
            "assessed": False,
            "score": None,
            "eligible": None,
            "excluded_because": [],
            "components": {},
            "gaps": [],
            "computed_at": None,
        }
    return {
        "requirement": requirement,
        "assessed": True,
        "score": fit.score if fit.eligible else None,
        "eligible": fit.eligible,
        "excluded_because": fit.excluded_because,
        "components": fit.components,
        "gaps": fit.gaps,
        "computed_at": fit.computed_at,
    }


class OpportunitiesView(generics.ListAPIView):
    """Open requirements this SME may see, best fit first, with its own stored fit for each (never competitors').

    The fit is worked out when a requirement is ranked and soon after the supplier's profile changes; a requirement
    whose ranking did not keep this supplier comes with ``assessed`` false."""

    permission_classes = [IsAuthenticated]
    serializer_class = OpportunitySerializer
    filter_backends = []

    def get_queryset(self):
        profile = selectors.own_supplier_profile(user=self.request.user)
        if profile is None:
            raise PermissionDenied("Opportunities are for suppliers: your organisation has no supplier profile.")
        return [_opportunity(requirement, fit) for requirement, fit in selectors.inbox(profile=profile)]


class MatchingPolicySerializer(serializers.ModelSerializer):
    newcomer_slots = serializers.IntegerField(min_value=0, max_value=10)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)  # empty until first set

    class Meta:
        model = MatchingPolicy
        fields = ["newcomer_slots", "updated_at"]


class MatchingPolicyView(APIView):
    """The agency's matching policy: how many of the first ten places go to newcomers. Agency staff only."""

    permission_classes = [IsAuthenticated, IsAgencyStaff]

    @extend_schema(responses=MatchingPolicySerializer)
    def get(self, request):
        return Response(MatchingPolicySerializer(selectors.matching_policy()).data)

    @extend_schema(request=MatchingPolicySerializer, responses=MatchingPolicySerializer)
    def put(self, request):
        data = MatchingPolicySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services.set_newcomer_slots(actor=request.user, slots=data.validated_data["newcomer_slots"])
        return Response(MatchingPolicySerializer(policy).data)
