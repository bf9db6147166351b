"""The supplier-development API, role by role: who may create, read and move what, and bad input as field errors."""

import datetime as dt

import pytest

from development import services
from development.models import Phase

pytestmark = pytest.mark.django_db


def test_anonymous_readers_are_refused_everywhere(api_client):
    for url in ("/api/v1/programmes/", "/api/v1/interventions/", "/api/v1/outcomes/", "/api/v1/consultants/"):
        assert api_client.get(url).status_code in (401, 403)


def _programme_payload(cast, **overrides):
    agency = cast["agency"].memberships.get().organisation
    return {
        "name": "Proveedores del sector médico",
        "agency": agency.pk,
        "starts_on": "2026-02-01",
        "programme_share": "70",
        "buyer_share": "20",
        "sme_share": "10",
        "objectives": ["quality", "delivery"],
        **overrides,
    }


@pytest.mark.parametrize("role", ["buyer", "supplier", "consultant"])
def test_only_agency_staff_create_programmes(cast, client_for, role):
    response = client_for(cast[role]).post("/api/v1/programmes/", _programme_payload(cast), format="json")
    assert response.status_code in (400, 403)  # the agency is not among what they may name, or refused outright
    assert response.status_code == 403 or "agency" in response.json()["errors"]


def test_agency_staff_create_a_programme_and_shares_must_add_up(cast, client_for):
    staff = client_for(cast["agency"])
    bad = staff.post("/api/v1/programmes/", _programme_payload(cast, sme_share="30"), format="json")
    assert bad.status_code == 400
    assert "sme_share" in bad.json()["errors"]
    unknown = staff.post(
        "/api/v1/programmes/", _programme_payload(cast, certificate_thresholds={"luck": 5}), format="json"
    )
    assert unknown.status_code == 400
    created = staff.post("/api/v1/programmes/", _programme_payload(cast), format="json")
    assert created.status_code == 201, created.content
    assert created.json()["objectives"] == ["quality", "delivery"]


def test_programmes_are_seen_by_their_parties_only(cast, client_for):
    name = cast["programme"].name
    for role in ("agency", "buyer", "supplier"):
        names = [p["name"] for p in client_for(cast[role]).get("/api/v1/programmes/").json()["results"]]
        assert name in names, role
    for role in ("outsider", "other_buyer"):
        assert client_for(cast[role]).get("/api/v1/programmes/").json()["results"] == []
        assert client_for(cast[role]).get(f"/api/v1/programmes/{cast['programme'].pk}/").status_code == 404


@pytest.mark.parametrize("role", ["buyer", "supplier", "consultant", "outsider"])
def test_the_consultants_roster_is_for_agency_staff(cast, client_for, role):
    assert client_for(cast[role]).get("/api/v1/consultants/").status_code == 403


def test_a_phase_move_through_the_api_follows_the_table(cast, client_for):
    intervention = cast["intervention"]
    url = f"/api/v1/interventions/{intervention.pk}/move/"
    assert client_for(cast["supplier"]).post(url, {"to_phase": 1}, format="json").status_code == 403
    assert client_for(cast["outsider"]).post(url, {"to_phase": 1}, format="json").status_code == 404
    skipped = client_for(cast["agency"]).post(url, {"to_phase": 3}, format="json")
    assert skipped.status_code == 400
    moved = client_for(cast["agency"]).post(url, {"to_phase": 1, "note": "Estrategia acordada"}, format="json")
    assert moved.status_code == 200
    assert moved.json()["phase"] == Phase.FORMALISATION
    assert moved.json()["history"][-1]["note"] == "Estrategia acordada"


def test_the_buyer_sees_its_suppliers_interventions_and_not_others(cast, client_for):
    assert [i["id"] for i in client_for(cast["buyer"]).get("/api/v1/interventions/").json()["results"]] == [
        cast["intervention"].pk
    ]
    assert client_for(cast["other_buyer"]).get("/api/v1/interventions/").json()["results"] == []


def test_bad_attendance_and_outcomes_are_field_errors(cast, client_for):
    staff = client_for(cast["agency"])
    session = services.record_session(
        actor=cast["agency"], programme=cast["programme"], topic="5S", held_on=dt.date(2026, 3, 2), hours=3
    )
    payload = {"session": session.pk, "intervention": cast["intervention"].pk, "participants": 2, "women": 5}
    too_many = staff.post("/api/v1/attendance/", payload, format="json")
    assert too_many.status_code == 400
    assert "women" in too_many.json()["errors"]
    negative = staff.post("/api/v1/attendance/", {**payload, "participants": -1, "women": 0}, format="json")
    assert negative.status_code == 400
    assert "participants" in negative.json()["errors"]

    outcome = {
        "programme": cast["programme"].pk,
        "supplier": cast["profile"].pk,
        "kpi": "defect_rate",
        "unit": "money",
        "kind": "baseline",
        "measured_on": "2026-02-01",
        "value": "4.5",
    }
    wrong_unit = staff.post("/api/v1/outcomes/", outcome, format="json")
    assert wrong_unit.status_code == 400
    assert "unit" in wrong_unit.json()["errors"]
    assert staff.post("/api/v1/outcomes/", {**outcome, "unit": "percent"}, format="json").status_code == 201
    early = staff.post(
        "/api/v1/outcomes/",
        {**outcome, "unit": "percent", "kind": "follow_up", "measured_on": "2026-01-01"},
        format="json",
    )
    assert early.status_code == 400
    assert "measured_on" in early.json()["errors"]


def test_programme_figures(cast, client_for):
    body = client_for(cast["agency"]).get(f"/api/v1/programmes/{cast['programme'].pk}/figures/").json()
    assert body["cohort_by_phase"] == {"0": 1}
    assert body["costs"]["total"] == "12000.00"
    assert body["costs"]["programme"] == "8400.00"
    assert body["training"]["sessions"] == 0
