"""The responses API: suppliers' answers to requirements, their clarifications, and the buyer's comparison and award.

Thin views over ``services`` and ``selectors``: every object the user may not see answers 404.
"""

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from buyers.selectors import requirements_visible_to
from core.limits import IdField, parse_id
from core.parsers import JSONParser
from suppliers.models import SupplierProfile

from . import selectors, services
from .models import (
    OFFER_FIELDS,
    Clarification,
    DeclineReason,
    Response,
    ResponseAttachment,
    ResponseKind,
    ResponseRevision,
)

MAX_NOTES = 8000


class ResponseAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ResponseAttachment
        fields = ["id", "name", "content_type", "size", "uploaded_at", "url"]

    def get_url(self, attachment) -> str:
        """The permission-checked download address."""
        return reverse("marketplace:attachment", args=[attachment.pk])


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResponseRevision
        fields = ["version", *OFFER_FIELDS, "submitted_at"]


class ResponseSerializer(serializers.ModelSerializer):
    supplier_name = serializers.CharField(source="supplier.organisation.legal_name", read_only=True)
    requirement_title = serializers.CharField(source="requirement.title", read_only=True)
    attachments = ResponseAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Response
        fields = [
            "id",
            "requirement",
            "requirement_title",
            "supplier",
            "supplier_name",
            *OFFER_FIELDS,
            "status",
            "version",
            "created_at",
            "updated_at",
            "decided_at",
            "attachments",
        ]
        read_only_fields = fields


class ResponseDetailSerializer(ResponseSerializer):
    revisions = RevisionSerializer(many=True, read_only=True)

    class Meta(ResponseSerializer.Meta):
        fields = [*ResponseSerializer.Meta.fields, "revisions"]
        read_only_fields = fields


class OfferInput(serializers.Serializer):
    """What a supplier sends: interest, a quote (price ≥ 0 in an ISO 4217 currency) or a decline with a reason."""

    kind = serializers.ChoiceField(choices=ResponseKind.choices)
    price = serializers.DecimalField(max_digits=16, decimal_places=4, required=False, allow_null=True)
    currency = serializers.CharField(required=False, allow_blank=True, default="", max_length=8)
    unit = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)
    lead_time_days = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=3650)
    valid_until = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_NOTES)
    decline_reason = serializers.ChoiceField(
        choices=[("", "—"), *DeclineReason.choices], required=False, allow_blank=True, default=""
    )
    attachments = serializers.ListField(
        child=serializers.FileField(max_length=255, allow_empty_file=False), required=False, default=list
    )


class NewResponseInput(OfferInput):
    requirement = IdField()


class ResponseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Responses the user may see: a supplier its own, the verified buyer's team those to its requirements, agency
    staff all (their reads are recorded in the audit trail)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ResponseSerializer
    lookup_value_regex = "[0-9]{1,19}"
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filter_backends: list = []

    def get_queryset(self):
        queryset = selectors.responses_visible_to(user=self.request.user).prefetch_related("attachments")
        requirement = self.request.query_params.get("requirement")
        if requirement is not None:
            field = IdField()
            try:
                queryset = queryset.filter(requirement_id=field.to_internal_value(requirement))
            except serializers.ValidationError as error:
                raise serializers.ValidationError({"requirement": error.detail}) from error
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("revisions")
        return queryset.order_by("-updated_at", "-pk")

    def get_serializer_class(self):
        return ResponseDetailSerializer if self.action == "retrieve" else ResponseSerializer

    @extend_schema(
        parameters=[OpenApiParameter("requirement", int, description="Only the responses to this requirement.")]
    )
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        services.record_reads(reader=request.user, responses=page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        response = self.get_object()
        services.record_reads(reader=request.user, responses=[response])
        return ApiResponse(self.get_serializer(response).data)

    @extend_schema(request=NewResponseInput, responses={201: ResponseDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Answer a requirement (multipart for attachments: PDF, PNG or JPEG). One live response per supplier."""
        data = NewResponseInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        requirement = requirements_visible_to(user=request.user).filter(pk=values.pop("requirement")).first()
        if requirement is None:
            raise serializers.ValidationError({"requirement": ["No such requirement."]})
        response = services.submit_response(actor=request.user, requirement=requirement, **values)
        return ApiResponse(ResponseDetailSerializer(response).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OfferInput, responses=ResponseDetailSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """Replace the live response; the previous version is kept in ``revisions``. Until the requirement closes."""
        response = self.get_object()
        data = OfferInput(data=request.data)
        data.is_valid(raise_exception=True)
        response = services.revise_response(actor=request.user, response=response, **data.validated_data)
        return ApiResponse(ResponseDetailSerializer(response).data)


class ClarificationSerializer(serializers.ModelSerializer):
    asked_by_supplier = serializers.SerializerMethodField()

    class Meta:
        model = Clarification
        fields = ["id", "requirement", "question", "asked_at", "answer", "answered_at", "asked_by_supplier"]
        read_only_fields = fields

    def get_asked_by_supplier(self, clarification) -> str | None:
        """Who asked: for the buyer's team and agency staff only (null for suppliers)."""
        if not self.context.get("buyer_side"):
            return None
        supplier = clarification.asked_by_supplier
        return supplier.organisation.legal_name if supplier else None


class QuestionInput(serializers.Serializer):
    requirement = IdField()
    question = serializers.CharField(max_length=4000)


class AnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=8000)


class ClarificationViewSet(viewsets.GenericViewSet):
    """Questions about a requirement and the buyer's answers. Suppliers read the answered ones (and their own open
    questions) without who asked; the buyer's team and agency staff read all, with who asked."""

    permission_classes = [IsAuthenticated]
    serializer_class = ClarificationSerializer
    queryset = Clarification.objects.none()  # reads go through selectors; this types the path's id
    lookup_value_regex = "[0-9]{1,19}"
    filter_backends: list = []
    pagination_class = None

    def _requirement(self, value):
        try:
            pk = IdField().to_internal_value(value)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({"requirement": error.detail}) from error
        requirement = requirements_visible_to(user=self.request.user).filter(pk=pk).first()
        if requirement is None:
            raise Http404
        return requirement

    @extend_schema(
        parameters=[OpenApiParameter("requirement", int, required=True, description="The requirement asked about.")],
        responses=ClarificationSerializer(many=True),
    )
    def list(self, request):
        requirement = self._requirement(request.query_params.get("requirement"))
        clarifications = selectors.clarifications_visible_to(user=request.user, requirement=requirement)
        buyer_side = selectors.is_buyer_side(user=request.user, requirement=requirement)
        return ApiResponse(ClarificationSerializer(clarifications, many=True, context={"buyer_side": buyer_side}).data)

    @extend_schema(request=QuestionInput, responses={201: ClarificationSerializer})
    def create(self, request):
        """Ask a question (owners and members of a supplier that may see the requirement)."""
        data = QuestionInput(data=request.data)
        data.is_valid(raise_exception=True)
        requirement = requirements_visible_to(user=request.user).filter(pk=data.validated_data["requirement"]).first()
        if requirement is None:
            raise serializers.ValidationError({"requirement": ["No such requirement."]})
        clarification = services.ask_question(
            actor=request.user, requirement=requirement, question=data.validated_data["question"]
        )
        return ApiResponse(ClarificationSerializer(clarification).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AnswerInput, responses=ClarificationSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Answer (or correct the answer to) a question: published to everyone who may see the requirement."""
        clarification = selectors.clarification_for_answer(user=request.user, clarification_id=parse_id(pk) or 0)
        if clarification is None or not selectors.is_buyer_side(
            user=request.user, requirement=clarification.requirement
        ):
            raise Http404
        data = AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        clarification = services.answer_clarification(
            actor=request.user, clarification=clarification, answer=data.validated_data["answer"]
        )
        return ApiResponse(ClarificationSerializer(clarification, context={"buyer_side": True}).data)


# -- comparison, shortlist and award -------------------------------------------------------------------------------


class ComparisonRowSerializer(serializers.Serializer):
    response = ResponseSerializer()
    price_usd = serializers.DecimalField(max_digits=24, decimal_places=2, allow_null=True)
    rate = serializers.DecimalField(
        max_digits=18, decimal_places=6, allow_null=True, help_text="Units of the quote's currency per US dollar."
    )
    no_rate = serializers.BooleanField(help_text="A quote whose currency has no rate in the agency's table.")
    certificates = serializers.ListField(child=serializers.CharField())
    missing_mandatory = serializers.ListField(child=serializers.CharField())
    rank = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    gaps = serializers.ListField(child=serializers.DictField())
    shortlisted = serializers.BooleanField()
    linkage_stage = serializers.CharField()


class ComparisonSerializer(serializers.Serializer):
    run = serializers.IntegerField(allow_null=True, help_text="The match run the ranks and scores come from.")
    certificate_day = serializers.DateField()
    rate_day = serializers.DateField()
    rows = ComparisonRowSerializer(many=True)


class ComparisonQuery(serializers.Serializer):
    sort = serializers.ChoiceField(choices=selectors.SORTS, required=False, default="price")
    kind = serializers.ChoiceField(choices=[("", "—"), *ResponseKind.choices], required=False, default="")
    shortlisted = serializers.BooleanField(required=False, default=False)
    certified = serializers.BooleanField(required=False, default=False)


def _comparable(request, requirement_id: int):
    requirement = selectors.answerable_requirement(user=request.user, requirement_id=requirement_id)
    if requirement is None or not selectors.may_read_responses_of(user=request.user, requirement=requirement):
        raise Http404
    return requirement


class ComparisonView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[ComparisonQuery], responses=ComparisonSerializer, operation_id="responses_comparison")
    def get(self, request, requirement_id: int):
        """The responses to a requirement beside the engine's latest ranking (the buyer's team and agency staff):
        prices in US dollars with the agency's rates (original kept), lead time, certificates valid on the
        needed-by day, match score and gaps."""
        requirement = _comparable(request, requirement_id)
        query = ComparisonQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        options = query.validated_data
        result = selectors.comparison(
            requirement=requirement,
            sort=options["sort"],
            kind=options["kind"],
            shortlisted_only=options["shortlisted"],
            certified_only=options["certified"],
        )
        services.record_reads(reader=request.user, responses=[row.response for row in result["rows"]])
        rows = [
            {
                "response": row.response,
                "price_usd": row.price_usd,
                "rate": row.rate,
                "no_rate": row.no_rate,
                "certificates": row.certificates,
                "missing_mandatory": row.missing_mandatory,
                "rank": row.rank,
                "score": row.score,
                "gaps": row.gaps,
                "shortlisted": row.shortlisted,
                "linkage_stage": row.linkage_stage,
            }
            for row in result["rows"]
        ]
        payload = {
            "run": result["run"].pk if result["run"] else None,
            "certificate_day": result["certificate_day"],
            "rate_day": result["rate_day"],
            "rows": rows,
        }
        return ApiResponse(ComparisonSerializer(payload).data)


class SupplierIdsInput(serializers.Serializer):
    suppliers = serializers.ListField(child=IdField(), allow_empty=False, max_length=100)


class ShortlistInput(serializers.Serializer):
    supplier = IdField()
    shortlisted = serializers.BooleanField()


def _responding_supplier(requirement, supplier_id: int) -> SupplierProfile:
    supplier = SupplierProfile.objects.filter(pk=supplier_id, responses__requirement=requirement).first()
    if supplier is None:
        raise serializers.ValidationError({"supplier": ["No response from this supplier."]})
    return supplier


class ShortlistView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ShortlistInput,
        responses=inline_serializer("ResponseShortlistResult", {"shortlisted": serializers.BooleanField()}),
        operation_id="responses_shortlist",
    )
    def post(self, request, requirement_id: int):
        """Put a responding supplier on (or take it off) the requirement's shortlist."""
        requirement = _comparable(request, requirement_id)
        data = ShortlistInput(data=request.data)
        data.is_valid(raise_exception=True)
        supplier = _responding_supplier(requirement, data.validated_data["supplier"])
        shortlisted = services.set_shortlisted(
            actor=request.user,
            requirement=requirement,
            supplier=supplier,
            shortlisted=data.validated_data["shortlisted"],
        )
        return ApiResponse({"shortlisted": shortlisted})


class AwardView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=SupplierIdsInput, responses=ResponseSerializer(many=True), operation_id="responses_award")
    def post(self, request, requirement_id: int):
        """Award the requirement to one or more suppliers that offered: the requirement becomes awarded, their
        linkages move to negotiation, the other suppliers are told."""
        requirement = _comparable(request, requirement_id)
        data = SupplierIdsInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data["suppliers"]
        suppliers = list(SupplierProfile.objects.filter(pk__in=ids, responses__requirement=requirement))
        missing = sorted(set(ids) - {s.pk for s in suppliers})
        if missing:
            raise serializers.ValidationError({"suppliers": [f"No offer from these suppliers: {missing}"]})
        awarded = services.award(actor=request.user, requirement=requirement, suppliers=suppliers)
        return ApiResponse(ResponseSerializer(awarded, many=True).data)
