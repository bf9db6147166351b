"""Every write about business events: events, registration, meeting requests and decisions, the agenda."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation
from accounts.permissions import is_agency_staff
from linkages import services as linkage_services
from linkages.models import Linkage, Stage
from suppliers.models import SupplierProfile

from . import scheduler
from .models import Event, MeetingRequest, Participant, ScheduledMeeting
from .signals import meeting_decided, meeting_requested

EVENT_FIELDS = (
    "name",
    "description",
    "venue",
    "city",
    "starts_on",
    "ends_on",
    "day_starts_at",
    "day_ends_at",
    "meeting_minutes",
    "tables",
    "meetings_per_participant",
    "registration_open",
)


def _require_agency(actor) -> None:
    if not is_agency_staff(actor):
        raise PermissionDenied(_("Only agency staff organise events."))


def acts_for(user, organisation) -> bool:
    """Owners and members act for their organisation; viewers only read."""
    return Membership.objects.filter(
        user=user, organisation=organisation, role__in=[Membership.Role.OWNER, Membership.Role.MEMBER]
    ).exists()


def _validate_event(fields: dict) -> None:
    errors = {}
    if fields["ends_on"] < fields["starts_on"]:
        errors["ends_on"] = [_("The last day is before the first.")]
    if fields["day_ends_at"] <= fields["day_starts_at"]:
        errors["day_ends_at"] = [_("Meetings must end after they start.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_event(*, actor, organiser: Organisation, **fields) -> Event:
    _require_agency(actor)
    if organiser.kind != Organisation.Kind.AGENCY:
        raise ValidationError({"organiser": [_("Events are organised by an agency.")]})
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in unknown})
    defaults = {f.name: f.get_default() for f in Event._meta.fields if f.name in EVENT_FIELDS}
    _validate_event({**defaults, **fields})
    return Event.objects.create(organiser=organiser, created_by=actor, **fields)


@transaction.atomic
def register(*, actor, event: Event, organisation: Organisation) -> Participant:
    if organisation.kind not in (Organisation.Kind.MNC, Organisation.Kind.SME):
        raise ValidationError({"organisation": [_("Buyers and suppliers take part in business meetings.")]})
    if not (acts_for(actor, organisation) or is_agency_staff(actor)):
        raise PermissionDenied(_("You may not register this organisation."))
    if not event.registration_open and not is_agency_staff(actor):
        raise ValidationError({"event": [_("Registration for this event is closed.")]})
    participant, _created = Participant.objects.get_or_create(
        event=event, organisation=organisation, defaults={"registered_by": actor}
    )
    return participant


def _accepted_count(participant: Participant) -> int:
    return (
        MeetingRequest.objects.filter(status=MeetingRequest.Status.ACCEPTED)
        .filter(models_q_either(participant))
        .count()
    )


def models_q_either(participant):

    return Q(requester=participant) | Q(recipient=participant)


@transaction.atomic
def request_meeting(
    *, actor, event: Event, requester: Participant, recipient: Participant, message: str = ""
) -> MeetingRequest:
    if not acts_for(actor, requester.organisation):
        raise PermissionDenied(_("You may not ask for meetings on behalf of this organisation."))
    if requester.event_id != event.pk or recipient.event_id != event.pk:
        raise ValidationError({"recipient": [_("Both organisations must take part in this event.")]})
    if requester.organisation.kind == recipient.organisation.kind:
        raise ValidationError({"recipient": [_("Business meetings pair a buyer with a supplier.")]})
    if (
        MeetingRequest.objects.filter(event=event)
        .filter(requester__in=[requester, recipient], recipient__in=[requester, recipient])
        .exclude(status__in=[MeetingRequest.Status.DECLINED, MeetingRequest.Status.CANCELLED])
        .exists()
    ):
        raise ValidationError({"recipient": [_("A meeting between these two is already requested or agreed.")]})
    if _accepted_count(requester) >= requester.cap:
        raise ValidationError(
            {"requester": [_("Your organisation has reached its %(cap)s meetings.") % {"cap": requester.cap}]}
        )
    meeting, _created = MeetingRequest.objects.update_or_create(
        event=event,
        requester=requester,
        recipient=recipient,
        defaults={
            "message": message,
            "status": MeetingRequest.Status.REQUESTED,
            "requested_by": actor,
            "decided_by": None,
            "decided_at": None,
        },
    )
    transaction.on_commit(lambda: meeting_requested.send(sender=MeetingRequest, meeting_request=meeting))
    return meeting


def _buyer_and_supplier(meeting: MeetingRequest) -> tuple[Organisation, SupplierProfile | None]:
    pair = (meeting.requester.organisation, meeting.recipient.organisation)
    buyer = next(o for o in pair if o.kind == Organisation.Kind.MNC)
    sme = next(o for o in pair if o.kind == Organisation.Kind.SME)
    return buyer, SupplierProfile.objects.filter(organisation=sme).first()


def _advance_linkage(meeting: MeetingRequest, actor) -> None:
    """An accepted meeting starts the buyer–supplier linkage, or moves it on to "meeting"; never backwards."""
    buyer, supplier = _buyer_and_supplier(meeting)
    if supplier is None:
        return
    linkage = Linkage.objects.filter(buyer=buyer, supplier=supplier, requirement=None).first()
    if linkage is None:
        linkage, _created = linkage_services.create_linkage(
            actor=actor,
            buyer=buyer,
            supplier=supplier,
            source=Linkage.Source.EVENT,
            stage=Stage.CONTACTED,
            note=str(meeting.event),
            system=True,
        )
    if linkage.stage in (Stage.CONTACTED, Stage.PROPOSED, Stage.DORMANT):
        if linkage.stage in (Stage.PROPOSED, Stage.DORMANT):
            linkage = linkage_services.move_linkage(actor=actor, linkage=linkage, to_stage=Stage.CONTACTED, system=True)
        linkage_services.move_linkage(
            actor=actor, linkage=linkage, to_stage=Stage.MEETING, note=str(meeting.event), system=True
        )


@transaction.atomic
def decide(*, actor, meeting: MeetingRequest, accept: bool) -> MeetingRequest:
    meeting = (
        MeetingRequest.objects.select_for_update()
        .select_related(
            "event", "requester__organisation", "recipient__organisation", "requester__event", "recipient__event"
        )
        .get(pk=meeting.pk)
    )
    if not acts_for(actor, meeting.recipient.organisation):
        raise PermissionDenied(_("Only the organisation asked may accept or decline."))
    if meeting.status != MeetingRequest.Status.REQUESTED:
        raise ValidationError({"status": [_("This request was already answered.")]})
    if accept:
        for side in (meeting.requester, meeting.recipient):
            if _accepted_count(side) >= side.cap:
                raise ValidationError(
                    {
                        "status": [
                            _("%(organisation)s has reached its %(cap)s meetings.")
                            % {"organisation": side.organisation, "cap": side.cap}
                        ]
                    }
                )
    meeting.status = MeetingRequest.Status.ACCEPTED if accept else MeetingRequest.Status.DECLINED
    meeting.decided_by = actor
    meeting.decided_at = timezone.now()
    meeting.save(update_fields=["status", "decided_by", "decided_at"])
    if accept:
        _advance_linkage(meeting, actor)
    transaction.on_commit(lambda: meeting_decided.send(sender=MeetingRequest, meeting_request=meeting))
    return meeting


def _buyer_first(meeting: MeetingRequest) -> tuple[int, int]:
    """(buyer organisation, supplier organisation): the two sides of the scheduler's bipartite graph."""
    buyer, _supplier = _buyer_and_supplier(meeting)
    other = (
        meeting.recipient.organisation_id
        if meeting.requester.organisation_id == buyer.pk
        else meeting.requester.organisation_id
    )
    return buyer.pk, other


@transaction.atomic
def build_agenda(*, actor, event: Event) -> dict[int, str]:
    """(Re)build the event's agenda from its accepted meetings; returns meeting id → reason for those not placed."""
    _require_agency(actor)
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    slots = scheduler.time_slots(
        first_day=event.starts_on,
        last_day=event.ends_on,
        day_starts=event.day_starts_at,
        day_ends=event.day_ends_at,
        minutes=event.meeting_minutes,
    )
    accepted = list(
        event.meeting_requests.filter(status=MeetingRequest.Status.ACCEPTED).select_related(
            "requester__organisation", "recipient__organisation"
        )
    )
    caps = {}
    for meeting in accepted:
        for side in (meeting.requester, meeting.recipient):
            caps[side.organisation_id] = side.meeting_cap or event.meetings_per_participant
    agenda = scheduler.schedule(
        meetings=[scheduler.Meeting(m.pk, *_buyer_first(m)) for m in accepted],
        slots=len(slots),
        tables=event.tables,
        caps=caps,
    )
    event.scheduled_meetings.all().delete()
    ScheduledMeeting.objects.bulk_create(
        ScheduledMeeting(
            request_id=placement.meeting_id,
            event=event,
            table=placement.table,
            starts_at=slots[placement.slot][0].replace(tzinfo=zone),
            ends_at=slots[placement.slot][1].replace(tzinfo=zone),
        )
        for placement in agenda.placements
    )
    return agenda.unplaced
