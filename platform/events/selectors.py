"""Reads about events: what each user may see, their organisation's place in an event, agendas."""

from django.db.models import Q, QuerySet

from accounts.models import Membership, Organisation
from accounts.permissions import is_agency_staff

from .models import Event, MeetingRequest, Participant, ScheduledMeeting


def events_visible_to(*, user) -> QuerySet[Event]:
    """Events are open to every signed-in buyer, supplier and agency: that is how participants find them."""
    if not user.is_authenticated:
        return Event.objects.none()
    return Event.objects.select_related("organiser")


def own_organisations(*, user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        memberships__user=user, kind__in=[Organisation.Kind.MNC, Organisation.Kind.SME]
    ).distinct()


def own_participation(*, user, event: Event) -> Participant | None:
    return (
        Participant.objects.filter(event=event, organisation__memberships__user=user)
        .select_related("organisation")
        .first()
    )


def requests_visible_to(*, user, event: Event) -> QuerySet[MeetingRequest]:
    requests = event.meeting_requests.select_related("requester__organisation", "recipient__organisation")
    if is_agency_staff(user):
        return requests
    own = Membership.objects.filter(user=user).values("organisation_id")
    return requests.filter(Q(requester__organisation_id__in=own) | Q(recipient__organisation_id__in=own))


def agenda_of(*, participant: Participant) -> QuerySet[ScheduledMeeting]:
    return ScheduledMeeting.objects.filter(
        Q(request__requester=participant) | Q(request__recipient=participant)
    ).select_related("request__requester__organisation", "request__recipient__organisation", "event")


def counterpart(meeting: ScheduledMeeting, participant: Participant) -> Organisation:
    request = meeting.request
    return request.recipient.organisation if request.requester_id == participant.pk else request.requester.organisation
