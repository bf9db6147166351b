"""Supplier-development programmes: an agency takes anchor buyers' suppliers through diagnosis, an improvement plan,
training and measured outcomes, certifies the improved ones and estimates the impact.

The intervention (programme × supplier × consultant) moves through the UNDP methodology's phases in order; who may
make each move is declared here as data (``PHASE_MOVES``), so services, pages and tests read one table, and every
move is kept (``InterventionPhaseChange``) with its date, actor and note, as linkages keep their stages.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from suppliers.models import Assessor

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Objective(models.TextChoices):
    PRODUCTIVITY = "productivity", _("Productivity")
    QUALITY = "quality", _("Quality")
    DELIVERY = "delivery", _("Delivery")
    SALES = "sales", _("Sales")
    EXPORTS = "exports", _("Exports")
    INCLUSION = "inclusion", _("Inclusion")


class TargetGroup(models.TextChoices):
    ANY = "any", _("Any supplier")
    MICRO = "micro", _("Micro-firms")
    YOUNG = "young", _("Young entrepreneurs")
    WOMEN_LED = "women_led", _("Women-led firms")


class DiagnosticTemplate(models.TextChoices):
    EL_SALVADOR = "el_salvador_6", _("Six areas (UNDP El Salvador)")
    READINESS = "readiness_8", _("Eight areas (the platform's readiness diagnostic)")
    CUSTOM = "custom", _("The programme's own areas")


# The areas of each template; a custom programme lists its own in ``Programme.custom_areas``.
TEMPLATE_AREAS = {
    DiagnosticTemplate.EL_SALVADOR: (
        ("administrative", _("Administrative")),
        ("commercial", _("Commercial")),
        ("environmental", _("Environmental")),
        ("financial", _("Financial")),
        ("leadership", _("Leadership")),
        ("organisational", _("Organisational")),
    ),
}


class Programme(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200, unique=True)
    agency = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="programmes",
        limit_choices_to={"kind": Organisation.Kind.AGENCY},
    )
    description = models.TextField(_("description"), blank=True)
    anchor_buyers = models.ManyToManyField(
        Organisation, related_name="anchored_programmes", blank=True, limit_choices_to={"kind": Organisation.Kind.MNC}
    )
    # Kept for the dashboard's programme filter: the suppliers enrolled (an intervention each) are added here too.
    suppliers = models.ManyToManyField("suppliers.SupplierProfile", related_name="programmes", blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RUNNING)
    objectives = models.JSONField(_("objectives"), default=list, blank=True)  # Objective values
    target_group = models.CharField(_("target group"), max_length=16, choices=TargetGroup.choices, default="any")
    eligible_size_classes = models.JSONField(_("eligible size classes"), default=list, blank=True)  # empty: any
    eligible_sectors = models.JSONField(_("eligible ISIC divisions"), default=list, blank=True)  # empty: any
    minimum_suppliers = models.PositiveSmallIntegerField(_("minimum suppliers per anchor buyer"), default=6)
    diagnostic_template = models.CharField(
        _("diagnostic template"),
        max_length=16,
        choices=DiagnosticTemplate.choices,
        default=DiagnosticTemplate.EL_SALVADOR,
    )
    custom_areas = models.JSONField(_("the programme's own diagnostic areas"), default=list, blank=True)
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    # Co-financing: the programme's, the anchor buyer's and the SME's shares of each intervention's cost (they add up
    # to 100; co-payment secures commitment).
    programme_share = models.DecimalField(
        _("programme share %"), max_digits=5, decimal_places=2, default=70, validators=PERCENT
    )
    buyer_share = models.DecimalField(
        _("buyer share %"), max_digits=5, decimal_places=2, default=25, validators=PERCENT
    )
    sme_share = models.DecimalField(_("SME share %"), max_digits=5, decimal_places=2, default=5, validators=PERCENT)
    # KPI → the improvement (per cent of the baseline, in the KPI's good direction) a supplier must show to be
    # certified; all listed KPIs must be met.
    certificate_thresholds = models.JSONField(_("certification thresholds"), default=dict, blank=True)
    certificate_standard = models.ForeignKey(
        "taxonomy.CertificationStandard", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name


class Consultant(models.Model):
    """A consultant certified in the methodology, on the agency's roster."""

    class Specialty(models.TextChoices):
        COST = "cost", _("Cost and productivity")
        DELIVERY = "delivery", _("Delivery time")
        QUALITY = "quality", _("Quality")
        TECHNICAL = "technical", _("Technical assistance")
        SERVICE = "service", _("Customer service")
        OPERATIONS = "operations", _("Operational improvements")
        MANAGEMENT = "management", _("Management and sales")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="consultant"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    agency = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="consultants", limit_choices_to={"kind": "agency"}
    )
    specialties = models.JSONField(_("specialties"), default=list, blank=True)  # Specialty values
    sectors = models.JSONField(_("ISIC divisions"), default=list, blank=True)
    certified_on = models.DateField(_("certified in the methodology on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Phase(models.IntegerChoices):
    REGISTRATION = 0, _("Registration and classification")
    FORMALISATION = 1, _("Formalisation")
    DIAGNOSIS = 2, _("Diagnosis")
    VALIDATION = 3, _("Validation of the diagnosis")
    PLAN = 4, _("Improvement plan")
    IMPLEMENTATION = 5, _("Implementation and monitoring")
    DOCUMENTATION = 6, _("Documentation and replication")


class Party(models.TextChoices):
    AGENCY = "agency", _("Agency staff")
    CONSULTANT = "consultant", _("Consultant")
    BUYER = "buyer", _("Anchor buyer")
    SUPPLIER = "supplier", _("Supplier")


# (from, to) → who moves it. Validation needs the buyer and the supplier together: each confirms, and the second
# confirmation makes the move (``services.confirm_diagnosis``); no one moves it alone.
PHASE_MOVES: dict[tuple[int, int], frozenset[str]] = {
    (Phase.REGISTRATION, Phase.FORMALISATION): frozenset({Party.AGENCY}),
    (Phase.FORMALISATION, Phase.DIAGNOSIS): frozenset({Party.AGENCY}),
    (Phase.DIAGNOSIS, Phase.VALIDATION): frozenset({Party.CONSULTANT}),
    (Phase.VALIDATION, Phase.PLAN): frozenset({Party.BUYER, Party.SUPPLIER}),
    (Phase.PLAN, Phase.IMPLEMENTATION): frozenset({Party.CONSULTANT}),
    (Phase.IMPLEMENTATION, Phase.DOCUMENTATION): frozenset({Party.CONSULTANT}),
}
TOGETHER = {(Phase.VALIDATION, Phase.PLAN)}  # moves that need every listed party's confirmation


class Edit(models.TextChoices):
    """What parties write in a programme besides moving phases (``EDIT_RIGHTS`` says who)."""

    ENROL = "enrol", _("Enrol a supplier")
    ASSIGN_CONSULTANT = "assign_consultant", _("Assign a consultant")
    DIAGNOSTIC = "diagnostic", _("Record a diagnosis")
    PROJECT_ADD = "project_add", _("Add a plan project")
    PROJECT_UPDATE = "project_update", _("Update a plan project")
    SESSION = "session", _("Record a training session")
    ATTENDANCE = "attendance", _("Record attendance")
    OUTCOME = "outcome", _("Record a measure")
    VOUCHER_ISSUE = "voucher_issue", _("Issue a voucher")
    VOUCHER_REDEEM = "voucher_redeem", _("Redeem a voucher")
    CERTIFY = "certify", _("Certify a supplier")
    CLOSE = "close", _("Complete or withdraw an intervention")


# Edit → who makes it, read by the services (and the pages and tests), as PHASE_MOVES is for moves. The consultant
# is the intervention's, except for training (a session and its attendance): any consultant working in the
# programme records those. A supplier's own diagnosis is a self-assessment. Viewers of an organisation hold no party.
EDIT_RIGHTS: dict[str, frozenset[str]] = {
    Edit.ENROL: frozenset({Party.AGENCY}),
    Edit.ASSIGN_CONSULTANT: frozenset({Party.AGENCY}),
    Edit.DIAGNOSTIC: frozenset({Party.AGENCY, Party.CONSULTANT, Party.SUPPLIER}),
    Edit.PROJECT_ADD: frozenset({Party.AGENCY, Party.CONSULTANT}),
    Edit.PROJECT_UPDATE: frozenset({Party.AGENCY, Party.CONSULTANT, Party.SUPPLIER}),
    Edit.SESSION: frozenset({Party.AGENCY, Party.CONSULTANT}),
    Edit.ATTENDANCE: frozenset({Party.AGENCY, Party.CONSULTANT}),
    Edit.OUTCOME: frozenset({Party.AGENCY, Party.CONSULTANT, Party.SUPPLIER, Party.BUYER}),
    Edit.VOUCHER_ISSUE: frozenset({Party.AGENCY}),
    Edit.VOUCHER_REDEEM: frozenset({Party.AGENCY}),
    Edit.CERTIFY: frozenset({Party.AGENCY}),
    Edit.CLOSE: frozenset({Party.AGENCY}),
}
PROGRAMME_EDITS = frozenset({Edit.ENROL, Edit.SESSION, Edit.ATTENDANCE})  # the consultant: any in the programme


class Intervention(models.Model):
    """One supplier's path through a programme, with its consultant and anchor buyer."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="interventions")
    supplier = models.ForeignKey("suppliers.SupplierProfile", on_delete=models.PROTECT, related_name="interventions")
    anchor_buyer = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="developed_interventions"
    )
    consultant = models.ForeignKey(
        Consultant, null=True, blank=True, on_delete=models.SET_NULL, related_name="interventions"
    )
    phase = models.PositiveSmallIntegerField(_("phase"), choices=Phase.choices, default=Phase.REGISTRATION)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    strategy = models.TextField(_("strategy agreed"), blank=True)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, default=Decimal("0"))
    buyer_confirmed_at = models.DateTimeField(null=True, blank=True)  # the diagnosis, at validation
    supplier_confirmed_at = models.DateTimeField(null=True, blank=True)
    plan_ended_on = models.DateField(_("plan ended on"), null=True, blank=True)
    certified_at = models.DateTimeField(null=True, blank=True)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "supplier__organisation__legal_name"]
        constraints = [models.UniqueConstraint(fields=["programme", "supplier"], name="one_intervention_per_supplier")]

    def __str__(self) -> str:
        return f"{self.supplier} in {self.programme}"


class InterventionPhaseChange(models.Model):
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.PositiveSmallIntegerField(choices=Phase.choices, null=True, blank=True)
    to_phase = models.PositiveSmallIntegerField(choices=Phase.choices, null=True, blank=True)
    # A status change (completed, withdrawn, certified) is kept in the same history.
    event = models.CharField(max_length=24, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.intervention_id}: {self.from_phase} → {self.to_phase or self.event}"


class ProgrammeDiagnostic(models.Model):
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="diagnostics")
    template = models.CharField(max_length=16, choices=DiagnosticTemplate.choices)
    areas = models.JSONField(default=dict)  # area → {"score": 1..5, "findings": str}
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assessor = models.CharField(max_length=12, choices=Assessor.choices)
    assessed_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"Diagnostic of intervention {self.intervention_id} on {self.assessed_on}"


class ImprovementProject(models.Model):
    class Aim(models.TextChoices):
        PRICE = "price", _("Price through cost and productivity")
        DELIVERY = "delivery", _("Delivery time")
        QUALITY = "quality", _("Quality")
        TECHNICAL = "technical", _("Technical assistance")
        SERVICE = "service", _("Customer service")
        OPERATIONS = "operations", _("Operational improvements")
        MANAGEMENT = "management", _("Management support to raise sales")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="projects")
    aim = models.CharField(_("aim"), max_length=12, choices=Aim.choices)
    title = models.CharField(_("title"), max_length=200)
    owner = models.CharField(_("owner"), max_length=200)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    kpi = models.CharField(_("KPI"), max_length=24, blank=True)
    kpi_target = models.DecimalField(_("KPI target"), max_digits=16, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    class Method(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        COACHING = "coaching", _("On-site coaching")
        ONLINE = "online", _("Online")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sessions")
    topic = models.CharField(_("topic"), max_length=200)
    held_on = models.DateField(_("held on"))
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    consultant = models.ForeignKey(Consultant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)
    method = models.CharField(_("method"), max_length=12, choices=Method.choices, default=Method.WORKSHOP)

    class Meta:
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.topic} ({self.held_on})"


class Attendance(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance")
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="attendance")
    participants = models.PositiveSmallIntegerField(_("participants"))
    women = models.PositiveSmallIntegerField(_("of whom women"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "intervention"], name="one_attendance_per_supplier"),
            models.CheckConstraint(
                condition=models.Q(women__lte=models.F("participants")), name="women_within_participants"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participants} from intervention {self.intervention_id} at session {self.session_id}"


class Kpi(models.TextChoices):
    SALES = "sales", _("Sales")
    PRODUCTIVITY = "productivity", _("Productivity")
    UNIT_COST = "unit_cost", _("Unit cost")
    DEFECT_RATE = "defect_rate", _("Defect rate")
    ON_TIME_DELIVERY = "on_time_delivery", _("On-time delivery")
    EMPLOYEES = "employees", _("Employees")
    WOMEN_EMPLOYEES = "women_employees", _("Women employees")
    JOBS_CREATED = "jobs_created", _("Jobs created")
    INVESTMENT = "investment", _("Investment")
    EXPORTS = "exports", _("Exports")
    NEW_PRODUCTS = "new_products", _("New products")
    NEW_CLIENTS = "new_clients", _("New clients")


class Unit(models.TextChoices):
    MONEY = "money", _("Money (the programme's currency)")
    PERCENT = "percent", _("Per cent")
    COUNT = "count", _("Count")
    UNITS_PER_HOUR = "units_per_hour", _("Units per worker-hour")


# Each KPI has one unit, and a direction: lower unit cost and defect rate are better.
KPI_UNITS = {
    Kpi.SALES: Unit.MONEY,
    Kpi.PRODUCTIVITY: Unit.UNITS_PER_HOUR,
    Kpi.UNIT_COST: Unit.MONEY,
    Kpi.DEFECT_RATE: Unit.PERCENT,
    Kpi.ON_TIME_DELIVERY: Unit.PERCENT,
    Kpi.EMPLOYEES: Unit.COUNT,
    Kpi.WOMEN_EMPLOYEES: Unit.COUNT,
    Kpi.JOBS_CREATED: Unit.COUNT,
    Kpi.INVESTMENT: Unit.MONEY,
    Kpi.EXPORTS: Unit.MONEY,
    Kpi.NEW_PRODUCTS: Unit.COUNT,
    Kpi.NEW_CLIENTS: Unit.COUNT,
}
LOWER_IS_BETTER = frozenset({Kpi.UNIT_COST, Kpi.DEFECT_RATE})


class OutcomeMeasure(models.Model):
    """A KPI measured for a supplier: the baseline or a follow-up. Suppliers outside any programme are measured too:
    they are the comparison group of the impact estimate."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        FOLLOW_UP = "follow_up", _("Follow-up")

    class Source(models.TextChoices):
        SELF = "self", _("Self-reported")
        CONSULTANT = "consultant", _("Verified by the consultant")
        BUYER = "buyer", _("Confirmed by the buyer")

    supplier = models.ForeignKey("suppliers.SupplierProfile", on_delete=models.CASCADE, related_name="outcomes")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="outcomes")
    intervention = models.ForeignKey(
        Intervention, null=True, blank=True, on_delete=models.CASCADE, related_name="outcomes"
    )  # empty for a comparison supplier
    kpi = models.CharField(_("KPI"), max_length=24, choices=Kpi.choices)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    measured_on = models.DateField(_("measured on"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.SELF)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["supplier", "kpi", "measured_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "supplier", "kpi"],
                condition=models.Q(kind="baseline"),
                name="one_baseline_per_kpi",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.kind} of supplier {self.supplier_id}: {self.value}"


class Voucher(models.Model):
    class Kind(models.TextChoices):
        DIAGNOSTIC = "diagnostic", _("Diagnostic")
        TRAINING = "training", _("Training")
        TECHNICAL = "technical", _("Technical assistance")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="vouchers")
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="vouchers")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    value = models.DecimalField(
        _("value"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    issued_on = models.DateField(_("issued on"))
    redeemed_on = models.DateField(_("redeemed on"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} voucher {self.value} for intervention {self.intervention_id}"


class FollowUpRequest(models.Model):
    """The outcome follow-up an SME is asked for 6 and 12 months after its plan ends (sent once each)."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="follow_up_requests")
    months_after = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["intervention", "months_after"], name="one_follow_up_per_milestone")
        ]

    def __str__(self) -> str:
        return f"{self.months_after}-month follow-up of intervention {self.intervention_id}"
