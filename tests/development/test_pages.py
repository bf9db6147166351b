"""The programme pages, role by role: who sees and who is refused each page, creating a programme, enrolling a
supplier, a phase move, the exports (with a formula-injection case) and the demo's programmes."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from openpyxl import load_workbook

from development import services
from development.models import Intervention, Phase, Programme
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for():
    """Pages need a signed-in session (the API's forced authentication does not reach them)."""

    def signed_in(user):
        client = Client()
        client.force_login(user)
        return client

    return signed_in


def _pages(cast):
    programme, intervention = cast["programme"], cast["intervention"]
    return {
        "list": "/programmes/",
        "detail": f"/programmes/{programme.pk}/",
        "intervention": f"/programmes/interventions/{intervention.pk}/",
        "mine": "/programmes/mine/",
        "export": f"/programmes/{programme.pk}/export/cohort.csv",
    }


@pytest.mark.parametrize("role", ["agency", "consultant", "buyer", "supplier"])
def test_the_parties_see_every_page(cast, client_for, role):
    services.assign_consultant(
        actor=cast["agency"], intervention=cast["intervention"], consultant=cast["consultant_record"]
    )
    client = client_for(cast[role])
    for name, url in _pages(cast).items():
        response = client.get(url)
        assert response.status_code == 200, (role, name, response.status_code)
    page = client.get(_pages(cast)["detail"]).content.decode()
    assert cast["profile"].organisation.legal_name in page
    assert 'id="nav-programmes"' in page


@pytest.mark.parametrize("role", ["outsider", "other_buyer"])
def test_others_are_refused(cast, client_for, role):
    client = client_for(cast[role])
    pages = _pages(cast)
    for name in ("detail", "intervention", "mine", "export"):
        assert client.get(pages[name]).status_code == 404, name
    listing = client.get(pages["list"]).content.decode()
    assert cast["programme"].name not in listing
    assert 'id="nav-programmes"' not in listing
    assert client.get("/programmes/new/").status_code == 403
    assert client.post(f"/programmes/{cast['programme'].pk}/enrol/", {}).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(cast, client):
    for url in _pages(cast).values():
        assert client.get(url).status_code == 302


@pytest.mark.parametrize("role", ["consultant", "buyer", "supplier"])
def test_only_agency_staff_create_edit_and_enrol(cast, client_for, role):
    services.assign_consultant(
        actor=cast["agency"], intervention=cast["intervention"], consultant=cast["consultant_record"]
    )
    client = client_for(cast[role])
    programme = cast["programme"]
    assert client.get("/programmes/new/").status_code == 403
    assert client.get(f"/programmes/{programme.pk}/edit/").status_code == 403
    assert client.post(f"/programmes/{programme.pk}/enrol/", {"supplier": 1}).status_code == 403
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert 'id="enrol-form"' not in page
    assert ('id="session-form"' in page) == (role == "consultant")


def test_buyers_and_suppliers_may_not_record_training(cast, client_for):
    for role in ("buyer", "supplier"):
        response = client_for(cast[role]).post(
            f"/programmes/{cast['programme'].pk}/sessions/", {"topic": "5S", "held_on": "2026-03-01", "hours": "4"}
        )
        assert response.status_code == 403


def _programme_form(cast, **overrides):
    return {
        "name": "Proveedores de la industria médica",
        "anchor_buyers": [cast["buyer"].memberships.get().organisation.pk],
        "starts_on": "2026-02-01",
        "status": "running",
        "objectives": ["quality", "productivity"],
        "target_group": "any",
        "minimum_suppliers": "6",
        "diagnostic_template": "el_salvador_6",
        "budget": "100000",
        "currency": "usd",
        "programme_share": "70",
        "buyer_share": "20",
        "sme_share": "10",
        "certificate_thresholds": "productivity: 15\nDefect rate: 25 %",
        **overrides,
    }


def test_agency_staff_create_and_edit_a_programme(cast, client_for):
    client = client_for(cast["agency"])
    assert 'id="new-programme"' in client.get("/programmes/").content.decode()
    bad = client.post("/programmes/new/", _programme_form(cast, sme_share="30"))
    assert bad.status_code == 400
    assert "id_sme_share-errors" in bad.content.decode()  # the service's error, beside its field
    response = client.post("/programmes/new/", _programme_form(cast))
    programme = Programme.objects.get(name="Proveedores de la industria médica")
    assert response.status_code == 302
    assert response["Location"] == f"/programmes/{programme.pk}/"
    assert programme.currency == "USD"
    assert programme.certificate_thresholds == {"productivity": 15.0, "defect_rate": 25.0}
    assert list(programme.anchor_buyers.all()) == [cast["buyer"].memberships.get().organisation]
    assert programme.agency == cast["agency"].memberships.get().organisation
    edit = client.get(f"/programmes/{programme.pk}/edit/").content.decode()
    assert "productivity: 15" in edit
    response = client.post(f"/programmes/{programme.pk}/edit/", _programme_form(cast, name="Renamed", budget="5"))
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.name == "Renamed"
    assert programme.budget == Decimal("5")


def test_agency_staff_enrol_a_supplier_through_the_page(cast, client_for):
    client = client_for(cast["agency"])
    programme = cast["programme"]
    profile = factories.SupplierProfileFactory()
    buyer = cast["buyer"].memberships.get().organisation
    response = client.post(
        f"/programmes/{programme.pk}/enrol/",
        {"supplier": profile.pk, "anchor_buyer": buyer.pk, "consultant": cast["consultant_record"].pk, "cost": "9000"},
    )
    intervention = Intervention.objects.get(programme=programme, supplier=profile)
    assert response.status_code == 302
    assert response["Location"] == f"/programmes/interventions/{intervention.pk}/"
    assert intervention.consultant == cast["consultant_record"]
    assert intervention.cost == Decimal("9000")
    # An outside buyer is refused beside its field.
    other = factories.BuyerFactory()
    refused = client.post(
        f"/programmes/{programme.pk}/enrol/",
        {"supplier": factories.SupplierProfileFactory().pk, "anchor_buyer": other.pk},
    )
    assert refused.status_code == 400


def test_phase_moves_through_the_page(cast, client_for):
    intervention = cast["intervention"]
    url = f"/programmes/interventions/{intervention.pk}/"
    agency = client_for(cast["agency"])
    page = agency.get(url).content.decode()
    assert f'data-phase="{Phase.FORMALISATION}"' in page
    agency.post(url + "move/", {"to_phase": Phase.FORMALISATION, "note": "RUC al día"})
    # The supplier may not move it: no button, and a forged post changes nothing.
    supplier = client_for(cast["supplier"])
    assert 'class="button primary move-to"' not in supplier.get(url).content.decode()
    assert supplier.post(url + "move/", {"to_phase": Phase.DIAGNOSIS}).status_code == 403
    intervention.refresh_from_db()
    assert intervention.phase == Phase.FORMALISATION
    # To diagnosis needs a consultant: the service's reason is shown.
    response = agency.post(url + "move/", {"to_phase": Phase.DIAGNOSIS}, follow=True)
    assert "Assign a consultant" in response.content.decode()
    services.assign_consultant(actor=cast["agency"], intervention=intervention, consultant=cast["consultant_record"])
    agency.post(url + "move/", {"to_phase": Phase.DIAGNOSIS})
    intervention.refresh_from_db()
    assert intervention.phase == Phase.DIAGNOSIS
    timeline = agency.get(url).content.decode()
    assert "RUC al día" in timeline
    # The consultant records the diagnosis on the page and moves it to validation.
    consultant = client_for(cast["consultant"])
    form = {"assessed_on": "2026-02-10"}
    for code in ("administrative", "commercial", "environmental", "financial", "leadership", "organisational"):
        form[f"score_{code}"] = "3"
    form["score_financial"] = "9"
    bad = consultant.post(url + "diagnosis/", form)
    assert bad.status_code == 400
    form["score_financial"] = "2"
    assert consultant.post(url + "diagnosis/", form).status_code == 302
    assert consultant.post(url + "move/", {"to_phase": Phase.VALIDATION}).status_code == 302
    intervention.refresh_from_db()
    assert intervention.phase == Phase.VALIDATION
    # Buyer and supplier confirm it together.
    assert 'id="confirm-diagnosis"' in client_for(cast["buyer"]).get(url).content.decode()
    client_for(cast["buyer"]).post(url + "confirm/")
    client_for(cast["supplier"]).post(url + "confirm/")
    intervention.refresh_from_db()
    assert intervention.phase == Phase.PLAN


def test_plan_attendance_and_outcomes_through_the_page(cast, client_for):
    intervention = cast["intervention"]
    services.assign_consultant(actor=cast["agency"], intervention=intervention, consultant=cast["consultant_record"])
    url = f"/programmes/interventions/{intervention.pk}/"
    consultant = client_for(cast["consultant"])
    response = consultant.post(
        url + "projects/",
        {"aim": "quality", "title": "Control estadístico", "owner": "Jefe de planta", "deadline": "2026-06-30"},
    )
    assert response.status_code == 302
    project = intervention.projects.get()
    assert client_for(cast["supplier"]).post(url + f"projects/{project.pk}/", {"status": "done"}).status_code == 302
    project.refresh_from_db()
    assert project.status == "done"
    programme_url = f"/programmes/{cast['programme'].pk}/"
    assert (
        consultant.post(
            programme_url + "sessions/", {"topic": "5S", "held_on": "2026-03-01", "hours": "4", "method": "workshop"}
        ).status_code
        == 302
    )
    session = cast["programme"].sessions.get()
    bad = consultant.post(url + "attendance/", {"session": session.pk, "participants": "2", "women": "3"})
    assert bad.status_code == 400
    assert "id_women-errors" in bad.content.decode()
    consultant.post(url + "attendance/", {"session": session.pk, "participants": "5", "women": "3"})
    page = client_for(cast["agency"]).get(programme_url).content.decode()
    assert 'id="training-women">3<' in page
    supplier = client_for(cast["supplier"])
    base = {"kpi": "productivity", "source": "self"}
    supplier.post(url + "outcomes/", {**base, "kind": "baseline", "measured_on": "2026-01-10", "value": "10"})
    early = supplier.post(url + "outcomes/", {**base, "kind": "follow_up", "measured_on": "2026-01-01", "value": "12"})
    assert early.status_code == 400
    assert "id_measured_on-errors" in early.content.decode()
    supplier.post(url + "outcomes/", {**base, "kind": "follow_up", "measured_on": "2026-02-10", "value": "12.5"})
    page = supplier.get(url).content.decode()
    assert "25.0 %" in page  # productivity +25 % against its threshold of 20
    assert 'data-kpi="productivity" data-met="yes"' in page


def test_exports_with_a_formula_injection(cast, client_for):
    Intervention.objects.filter(pk=cast["intervention"].pk).update(cost=Decimal("1500"))
    organisation = cast["profile"].organisation
    organisation.legal_name = '=HYPERLINK("http://evil.example","click")'
    organisation.save(update_fields=["legal_name"])
    client = client_for(cast["agency"])
    base = f"/programmes/{cast['programme'].pk}/export/"
    response = client.get(base + "cohort.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["supplier"].startswith("'=HYPERLINK")
    assert rows[0]["cost"] == "1500.0"
    sheet = load_workbook(io.BytesIO(client.get(base + "cohort.xlsx").content)).active
    assert sheet["A1"].value == "supplier"
    assert sheet["A2"].value.startswith("'=")
    assert sheet["A2"].data_type == "s"
    costs = list(csv.DictReader(io.StringIO(client.get(base + "costs.csv").content.decode("utf-8-sig"))))
    assert [row["amount"] for row in costs[:4]] == ["1500.0", "1050.0", "375.0", "75.0"]
    for table in ("training", "outcomes", "impact"):
        assert client.get(base + f"{table}.xlsx").status_code == 200
    assert client.get(base + "nothing.csv").status_code == 404
    assert client.get(base + "cohort.pdf").status_code == 404


def test_the_mine_page_shows_each_party_its_own(cast, client_for):
    intervention = cast["intervention"]
    services.assign_consultant(actor=cast["agency"], intervention=intervention, consultant=cast["consultant_record"])
    assert 'id="mine-supplier"' in client_for(cast["supplier"]).get("/programmes/mine/").content.decode()
    assert 'id="mine-consultant"' in client_for(cast["consultant"]).get("/programmes/mine/").content.decode()
    buyer_page = client_for(cast["buyer"]).get("/programmes/mine/").content.decode()
    assert 'id="mine-buyer"' in buyer_page
    assert 'id="mine-supplier"' not in buyer_page


def test_overview_shows_the_impact_or_says_too_few(cast, client_for):
    programme = cast["programme"]
    for kind, day, value in (("baseline", dt.date(2026, 1, 5), 1000), ("follow_up", dt.date(2026, 6, 5), 1200)):
        services.record_outcome(
            actor=cast["agency"],
            programme=programme,
            supplier=cast["profile"],
            kpi="sales",
            unit="money",
            kind=kind,
            measured_on=day,
            value=Decimal(value),
        )
    sent = []
    from core import jobs

    original = jobs.send_task
    jobs.send_task = lambda task, **kwargs: sent.append((task.name, kwargs)) or True
    try:
        pending = client_for(cast["agency"]).get(f"/programmes/{programme.pk}/").content.decode()
    finally:
        jobs.send_task = original
    # The page never waits on the bootstrap: it asks a worker for the estimate and says it is being worked out.
    assert 'data-verdict="pending"' in pending
    assert sent == [("development.estimate_impact", {"args": (programme.pk, "sales")})]
    services.estimate_impact(programme_id=programme.pk, kpi="sales")  # what the worker does
    page = client_for(cast["agency"]).get(f"/programmes/{programme.pk}/").content.decode()
    assert 'data-verdict="too_few"' in page
    assert "programme-data" in page


@pytest.fixture
def demo_world(db):
    """What seed_development needs from the demo: its two agencies with staff, buyers and SMEs in their countries."""
    for name, country in (
        ("Programa de Desarrollo de Proveedores — Cámara de Industria", "SV"),
        ("Agencia de Encadenamientos Productivos", "CR"),
    ):
        staff = factories.AgencyStaffFactory(membership=factories.AgencyFactory(legal_name=name, country=country))
        staff.set_password("demo-pass")
        staff.save(update_fields=["password"])
    for country in ("SV", "MX", "CR", "CR"):
        factories.BuyerFactory(country=country)
    for n in range(36):
        factories.SupplierProfileFactory(organisation=factories.SmeFactory(country=("SV", "MX", "CR")[n % 3]))


def test_the_demo_programmes_have_an_impact_estimate(demo_world, client_for):
    from development import selectors
    from development.demo import seed_development

    cache.clear()  # the impact estimate is cached by programme and measure ids, which a new test database repeats
    today = dt.date(2026, 11, 30)
    created = seed_development(today=today)
    assert created["programmes"] == 2
    assert seed_development(today=today) == {}  # idempotent
    salvador = Programme.objects.get(name__contains="El Salvador")
    assert salvador.anchor_buyers.count() == 2
    assert salvador.diagnostic_template == "el_salvador_6"
    assert Programme.objects.get(name__contains="CORFO").diagnostic_template == "readiness_8"
    assert len(set(salvador.interventions.values_list("phase", flat=True))) >= 3
    for kpi in ("productivity", "sales", "unit_cost"):
        estimate = selectors.programme_impact(programme=salvador, kpi=kpi)
        assert estimate.verdict != "too_few", estimate.reason
        assert estimate.improved
    assert selectors.training_figures(programme=salvador)["women"] > 0
    # A consultant signs in with the demo password and sees its workload.
    consultant = salvador.interventions.exclude(consultant=None).first().consultant.user
    assert consultant.check_password("demo-pass")
    assert 'id="mine-consultant"' in client_for(consultant).get("/programmes/mine/").content.decode()
    page = client_for(salvador.agency.memberships.first().user).get(f"/programmes/{salvador.pk}/").content.decode()
    assert 'data-verdict="increase"' in page


@pytest.mark.parametrize("role", ["outsider", "other_buyer"])
def test_others_cannot_write_to_an_intervention(cast, client_for, role):
    client = client_for(cast[role])
    url = f"/programmes/interventions/{cast['intervention'].pk}/"
    for action, data in (
        ("move/", {"to_phase": Phase.FORMALISATION}),
        ("withdraw/", {}),
        (
            "outcomes/",
            {"kpi": "sales", "kind": "baseline", "measured_on": "2026-01-01", "value": "1", "source": "self"},
        ),
        ("projects/", {"aim": "quality", "title": "x", "owner": "y", "deadline": "2026-05-01"}),
    ):
        assert client.post(url + action, data).status_code == 404, action
    cast["intervention"].refresh_from_db()
    assert cast["intervention"].phase == Phase.REGISTRATION
    assert cast["intervention"].status == "active"


def test_the_buyer_may_not_diagnose_plan_or_close(cast, client_for):
    buyer = client_for(cast["buyer"])
    url = f"/programmes/interventions/{cast['intervention'].pk}/"
    page = buyer.get(url).content.decode()
    for form in ('id="diagnostic-form"', 'id="project-form"', 'id="attendance-form"', 'id="withdraw"'):
        assert form not in page
    assert 'id="outcome-form"' in page  # the anchor buyer confirms measures
    assert buyer.post(url + "withdraw/").status_code == 403
    assert (
        buyer.post(
            url + "projects/", {"aim": "quality", "title": "x", "owner": "y", "deadline": "2026-05-01"}
        ).status_code
        == 403
    )
