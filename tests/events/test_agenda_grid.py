"""The event's agenda grid for agency staff: time slots × tables with the scheduled meetings, printable."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.conf import settings
from django.utils import timezone

from events import selectors, services
from events.models import ScheduledMeeting
from tests import factories

pytestmark = pytest.mark.django_db


def _member(organisation):
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=organisation)
    return user


@pytest.fixture
def fair(agency_user):
    """A one-day fair 9:00–11:00 in 30-minute slots at 2 tables; one buyer meets three SMEs (accepted), the agenda
    built; a fourth SME asked and was not answered."""
    agency = agency_user.memberships.get().organisation
    event = services.create_event(
        actor=agency_user,
        organiser=agency,
        name="Rueda de negocios",
        venue="Centro",
        city="San José",
        starts_on=timezone.localdate() + dt.timedelta(days=10),
        ends_on=timezone.localdate() + dt.timedelta(days=10),
        day_starts_at=dt.time(9, 0),
        day_ends_at=dt.time(11, 0),
        tables=2,
        meetings_per_participant=4,
    )
    buyer = factories.BuyerFactory(legal_name="Orthovia Medical")
    buyer_user = _member(buyer)
    buyer_place = services.register(actor=buyer_user, event=event, organisation=buyer)
    second_buyer = factories.BuyerFactory(legal_name="Boston Devices")
    second_place = services.register(actor=_member(second_buyer), event=event, organisation=second_buyer)
    smes = []
    for name in ("Troqueles S.A.", "Plásticos S.A.", "Metales S.A."):
        sme = factories.SupplierProfileFactory(organisation=factories.SmeFactory(legal_name=name)).organisation
        sme_user = _member(sme)
        place = services.register(actor=sme_user, event=event, organisation=sme)
        meeting = services.request_meeting(actor=sme_user, event=event, requester=place, recipient=buyer_place)
        services.decide(actor=buyer_user, meeting=meeting, accept=True)
        smes.append((sme, sme_user, place))
    # the second buyer meets the first SME too: both tables are busy in one slot
    meeting = services.request_meeting(actor=smes[0][1], event=event, requester=smes[0][2], recipient=second_place)
    services.decide(actor=_member(second_buyer), meeting=meeting, accept=True)
    late = factories.SupplierProfileFactory(organisation=factories.SmeFactory(legal_name="Tardía S.A.")).organisation
    late_user = _member(late)
    late_place = services.register(actor=late_user, event=event, organisation=late)
    services.request_meeting(actor=late_user, event=event, requester=late_place, recipient=buyer_place)
    services.build_agenda(actor=agency_user, event=event)
    return event


def test_the_grid_has_every_slot_and_table_with_the_meetings_in_their_cells(client, agency_user, fair):
    client.force_login(agency_user)
    response = client.get(f"/events/{fair.pk}/agenda/")
    assert response.status_code == 200
    grid = response.context["days"]
    assert len(grid) == 1
    rows = grid[0]["rows"]
    assert [row["starts_at"].strftime("%H:%M") for row in rows] == ["09:00", "09:30", "10:00", "10:30"]
    assert response.context["tables"] == [1, 2]
    placed = {
        (cell["meeting"].starts_at, cell["meeting"].table): (cell["buyer"].legal_name, cell["supplier"].legal_name)
        for row in rows
        for cell in row["cells"]
        if cell
    }
    stored = {(m.starts_at, m.table): m for m in ScheduledMeeting.objects.filter(event=fair).select_related("request")}
    assert set(placed) == set(stored)
    assert len(stored) == 4
    assert all(buyer in ("Orthovia Medical", "Boston Devices") for buyer, _supplier in placed.values())
    html = response.content.decode()
    assert html.count('class="meeting"') == 4
    assert '<th scope="col">Table 2</th>' in html
    assert re.search(r'data-slot="09:00"><th scope="row">09:00–09:30</th>', html)
    assert "Orthovia Medical" in html
    assert "Troqueles S.A." in html
    assert "data-print" in html  # the print button (shown by static/js/pages.js)
    assert "4 meetings scheduled" in html
    assert 'id="agenda-unplaced"' not in html  # the unanswered request is not an accepted meeting


def test_meetings_outside_the_event_hours_keep_their_row(client, agency_user, fair):
    fair.day_starts_at = dt.time(10, 0)  # the hours changed after the agenda was built
    fair.save(update_fields=["day_starts_at"])
    grid = selectors.agenda_grid(event=fair)
    starts = [row["starts_at"].strftime("%H:%M") for row in grid["days"][0]["rows"]]
    assert starts[0] == "09:00"
    placed = sum(1 for row in grid["days"][0]["rows"] for cell in row["cells"] if cell)
    assert placed == grid["scheduled"] == 4


def test_an_event_without_an_agenda_shows_an_empty_grid(client, agency_user):
    agency = agency_user.memberships.get().organisation
    event = services.create_event(
        actor=agency_user,
        organiser=agency,
        name="Feria",
        venue="V",
        city="C",
        starts_on=dt.date(2027, 3, 1),
        ends_on=dt.date(2027, 3, 2),
        tables=3,
    )
    client.force_login(agency_user)
    response = client.get(f"/events/{event.pk}/agenda/")
    assert len(response.context["days"]) == 2  # two days, each 9:00–17:00 in 30-minute slots
    assert all(len(day["rows"]) == 16 for day in response.context["days"])
    assert 'id="agenda-empty"' in response.content.decode()
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    assert response.context["days"][0]["rows"][0]["starts_at"] == dt.datetime(2027, 3, 1, 9, 0, tzinfo=zone)


def test_event_page_links_the_grid_for_staff_only(client, agency_user, fair):
    client.force_login(agency_user)
    assert 'id="agenda-grid-link"' in client.get(f"/events/{fair.pk}/").content.decode()
    participant = fair.participants.select_related("organisation").first().organisation.memberships.first().user
    client.force_login(participant)
    assert 'id="agenda-grid-link"' not in client.get(f"/events/{fair.pk}/").content.decode()


def test_participants_smes_and_buyers_are_refused(client, fair, sme_owner, buyer_owner):
    participant = fair.participants.first().organisation.memberships.first().user
    for user in (sme_owner, buyer_owner, participant):
        client.force_login(user)
        assert client.get(f"/events/{fair.pk}/agenda/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in_and_unknown_events_are_404(client, agency_user, fair):
    response = client.get(f"/events/{fair.pk}/agenda/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.force_login(agency_user)
    assert client.get("/events/999999/agenda/").status_code == 404
