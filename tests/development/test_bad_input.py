"""Bad input is a clear field error (400 with the field named, or the form's error beside its field), never a 500:
the issue's four cases (a follow-up dated before the baseline, negative attendance, more women than participants, a
KPI in the wrong unit) and their neighbours, through the API and the pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from development import services
from development.models import Attendance, OutcomeMeasure

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(cast):
    """The consultant assigned, a session, and a sales baseline on 1 February 2026."""
    services.assign_consultant(
        actor=cast["agency"], intervention=cast["intervention"], consultant=cast["consultant_record"]
    )
    session = services.record_session(
        actor=cast["agency"], programme=cast["programme"], topic="5S", held_on=dt.date(2026, 3, 2), hours=3
    )
    services.record_outcome(
        actor=cast["agency"],
        programme=cast["programme"],
        supplier=cast["profile"],
        kpi="sales",
        unit="money",
        kind="baseline",
        measured_on=dt.date(2026, 2, 1),
        value=Decimal("1000"),
    )
    return {**cast, "session": session}


ATTENDANCE_CASES = [
    pytest.param({"participants": -1, "women": 0}, "participants", id="negative participants"),
    pytest.param({"participants": 3, "women": -1}, "women", id="negative women"),
    pytest.param({"participants": 2, "women": 5}, "women", id="more women than participants"),
    pytest.param({"participants": "many", "women": 0}, "participants", id="not a number"),
    pytest.param({"participants": 2.5, "women": 0}, "participants", id="a fraction"),
]


@pytest.mark.parametrize("role", ["agency", "consultant"])
@pytest.mark.parametrize(("counts", "field"), ATTENDANCE_CASES)
def test_bad_attendance_through_the_api(ready, client_for, role, counts, field):
    payload = {"session": ready["session"].pk, "intervention": ready["intervention"].pk, **counts}
    response = client_for(ready[role]).post("/api/v1/attendance/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(("counts", "field"), ATTENDANCE_CASES)
def test_bad_attendance_on_the_page(ready, counts, field):
    client = Client()
    client.force_login(ready["consultant"])
    response = client.post(
        f"/programmes/interventions/{ready['intervention'].pk}/attendance/", {"session": ready["session"].pk, **counts}
    )
    assert response.status_code == 400
    assert f"id_{field}-errors" in response.content.decode()
    assert not Attendance.objects.exists()


OUTCOME_CASES = [
    pytest.param({"kind": "follow_up", "measured_on": "2026-01-15"}, "measured_on", id="follow-up before baseline"),
    pytest.param({"kind": "follow_up", "measured_on": "2026-02-01"}, "measured_on", id="follow-up on the baseline day"),
    pytest.param({"kpi": "defect_rate", "unit": "money"}, "unit", id="defect rate in money"),
    pytest.param({"kpi": "productivity", "unit": "percent"}, "unit", id="productivity in per cent"),
    pytest.param({"kpi": "happiness"}, "kpi", id="unknown KPI"),
    pytest.param({"value": "-5"}, "value", id="negative sales"),
    pytest.param({"value": "NaN"}, "value", id="not a number"),
    pytest.param({"measured_on": "2999-01-01", "kind": "follow_up"}, "measured_on", id="in the future"),
    pytest.param({"measured_on": "31/02/2026"}, "measured_on", id="not a date"),
    pytest.param({"kind": "baseline"}, "kind", id="a second baseline"),
]


@pytest.mark.parametrize(("overrides", "field"), OUTCOME_CASES)
def test_bad_measures_through_the_api(ready, client_for, overrides, field):
    payload = {
        "programme": ready["programme"].pk,
        "supplier": ready["profile"].pk,
        "kpi": "sales",
        "unit": "money",
        "kind": "follow_up",
        "measured_on": "2026-07-01",
        "value": "1200",
        **overrides,
    }
    response = client_for(ready["consultant"]).post("/api/v1/outcomes/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert OutcomeMeasure.objects.count() == 1


@pytest.mark.parametrize(("overrides", "field"), [case for case in OUTCOME_CASES if "unit" not in case.values[0]])
def test_bad_measures_on_the_page(ready, overrides, field):
    client = Client()
    client.force_login(ready["supplier"])
    form = {"kpi": "sales", "kind": "follow_up", "measured_on": "2026-07-01", "value": "1200", "source": "self"}
    response = client.post(f"/programmes/interventions/{ready['intervention'].pk}/outcomes/", {**form, **overrides})
    assert response.status_code == 400
    assert f"id_{field}-errors" in response.content.decode()
    assert OutcomeMeasure.objects.count() == 1


def test_the_page_measures_a_kpi_in_its_own_unit_whatever_is_posted(ready):
    """The page has no unit to get wrong: the KPI's own is recorded, a forged one ignored."""
    client = Client()
    client.force_login(ready["supplier"])
    form = {"kpi": "defect_rate", "kind": "baseline", "measured_on": "2026-02-01", "value": "4", "source": "self"}
    response = client.post(f"/programmes/interventions/{ready['intervention'].pk}/outcomes/", {**form, "unit": "money"})
    assert response.status_code == 302
    assert OutcomeMeasure.objects.get(kpi="defect_rate").unit == "percent"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"value": "0"}, "value"),
        ({"value": "-10"}, "value"),
        ({"kind": "lottery"}, "kind"),
        ({"issued_on": "soon"}, "issued_on"),
    ],
)
def test_bad_vouchers_through_the_api(ready, client_for, payload, field):
    body = {"intervention": ready["intervention"].pk, "kind": "training", "value": "500", "issued_on": "2026-02-01"}
    response = client_for(ready["agency"]).post("/api/v1/vouchers/", {**body, **payload}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_voucher_redeemed_before_it_was_issued_is_a_field_error(ready, client_for):
    voucher = services.issue_voucher(
        actor=ready["agency"],
        intervention=ready["intervention"],
        kind="training",
        value=Decimal("300"),
        issued_on=dt.date(2026, 2, 1),
    )
    staff = client_for(ready["agency"])
    early = staff.post(f"/api/v1/vouchers/{voucher.pk}/redeem/", {"redeemed_on": "2026-01-01"}, format="json")
    assert early.status_code == 400
    assert "redeemed_on" in early.json()["errors"]
    assert staff.post(f"/api/v1/vouchers/{voucher.pk}/redeem/", {"redeemed_on": "x"}, format="json").status_code == 400
    assert (
        staff.post(f"/api/v1/vouchers/{voucher.pk}/redeem/", {"redeemed_on": "2026-03-01"}, format="json").status_code
        == 200
    )
    twice = staff.post(f"/api/v1/vouchers/{voucher.pk}/redeem/", {"redeemed_on": "2026-03-02"}, format="json")
    assert twice.status_code == 400
    assert "redeemed_on" in twice.json()["errors"]


def test_a_bad_diagnosis_or_phase_is_a_field_error_through_the_api(ready, client_for):
    consultant = client_for(ready["consultant"])
    response = consultant.post(
        "/api/v1/programme-diagnostics/",
        {"intervention": ready["intervention"].pk, "areas": {"financial": 9, "luck": 3}, "assessed_on": "2026-02-01"},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"financial", "luck", "administrative"} <= set(errors)
    move = client_for(ready["agency"]).post(
        f"/api/v1/interventions/{ready['intervention'].pk}/move/", {"to_phase": 42}, format="json"
    )
    assert move.status_code == 400
    assert "to_phase" in move.json()["errors"]
