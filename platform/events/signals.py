"""Signals for higher layers (notifications). Both sent after commit."""

from django.dispatch import Signal

# meeting_request (MeetingRequest): someone asked another participant of an event for a one-to-one meeting.
meeting_requested = Signal()
# meeting_request (MeetingRequest): the other side accepted or declined it (see meeting_request.status).
meeting_decided = Signal()
