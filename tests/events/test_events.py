"""Events against PostgreSQL: registration, requests, decisions with caps, linkages, the agenda and its .ics."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.models import MeetingRequest
from linkages.models import Linkage, Stage
from tests import factories

pytestmark = pytest.mark.django_db


def _member(organisation, role="owner"):
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def fair(agency_user):
    agency = agency_user.memberships.get().organisation
    event = services.create_event(
        actor=agency_user,
        organiser=agency,
        name="Rueda de negocios",
        venue="Centro",
        city="San José",
        starts_on=timezone.localdate() + dt.timedelta(days=10),
        ends_on=timezone.localdate() + dt.timedelta(days=10),
        tables=2,
        meetings_per_participant=2,
    )
    buyer = factories.BuyerFactory()
    smes = [factories.SupplierProfileFactory().organisation for _ in range(3)]
    people = {"buyer": _member(buyer), "staff": agency_user}
    participants = {"buyer": services.register(actor=people["buyer"], event=event, organisation=buyer)}
    for index, sme in enumerate(smes):
        people[f"sme{index}"] = _member(sme)
        participants[f"sme{index}"] = services.register(actor=people[f"sme{index}"], event=event, organisation=sme)
    return event, people, participants


def test_only_agency_staff_create_events_and_dates_are_checked(agency_user, sme_owner):
    agency = agency_user.memberships.get().organisation
    fields = {
        "name": "Fair",
        "venue": "V",
        "city": "C",
        "starts_on": dt.date(2027, 1, 2),
        "ends_on": dt.date(2027, 1, 1),
    }
    with pytest.raises(PermissionDenied):
        services.create_event(actor=sme_owner, organiser=agency, **fields)
    with pytest.raises(ValidationError) as error:
        services.create_event(actor=agency_user, organiser=agency, **fields)
    assert "ends_on" in error.value.message_dict


def test_requests_pair_buyers_with_suppliers_and_only_members_act(fair):
    event, people, parts = fair
    with pytest.raises(ValidationError):
        services.request_meeting(actor=people["sme0"], event=event, requester=parts["sme0"], recipient=parts["sme1"])
    with pytest.raises(PermissionDenied):
        services.request_meeting(actor=people["sme1"], event=event, requester=parts["sme0"], recipient=parts["buyer"])
    viewer = _member(parts["sme0"].organisation, "viewer")
    with pytest.raises(PermissionDenied):
        services.request_meeting(actor=viewer, event=event, requester=parts["sme0"], recipient=parts["buyer"])
    meeting = services.request_meeting(
        actor=people["sme0"], event=event, requester=parts["sme0"], recipient=parts["buyer"]
    )
    with pytest.raises(ValidationError):  # the same pair, either direction
        services.request_meeting(actor=people["buyer"], event=event, requester=parts["buyer"], recipient=parts["sme0"])
    with pytest.raises(PermissionDenied):  # only the organisation asked answers
        services.decide(actor=people["sme0"], meeting=meeting, accept=True)


def test_accepting_starts_the_linkage_at_meeting_and_caps_hold(fair):
    event, people, parts = fair
    for name in ("sme0", "sme1"):
        meeting = services.request_meeting(
            actor=people[name], event=event, requester=parts[name], recipient=parts["buyer"]
        )
        services.decide(actor=people["buyer"], meeting=meeting, accept=True)
    linkages = Linkage.objects.filter(buyer=parts["buyer"].organisation)
    assert linkages.count() == 2
    assert set(linkages.values_list("stage", flat=True)) == {Stage.MEETING}
    assert set(linkages.values_list("source", flat=True)) == {Linkage.Source.EVENT}
    third = services.request_meeting(
        actor=people["sme2"], event=event, requester=parts["sme2"], recipient=parts["buyer"]
    )
    with pytest.raises(ValidationError):  # the buyer's cap of two is reached
        services.decide(actor=people["buyer"], meeting=third, accept=True)
    services.decide(actor=people["buyer"], meeting=third, accept=False)
    assert MeetingRequest.objects.get(pk=third.pk).status == MeetingRequest.Status.DECLINED
    with pytest.raises(ValidationError):
        services.decide(actor=people["buyer"], meeting=third, accept=True)  # already answered


def test_the_agenda_is_conflict_free_and_exports_as_ics(fair, client):
    event, people, parts = fair
    for name in ("sme0", "sme1"):
        meeting = services.request_meeting(
            actor=people[name], event=event, requester=parts[name], recipient=parts["buyer"]
        )
        services.decide(actor=people["buyer"], meeting=meeting, accept=True)
    with pytest.raises(PermissionDenied):
        services.build_agenda(actor=people["buyer"], event=event)
    assert services.build_agenda(actor=people["staff"], event=event) == {}
    starts = list(event.scheduled_meetings.values_list("starts_at", flat=True))
    assert len(set(starts)) == 2  # the buyer cannot be in two meetings at once

    client.force_login(people["buyer"])
    response = client.get(f"/events/{event.pk}/agenda.ics")
    assert response["Content-Type"].startswith("text/calendar")
    entries = [c for c in Calendar.from_ical(response.content).walk() if c.name == "VEVENT"]
    assert len(entries) == 2
    assert {str(e["uid"]) for e in entries} == {
        f"meeting-{m.request_id}@127.0.0.1:8000" for m in event.scheduled_meetings.all()
    }
    assert sorted(e.decoded("dtstart") for e in entries) == sorted(starts)
    client.force_login(factories.BuyerOwnerFactory())
    assert client.get(f"/events/{event.pk}/agenda.ics").status_code == 404


def test_pages_and_api_by_role(fair, client, client_for, agency_client, sme_client):
    event, people, parts = fair
    client.force_login(people["sme0"])
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert f'data-participant="{parts["buyer"].pk}"' in page
    assert 'id="build-agenda"' not in page
    response = client.post(f"/events/{event.pk}/meet/{parts['buyer'].pk}/")
    assert response.status_code == 302
    meeting = MeetingRequest.objects.get(requester=parts["sme0"])
    assert client.post(f"/events/requests/{meeting.pk}/decide/", {"accept": "1"}).status_code == 403
    assert MeetingRequest.objects.get(pk=meeting.pk).status == MeetingRequest.Status.REQUESTED  # not theirs to answer
    assert client.post(f"/events/{event.pk}/schedule/").status_code == 403
    assert client.get("/events/new/").status_code == 403

    buyer = client_for(people["buyer"])
    assert buyer.post(f"/api/v1/meeting-requests/{meeting.pk}/decide/", {"accept": True}).json()["status"] == "accepted"
    assert sme_client.post(f"/api/v1/meeting-requests/{meeting.pk}/decide/", {"accept": False}).status_code == 404
    assert agency_client.post(f"/api/v1/events/{event.pk}/schedule/").json()["scheduled"] == 1
    assert buyer.post(f"/api/v1/events/{event.pk}/schedule/").status_code == 403
    agenda = buyer.get(f"/api/v1/events/{event.pk}/agenda/").json()
    assert [row["counterpart"] for row in agenda] == [parts["sme0"].organisation.legal_name]
    assert sme_client.get(f"/api/v1/events/{event.pk}/agenda/").status_code == 403
    assert client_for(people["sme1"]).get(f"/api/v1/events/{event.pk}/meeting-requests/").json() == []
