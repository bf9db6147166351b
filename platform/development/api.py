"""The supplier-development API: programmes, the consultants' roster, interventions and their phases, diagnostics,
improvement projects, training and attendance, outcomes and vouchers. Thin views over ``services``."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import Organisation
from accounts.permissions import is_agency_staff
from core.api import VisiblePrimaryKeyRelatedField
from suppliers.selectors import profiles_visible_to

from . import selectors, services
from .models import (
    Attendance,
    Consultant,
    Edit,
    ImprovementProject,
    Intervention,
    InterventionPhaseChange,
    Kpi,
    Objective,
    OutcomeMeasure,
    Phase,
    Programme,
    ProgrammeDiagnostic,
    TrainingSession,
    Unit,
    Voucher,
)

TAGS = ["development"]


def _agencies(user):
    return (
        Organisation.objects.filter(kind=Organisation.Kind.AGENCY)
        if is_agency_staff(user)
        else Organisation.objects.none()
    )


def _buyers(user):
    return (
        Organisation.objects.filter(kind=Organisation.Kind.MNC)
        if is_agency_staff(user)
        else Organisation.objects.none()
    )


def _programmes(user):
    return selectors.programmes_visible_to(user=user)


def _interventions(user):
    return selectors.interventions_visible_to(user=user)


def _suppliers(user):
    """Profiles the user may name: those it may see anyway, and the suppliers of the interventions it takes part in
    (a consultant records its suppliers' measures)."""
    from django.db.models import Q

    from suppliers.models import SupplierProfile

    return SupplierProfile.objects.filter(
        Q(pk__in=profiles_visible_to(user=user).values("pk")) | Q(interventions__in=_interventions(user))
    ).distinct()


def _consultants(user):
    return Consultant.objects.all() if is_agency_staff(user) else Consultant.objects.none()


class ProgrammeSerializer(serializers.ModelSerializer):
    agency = VisiblePrimaryKeyRelatedField(visible=_agencies)
    agency_name = serializers.CharField(source="agency.legal_name", read_only=True)
    anchor_buyers = VisiblePrimaryKeyRelatedField(visible=_buyers, many=True, required=False)
    objectives = serializers.ListField(child=serializers.ChoiceField(choices=Objective.choices), required=False)
    certificate_thresholds = serializers.DictField(
        child=serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, max_value=1000), required=False
    )
    custom_areas = serializers.ListField(child=serializers.CharField(max_length=80), required=False, max_length=20)
    eligible_size_classes = serializers.ListField(
        child=serializers.ChoiceField(choices=Organisation.SizeClass.choices), required=False
    )
    eligible_sectors = serializers.ListField(child=serializers.RegexField(r"^\d{2}$"), required=False, max_length=99)

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "agency",
            "agency_name",
            "description",
            "anchor_buyers",
            "starts_on",
            "ends_on",
            "status",
            "objectives",
            "target_group",
            "eligible_size_classes",
            "eligible_sectors",
            "minimum_suppliers",
            "diagnostic_template",
            "custom_areas",
            "budget",
            "currency",
            "programme_share",
            "buyer_share",
            "sme_share",
            "certificate_thresholds",
        ]
        validators = []  # the services check what spans fields (shares, dates); the name's uniqueness below

    def validate_name(self, value):
        existing = Programme.objects.filter(name=value)
        if self.instance is not None:
            existing = existing.exclude(pk=self.instance.pk)
        if existing.exists():
            raise serializers.ValidationError("A programme with this name exists.")
        return value

    def validate_certificate_thresholds(self, value):
        unknown = set(value) - set(Kpi.values)
        if unknown:
            raise serializers.ValidationError(f"Unknown KPI: {', '.join(sorted(unknown))}.")
        return {kpi: float(threshold) for kpi, threshold in value.items()}

    def create(self, validated_data):
        request = self.context["request"]
        anchors = validated_data.pop("anchor_buyers", [])
        return services.create_programme(actor=request.user, anchor_buyers=anchors, **validated_data)

    def update(self, instance, validated_data):
        request = self.context["request"]
        anchors = validated_data.pop("anchor_buyers", None)
        validated_data.pop("agency", None)
        return services.update_programme(
            actor=request.user, programme=instance, anchor_buyers=anchors, **validated_data
        )


class TrainingFiguresSerializer(serializers.Serializer):
    sessions = serializers.IntegerField()
    hours = serializers.DecimalField(max_digits=10, decimal_places=1)
    participants = serializers.IntegerField()
    women = serializers.IntegerField()
    suppliers = serializers.IntegerField()


class CostFiguresSerializer(serializers.Serializer):
    total = serializers.DecimalField(max_digits=16, decimal_places=2)
    programme = serializers.DecimalField(max_digits=16, decimal_places=2)
    buyer = serializers.DecimalField(max_digits=16, decimal_places=2)
    sme = serializers.DecimalField(max_digits=16, decimal_places=2)
    vouchers_issued = serializers.DecimalField(max_digits=16, decimal_places=2)
    vouchers_redeemed = serializers.DecimalField(max_digits=16, decimal_places=2)


class ProgrammeFiguresSerializer(serializers.Serializer):
    cohort_by_phase = serializers.DictField(
        child=serializers.IntegerField(), help_text="Active interventions per phase"
    )
    training = TrainingFiguresSerializer()
    costs = CostFiguresSerializer()


class ImpactRowSerializer(serializers.Serializer):
    kpi = serializers.CharField()
    label = serializers.CharField()
    verdict = serializers.ChoiceField(
        choices=["pending", "too_few", "increase", "decrease", "no_clear_change"],
        help_text="pending: being worked out since the last measure, ask again in a minute",
    )
    reason = serializers.CharField(help_text="Why there is no estimate (too few to say), in the reader's language")
    reason_codes = serializers.SerializerMethodField()
    att = serializers.FloatField(allow_null=True, required=False, help_text="The effect, in the KPI's units")
    att_pct = serializers.FloatField(allow_null=True, required=False)
    low = serializers.FloatField(allow_null=True, required=False)
    high = serializers.FloatField(allow_null=True, required=False)
    participants = serializers.IntegerField(required=False)
    comparison = serializers.IntegerField(required=False)

    def get_reason_codes(self, row) -> list[str]:
        return [code for code in row.get("reason_codes", "").split(",") if code]


class ProgrammeViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Programmes: agency staff create and edit them; buyers, suppliers and consultants read those they take part in."""

    permission_classes = [IsAuthenticated]
    serializer_class = ProgrammeSerializer
    search_fields = ["name"]

    def get_queryset(self):
        return (
            selectors.programmes_visible_to(user=self.request.user)
            .select_related("agency")
            .prefetch_related("anchor_buyers")
            .order_by("-starts_on", "name")
        )

    def _require_agency(self):
        if not is_agency_staff(self.request.user):
            raise PermissionDenied("Only agency staff create and edit programmes.")

    def create(self, request, *args, **kwargs):
        self._require_agency()
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        self._require_agency()
        return super().update(request, *args, **kwargs)

    @extend_schema(responses=ProgrammeFiguresSerializer)
    @action(detail=True, methods=["get"])
    def figures(self, request, pk=None):
        """The cohort by phase, training figures and the cost split (what each result cost)."""
        programme = self.get_object()
        figures = {
            "cohort_by_phase": {str(phase): n for phase, n in selectors.cohort_by_phase(programme=programme).items()},
            "training": selectors.training_figures(programme=programme),
            "costs": selectors.cost_split(programme=programme),
        }
        return Response(ProgrammeFiguresSerializer(figures).data)

    @extend_schema(responses=ImpactRowSerializer(many=True))
    @action(detail=True, methods=["get"])
    def impact(self, request, pk=None):
        """Per measured KPI, the effect against matched comparison suppliers with its interval, or why there are too
        few to say (``reason`` in the reader's language, ``reason_codes`` for programs); ``pending`` while a worker
        works it out."""
        programme = self.get_object()
        rows = selectors.impact_rows(programme=programme, ask=services.request_impact_estimate)
        return Response(ImpactRowSerializer(rows, many=True).data)


class ConsultantSerializer(serializers.ModelSerializer):
    agency = VisiblePrimaryKeyRelatedField(visible=_agencies)
    specialties = serializers.ListField(
        child=serializers.ChoiceField(choices=Consultant.Specialty.choices), required=False
    )
    sectors = serializers.ListField(child=serializers.RegexField(r"^\d{2}$"), required=False, max_length=99)

    class Meta:
        model = Consultant
        fields = ["id", "name", "email", "agency", "specialties", "sectors", "certified_on", "active"]

    def create(self, validated_data):
        return services.add_consultant(actor=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        validated_data.pop("agency", None)
        return services.update_consultant(actor=self.context["request"].user, consultant=instance, **validated_data)


class ConsultantViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """The consultants' roster: agency staff list, add and edit consultants (specialties, sectors, certification in
    the methodology); a consultant whose e-mail has an account signs in with it."""

    permission_classes = [IsAuthenticated]
    serializer_class = ConsultantSerializer
    search_fields = ["name"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Consultant.objects.none()
        if not is_agency_staff(self.request.user):
            raise PermissionDenied("The consultants' roster is for agency staff.")
        return Consultant.objects.select_related("agency").order_by("name")


class PhaseChangeSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.full_name", read_only=True, default="")

    class Meta:
        model = InterventionPhaseChange
        fields = ["from_phase", "to_phase", "event", "actor", "note", "at"]


class InterventionSerializer(serializers.ModelSerializer):
    programme = VisiblePrimaryKeyRelatedField(visible=_programmes)
    supplier = VisiblePrimaryKeyRelatedField(visible=lambda user: profiles_visible_to(user=user))
    supplier_name = serializers.CharField(source="supplier.organisation.legal_name", read_only=True)
    anchor_buyer = VisiblePrimaryKeyRelatedField(visible=_buyers, required=False, allow_null=True)
    consultant = VisiblePrimaryKeyRelatedField(visible=_consultants, required=False, allow_null=True)
    history = PhaseChangeSerializer(source="phase_changes", many=True, read_only=True)

    class Meta:
        model = Intervention
        fields = [
            "id",
            "programme",
            "supplier",
            "supplier_name",
            "anchor_buyer",
            "consultant",
            "phase",
            "status",
            "strategy",
            "cost",
            "buyer_confirmed_at",
            "supplier_confirmed_at",
            "plan_ended_on",
            "certified_at",
            "enrolled_at",
            "history",
        ]
        read_only_fields = [
            "phase",
            "status",
            "buyer_confirmed_at",
            "supplier_confirmed_at",
            "plan_ended_on",
            "certified_at",
            "enrolled_at",
        ]
        validators = []

    def create(self, validated_data):
        validated_data.pop("strategy", None)
        return services.enrol_supplier(actor=self.context["request"].user, **validated_data)


class PhaseMoveSerializer(serializers.Serializer):
    to_phase = serializers.ChoiceField(choices=Phase.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class AssignSerializer(serializers.ModelSerializer):
    consultant = VisiblePrimaryKeyRelatedField(visible=_consultants)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    class Meta:
        model = Intervention
        fields = ["consultant", "note"]


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class CloseSerializer(NoteSerializer):
    withdrawn = serializers.BooleanField(default=False)


class ProgressSerializer(serializers.Serializer):
    kpi = serializers.CharField()
    label = serializers.CharField()
    threshold = serializers.DecimalField(max_digits=8, decimal_places=2)
    improvement = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    met = serializers.BooleanField()


class InterventionViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Interventions (programme × supplier × consultant). Agency staff enrol suppliers; each party moves the phases
    the transitions table gives it; buyer and supplier validate the diagnosis together."""

    permission_classes = [IsAuthenticated]
    serializer_class = InterventionSerializer
    filterset_fields = ["programme", "phase", "status"]

    def get_queryset(self):
        return (
            selectors.interventions_visible_to(user=self.request.user)
            .prefetch_related("phase_changes__actor")
            .order_by("programme_id", "pk")
        )

    def create(self, request, *args, **kwargs):
        # Refused before the body is read: someone who sees the programme but may not enrol is told so (403).
        programme = _programmes(request.user).filter(pk=_int_or_none(request.data.get("programme"))).first()
        if programme is not None and not selectors.may_edit(user=request.user, edit=Edit.ENROL, programme=programme):
            raise PermissionDenied("Only agency staff enrol suppliers.")
        return super().create(request, *args, **kwargs)

    def _acted(self, intervention):
        return Response(
            InterventionSerializer(self.get_queryset().get(pk=intervention.pk), context={"request": self.request}).data
        )

    @extend_schema(request=PhaseMoveSerializer, responses=InterventionSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        data = PhaseMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        intervention = services.move_phase(
            actor=request.user,
            intervention=self.get_object(),
            to_phase=data.validated_data["to_phase"],
            note=data.validated_data["note"],
        )
        return self._acted(intervention)

    @extend_schema(request=AssignSerializer, responses=InterventionSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Agency staff assign (or change) the intervention's consultant."""
        intervention = self.get_object()
        if not selectors.may_edit(user=request.user, edit=Edit.ASSIGN_CONSULTANT, intervention=intervention):
            raise PermissionDenied("Only agency staff assign consultants.")
        data = AssignSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        intervention = services.assign_consultant(actor=request.user, intervention=intervention, **data.validated_data)
        return self._acted(intervention)

    @extend_schema(request=NoteSerializer, responses=InterventionSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The anchor buyer's or the supplier's agreement with the diagnosis; the second one opens the plan."""
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        intervention = services.confirm_diagnosis(
            actor=request.user, intervention=self.get_object(), note=data.validated_data["note"]
        )
        return self._acted(intervention)

    @extend_schema(request=CloseSerializer, responses=InterventionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        data = CloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        intervention = services.close_intervention(
            actor=request.user, intervention=self.get_object(), **data.validated_data
        )
        return self._acted(intervention)

    @extend_schema(request=NoteSerializer, responses=InterventionSerializer)
    @action(detail=True, methods=["post"])
    def certify(self, request, pk=None):
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        intervention = self.get_object()
        services.certify_supplier(actor=request.user, intervention=intervention, note=data.validated_data["note"])
        return self._acted(intervention)

    @extend_schema(responses=ProgressSerializer(many=True))
    @action(detail=True, methods=["get"])
    def thresholds(self, request, pk=None):
        """Per KPI the programme certifies on: the threshold, the improvement measured so far, whether it is met."""
        return Response(
            ProgressSerializer(selectors.threshold_progress(intervention=self.get_object()), many=True).data
        )


class _InterventionChild(serializers.ModelSerializer):
    intervention = VisiblePrimaryKeyRelatedField(visible=_interventions)


class ProgrammeDiagnosticSerializer(_InterventionChild):
    areas = serializers.DictField(child=serializers.JSONField())

    class Meta:
        model = ProgrammeDiagnostic
        fields = ["id", "intervention", "template", "areas", "assessor", "assessed_on"]
        read_only_fields = ["template", "assessor"]

    def create(self, validated_data):
        return services.record_diagnostic(actor=self.context["request"].user, **validated_data)


class ProjectSerializer(_InterventionChild):
    kpi = serializers.ChoiceField(choices=Kpi.choices, required=False, allow_blank=True)

    class Meta:
        model = ImprovementProject
        fields = ["id", "intervention", "aim", "title", "owner", "deadline", "status", "kpi", "kpi_target"]

    def create(self, validated_data):
        return services.add_project(actor=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        validated_data.pop("intervention", None)
        return services.update_project(actor=self.context["request"].user, project=instance, **validated_data)


class SessionSerializer(serializers.ModelSerializer):
    programme = VisiblePrimaryKeyRelatedField(visible=_programmes)
    consultant = VisiblePrimaryKeyRelatedField(visible=_consultants, required=False, allow_null=True)

    class Meta:
        model = TrainingSession
        fields = ["id", "programme", "topic", "held_on", "hours", "consultant", "trainer", "method"]

    def create(self, validated_data):
        return services.record_session(actor=self.context["request"].user, **validated_data)


class AttendanceSerializer(_InterventionChild):
    session = VisiblePrimaryKeyRelatedField(
        visible=lambda user: TrainingSession.objects.filter(programme__in=_programmes(user))
    )
    participants = serializers.IntegerField(min_value=0, max_value=10_000)
    women = serializers.IntegerField(min_value=0, max_value=10_000, default=0)

    class Meta:
        model = Attendance
        fields = ["id", "session", "intervention", "participants", "women"]
        validators = []

    def create(self, validated_data):
        return services.record_attendance(actor=self.context["request"].user, **validated_data)


class OutcomeSerializer(serializers.ModelSerializer):
    programme = VisiblePrimaryKeyRelatedField(visible=_programmes)
    supplier = VisiblePrimaryKeyRelatedField(visible=_suppliers)
    kpi = serializers.ChoiceField(choices=Kpi.choices)
    unit = serializers.ChoiceField(choices=Unit.choices)
    value = serializers.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        model = OutcomeMeasure
        fields = [
            "id",
            "programme",
            "supplier",
            "intervention",
            "kpi",
            "unit",
            "kind",
            "measured_on",
            "value",
            "source",
        ]
        read_only_fields = ["intervention"]
        validators = []

    def create(self, validated_data):
        return services.record_outcome(actor=self.context["request"].user, **validated_data)


class VoucherSerializer(_InterventionChild):
    class Meta:
        model = Voucher
        fields = ["id", "intervention", "kind", "value", "issued_on", "redeemed_on"]
        read_only_fields = ["redeemed_on"]

    def create(self, validated_data):
        return services.issue_voucher(actor=self.context["request"].user, **validated_data)


class RedeemSerializer(serializers.Serializer):
    redeemed_on = serializers.DateField()


def _child_viewset(model, serializer, scope, doc, *, updatable=False):
    """A list/create (and retrieve) endpoint over rows the reader may see through ``scope(user)``."""
    bases = [mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin]
    if updatable:
        bases.append(mixins.UpdateModelMixin)

    class ChildViewSet(*bases, viewsets.GenericViewSet):
        __doc__ = doc
        permission_classes = [IsAuthenticated]
        serializer_class = serializer

        def get_queryset(self):
            return model.objects.filter(**{scope: _interventions(self.request.user)}).order_by("pk")

    ChildViewSet.__name__ = f"{model.__name__}ViewSet"
    return ChildViewSet


DiagnosticViewSet = _child_viewset(
    ProgrammeDiagnostic,
    ProgrammeDiagnosticSerializer,
    "intervention__in",
    "Programme diagnostics, with who assessed them.",
)
ProjectViewSet = _child_viewset(
    ImprovementProject, ProjectSerializer, "intervention__in", "Improvement-plan projects.", updatable=True
)
AttendanceViewSet = _child_viewset(Attendance, AttendanceSerializer, "intervention__in", "Attendance at training.")


class SessionViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Training and coaching sessions of the programmes the reader takes part in."""

    permission_classes = [IsAuthenticated]
    serializer_class = SessionSerializer

    def get_queryset(self):
        return TrainingSession.objects.filter(programme__in=_programmes(self.request.user)).order_by("-held_on", "pk")


class OutcomeViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """KPI measurements: participants' (the parties of their intervention see them) and, for agency staff, the
    comparison suppliers' outside the programme."""

    permission_classes = [IsAuthenticated]
    serializer_class = OutcomeSerializer
    filterset_fields = ["programme", "kpi", "kind"]

    def get_queryset(self):
        user = self.request.user
        if is_agency_staff(user):
            return OutcomeMeasure.objects.order_by("pk")
        return OutcomeMeasure.objects.filter(intervention__in=_interventions(user)).order_by("pk")


class VoucherViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Vouchers (diagnostic, training, technical assistance) issued and redeemed: agency staff issue and redeem."""

    permission_classes = [IsAuthenticated]
    serializer_class = VoucherSerializer

    def get_queryset(self):
        return Voucher.objects.filter(intervention__in=_interventions(self.request.user)).order_by("pk")

    @extend_schema(request=RedeemSerializer, responses=VoucherSerializer)
    @action(detail=True, methods=["post"])
    def redeem(self, request, pk=None):
        data = RedeemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        voucher = services.redeem_voucher(actor=request.user, voucher=self.get_object(), **data.validated_data)
        return Response(VoucherSerializer(voucher, context={"request": request}).data, status=status.HTTP_200_OK)
