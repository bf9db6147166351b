"""A participant's agenda as an iCalendar file (RFC 5545), built with the icalendar package."""

from django.conf import settings
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .selectors import agenda_of, counterpart


def agenda_ics(*, participant) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Enlace//Business meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{participant.event.name} — {participant.organisation.legal_name}")
    host = settings.SITE_URL.split("://")[-1].split("/")[0] or "enlace"
    for meeting in agenda_of(participant=participant):
        other = counterpart(meeting, participant)
        entry = CalendarEvent()
        entry.add("uid", f"meeting-{meeting.request_id}@{host}")  # stable: re-imports update, not duplicate
        entry.add("dtstamp", meeting.request.decided_at or meeting.starts_at)
        entry.add("dtstart", meeting.starts_at)
        entry.add("dtend", meeting.ends_at)
        entry.add("summary", f"{participant.organisation.legal_name} × {other.legal_name}")
        entry.add("location", f"{meeting.event.venue}, {meeting.event.city} — table {meeting.table}")
        if meeting.request.message:
            entry.add("description", meeting.request.message)
        calendar.add_component(entry)
    return calendar.to_ical()
