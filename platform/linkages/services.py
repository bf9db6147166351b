"""Every write about linkages and their transactions happens here."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from buyers.services import validate_currency
from suppliers.models import SupplierProfile

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
    buyer or the supplier, or be agency staff.
    """
    if buyer.kind != Organisation.Kind.MNC:
        raise ValidationError({"buyer": [_("A linkage's buyer must be an MNC buyer organisation.")]})
    if requirement is not None and requirement.buyer_id != buyer.pk:
        raise ValidationError({"requirement": [_("The requirement belongs to another buyer.")]})
    if stage not in (Stage.PROPOSED, Stage.CONTACTED) and not system:
        raise ValidationError({"stage": [_("A new linkage starts as proposed or contacted.")]})
    at = at or timezone.now()
    probe = Linkage(buyer=buyer, supplier=supplier)
    if not system and not parties_of(user=actor, linkage=probe):
        raise PermissionDenied(_("Only the buyer, the supplier or agency staff may start this linkage."))
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
