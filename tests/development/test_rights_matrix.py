"""Every phase move and every edit, tried by every role, through the API and through the page, against the tables in
code: ``PHASE_MOVES`` for the moves (the validation pair is each party's confirmation) and ``EDIT_RIGHTS`` for the
edits. The expectation of each case is read from those tables, never copied: an allowed one succeeds and changes
what it should; a refused one changes nothing and answers

- 403 to a role that sees the intervention (or programme) but may not do it (a viewer, the anchor buyer, ...);
- 404 to a role that does not see it, where it is named in the URL; where the API names it in the body, the
  reference is looked up among what the role sees (``core.api.VisiblePrimaryKeyRelatedField``), so the answer is
  the same 400 "does not exist" on that field as for an id that exists nowhere: nothing tells that it exists;
- anonymous: 401/403 from the API, and the page sends it to sign in.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Membership
from development import selectors, services
from development.models import (
    EDIT_RIGHTS,
    PHASE_MOVES,
    PROGRAMME_EDITS,
    TOGETHER,
    Attendance,
    Consultant,
    Edit,
    ImprovementProject,
    Intervention,
    InterventionPhaseChange,
    OutcomeMeasure,
    Party,
    Phase,
    ProgrammeDiagnostic,
    TrainingSession,
    Voucher,
)
from suppliers.models import Certification
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = (
    "agency",
    "consultant",  # the intervention's
    "other_consultant",  # on the same agency's roster, working in another programme
    "buyer",  # the anchor buyer
    "other_buyer",
    "supplier",
    "outsider",  # another SME
    "viewer",  # a viewer-role member of the supplier's organisation
    "anonymous",
)
# The party each role holds in the world below (the others hold none).
ROLE_PARTY = {"agency": Party.AGENCY, "consultant": Party.CONSULTANT, "buyer": Party.BUYER, "supplier": Party.SUPPLIER}


@pytest.fixture
def world(cast):
    """``cast`` with its consultant assigned, another consultant elsewhere, a viewer and an anonymous visitor."""
    services.assign_consultant(
        actor=cast["agency"], intervention=cast["intervention"], consultant=cast["consultant_record"]
    )
    agency = cast["agency"].memberships.get().organisation
    elsewhere = services.create_programme(
        actor=cast["agency"], agency=agency, name="Otro programa", starts_on=dt.date(2026, 1, 1)
    )
    other_consultant = factories.UserFactory()
    record = Consultant.objects.create(user=other_consultant, name="Otro Consultor", agency=agency)
    services.enrol_supplier(
        actor=cast["agency"], programme=elsewhere, supplier=factories.SupplierProfileFactory(), consultant=record
    )
    viewer = factories.UserFactory()
    Membership.objects.create(user=viewer, organisation=cast["profile"].organisation, role=Membership.Role.VIEWER)
    cast["intervention"].refresh_from_db()
    return {**cast, "other_consultant": other_consultant, "viewer": viewer, "anonymous": AnonymousUser()}


def _ready_for(w, phase: int) -> dict:
    """The intervention at ``phase`` with what the next move needs in place."""
    intervention = w["intervention"]
    Intervention.objects.filter(pk=intervention.pk).update(phase=phase)
    intervention.refresh_from_db()
    if phase >= Phase.DIAGNOSIS:
        areas = {code: 3 for code, _label in services.diagnostic_areas(w["programme"])}
        services.record_diagnostic(actor=w["consultant"], intervention=intervention, areas=areas)
    if phase >= Phase.PLAN:
        _project(w)
    return {}


def _project(w) -> ImprovementProject:
    return services.add_project(
        actor=w["consultant"],
        intervention=w["intervention"],
        aim="quality",
        title="Control estadístico",
        owner="Jefe de calidad",
        deadline=dt.date(2026, 12, 31),
    )


def _session(w) -> TrainingSession:
    return services.record_session(
        actor=w["agency"], programme=w["programme"], topic="5S", held_on=dt.date(2026, 3, 2), hours=Decimal("3")
    )


def _measure(w, kpi, unit, baseline, follow_up):
    for kind, day, value in (
        ("baseline", dt.date(2026, 1, 10), baseline),
        ("follow_up", dt.date(2026, 6, 10), follow_up),
    ):
        services.record_outcome(
            actor=w["agency"],
            programme=w["programme"],
            supplier=w["profile"],
            kpi=kpi,
            unit=unit,
            kind=kind,
            measured_on=day,
            value=Decimal(value),
        )


def _thresholds_met(w) -> dict:
    _measure(w, "productivity", "units_per_hour", 10, 13)  # +30 % against 20
    _measure(w, "defect_rate", "percent", 10, 5)  # −50 % against 30
    return {}


def _areas_payload(w):
    return {code: {"score": 3, "findings": "ok"} for code, _label in services.diagnostic_areas(w["programme"])}


def _areas_form(w):
    form = {"assessed_on": "2026-02-10"}
    for code, _label in services.diagnostic_areas(w["programme"]):
        form[f"score_{code}"] = "3"
    return form


IV = "/api/v1/interventions/{i}/"
PG = "/programmes/interventions/{i}/"


@dataclass(frozen=True)
class Case:
    name: str
    rights: frozenset  # the parties the table gives it
    programme_wide: bool  # the role's party is read in the programme (training, enrolment), not the intervention
    prepare: Callable  # (world) -> extra ids
    api: Callable  # (client, world, extra) -> response
    page: Callable  # (client, world, extra) -> response
    api_refs: tuple = ()  # fields of the API body naming what the role may not see; () when the URL names it


def _post(url, data=None, method="post"):
    def call(client, w, x):
        i, p = w["intervention"].pk, w["programme"].pk
        payload = data(w, x) if callable(data) else (data or {})
        target = url.format(i=i, p=p, **x)
        if isinstance(client, APIClient):
            return getattr(client, method)(target, payload, format="json")
        return client.post(target, payload)

    return call


def _move_cases():
    for (frm, to), who in PHASE_MOVES.items():
        if (frm, to) in TOGETHER:
            # Each party's confirmation is its part of the move; the second one makes it.
            yield Case(
                f"confirm {frm}->{to}",
                who,
                False,
                lambda w, frm=frm: _ready_for(w, frm),
                _post(IV + "confirm/"),
                _post(PG + "confirm/"),
            )
            continue
        yield Case(
            f"move {frm}->{to}",
            who,
            False,
            lambda w, frm=frm: _ready_for(w, frm),
            _post(IV + "move/", {"to_phase": to}),
            _post(PG + "move/", {"to_phase": to}),
        )


def _voucher(w):
    voucher = services.issue_voucher(
        actor=w["agency"],
        intervention=w["intervention"],
        kind="training",
        value=Decimal("800"),
        issued_on=dt.date(2026, 2, 1),
    )
    return {"v": voucher.pk}


def _spare_consultant(w):
    spare = Consultant.objects.create(name="Consultora Suplente", agency=w["programme"].agency)
    return {"c": spare.pk}


def _new_supplier(w):
    return {"s": factories.SupplierProfileFactory().pk}


OUTCOME = {"kpi": "sales", "kind": "baseline", "measured_on": "2026-02-01", "value": "1000", "source": "self"}
PROJECT = {"aim": "quality", "title": "Control estadístico", "owner": "Jefe de calidad", "deadline": "2026-09-30"}
SESSION = {"topic": "Lean", "held_on": "2026-03-01", "hours": "4", "method": "workshop"}

EDIT_CALLS = {
    Edit.ENROL: (
        _new_supplier,
        _post("/api/v1/interventions/", lambda w, x: {"programme": w["programme"].pk, "supplier": x["s"]}),
        _post("/programmes/{p}/enrol/", lambda w, x: {"supplier": x["s"], "cost": "0"}),
        ("programme",),
    ),
    Edit.ASSIGN_CONSULTANT: (
        _spare_consultant,
        _post(IV + "assign/", lambda w, x: {"consultant": x["c"]}),
        _post(PG + "consultant/", lambda w, x: {"consultant": x["c"]}),
        (),
    ),
    Edit.DIAGNOSTIC: (
        lambda w: _ready_for(w, Phase.DIAGNOSIS) and {},
        _post(
            "/api/v1/programme-diagnostics/",
            lambda w, x: {
                "intervention": w["intervention"].pk,
                "areas": _areas_payload(w),
                "assessed_on": "2026-02-10",
            },
        ),
        _post(PG + "diagnosis/", lambda w, x: _areas_form(w)),
        ("intervention",),
    ),
    Edit.PROJECT_ADD: (
        lambda w: {},
        _post("/api/v1/improvement-projects/", lambda w, x: {**PROJECT, "intervention": w["intervention"].pk}),
        _post(PG + "projects/", PROJECT),
        ("intervention",),
    ),
    Edit.PROJECT_UPDATE: (
        lambda w: {"j": _project(w).pk},
        _post("/api/v1/improvement-projects/{j}/", {"status": "done"}, method="patch"),
        _post(PG + "projects/{j}/", {"status": "done"}),
        (),
    ),
    Edit.SESSION: (
        lambda w: {},
        _post("/api/v1/training-sessions/", lambda w, x: {**SESSION, "programme": w["programme"].pk}),
        _post("/programmes/{p}/sessions/", SESSION),
        ("programme",),
    ),
    Edit.ATTENDANCE: (
        lambda w: {"t": _session(w).pk},
        _post(
            "/api/v1/attendance/",
            lambda w, x: {"session": x["t"], "intervention": w["intervention"].pk, "participants": 4, "women": 2},
        ),
        _post(PG + "attendance/", lambda w, x: {"session": x["t"], "participants": "4", "women": "2"}),
        ("session", "intervention"),
    ),
    Edit.OUTCOME: (
        lambda w: {},
        _post(
            "/api/v1/outcomes/",
            lambda w, x: {**OUTCOME, "unit": "money", "programme": w["programme"].pk, "supplier": w["profile"].pk},
        ),
        _post(PG + "outcomes/", OUTCOME),
        ("programme",),
    ),
    Edit.VOUCHER_ISSUE: (
        lambda w: {},
        _post(
            "/api/v1/vouchers/",
            lambda w, x: {
                "intervention": w["intervention"].pk,
                "kind": "diagnostic",
                "value": "500",
                "issued_on": "2026-02-01",
            },
        ),
        _post(
            "/programmes/{p}/vouchers/",
            lambda w, x: {
                "intervention": w["intervention"].pk,
                "kind": "diagnostic",
                "value": "500",
                "issued_on": "2026-02-01",
            },
        ),
        ("intervention",),
    ),
    Edit.VOUCHER_REDEEM: (
        _voucher,
        _post("/api/v1/vouchers/{v}/redeem/", {"redeemed_on": "2026-03-01"}),
        _post("/programmes/vouchers/{v}/redeem/", {"redeemed_on": "2026-03-01"}),
        (),
    ),
    Edit.CERTIFY: (_thresholds_met, _post(IV + "certify/"), _post(PG + "certify/"), ()),
    Edit.CLOSE: (lambda w: {}, _post(IV + "close/", {"withdrawn": True}), _post(PG + "withdraw/"), ()),
}


def _edit_cases():
    for edit, (prepare, api, page, refs) in EDIT_CALLS.items():
        yield Case(f"edit {edit}", EDIT_RIGHTS[edit], edit in PROGRAMME_EDITS, prepare, api, page, refs)


CASES = [*_move_cases(), *_edit_cases()]


def test_every_edit_of_the_table_is_tried():
    assert set(EDIT_CALLS) == set(EDIT_RIGHTS) == set(Edit.values)
    assert len([c for c in CASES if not c.name.startswith("edit")]) == len(PHASE_MOVES)


def _snapshot(w):
    intervention = Intervention.objects.get(pk=w["intervention"].pk)
    return (
        intervention.phase,
        intervention.status,
        intervention.consultant_id,
        intervention.buyer_confirmed_at,
        intervention.supplier_confirmed_at,
        intervention.certified_at,
        Intervention.objects.count(),
        InterventionPhaseChange.objects.count(),
        ProgrammeDiagnostic.objects.count(),
        sorted(ImprovementProject.objects.values_list("pk", "status")),
        TrainingSession.objects.count(),
        Attendance.objects.count(),
        OutcomeMeasure.objects.count(),
        sorted(Voucher.objects.values_list("pk", "redeemed_on")),
        Certification.objects.count(),
    )


def _client(w, role, channel):
    user = w[role]
    if channel == "api":
        client = APIClient()
        if role != "anonymous":
            client.force_authenticate(user=user)
        return client
    client = Client()
    if role != "anonymous":
        client.force_login(user)
    return client


def _sees(w, role, case) -> bool:
    user = w[role]
    if case.programme_wide:
        return selectors.programmes_visible_to(user=user).filter(pk=w["programme"].pk).exists()
    return selectors.interventions_visible_to(user=user).filter(pk=w["intervention"].pk).exists()


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_each_role_against_the_tables(world, case, role, channel):
    extra = case.prepare(world) or {}
    before = _snapshot(world)
    response = getattr(case, channel)(_client(world, role, channel), world, extra)
    allowed = ROLE_PARTY.get(role) in case.rights
    if allowed:
        expected = (200, 201) if channel == "api" else (302,)
        assert response.status_code in expected, (response.status_code, getattr(response, "content", b"")[:400])
        if channel == "page":
            assert "/accounts/login/" not in response["Location"]
        assert _snapshot(world) != before
        return
    assert _snapshot(world) == before, "a refused request changed something"
    if role == "anonymous":
        if channel == "api":
            assert response.status_code in (401, 403)
        else:
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
    elif _sees(world, role, case):
        assert response.status_code == 403, response.content[:400]
    elif channel == "api" and case.api_refs:
        assert response.status_code == 400, response.content[:400]
        assert set(case.api_refs) & set(response.json()["errors"])
    else:
        assert response.status_code == 404, response.content[:400]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_no_one_moves_the_validation_alone(world, role):
    """The validation's move is made only by the second confirmation: the move endpoint refuses it to everyone."""
    (pair,) = TOGETHER
    _ready_for(world, pair[0])
    before = _snapshot(world)
    response = _client(world, role, "api").post(
        IV.format(i=world["intervention"].pk) + "move/", {"to_phase": pair[1]}, format="json"
    )
    assert response.status_code in (400, 404)
    assert _snapshot(world) == before
