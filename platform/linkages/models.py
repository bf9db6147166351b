"""A linkage is a buyer × supplier relationship followed from first contact to repeat business.

Stages and who may move a linkage between them are declared here as data (``TRANSITIONS``), so services, pages and
tests read one table. Every change is kept (``LinkageStageChange``) with its date: the matching engine's track
record and its learning read those dates, and the agency's reports count conversions from them.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


class Stage(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONTACTED = "contacted", _("Contacted")
    MEETING = "meeting", _("Meeting")
    NEGOTIATION = "negotiation", _("Negotiation")
    FIRST_TRANSACTION = "first_transaction", _("First transaction")
    REPEAT_BUSINESS = "repeat_business", _("Repeat business")
    DECLINED = "declined", _("Declined")
    DORMANT = "dormant", _("Dormant")


class Party(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SUPPLIER = "supplier", _("Supplier")
    AGENCY = "agency", _("Agency staff")


_EITHER = frozenset({Party.BUYER, Party.SUPPLIER, Party.AGENCY})
_BUYER_SIDE = frozenset({Party.BUYER, Party.AGENCY})

# (from, to) → who may make the move. Transactions move a linkage to first transaction / repeat business
# themselves; a linkage goes dormant after a period without activity (or when agency staff say so).
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (Stage.PROPOSED, Stage.CONTACTED): _EITHER,
    (Stage.PROPOSED, Stage.DECLINED): _EITHER,
    (Stage.CONTACTED, Stage.MEETING): _EITHER,
    (Stage.CONTACTED, Stage.NEGOTIATION): _EITHER,
    (Stage.CONTACTED, Stage.DECLINED): _EITHER,
    (Stage.MEETING, Stage.NEGOTIATION): _EITHER,
    (Stage.MEETING, Stage.DECLINED): _EITHER,
    (Stage.NEGOTIATION, Stage.FIRST_TRANSACTION): _BUYER_SIDE,
    (Stage.NEGOTIATION, Stage.DECLINED): _EITHER,
    (Stage.FIRST_TRANSACTION, Stage.REPEAT_BUSINESS): _BUYER_SIDE,
    (Stage.DORMANT, Stage.CONTACTED): _EITHER,
    (Stage.DECLINED, Stage.CONTACTED): frozenset({Party.AGENCY}),
    **{
        (stage, Stage.DORMANT): frozenset({Party.AGENCY})
        for stage in (Stage.CONTACTED, Stage.MEETING, Stage.NEGOTIATION, Stage.FIRST_TRANSACTION, Stage.REPEAT_BUSINESS)
    },
}
# Order of progress, for reports and for "the furthest stage reached".
PROGRESS = (
    Stage.PROPOSED,
    Stage.CONTACTED,
    Stage.MEETING,
    Stage.NEGOTIATION,
    Stage.FIRST_TRANSACTION,
    Stage.REPEAT_BUSINESS,
)


class Linkage(models.Model):
    class Source(models.TextChoices):
        MATCH = "match", _("Match")
        EVENT = "event", _("Business event")
        IMPORT = "import", _("Import")
        MANUAL = "manual", _("Recorded by hand")

    buyer = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="linkages_as_buyer")
    supplier = models.ForeignKey("suppliers.SupplierProfile", on_delete=models.CASCADE, related_name="linkages")
    requirement = models.ForeignKey(
        "buyers.Requirement", null=True, blank=True, on_delete=models.SET_NULL, related_name="linkages"
    )
    category = models.ForeignKey(
        "taxonomy.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="linkages"
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    stage = models.CharField(max_length=24, choices=Stage.choices, default=Stage.PROPOSED, db_index=True)
    stage_changed_at = models.DateTimeField()
    last_activity_at = models.DateTimeField(db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_activity_at", "-pk"]
        constraints = [
            # One linkage per buyer, supplier and requirement; at most one without a requirement per pair.
            models.UniqueConstraint(fields=["buyer", "supplier", "requirement"], name="linkage_unique_per_requirement"),
            models.UniqueConstraint(
                fields=["buyer", "supplier"],
                condition=models.Q(requirement__isnull=True),
                name="linkage_unique_without_requirement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buyer} × {self.supplier} ({self.get_stage_display()})"


class LinkageStageChange(models.Model):
    linkage = models.ForeignKey(Linkage, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=24, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=24, choices=Stage.choices)
    changed_at = models.DateTimeField(db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_stage or '—'} → {self.to_stage} ({self.changed_at:%Y-%m-%d})"


class Transaction(models.Model):
    class Kind(models.TextChoices):
        FIRST = "first", _("First transaction")
        FOLLOW_UP = "follow_up", _("Follow-up order")

    linkage = models.ForeignKey(Linkage, on_delete=models.CASCADE, related_name="transactions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    date = models.DateField(_("date"))
    value = models.DecimalField(
        _("value"), max_digits=16, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(_("currency"), max_length=3)
    description = models.CharField(_("description"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.currency} {self.value} on {self.date} ({self.get_kind_display()})"
