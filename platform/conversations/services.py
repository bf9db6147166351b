"""Every write about message threads, and what a buyer does from a supplier's profile (contact, invite, shortlist)."""

import datetime as dt

from auditlog.signals import accessed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.permissions import acts_for_verified_buyer, is_agency_staff
from buyers import services as buyer_services
from buyers.models import Requirement
from core.documents import content_type_of, validate_document
from linkages import services as linkage_services
from linkages.models import Linkage, Stage
from matching import services as matching_services
from suppliers.models import SupplierProfile

from . import selectors
from .models import Message, MessageAttachment, ReadMarker, Thread
from .signals import message_posted, thread_read

MAX_BODY = 10_000
MAX_ATTACHMENTS = 5


def _may_read(*, user, buyer_id: int, supplier: SupplierProfile) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if is_agency_staff(user):
        return True
    own = selectors.own_organisation_ids(user=user)
    return buyer_id in own or supplier.organisation_id in own


@transaction.atomic
def open_thread(*, actor=None, linkage: Linkage | None = None, response=None, system: bool = False) -> Thread:
    """The thread of ``linkage`` or of ``response`` (exactly one), created on first use.

    ``actor`` must be able to read it (a member of the buyer or of the supplier, or agency staff) unless ``system``;
    otherwise PermissionDenied (pages and the API look the subject up among what the user may see first, so
    outsiders get a 404 before this)."""
    if (linkage is None) == (response is None):
        raise ValueError("open_thread takes a linkage or a response")
    if linkage is not None:
        buyer_id, supplier = linkage.buyer_id, linkage.supplier
        lookup = {"kind": Thread.Kind.LINKAGE, "linkage": linkage}
        defaults = {}
    else:
        buyer_id, supplier = response.requirement.buyer_id, response.supplier
        lookup = {"kind": Thread.Kind.RESPONSE, "response": response}
        defaults = {"linkage_id": response.linkage_id}
    if not system and not _may_read(user=actor, buyer_id=buyer_id, supplier=supplier):
        raise PermissionDenied(_("Only the buyer, the supplier and agency staff read this thread."))
    thread = Thread.objects.select_for_update().filter(**lookup).first()
    if thread is None:
        thread = Thread.objects.create(
            **lookup, **defaults, buyer_id=buyer_id, supplier=supplier, created_at=timezone.now()
        )
    return thread


def _clean(*, body: str, attachments) -> tuple[str, list]:
    body = (body or "").strip()
    attachments = [a for a in (attachments or []) if a]
    errors = {}
    if len(body) > MAX_BODY:
        errors["body"] = [_("A message has at most %(limit)s characters.") % {"limit": f"{MAX_BODY:,}"}]
    if "\x00" in body:
        errors["body"] = [_("The message contains a character that cannot be stored.")]
    if not body and not attachments:
        errors["body"] = [_("Write a message or attach a file.")]
    if len(attachments) > MAX_ATTACHMENTS:
        errors["attachment"] = [_("Attach at most %(limit)s files to one message.") % {"limit": MAX_ATTACHMENTS}]
    if errors:
        raise ValidationError(errors)
    for attachment in attachments:
        validate_document(attachment, field="attachment")
    return body, attachments


@transaction.atomic
def post_message(*, actor, thread: Thread, body: str = "", attachments=(), at: dt.datetime | None = None) -> Message:
    """Write in ``thread`` for the actor's side. Viewers, agency staff and outsiders may not (PermissionDenied); an
    empty message without a file, or a file that is not an acceptable document, is a field error."""
    side = selectors.side_of(user=actor, thread=thread)
    if side is None:
        raise PermissionDenied(_("You may read this thread but not write in it."))
    body, attachments = _clean(body=body, attachments=attachments)
    at = at or timezone.now()
    message = Message.objects.create(thread=thread, author=actor, side=side, body=body, created_at=at)
    for attachment in attachments:
        MessageAttachment.objects.create(
            message=message,
            file=attachment,
            name=(attachment.name or "")[-255:],
            content_type=content_type_of(attachment.name),
            size=attachment.size,
        )
    Thread.objects.filter(pk=thread.pk).update(last_message_at=at)
    thread.last_message_at = at
    # What one writes, one has read.
    _move_marker(user=actor, thread=thread, last_read_id=message.pk, at=at)
    transaction.on_commit(lambda: message_posted.send(sender=Message, message=message, thread=thread))
    return message


def _move_marker(*, user, thread: Thread, last_read_id: int, at: dt.datetime) -> ReadMarker:
    marker, created = ReadMarker.objects.select_for_update().get_or_create(
        thread=thread, user=user, defaults={"last_read_id": last_read_id, "read_at": at}
    )
    if not created and last_read_id > marker.last_read_id:
        marker.last_read_id = last_read_id
        marker.read_at = at
        marker.save(update_fields=["last_read_id", "read_at"])
    return marker


@transaction.atomic
def mark_read(*, user, thread: Thread) -> int:
    """Everything in ``thread`` so far is read by ``user`` (who may read it); returns the last message id read."""
    if not user.is_authenticated:
        raise PermissionDenied
    last = thread.messages.aggregate(last=Max("pk"))["last"] or 0
    marker = _move_marker(user=user, thread=thread, last_read_id=last, at=timezone.now())
    last_read_id = marker.last_read_id
    transaction.on_commit(lambda: thread_read.send(sender=Thread, thread=thread, user=user, last_read_id=last_read_id))
    return last_read_id


def record_read(*, user, thread: Thread) -> bool:
    """Agency staff reading a thread of organisations they are not in leave an "access" entry in the audit trail
    (who, when: the entry's actor is the request's user); the people in the thread see those reads. True when one
    was recorded."""
    if not selectors.read_by_agency_only(user=user, thread=thread):
        return False
    accessed.send(sender=Thread, instance=thread)
    return True


# -- from a supplier's profile -------------------------------------------------------------------------------------


def _require_buyer(actor, buyer: Organisation | None) -> Organisation:
    if buyer is None or not acts_for_verified_buyer(actor, buyer, editing=True):
        raise PermissionDenied(_("Only the team of a buyer verified by agency staff may do this."))
    return buyer


def _require_reachable(supplier: SupplierProfile) -> SupplierProfile:
    if selectors.reachable_supplier(supplier_id=supplier.pk) is None:
        raise ValidationError({"supplier": [_("Unknown supplier.")]})
    return supplier


def _require_own_open(requirement: Requirement, buyer: Organisation) -> Requirement:
    if not selectors.open_requirements_of(buyer=buyer).filter(pk=requirement.pk).exists():
        raise ValidationError({"requirement": [_("Choose one of your open requirements.")]})
    return requirement


@transaction.atomic
def contact_supplier(
    *, actor, buyer: Organisation, supplier: SupplierProfile, body: str, attachments=()
) -> tuple[Linkage, Thread, Message]:
    """Start (or find) the buyer × supplier linkage without a requirement, at "contacted", and write the first
    message of its thread. A linkage still "proposed" moves to "contacted"; a further one stays where it is."""
    _require_buyer(actor, buyer)
    _require_reachable(supplier)
    _clean(body=body, attachments=attachments)  # refuse bad input before anything is written
    linkage, created = linkage_services.create_linkage(
        actor=actor,
        buyer=buyer,
        supplier=supplier,
        stage=Stage.CONTACTED,
        source=Linkage.Source.MANUAL,
        note=_("Contacted from the supplier's profile."),
    )
    if not created and linkage.stage in (Stage.PROPOSED, Stage.DORMANT):
        linkage = linkage_services.move_linkage(actor=actor, linkage=linkage, to_stage=Stage.CONTACTED)
    thread = open_thread(actor=actor, linkage=linkage)
    message = post_message(actor=actor, thread=thread, body=body, attachments=attachments)
    return linkage, thread, message


@transaction.atomic
def invite_supplier(
    *, actor, requirement: Requirement, supplier: SupplierProfile, confirmed: bool = False, today=None
) -> tuple[bool, list]:
    """Invite ``supplier`` to one of the buyer's open requirements. When the supplier lacks a valid certificate of a
    mandatory standard of the requirement (valid on its needed-by date), nothing happens until ``confirmed``:
    returns (invited, the standards it lacks)."""
    _require_buyer(actor, requirement.buyer)
    _require_reachable(supplier)
    _require_own_open(requirement, requirement.buyer)
    day = selectors.certificate_day(requirement, today=today or timezone.localdate())
    missing = selectors.missing_mandatory_certificates(requirement=requirement, supplier=supplier, day=day)
    if missing and not confirmed:
        return False, missing
    buyer_services.invite_suppliers(requirement=requirement, actor=actor, suppliers=[supplier])
    return True, missing


@transaction.atomic
def shortlist_supplier(*, actor, requirement: Requirement, supplier: SupplierProfile) -> None:
    _require_buyer(actor, requirement.buyer)
    _require_reachable(supplier)
    _require_own_open(requirement, requirement.buyer)
    matching_services.set_shortlisted(actor=actor, requirement=requirement, supplier=supplier, shortlisted=True)
