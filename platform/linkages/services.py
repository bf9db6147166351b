"""Every write about linkages and their transactions happens here."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.permissions import acts_for_verified_buyer
from buyers.selectors import requirements_visible_to
from core.bulk import among, insert_rows, update_rows
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


def import_history(*, deals: list[ImportedDeal]) -> tuple[dict[tuple, Linkage], Counter]:
    """Record imported history in bulk, in a few queries whatever its size (``record_imported_history``); returns
    each deal key's linkage and what was recorded."""
    ids, counts = record_imported_history(deals=deals)
    linkages = Linkage.objects.in_bulk(set(ids.values()))
    return {key: linkages[pk] for key, pk in ids.items()}, counts


_NOON = dt.time(12)


@transaction.atomic
def record_imported_history(*, deals: list[ImportedDeal]) -> tuple[dict[tuple, int], Counter]:
    """Record imported history in bulk, in a few queries whatever its size; returns each deal key's linkage id.

    Each (buyer, supplier, requirement) gets its linkage (created "contacted" on its first deal's day when new,
    source import); its deals are recorded in date order: the first transaction it ever has is "first" and moves
    it to first transaction, later ones are follow-ups that move it to repeat business; a deal without a value
    still marks the first transaction stage. Back-dated: no signals are sent (history is not news). New rows are
    written with COPY on PostgreSQL (core.bulk): an import's file brings tens of thousands of them.
    """
    counts: Counter = Counter()
    if not deals:
        return {}, counts
    by_key: dict[tuple, list[ImportedDeal]] = defaultdict(list)
    for deal in deals:
        by_key[deal.key].append(deal)
    # The linkages these keys already have: by requirement for keys with one, by buyer and supplier for the rest.
    requirement_ids = {key[2] for key in by_key if key[2] is not None}
    loose = [key for key in by_key if key[2] is None]
    wanted = among("requirement_id", requirement_ids) if requirement_ids else Q(pk__in=[])
    if loose:
        wanted |= Q(
            requirement__isnull=True,
            buyer_id__in={key[0] for key in loose},
            supplier_id__in={key[1] for key in loose},
        )
    existing = {}
    for pk, buyer_id, supplier_id, requirement_id, stage, changed_at, last_activity_at in (
        Linkage.objects.filter(wanted)
        .select_for_update()
        .values_list("pk", "buyer_id", "supplier_id", "requirement_id", "stage", "stage_changed_at", "last_activity_at")
    ):
        key = (buyer_id, supplier_id, requirement_id)
        if key in by_key:
            existing[key] = [pk, stage, changed_at, last_activity_at]
    with_transactions = (
        set(
            Transaction.objects.filter(linkage_id__in=[linkage[0] for linkage in existing.values()])
            .values_list("linkage_id", flat=True)
            .distinct()
        )
        if existing
        else set()
    )
    moments: dict[dt.date, dt.datetime] = {}

    def moment(day: dt.date) -> dt.datetime:
        at = moments.get(day)
        if at is None:
            at = moments[day] = timezone.make_aware(dt.datetime.combine(day, _NOON))
        return at

    # Work out each linkage's history in memory first, so new linkages are inserted in their final state and
    # only linkages that already existed need an update.
    fresh_keys, fresh_rows, plans = [], [], []
    for key, items in by_key.items():
        linkage = existing.get(key)
        if linkage is None:
            at = moment(min(d.date for d in items))
            stage, changed_at, last_activity = Stage.CONTACTED, at, at
            changes = [("", Stage.CONTACTED, at)]
            has_first = False
        else:
            _pk, stage, changed_at, last_activity = linkage
            changes = []
            has_first = linkage[0] in with_transactions
        records = []
        for deal in sorted(items, key=lambda d: d.date) if len(items) > 1 else items:
            at = moment(deal.date)
            if deal.value is not None:
                kind = Transaction.Kind.FOLLOW_UP if has_first else Transaction.Kind.FIRST
                records.append((kind, deal))
                counts["follow-up transactions" if has_first else "first transactions"] += 1
                target = Stage.REPEAT_BUSINESS if has_first else Stage.FIRST_TRANSACTION
                has_first = True
            elif stage in (Stage.FIRST_TRANSACTION, Stage.REPEAT_BUSINESS):
                target = stage
            else:
                target = Stage.FIRST_TRANSACTION
            if stage != target:
                changes.append((stage, target, at))
                stage, changed_at = target, at
            last_activity = max(last_activity, at)
        if linkage is None:
            first_at = changes[0][2]
            fresh_keys.append(key)
            fresh_rows.append(
                (
                    key[0],
                    key[1],
                    key[2],
                    items[0].category_id,
                    Linkage.Source.IMPORT.value,
                    str(stage),
                    changed_at,
                    last_activity,
                    first_at,
                )
            )
        else:
            linkage[1:] = [stage, changed_at, last_activity]
        plans.append((key, changes, records))
    fresh_ids = insert_rows(
        Linkage,
        (
            "buyer_id",
            "supplier_id",
            "requirement_id",
            "category_id",
            "source",
            "stage",
            "stage_changed_at",
            "last_activity_at",
            "created_at",
        ),
        fresh_rows,
        returning_ids=True,
    )
    counts["linkages created"] += len(fresh_ids)
    ids = {key: linkage[0] for key, linkage in existing.items()}
    ids.update(zip(fresh_keys, fresh_ids, strict=True))
    update_rows(
        Linkage,
        ("stage", "stage_changed_at", "last_activity_at"),
        [(pk, str(stage), changed_at, last_activity) for pk, stage, changed_at, last_activity in existing.values()],
    )
    insert_rows(
        LinkageStageChange,
        ("linkage_id", "from_stage", "to_stage", "changed_at", "note"),
        [
            (ids[key], str(frm), str(to), at, "OCDS import")
            for key, changes, _records in plans
            for frm, to, at in changes
        ],
    )
    insert_rows(
        Transaction,
        ("linkage_id", "kind", "date", "value", "currency", "description"),
        [
            (ids[key], str(kind), deal.date, deal.value, deal.currency, deal.description[:255])
            for key, _changes, records in plans
            for kind, deal in records
        ],
    )
    return {key: ids[key] for key in by_key}, counts
