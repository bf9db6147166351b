"""Pages: events, registration, meeting requests and decisions, the agenda and its calendar file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import add_service_errors
from accounts.models import Organisation
from accounts.permissions import is_agency_staff
from core.limits import parse_id

from . import calendar, selectors, services
from .forms import EventForm, MeetingRequestForm
from .models import MeetingRequest, Participant


def _event_or_404(request, pk):
    return get_object_or_404(selectors.events_visible_to(user=request.user), pk=pk)


@login_required
def event_list(request):
    return render(
        request,
        "events/list.html",
        {"events": selectors.events_visible_to(user=request.user), "may_create": is_agency_staff(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    if not is_agency_staff(request.user):
        raise PermissionDenied(_("Only agency staff organise events."))
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organiser = Organisation.objects.filter(kind=Organisation.Kind.AGENCY, memberships__user=request.user).first()
        try:
            event = services.create_event(actor=request.user, organiser=organiser, **form.cleaned_data)
            return redirect("events:detail", pk=event.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    return render(request, "events/form.html", {"form": form}, status=400 if request.method == "POST" else 200)


@login_required
def event_detail(request, pk):
    event = _event_or_404(request, pk)
    mine = selectors.own_participation(user=request.user, event=event)
    requests = selectors.requests_visible_to(user=request.user, event=event)
    asked = {r.recipient_id for r in requests if mine and r.requester_id == mine.pk} | {
        r.requester_id for r in requests if mine and r.recipient_id == mine.pk
    }
    registrable = [
        o
        for o in selectors.own_organisations(user=request.user)
        if not event.participants.filter(organisation=o).exists() and services.acts_for(request.user, o)
    ]
    agenda = []
    if mine is not None:
        agenda = [(m, selectors.counterpart(m, mine)) for m in selectors.agenda_of(participant=mine)]
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "mine": mine,
            "may_act": mine is not None and services.acts_for(request.user, mine.organisation),
            "participants": event.participants.select_related("organisation"),
            "asked": asked,
            "incoming": [r for r in requests if mine and r.recipient_id == mine.pk],
            "outgoing": [r for r in requests if mine and r.requester_id == mine.pk],
            "all_requests": requests if is_agency_staff(request.user) else [],
            "registrable": registrable,
            "agenda": agenda,
            "is_staff": is_agency_staff(request.user),
            "scheduled": event.scheduled_meetings.count(),
            "request_form": MeetingRequestForm(),
        },
    )


def _report(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
@require_POST
def register(request, pk):
    event = _event_or_404(request, pk)
    organisation = get_object_or_404(
        selectors.own_organisations(user=request.user), pk=parse_id(request.POST.get("organisation"))
    )
    try:
        services.register(actor=request.user, event=event, organisation=organisation)
        messages.success(request, _("%(organisation)s is registered.") % {"organisation": organisation})
    except ValidationError as error:
        _report(request, error)
    return redirect("events:detail", pk=pk)


@login_required
@require_POST
def request_meeting(request, pk, participant_pk):
    event = _event_or_404(request, pk)
    mine = selectors.own_participation(user=request.user, event=event)
    if mine is None:
        raise PermissionDenied(_("Register your organisation first."))
    recipient = get_object_or_404(Participant, pk=participant_pk, event=event)
    form = MeetingRequestForm(request.POST)
    form.is_valid()
    try:
        services.request_meeting(
            actor=request.user,
            event=event,
            requester=mine,
            recipient=recipient,
            message=form.cleaned_data.get("message", ""),
        )
        messages.success(
            request, _("Meeting requested with %(organisation)s.") % {"organisation": recipient.organisation}
        )
    except ValidationError as error:
        _report(request, error)
    return redirect("events:detail", pk=pk)


@login_required
@require_POST
def decide(request, pk):
    meeting = MeetingRequest.objects.select_related("event").filter(pk=pk).first()
    if meeting is None or meeting not in selectors.requests_visible_to(user=request.user, event=meeting.event):
        raise Http404
    try:
        services.decide(actor=request.user, meeting=meeting, accept=request.POST.get("accept") == "1")
        messages.success(request, _("Answer recorded."))
    except ValidationError as error:
        _report(request, error)
    return redirect("events:detail", pk=meeting.event_id)


@login_required
@require_POST
def build_agenda(request, pk):
    event = _event_or_404(request, pk)
    unplaced = services.build_agenda(actor=request.user, event=event)
    placed = event.scheduled_meetings.count()
    messages.success(
        request,
        ngettext("%(placed)s meeting scheduled.", "%(placed)s meetings scheduled.", placed) % {"placed": placed},
    )
    if unplaced:
        messages.warning(
            request,
            _("%(count)s accepted meetings could not be placed (no common free slot, or a cap); add tables or time.")
            % {"count": len(unplaced)},
        )
    return redirect("events:detail", pk=pk)


@login_required
def agenda_ics(request, pk):
    event = _event_or_404(request, pk)
    mine = selectors.own_participation(user=request.user, event=event)
    if mine is None:
        raise Http404
    response = HttpResponse(calendar.agenda_ics(participant=mine), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="enlace-event-{event.pk}-agenda.ics"'
    return response


@login_required
def agenda_grid(request, pk):
    """Agency staff: the event's agenda as a grid of time slots × tables, printable."""
    if not is_agency_staff(request.user):
        raise PermissionDenied(_("The agenda grid is for agency staff."))
    event = _event_or_404(request, pk)
    return render(request, "events/agenda_grid.html", {"event": event, **selectors.agenda_grid(event=event)})
