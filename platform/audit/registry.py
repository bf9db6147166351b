"""Which models the audit trail follows, and which organisations each change concerns.

django-auditlog writes one LogEntry per create, update and delete of a registered model (who: the request's user,
set by AuditlogMiddleware; what: the model and object; when; before/after of every changed field). This app sits
above every other app, so it registers their models here instead of the apps knowing about the trail.

Each entry also records the organisations the object belongs to (``additional_data["organisations"]``, a mapping of
organisation id to true, so ``has_key`` filters it on PostgreSQL and SQLite alike).
"""

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.signals import post_log

from accounts.models import Membership, Organisation
from buyers.models import Requirement
from conversations.models import Thread
from linkages.models import Linkage, Transaction
from marketplace.models import Response
from reporting.models import ExchangeRate
from suppliers.models import Capability, Certification, SupplierProfile

# Bookkeeping fields that change on every save and say nothing a reader needs.
NOISE = ["updated_at", "tax_id_normalised", "search_vector", "created_at", "last_message_at"]


def _organisation_ids(instance) -> list[int]:
    if isinstance(instance, Organisation):
        return [instance.pk]
    if isinstance(instance, Membership | SupplierProfile):
        return [instance.organisation_id]
    if isinstance(instance, Capability | Certification):
        return [SupplierProfile.objects.filter(pk=instance.profile_id).values_list("organisation_id", flat=True)[0]]
    if isinstance(instance, Requirement):
        return [instance.buyer_id]
    if isinstance(instance, Linkage):
        supplier = SupplierProfile.objects.filter(pk=instance.supplier_id).values_list("organisation_id", flat=True)
        return [instance.buyer_id, *supplier]
    if isinstance(instance, Response):
        # The buyer and the supplier (agency staff's reads of an offer are recorded as access entries).
        buyer = Requirement.objects.filter(pk=instance.requirement_id).values_list("buyer_id", flat=True)
        supplier = SupplierProfile.objects.filter(pk=instance.supplier_id).values_list("organisation_id", flat=True)
        return [*buyer, *supplier]
    if isinstance(instance, Thread):
        supplier = SupplierProfile.objects.filter(pk=instance.supplier_id).values_list("organisation_id", flat=True)
        return [instance.buyer_id, *supplier]
    if isinstance(instance, Transaction):
        linkage = Linkage.objects.filter(pk=instance.linkage_id).values_list("buyer_id", "supplier__organisation_id")
        return [pk for row in linkage for pk in row]
    return []


# Responses and message threads: their writes, and each time agency staff read one ("access" entries, sent by
# marketplace and conversations).
AUDITED = [
    Organisation,
    Membership,
    SupplierProfile,
    Capability,
    Certification,
    Requirement,
    Linkage,
    Transaction,
    Response,
    Thread,
]
AUDITED_WITHOUT_ORGANISATION = [ExchangeRate]


def register_models() -> None:
    for model in [*AUDITED, *AUDITED_WITHOUT_ORGANISATION]:
        if auditlog.contains(model):
            continue
        field_names = {field.name for field in model._meta.get_fields()}
        auditlog.register(model, exclude_fields=[name for name in NOISE if name in field_names])
    post_log.connect(record_organisations, dispatch_uid="audit.record_organisations")


def record_organisations(sender, instance, log_entry=None, **kwargs) -> None:
    """Tag the entry with the organisations its object belongs to, so agency staff can filter by organisation."""
    if log_entry is None or sender not in AUDITED:
        return
    try:
        ids = [pk for pk in _organisation_ids(instance) if pk]
    except (IndexError, AttributeError):  # the parent row is already gone (a cascade delete)
        ids = []
    if not ids:
        return
    additional = dict(log_entry.additional_data or {})
    additional["organisations"] = {str(pk): True for pk in ids}
    log_entry.additional_data = additional
    LogEntry.objects.filter(pk=log_entry.pk).update(additional_data=additional)
