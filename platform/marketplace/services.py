"""Every write about responses, clarifications, reminders and awards happens here.

A response moves the buyer × supplier × requirement linkage through ``linkages.services``: interest or a quote is
an answer (the linkage is contacted), a decline declines it with the reason as the note. The matching engine reads
linkage stages, so its responsiveness and its learning take both as signals (see ADR 0012).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from auditlog.signals import accessed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_agency_staff
from buyers import services as buyer_services
from buyers.models import Requirement
from buyers.selectors import requirements_visible_to
from core.currency import validate_currency
from core.documents import content_type_of, validate_document
from linkages import services as linkage_services
from linkages.models import TRANSITIONS, Linkage, Stage
from matching import selectors as matching_selectors
from matching import services as matching_services
from suppliers.models import SupplierProfile

from . import selectors
from .models import (
    OFFER_FIELDS,
    Clarification,
    DeclineReason,
    Response,
    ResponseAttachment,
    ResponseKind,
    ResponseReminder,
    ResponseRevision,
    ResponseStatus,
)
from .signals import (
    award_decided,
    clarification_published,
    question_asked,
    response_reminder_due,
    response_submitted,
)

MAX_ATTACHMENTS = 5
MAX_PRICE = Decimal("1e12")


def _on_commit(signal, **kwargs) -> None:
    transaction.on_commit(lambda: signal.send(sender=Response, **kwargs))


def _does_not_exist() -> ValidationError:
    return ValidationError({"requirement": [_("No such requirement.")]})


def _clean_offer(
    *,
    kind: str,
    price=None,
    currency: str = "",
    unit: str = "",
    lead_time_days=None,
    valid_until: dt.date | None = None,
    notes: str = "",
    decline_reason: str = "",
) -> dict:
    """The offer's fields, checked together: every problem is reported at once, keyed by its field."""
    errors: dict[str, list[str]] = {}
    if kind not in ResponseKind.values:
        raise ValidationError({"kind": [_("Choose interest, a quote or a decline.")]})
    offer = dict.fromkeys(("price", "lead_time_days", "valid_until"))
    offer.update(kind=kind, currency="", unit="", notes=(notes or "").strip(), decline_reason="")
    if kind == ResponseKind.DECLINE:
        if decline_reason not in DeclineReason.values:
            errors["decline_reason"] = [_("Choose a reason for declining.")]
        offer["decline_reason"] = decline_reason
    elif kind == ResponseKind.QUOTE:
        if price is None or price == "":
            errors["price"] = [_("A quote needs a unit price.")]
        else:
            try:
                price = Decimal(str(price))
                if not price.is_finite():
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                errors["price"] = [_("Enter a number.")]
            else:
                if price < 0:
                    errors["price"] = [_("The price cannot be negative.")]
                elif price >= MAX_PRICE or price.quantize(Decimal("0.0001")) >= MAX_PRICE:
                    errors["price"] = [_("The price is too large.")]
                else:
                    offer["price"] = price.quantize(Decimal("0.0001"))
        try:
            offer["currency"] = validate_currency(currency)
        except ValidationError as error:
            errors.update(error.message_dict)
        offer["unit"] = (unit or "").strip()[:32]
    if kind != ResponseKind.DECLINE:
        if lead_time_days not in (None, ""):
            try:
                lead = int(lead_time_days)
            except (TypeError, ValueError):
                lead = -1
            if not 0 <= lead <= 3650:
                errors["lead_time_days"] = [_("Enter a lead time from 0 to 3650 days.")]
            else:
                offer["lead_time_days"] = lead
        if valid_until is not None:
            if valid_until < timezone.localdate():
                errors["valid_until"] = [_("The validity date is in the past.")]
            offer["valid_until"] = valid_until
    if errors:
        raise ValidationError(errors)
    return offer


def _check_may_respond(*, actor, requirement: Requirement) -> SupplierProfile:
    if not requirements_visible_to(user=actor).filter(pk=requirement.pk).exists():
        raise _does_not_exist()
    profile = selectors.acting_profile(user=actor, editing=True)
    if profile is None:
        raise PermissionDenied(_("Only owners and members of a supplier answer requirements."))
    if requirement.status not in selectors.ANSWERABLE:
        raise ValidationError({"requirement": [_("This requirement is no longer open to responses.")]})
    return profile


def _validate_files(files) -> list:
    files = list(files or [])
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": [_("Attach at most %(count)s files.") % {"count": MAX_ATTACHMENTS}]})
    for upload in files:
        validate_document(upload, field="attachments")
    return files


def _store_files(*, response: Response, files, actor, at: dt.datetime) -> None:
    if response.attachments.count() + len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": [_("A response keeps at most %(count)s files.") % {"count": MAX_ATTACHMENTS}]}
        )
    for upload in files:
        ResponseAttachment.objects.create(
            response=response,
            file=upload,  # stored under an unguessable name (models.attachment_upload_to)
            name=(upload.name or "")[:255],
            content_type=content_type_of(upload.name),
            size=upload.size,
            uploaded_by=actor,
            uploaded_at=at,
        )


def _move_linkage(*, actor, response: Response, requirement: Requirement) -> Linkage:
    """Start or move the buyer × supplier × requirement linkage: an answer is contact, a decline declines."""
    declining = response.kind == ResponseKind.DECLINE
    note = DeclineReason(response.decline_reason).label if declining else ""
    linkage = Linkage.objects.filter(
        buyer=requirement.buyer, supplier=response.supplier, requirement=requirement
    ).first()
    if linkage is None:
        ranked = (
            run := matching_selectors.latest_finished_run(requirement=requirement)
        ) is not None and run.matches.filter(supplier=response.supplier).exists()
        linkage, _created = linkage_services.create_linkage(
            actor=actor,
            buyer=requirement.buyer,
            supplier=response.supplier,
            requirement=requirement,
            source=Linkage.Source.MATCH if ranked else Linkage.Source.MANUAL,
            stage=Stage.CONTACTED,
            note="" if declining else _("Answered the requirement."),
        )
    target = Stage.DECLINED if declining else Stage.CONTACTED
    if linkage.stage in (Stage.PROPOSED, Stage.DORMANT) and not declining:
        linkage = linkage_services.move_linkage(actor=actor, linkage=linkage, to_stage=Stage.CONTACTED)
    elif declining and (linkage.stage, Stage.DECLINED) in TRANSITIONS:
        linkage = linkage_services.move_linkage(actor=actor, linkage=linkage, to_stage=Stage.DECLINED, note=str(note))
    elif linkage.stage == Stage.DECLINED and not declining:
        # The supplier turned its own decline into an answer: the linkage it declined is open again.
        linkage = linkage_services.move_linkage(
            actor=actor,
            linkage=linkage,
            to_stage=target,
            note=_("The supplier revised its decline."),
            system=True,
        )
    return linkage


@transaction.atomic
def submit_response(*, actor, requirement: Requirement, attachments=(), **offer) -> Response:
    """The supplier's first response to ``requirement``; a second one is refused (revise the live one instead)."""
    requirement = Requirement.objects.select_for_update().select_related("buyer").get(pk=requirement.pk)
    profile = _check_may_respond(actor=actor, requirement=requirement)
    cleaned = _clean_offer(**offer)
    files = _validate_files(attachments)
    if Response.objects.filter(requirement=requirement, supplier=profile).exists():
        raise ValidationError(
            {"requirement": [_("Your company already answered this requirement; revise that response instead.")]}
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            response = Response.objects.create(
                requirement=requirement,
                supplier=profile,
                submitted_by=actor,
                created_at=now,
                updated_at=now,
                **cleaned,
            )
    except IntegrityError as error:  # a concurrent first response of the same supplier
        raise ValidationError(
            {"requirement": [_("Your company already answered this requirement; revise that response instead.")]}
        ) from error
    _store_files(response=response, files=files, actor=actor, at=now)
    response.linkage = _move_linkage(actor=actor, response=response, requirement=requirement)
    response.save(update_fields=["linkage"])
    _on_commit(response_submitted, response=response, revised=False)
    return response


@transaction.atomic
def revise_response(*, actor, response: Response, attachments=(), **offer) -> Response:
    """Replace the live response, keeping the previous version as a revision; until the requirement closes."""
    response = Response.objects.select_for_update().select_related("supplier", "requirement__buyer").get(pk=response.pk)
    requirement = response.requirement
    profile = _check_may_respond(actor=actor, requirement=requirement)
    if profile.pk != response.supplier_id:
        raise PermissionDenied(_("Only the supplier that sent a response revises it."))
    cleaned = _clean_offer(**offer)
    files = _validate_files(attachments)
    now = timezone.now()
    ResponseRevision.objects.create(
        response=response,
        version=response.version,
        submitted_by=response.submitted_by,
        submitted_at=response.updated_at,
        **{name: getattr(response, name) for name in OFFER_FIELDS},
    )
    for name, value in cleaned.items():
        setattr(response, name, value)
    response.version += 1
    response.submitted_by = actor
    response.updated_at = now
    response.full_clean(exclude=["requirement", "supplier", "linkage", "submitted_by"])
    response.save()
    _store_files(response=response, files=files, actor=actor, at=now)
    linkage = _move_linkage(actor=actor, response=response, requirement=requirement)
    if response.linkage_id != linkage.pk:
        response.linkage = linkage
        response.save(update_fields=["linkage"])
    _on_commit(response_submitted, response=response, revised=True)
    return response


@transaction.atomic
def add_attachments(*, actor, response: Response, attachments) -> Response:
    response = Response.objects.select_for_update().select_related("requirement").get(pk=response.pk)
    profile = _check_may_respond(actor=actor, requirement=response.requirement)
    if profile.pk != response.supplier_id:
        raise PermissionDenied(_("Only the supplier that sent a response adds files to it."))
    files = _validate_files(attachments)
    if not files:
        raise ValidationError({"attachments": [_("Choose a file to attach.")]})
    _store_files(response=response, files=files, actor=actor, at=timezone.now())
    return response


def record_reads(*, reader, responses) -> int:
    """Agency staff reading suppliers' responses leave an access entry in the audit trail, one per response read.

    Suppliers read their own responses and buyers the answers to their own requirements: only agency staff read
    other organisations' offers, so only their reads are recorded. Returns how many entries were written."""
    if not is_agency_staff(reader):
        return 0
    count = 0
    for response in responses:
        accessed.send(sender=Response, instance=response)
        count += 1
    return count


# -- clarifications ------------------------------------------------------------------------------------------------


@transaction.atomic
def ask_question(*, actor, requirement: Requirement, question: str) -> Clarification:
    profile = _check_may_respond(actor=actor, requirement=requirement)
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": [_("Write your question.")]})
    if len(question) > 4000:
        raise ValidationError({"question": [_("Keep the question under 4,000 characters.")]})
    clarification = Clarification.objects.create(
        requirement=requirement,
        asked_by_supplier=profile,
        asked_by=actor,
        question=question,
        asked_at=timezone.now(),
    )
    _on_commit(question_asked, clarification=clarification)
    return clarification


def _told_about_clarifications(requirement: Requirement) -> list[SupplierProfile]:
    """Suppliers that responded to or were invited to the requirement (they all may see it)."""
    responded = Response.objects.filter(requirement=requirement).values("supplier_id")
    invited = requirement.invitations.values("supplier_id")
    return list(
        SupplierProfile.objects.filter(Q(pk__in=responded) | Q(pk__in=invited))
        .select_related("organisation")
        .order_by("pk")
    )


@transaction.atomic
def answer_clarification(*, actor, clarification: Clarification, answer: str) -> Clarification:
    clarification = (
        Clarification.objects.select_for_update().select_related("requirement__buyer").get(pk=clarification.pk)
    )
    requirement = clarification.requirement
    if not requirements_visible_to(user=actor).filter(pk=requirement.pk).exists():
        raise ValidationError({"clarification": [_("No such question.")]})
    if not selectors.may_answer_questions(user=actor, requirement=requirement):
        raise PermissionDenied(_("Only the buyer's team and agency staff answer questions."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": [_("Write the answer.")]})
    if len(answer) > 8000:
        raise ValidationError({"answer": [_("Keep the answer under 8,000 characters.")]})
    first = clarification.answered_at is None
    clarification.answer = answer
    clarification.answered_by = actor
    clarification.answered_at = timezone.now()
    clarification.save(update_fields=["answer", "answered_by", "answered_at"])
    if first:
        recipients = _told_about_clarifications(requirement)
        _on_commit(clarification_published, clarification=clarification, recipients=recipients)
    return clarification


# -- reminders -----------------------------------------------------------------------------------------------------


def send_response_reminders(*, today: dt.date | None = None) -> int:
    """Remind invited suppliers that have not answered by the requirement's respond-by date; once per pair."""
    today = today or timezone.localdate()
    sent = 0
    for requirement, supplier in selectors.unanswered_reminders_due(today=today):
        with transaction.atomic():
            _reminder, created = ResponseReminder.objects.get_or_create(
                requirement=requirement, supplier=supplier, defaults={"sent_at": timezone.now()}
            )
            if created:
                transaction.on_commit(
                    lambda r=requirement, s=supplier: response_reminder_due.send(
                        sender=Response, requirement=r, supplier=s
                    )
                )
                sent += 1
    return sent


# -- shortlist and award -------------------------------------------------------------------------------------------


def set_shortlisted(*, actor, requirement: Requirement, supplier: SupplierProfile, shortlisted: bool) -> bool:
    if not selectors.may_decide(user=actor, requirement=requirement):
        raise PermissionDenied(_("Only the verified buyer's team and agency staff shortlist suppliers."))
    return matching_services.set_shortlisted(
        actor=actor, requirement=requirement, supplier=supplier, shortlisted=shortlisted
    )


@transaction.atomic
def award(*, actor, requirement: Requirement, suppliers) -> list[Response]:
    """Award ``requirement`` to one or more suppliers that offered (interest or a quote).

    The requirement becomes awarded (buyers.services), each awarded supplier's linkage moves to negotiation (the
    first transaction is recorded when it happens), their responses are AWARDED and every other response NOT
    AWARDED; the suppliers are told in their own language (notifications)."""
    if not selectors.may_decide(user=actor, requirement=requirement):
        raise PermissionDenied(_("Only the verified buyer's team and agency staff award a requirement."))
    requirement = Requirement.objects.select_for_update().select_related("buyer").get(pk=requirement.pk)
    if requirement.status != Requirement.Status.OPEN:
        raise ValidationError({"requirement": [_("Only an open requirement can be awarded.")]})
    wanted = {supplier.pk for supplier in suppliers}
    if not wanted:
        raise ValidationError({"suppliers": [_("Choose at least one supplier to award.")]})
    responses = list(
        Response.objects.select_for_update().filter(requirement=requirement).select_related("supplier__organisation")
    )
    offering = {r.supplier_id: r for r in responses if r.kind != ResponseKind.DECLINE}
    unknown = sorted(wanted - set(offering))
    if unknown:
        raise ValidationError(
            {"suppliers": [_("These suppliers have no offer on this requirement: %(ids)s") % {"ids": unknown}]}
        )
    buyer_services.change_status(requirement=requirement, actor=actor, to_status=Requirement.Status.AWARDED)
    now = timezone.now()
    awarded, not_awarded = [], []
    for response in responses:
        if response.supplier_id in wanted:
            linkage = (
                response.linkage
                or Linkage.objects.filter(
                    buyer=requirement.buyer, supplier=response.supplier, requirement=requirement
                ).first()
            )
            if linkage is None:
                linkage, _created = linkage_services.create_linkage(
                    actor=actor,
                    buyer=requirement.buyer,
                    supplier=response.supplier,
                    requirement=requirement,
                    stage=Stage.CONTACTED,
                )
            if linkage.stage in (Stage.PROPOSED, Stage.DORMANT):
                linkage = linkage_services.move_linkage(actor=actor, linkage=linkage, to_stage=Stage.CONTACTED)
            if linkage.stage in (Stage.CONTACTED, Stage.MEETING):
                linkage = linkage_services.move_linkage(
                    actor=actor, linkage=linkage, to_stage=Stage.NEGOTIATION, note=_("Awarded the requirement.")
                )
            response.linkage = linkage
            response.status = ResponseStatus.AWARDED
            awarded.append(response)
        else:
            response.status = ResponseStatus.NOT_AWARDED
            not_awarded.append(response)
        response.decided_at = now
        response.save(update_fields=["status", "decided_at", "linkage"])
    _on_commit(award_decided, requirement=requirement, awarded=awarded, not_awarded=not_awarded)
    return awarded
