"""The events API: events, registration, meeting requests and decisions, the agenda and the scheduler."""

from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organisation
from core.limits import IdField

from . import selectors, services
from .models import Event, MeetingRequest, Participant, ScheduledMeeting


class ParticipantSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.legal_name", read_only=True)
    kind = serializers.CharField(source="organisation.kind", read_only=True)

    class Meta:
        model = Participant
        fields = ["id", "organisation", "organisation_name", "kind", "cap"]


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$",
        "example": "09:00:00",
        "description": "A time of day at the event's venue, without a zone (HH:MM[:SS]).",
    }
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time with no zone: OpenAPI's ``format: time`` (RFC 3339 full-time) demands an offset, which an
    event's daily hours do not have, so the schema gives the pattern the answers follow instead."""


class EventSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.TimeField: LocalTimeField,
    }
    organiser_name = serializers.CharField(source="organiser.legal_name", read_only=True)

    class Meta:
        model = Event
        fields = ["id", "organiser", "organiser_name", *services.EVENT_FIELDS]


class EventDetailSerializer(EventSerializer):
    participants = ParticipantSerializer(many=True, read_only=True)

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "participants"]


class MeetingRequestSerializer(serializers.ModelSerializer):
    requester_name = serializers.CharField(source="requester.organisation.legal_name", read_only=True)
    recipient_name = serializers.CharField(source="recipient.organisation.legal_name", read_only=True)

    class Meta:
        model = MeetingRequest
        fields = [
            "id",
            "requester",
            "requester_name",
            "recipient",
            "recipient_name",
            "message",
            "status",
            "created_at",
            "decided_at",
        ]
        read_only_fields = ["id", "requester", "status", "created_at", "decided_at"]


class ScheduledMeetingSerializer(serializers.ModelSerializer):
    counterpart = serializers.SerializerMethodField()

    class Meta:
        model = ScheduledMeeting
        fields = ["request", "starts_at", "ends_at", "table", "counterpart"]

    def get_counterpart(self, meeting) -> str:
        return selectors.counterpart(meeting, self.context["participant"]).legal_name


class EventListView(generics.ListCreateAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = EventSerializer

    def get_queryset(self):
        return selectors.events_visible_to(user=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.create_event(actor=self.request.user, organiser=data.pop("organiser"), **data)


class EventDetailView(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = EventDetailSerializer

    def get_queryset(self):
        return selectors.events_visible_to(user=self.request.user).prefetch_related("participants__organisation")


def _event(request, pk) -> Event:
    return get_object_or_404(selectors.events_visible_to(user=request.user), pk=pk)


def _mine(request, event) -> Participant:
    mine = selectors.own_participation(user=request.user, event=event)
    if mine is None:
        raise PermissionDenied("Your organisation does not take part in this event.")
    return mine


class RegistrationSerializer(serializers.Serializer):
    organisation = IdField()


class DecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField(default=False)


class RegisterView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=RegistrationSerializer, responses={201: ParticipantSerializer})
    def post(self, request, pk):
        event = _event(request, pk)
        payload = RegistrationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        organisation = Organisation.objects.filter(pk=payload.validated_data["organisation"]).first()
        if organisation is None:
            raise serializers.ValidationError({"organisation": [_("Unknown organisation.")]})
        participant = services.register(actor=request.user, event=event, organisation=organisation)
        return Response(ParticipantSerializer(participant).data, status=status.HTTP_201_CREATED)


class MeetingRequestsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeetingRequestSerializer(many=True))
    def get(self, request, pk):
        requests = selectors.requests_visible_to(user=request.user, event=_event(request, pk))
        return Response(MeetingRequestSerializer(requests, many=True).data)

    @extend_schema(request=MeetingRequestSerializer, responses={201: MeetingRequestSerializer})
    def post(self, request, pk):
        event = _event(request, pk)
        payload = MeetingRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        recipient = payload.validated_data["recipient"]
        meeting = services.request_meeting(
            actor=request.user,
            event=event,
            requester=_mine(request, event),
            recipient=recipient,
            message=payload.validated_data.get("message", ""),
        )
        return Response(MeetingRequestSerializer(meeting).data, status=status.HTTP_201_CREATED)


class DecideView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=DecisionSerializer, responses=MeetingRequestSerializer)
    def post(self, request, pk):
        meeting = MeetingRequest.objects.select_related("event").filter(pk=pk).first()
        if (
            meeting is None
            or not selectors.requests_visible_to(user=request.user, event=meeting.event).filter(pk=pk).exists()
        ):
            raise Http404
        payload = DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        meeting = services.decide(actor=request.user, meeting=meeting, accept=payload.validated_data["accept"])
        return Response(MeetingRequestSerializer(meeting).data)


class AgendaView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ScheduledMeetingSerializer(many=True))
    def get(self, request, pk):
        mine = _mine(request, _event(request, pk))
        meetings = selectors.agenda_of(participant=mine)
        return Response(ScheduledMeetingSerializer(meetings, many=True, context={"participant": mine}).data)


class ScheduleView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "ScheduleResult", {"scheduled": serializers.IntegerField(), "unplaced": serializers.DictField()}
        ),
    )
    def post(self, request, pk):
        event = _event(request, pk)
        unplaced = services.build_agenda(actor=request.user, event=event)
        return Response({"scheduled": event.scheduled_meetings.count(), "unplaced": unplaced})
