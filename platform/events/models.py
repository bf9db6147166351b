"""Supplier fairs with one-to-one business meetings: who takes part, who asked whom, and the agenda."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation


class Event(models.Model):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    organiser = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="organised_events",
        limit_choices_to={"kind": Organisation.Kind.AGENCY},
    )
    venue = models.CharField(_("venue"), max_length=200)
    city = models.CharField(_("city"), max_length=120)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    day_starts_at = models.TimeField(_("meetings from"), default=dt.time(9, 0))
    day_ends_at = models.TimeField(_("meetings until"), default=dt.time(17, 0))
    meeting_minutes = models.PositiveSmallIntegerField(
        _("meeting length (minutes)"), default=30, validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    tables = models.PositiveSmallIntegerField(_("tables"), default=10, validators=[MinValueValidator(1)])
    meetings_per_participant = models.PositiveSmallIntegerField(
        _("meetings per participant"), default=8, validators=[MinValueValidator(1)]
    )
    registration_open = models.BooleanField(_("registration open"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name


class Participant(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="event_participations")
    meeting_cap = models.PositiveSmallIntegerField(
        _("meeting cap"), null=True, blank=True, help_text=_("Empty: the event's default.")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__legal_name"]
        constraints = [models.UniqueConstraint(fields=["event", "organisation"], name="participant_once_per_event")]

    def __str__(self) -> str:
        return f"{self.organisation} at {self.event}"

    @property
    def cap(self) -> int:
        return self.meeting_cap or self.event.meetings_per_participant


class MeetingRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_requests")
    requester = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="requests_made")
    recipient = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="requests_received")
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "requester", "recipient"], name="meeting_request_once_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.requester.organisation} → {self.recipient.organisation} ({self.status})"


class ScheduledMeeting(models.Model):
    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="scheduled")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="scheduled_meetings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    table = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["starts_at", "table"]
        constraints = [
            models.UniqueConstraint(fields=["event", "starts_at", "table"], name="one_meeting_per_table_slot")
        ]

    def __str__(self) -> str:
        return f"{self.request} at {self.starts_at:%Y-%m-%d %H:%M}, table {self.table}"
