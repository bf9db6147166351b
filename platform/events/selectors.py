"""Reads about events: what each user may see, their organisation's place in an event, agendas."""

import zoneinfo

from django.conf import settings
from django.db.models import Q, QuerySet

from accounts.models import Membership, Organisation
from accounts.permissions import is_agency_staff

from . import scheduler
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


def agenda_grid(*, event: Event) -> dict:
    """The event's scheduled meetings laid out as its agenda grid: per day, one row per time slot and one column per
    table (agency staff's printable overview). Slots come from the event's hours, as the scheduler made them; a
    meeting placed at a time or table the event no longer has (its hours changed since) still gets its row and
    column, so none is hidden. Each cell is None or {"meeting", "buyer", "supplier"}."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)  # the zone the scheduler placed meetings in (services.build_agenda)
    slots = scheduler.time_slots(
        first_day=event.starts_on,
        last_day=event.ends_on,
        day_starts=event.day_starts_at,
        day_ends=event.day_ends_at,
        minutes=event.meeting_minutes,
    )
    meetings = list(
        event.scheduled_meetings.select_related("request__requester__organisation", "request__recipient__organisation")
    )
    cells = {}
    for meeting in meetings:
        sides = (meeting.request.requester.organisation, meeting.request.recipient.organisation)
        buyer = next((o for o in sides if o.kind == Organisation.Kind.MNC), sides[0])
        supplier = sides[1] if buyer is sides[0] else sides[0]
        cells[(meeting.starts_at, meeting.table)] = {"meeting": meeting, "buyer": buyer, "supplier": supplier}
    tables = list(range(1, max([event.tables, *(m.table for m in meetings)]) + 1))
    starts = sorted({start.replace(tzinfo=zone) for start, _end in slots} | {m.starts_at for m in meetings})
    ends = {start.replace(tzinfo=zone): end.replace(tzinfo=zone) for start, end in slots}
    ends.update({m.starts_at: m.ends_at for m in meetings})
    days: dict = {}
    for start in starts:
        local = start.astimezone(zone)
        days.setdefault(local.date(), []).append(
            {
                "starts_at": local,
                "ends_at": ends[start].astimezone(zone),
                "cells": [cells.get((start, table)) for table in tables],
            }
        )
    unplaced = event.meeting_requests.filter(status=MeetingRequest.Status.ACCEPTED, scheduled__isnull=True).count()
    return {
        "tables": tables,
        "days": [{"day": day, "rows": rows} for day, rows in days.items()],
        "scheduled": len(meetings),
        "unplaced": unplaced,
        "participants": event.participants.count(),
    }
