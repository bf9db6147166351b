"""The consultants' roster and the vouchers pages: agency staff list, add and edit consultants without the Django
admin; a consultant's workload and results; vouchers issued and redeemed per programme with what each result cost;
refusals role by role; bad input as form errors."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import Membership
from development import services
from development.models import Consultant, Voucher
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_for():
    def signed_in(user):
        client = Client()
        client.force_login(user)
        return client

    return signed_in


@pytest.fixture
def viewer(cast):
    user = factories.UserFactory()
    Membership.objects.create(user=user, organisation=cast["profile"].organisation, role=Membership.Role.VIEWER)
    return user


def test_agency_staff_add_and_edit_a_consultant_on_the_pages(cast, page_for):
    staff = page_for(cast["agency"])
    roster = staff.get("/programmes/consultants/").content.decode()
    assert "Ana Consultora" in roster
    assert 'id="new-consultant"' in roster
    account = factories.UserFactory(email="karla.orellana@example.com")
    bad = staff.post("/programmes/consultants/new/", {"name": "Karla Orellana", "sectors": "10, 1x", "active": "on"})
    assert bad.status_code == 400
    assert "id_sectors-errors" in bad.content.decode()
    future = staff.post(
        "/programmes/consultants/new/", {"name": "Karla Orellana", "certified_on": "2999-01-01", "active": "on"}
    )
    assert future.status_code == 400
    assert "id_certified_on-errors" in future.content.decode()
    response = staff.post(
        "/programmes/consultants/new/",
        {
            "name": "Karla Orellana",
            "email": "Karla.Orellana@example.com",
            "specialties": ["quality", "cost"],
            "sectors": "25, 10, 10",
            "certified_on": "2024-05-02",
            "active": "on",
        },
    )
    consultant = Consultant.objects.get(name="Karla Orellana")
    assert response.status_code == 302
    assert response["Location"] == f"/programmes/consultants/{consultant.pk}/"
    assert consultant.user == account  # she signs in with the account of her address
    assert consultant.sectors == ["10", "25"]
    assert consultant.specialties == ["quality", "cost"]
    assert consultant.agency == cast["agency"].memberships.get().organisation
    edit = staff.get(f"/programmes/consultants/{consultant.pk}/edit/").content.decode()
    assert 'value="10, 25"' in edit
    response = staff.post(
        f"/programmes/consultants/{consultant.pk}/edit/", {"name": "Karla Orellana", "specialties": ["delivery"]}
    )
    assert response.status_code == 302
    consultant.refresh_from_db()
    assert consultant.specialties == ["delivery"]
    assert consultant.active is False  # unticked
    assert consultant.user is None  # no address, no account
    roster = staff.get("/programmes/consultants/").content.decode()
    assert "Inactive" in roster


@pytest.mark.parametrize("role", ["consultant", "buyer", "supplier", "outsider", "other_buyer", "viewer"])
def test_only_agency_staff_keep_the_roster(cast, page_for, viewer, role):
    client = page_for(viewer if role == "viewer" else cast[role])
    record = cast["consultant_record"]
    assert client.get("/programmes/consultants/").status_code == 403
    assert client.get("/programmes/consultants/new/").status_code == 403
    assert client.post("/programmes/consultants/new/", {"name": "Intruso"}).status_code == 403
    assert client.post(f"/programmes/consultants/{record.pk}/edit/", {"name": "Renamed"}).status_code == 403
    assert not Consultant.objects.filter(name__in=["Intruso", "Renamed"]).exists()
    assert 'id="consultants-link"' not in client.get("/programmes/").content.decode()


def test_anonymous_visitors_are_sent_to_sign_in_from_the_roster_and_vouchers(cast, client):
    for url in (
        "/programmes/consultants/",
        "/programmes/consultants/new/",
        f"/programmes/consultants/{cast['consultant_record'].pk}/",
        f"/programmes/{cast['programme'].pk}/vouchers/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_consultants_workload_and_results(cast, page_for):
    intervention = cast["intervention"]
    services.assign_consultant(actor=cast["agency"], intervention=intervention, consultant=cast["consultant_record"])
    for kind, day, value in (("baseline", dt.date(2026, 1, 5), 10), ("follow_up", dt.date(2026, 6, 5), 13)):
        services.record_outcome(
            actor=cast["consultant"],
            programme=cast["programme"],
            supplier=cast["profile"],
            kpi="productivity",
            unit="units_per_hour",
            kind=kind,
            measured_on=day,
            value=Decimal(value),
        )
    services.record_session(
        actor=cast["consultant"],
        programme=cast["programme"],
        topic="5S",
        held_on=dt.date(2026, 3, 1),
        hours=Decimal("6"),
        consultant=cast["consultant_record"],
    )
    url = f"/programmes/consultants/{cast['consultant_record'].pk}/"
    for user in (cast["agency"], cast["consultant"]):
        page = page_for(user).get(url).content.decode()
        assert f'data-intervention="{intervention.pk}"' in page
        assert 'id="load-active">1<' in page
        assert 'id="load-improved">1<' in page
        assert 'id="load-hours">6<' in page
        assert "Productivity 30 %" in page
    assert 'id="my-results"' in page_for(cast["consultant"]).get("/programmes/mine/").content.decode()
    other = factories.UserFactory()
    Consultant.objects.create(user=other, name="Otro", agency=cast["consultant_record"].agency)
    for user in (other, cast["buyer"], cast["supplier"], cast["outsider"]):
        assert page_for(user).get(url).status_code == 404


def test_vouchers_issued_redeemed_and_what_each_result_cost(cast, page_for):
    programme, intervention = cast["programme"], cast["intervention"]
    staff = page_for(cast["agency"])
    url = f"/programmes/{programme.pk}/vouchers/"
    assert 'id="vouchers-link"' in staff.get(f"/programmes/{programme.pk}/").content.decode()
    form = {"intervention": intervention.pk, "kind": "training", "value": "1500", "issued_on": "2026-02-01"}
    for bad, field in (({"value": "0"}, "value"), ({"value": "-3"}, "value"), ({"kind": "lottery"}, "kind")):
        response = staff.post(url, {**form, **bad})
        assert response.status_code == 400, bad
        assert f"id_{field}-errors" in response.content.decode()
    assert staff.post(url, form).status_code == 302
    assert staff.post(url, {**form, "kind": "diagnostic", "value": "500"}).status_code == 302
    training = Voucher.objects.get(kind="training")
    early = staff.post(f"/programmes/vouchers/{training.pk}/redeem/", {"redeemed_on": "2026-01-01"}, follow=True)
    assert "cannot be redeemed before it was issued" in early.content.decode()
    training.refresh_from_db()
    assert training.redeemed_on is None
    staff.post(f"/programmes/vouchers/{training.pk}/redeem/", {"redeemed_on": "2026-03-01"})
    training.refresh_from_db()
    assert training.redeemed_on == dt.date(2026, 3, 1)
    again = staff.post(f"/programmes/vouchers/{training.pk}/redeem/", {"redeemed_on": "2026-03-02"}, follow=True)
    assert "already redeemed" in again.content.decode()
    # Spent: the intervention's 12,000 and the 1,500 redeemed (the 500 issued is not spent yet).
    for kind, day, value in (("baseline", dt.date(2026, 1, 5), 10), ("follow_up", dt.date(2026, 6, 5), 13)):
        services.record_outcome(
            actor=cast["agency"],
            programme=programme,
            supplier=cast["profile"],
            kpi="productivity",
            unit="units_per_hour",
            kind=kind,
            measured_on=day,
            value=Decimal(value),
        )
    page = staff.get(url).content.decode()
    assert 'id="spent">USD\xa013,500<' in page
    assert 'id="per-improved">USD\xa013,500<' in page
    assert 'id="per-certified">—<' in page
    assert f'data-voucher="{training.pk}" data-redeemed="yes"' in page
    rows = list(
        csv.DictReader(
            io.StringIO(staff.get(f"/programmes/{programme.pk}/export/results.csv").content.decode("utf-8-sig"))
        )
    )
    assert rows == [
        {
            "supplier": cast["profile"].organisation.legal_name,
            "cost": "12000.0",
            "vouchers_issued": "2000.0",
            "vouchers_redeemed": "1500.0",
            "spent": "13500.0",
            "improved": "yes",
            "certified": "no",
        }
    ]
    vouchers = list(
        csv.DictReader(
            io.StringIO(staff.get(f"/programmes/{programme.pk}/export/vouchers.csv").content.decode("utf-8-sig"))
        )
    )
    assert sorted(row["kind"] for row in vouchers) == ["Diagnostic", "Training"]
    # The supplier reads its own vouchers without the forms; the anchor buyer too.
    for role in ("supplier", "buyer"):
        page = page_for(cast[role]).get(url).content.decode()
        assert f'data-voucher="{training.pk}"' in page
        assert 'id="voucher-form"' not in page
        assert "redeem-form" not in page


@pytest.mark.parametrize("role", ["consultant", "buyer", "supplier", "viewer"])
def test_parties_may_not_issue_or_redeem_vouchers(cast, page_for, viewer, role):
    services.assign_consultant(
        actor=cast["agency"], intervention=cast["intervention"], consultant=cast["consultant_record"]
    )
    voucher = services.issue_voucher(
        actor=cast["agency"],
        intervention=cast["intervention"],
        kind="diagnostic",
        value=Decimal("300"),
        issued_on=dt.date(2026, 2, 1),
    )
    client = page_for(viewer if role == "viewer" else cast[role])
    form = {"intervention": cast["intervention"].pk, "kind": "training", "value": "1500", "issued_on": "2026-02-01"}
    assert client.post(f"/programmes/{cast['programme'].pk}/vouchers/", form).status_code == 403
    assert client.post(f"/programmes/vouchers/{voucher.pk}/redeem/", {"redeemed_on": "2026-03-01"}).status_code == 403
    assert Voucher.objects.count() == 1
    voucher.refresh_from_db()
    assert voucher.redeemed_on is None


@pytest.mark.parametrize("role", ["outsider", "other_buyer"])
def test_others_do_not_see_the_vouchers(cast, page_for, role):
    voucher = services.issue_voucher(
        actor=cast["agency"],
        intervention=cast["intervention"],
        kind="diagnostic",
        value=Decimal("300"),
        issued_on=dt.date(2026, 2, 1),
    )
    client = page_for(cast[role])
    assert client.get(f"/programmes/{cast['programme'].pk}/vouchers/").status_code == 404
    assert client.post(f"/programmes/vouchers/{voucher.pk}/redeem/", {"redeemed_on": "2026-03-01"}).status_code == 404
    assert client.get(f"/programmes/{cast['programme'].pk}/export/vouchers.csv").status_code == 404


def test_agency_staff_edit_a_consultant_through_the_api(cast, client_for):
    record = cast["consultant_record"]
    url = f"/api/v1/consultants/{record.pk}/"
    staff = client_for(cast["agency"])
    bad = staff.patch(url, {"sectors": ["1"]}, format="json")
    assert bad.status_code == 400
    assert "sectors" in bad.json()["errors"]
    response = staff.patch(url, {"specialties": ["delivery"], "certified_on": "2025-01-10"}, format="json")
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.specialties == ["delivery"]
    for role in ("consultant", "buyer", "supplier"):
        assert client_for(cast[role]).patch(url, {"name": "x"}, format="json").status_code == 403
    record.refresh_from_db()
    assert record.name == "Ana Consultora"
