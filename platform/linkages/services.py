"""Every write about linkages and their transactions happens here."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.permissions import acts_for_verified_buyer
from buyers.selectors import requirements_visible_to
from core.currency import validate_currency
from suppliers.models import SupplierProfile
from suppliers.selectors import listed_profiles

from .models import TRANSITIONS, Linkage, LinkageStageChange, Party, Stage, Transaction
from .selectors import parties_of
from .signals import linkage_stage_changed


def _announce(linkage: Linkage, from_stage: str, to_stage: str, actor) -> None:
    transaction.on_commit(
        lambda: linkage_stage_changed.send(
            sender=Linkage, linkage=linkage, from_stage=from_stage, to_stage=to_stage, actor=actor
        )
    )


def _record_change(*, linkage: Linkage, to_stage: str, actor, note: str, at: dt.datetime) -> None:
    _announce(linkage, linkage.stage, to_stage, actor)
    LinkageStageChange.objects.create(
        linkage=linkage,
        from_stage=linkage.stage if linkage.pk else "",
        to_stage=to_stage,
        changed_at=at,
        changed_by=actor if actor and actor.is_authenticated else None,
        note=note,
    )


def _does_not_exist(pk) -> str:
    # Word for word what the API answers for an id that exists nowhere (DRF's message and its translations).
    return _('Invalid pk "{pk_value}" - object does not exist.').format(pk_value=pk)


@transaction.atomic
def create_linkage(
    *,
    actor,
    buyer: Organisation,
    supplier: SupplierProfile,
    requirement=None,
    category=None,
    source: str = Linkage.Source.MANUAL,
    stage: str = Stage.PROPOSED,
    note: str = "",
    at: dt.datetime | None = None,
    system: bool = False,
) -> tuple[Linkage, bool]:
    """The linkage of this buyer, supplier and requirement, created at ``stage`` if it did not exist yet.

    ``system=True`` is for importers and the demo (no user acts); otherwise ``actor`` must be able to act for the
    buyer or the supplier, or be agency staff. A requirement the actor may not see is answered as one that does not
    exist; acting for the buyer alone takes a verified buyer and a supplier open to buyers (published, not
    rejected), any other supplier being answered as one that does not exist.
    """
    readable = requirements_visible_to(user=actor) if not system else None
    if readable is not None and requirement is not None and not readable.filter(pk=requirement.pk).exists():
        raise ValidationError({"requirement": [_does_not_exist(requirement.pk)]})
    if buyer.kind != Organisation.Kind.MNC:
        raise ValidationError({"buyer": [_("A linkage's buyer must be an MNC buyer organisation.")]})
    if requirement is not None and requirement.buyer_id != buyer.pk:
        raise ValidationError({"requirement": [_("The requirement belongs to another buyer.")]})
    if stage not in (Stage.PROPOSED, Stage.CONTACTED) and not system:
        raise ValidationError({"stage": [_("A new linkage starts as proposed or contacted.")]})
    at = at or timezone.now()
    probe = Linkage(buyer=buyer, supplier=supplier)
    parties = set() if system else parties_of(user=actor, linkage=probe)
    if not system and not parties:
        raise PermissionDenied(_("Only the buyer, the supplier or agency staff may start this linkage."))
    if parties and not parties & {Party.SUPPLIER, Party.AGENCY}:
        if not acts_for_verified_buyer(actor, buyer, editing=True):
            raise PermissionDenied(_("Your buyer organisation must be verified by agency staff first."))
        if not listed_profiles().filter(pk=supplier.pk).exists():
            raise ValidationError({"supplier": [_does_not_exist(supplier.pk)]})
    existing = (
        Linkage.objects.select_for_update().filter(buyer=buyer, supplier=supplier, requirement=requirement).first()
    )
    if existing is not None:
        return existing, False
    if category is None and requirement is not None:
        category = requirement.categories.order_by("code").first()
    linkage = Linkage(
        buyer=buyer,
        supplier=supplier,
        requirement=requirement,
        category=category,
        source=source,
        stage=stage,
        stage_changed_at=at,
        last_activity_at=at,
        created_at=at,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    linkage.save()
    LinkageStageChange.objects.create(
        linkage=linkage, from_stage="", to_stage=stage, changed_at=at, changed_by=linkage.created_by, note=note
    )
    _announce(linkage, "", stage, linkage.created_by)
    return linkage, True


def moves_for(*, parties: set[str], stage: str) -> list[str]:
    """The stages these parties may move a linkage at ``stage`` to."""
    return [to for (frm, to), who in TRANSITIONS.items() if frm == stage and parties & who]


def allowed_moves(*, user, linkage: Linkage) -> list[str]:
    """The stages ``user`` may move ``linkage`` to."""
    return moves_for(parties=parties_of(user=user, linkage=linkage), stage=linkage.stage)


@transaction.atomic
def move_linkage(
    *, actor, linkage: Linkage, to_stage: str, note: str = "", at: dt.datetime | None = None, system: bool = False
) -> Linkage:
    linkage = Linkage.objects.select_for_update().select_related("supplier").get(pk=linkage.pk)
    allowed = TRANSITIONS.get((linkage.stage, to_stage))
    if allowed is None:
        raise ValidationError(
            {"stage": [_("A linkage cannot move from %(from)s to %(to)s.") % {"from": linkage.stage, "to": to_stage}]}
        )
    if not system and not (parties_of(user=actor, linkage=linkage) & allowed):
        raise PermissionDenied(_("You may not move this linkage to %(to)s.") % {"to": to_stage})
    at = at or timezone.now()
    _record_change(linkage=linkage, to_stage=to_stage, actor=actor, note=note, at=at)
    linkage.stage = to_stage
    linkage.stage_changed_at = at
    linkage.last_activity_at = max(linkage.last_activity_at, at)
    linkage.save(update_fields=["stage", "stage_changed_at", "last_activity_at"])
    return linkage


@transaction.atomic
def record_transaction(
    *,
    actor,
    linkage: Linkage,
    date: dt.date,
    value: Decimal,
    currency: str,
    description: str = "",
    system: bool = False,
) -> Transaction:
    """Record a transaction; the first one moves the linkage to "first transaction", later ones to "repeat
    business". Only the buyer's side (or agency staff) records what the buyer bought."""
    linkage = Linkage.objects.select_for_update().select_related("supplier").get(pk=linkage.pk)
    if not system and not (parties_of(user=actor, linkage=linkage) & {Party.BUYER, Party.AGENCY}):
        raise PermissionDenied(_("Only the buyer or agency staff record transactions."))
    errors = {}
    if value is None or Decimal(value) < 0:
        errors["value"] = [_("The value cannot be negative.")]
    if date > timezone.localdate():
        errors["date"] = [_("A transaction cannot be dated in the future.")]
    if linkage.stage == Stage.DECLINED:
        errors["linkage"] = [_("This linkage was declined; reopen it before recording a transaction.")]
    if errors:
        raise ValidationError(errors)
    currency = validate_currency(currency)
    first = not linkage.transactions.exists()
    record = Transaction.objects.create(
        linkage=linkage,
        kind=Transaction.Kind.FIRST if first else Transaction.Kind.FOLLOW_UP,
        date=date,
        value=Decimal(value),
        currency=currency,
        description=description,
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    at = timezone.make_aware(dt.datetime.combine(date, dt.time(12)))
    target = Stage.FIRST_TRANSACTION if first else Stage.REPEAT_BUSINESS
    if linkage.stage != target:
        _record_change(linkage=linkage, to_stage=target, actor=actor, note=description, at=at)
        linkage.stage = target
        linkage.stage_changed_at = at
    linkage.last_activity_at = max(linkage.last_activity_at, at)
    linkage.save(update_fields=["stage", "stage_changed_at", "last_activity_at"])
    return record


ACTIVE_STAGES = (Stage.CONTACTED, Stage.MEETING, Stage.NEGOTIATION, Stage.FIRST_TRANSACTION, Stage.REPEAT_BUSINESS)


def mark_dormant_linkages(*, now: dt.datetime | None = None, after_days: int | None = None) -> int:
    """Linkages with no activity for ``after_days`` (LINKAGE_DORMANT_AFTER_DAYS) become dormant; returns how many."""
    now = now or timezone.now()
    after_days = settings.LINKAGE_DORMANT_AFTER_DAYS if after_days is None else after_days
    idle = Linkage.objects.filter(stage__in=ACTIVE_STAGES, last_activity_at__lt=now - dt.timedelta(days=after_days))
    count = 0
    for linkage in idle.order_by("pk").iterator():
        move_linkage(
            actor=None,
            linkage=linkage,
            to_stage=Stage.DORMANT,
            note=_("No activity for %(days)s days.") % {"days": after_days},
            at=now,
            system=True,
        )
        count += 1
    return count


@dataclass(frozen=True)
class ImportedDeal:
    """One award or payment from an import, to be recorded as back-dated history."""

    buyer_id: int
    supplier_id: int
    requirement_id: int | None
    category_id: int | None
    date: dt.date
    value: Decimal | None
    currency: str
    description: str = ""

    @property
    def key(self) -> tuple[int, int, int | None]:
        return (self.buyer_id, self.supplier_id, self.requirement_id)


@transaction.atomic
def import_history(*, deals: list[ImportedDeal]) -> tuple[dict[tuple, Linkage], Counter]:
    """Record imported history in bulk, in a few queries whatever its size.

    Each (buyer, supplier, requirement) gets its linkage (created "contacted" on its first deal's day when new,
    source import); its deals are recorded in date order: the first transaction it ever has is "first" and moves
    it to first transaction, later ones are follow-ups that move it to repeat business; a deal without a value
    still marks the first transaction stage. Back-dated: no signals are sent (history is not news).
    """
    counts: Counter = Counter()
    if not deals:
        return {}, counts
    by_key: dict[tuple, list[ImportedDeal]] = defaultdict(list)
    for deal in deals:
        by_key[deal.key].append(deal)
    existing = Linkage.objects.filter(
        buyer_id__in={k[0] for k in by_key}, supplier_id__in={k[1] for k in by_key}
    ).select_for_update()
    linkages = {}
    for linkage in existing:
        key = (linkage.buyer_id, linkage.supplier_id, linkage.requirement_id)
        if key in by_key:
            linkages[key] = linkage
    with_transactions = set(
        Transaction.objects.filter(linkage__in=list(linkages.values())).values_list("linkage_id", flat=True).distinct()
    )
    # Work out each linkage's history in memory first, so new linkages are inserted in their final state and
    # only linkages that already existed need an update.
    plans = {}
    for key, items in by_key.items():
        linkage = linkages.get(key)
        if linkage is None:
            first = min(d.date for d in items)
            at = timezone.make_aware(dt.datetime.combine(first, dt.time(12)))
            linkage = Linkage(
                buyer_id=key[0],
                supplier_id=key[1],
                requirement_id=key[2],
                category_id=items[0].category_id,
                source=Linkage.Source.IMPORT,
                stage=Stage.CONTACTED,
                stage_changed_at=at,
                last_activity_at=at,
                created_at=at,
            )
            changes = [("", Stage.CONTACTED, at)]
        else:
            changes = []
        has_first = linkage.pk is not None and linkage.pk in with_transactions
        records = []
        for deal in sorted(items, key=lambda d: d.date):
            at = timezone.make_aware(dt.datetime.combine(deal.date, dt.time(12)))
            if deal.value is not None:
                kind = Transaction.Kind.FOLLOW_UP if has_first else Transaction.Kind.FIRST
                records.append((kind, deal))
                counts["follow-up transactions" if has_first else "first transactions"] += 1
                target = Stage.REPEAT_BUSINESS if has_first else Stage.FIRST_TRANSACTION
                has_first = True
            elif linkage.stage in (Stage.FIRST_TRANSACTION, Stage.REPEAT_BUSINESS):
                target = linkage.stage
            else:
                target = Stage.FIRST_TRANSACTION
            if linkage.stage != target:
                changes.append((linkage.stage, target, at))
                linkage.stage, linkage.stage_changed_at = target, at
            linkage.last_activity_at = max(linkage.last_activity_at, at)
        plans[key] = (linkage, changes, records)
    fresh = [linkage for linkage, _changes, _records in plans.values() if linkage.pk is None]
    Linkage.objects.bulk_create(fresh, batch_size=2000)
    counts["linkages created"] += len(fresh)
    touched = [linkage for key, (linkage, _c, _r) in plans.items() if key in linkages]
    Linkage.objects.bulk_update(touched, ["stage", "stage_changed_at", "last_activity_at"], batch_size=1000)
    LinkageStageChange.objects.bulk_create(
        [
            LinkageStageChange(linkage=linkage, from_stage=frm, to_stage=to, changed_at=at, note="OCDS import")
            for linkage, changes, _records in plans.values()
            for frm, to, at in changes
        ],
        batch_size=2000,
    )
    Transaction.objects.bulk_create(
        [
            Transaction(
                linkage=linkage,
                kind=kind,
                date=deal.date,
                value=deal.value,
                currency=deal.currency,
                description=deal.description[:255],
            )
            for linkage, _changes, records in plans.values()
            for kind, deal in records
        ],
        batch_size=2000,
    )
    linkages = {key: linkage for key, (linkage, _c, _r) in plans.items()}
    return {key: linkages[key] for key in by_key}, counts
