"""Interventions through the phases: every move tried by every role against the transitions table, preconditions,
validation by buyer and supplier together, history, bad input, the programme certificate and follow-ups."""

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from development import services
from development.models import (
    PHASE_MOVES,
    TOGETHER,
    FollowUpRequest,
    ImprovementProject,
    Intervention,
    Party,
    Phase,
    TrainingSession,
)
from development.signals import follow_up_due
from suppliers.models import Certification

pytestmark = pytest.mark.django_db

ROLES = ("agency", "consultant", "buyer", "supplier", "outsider", "other_buyer")
ROLE_PARTY = {"agency": Party.AGENCY, "consultant": Party.CONSULTANT, "buyer": Party.BUYER, "supplier": Party.SUPPLIER}


def _ready_for(cast, phase: int) -> Intervention:
    """The intervention at ``phase``, with what the next move needs already in place."""
    intervention = cast["intervention"]
    intervention.consultant = cast["consultant_record"]
    intervention.phase = phase
    intervention.save()
    if phase >= Phase.DIAGNOSIS:
        services.record_diagnostic(
            actor=cast["consultant"], intervention=intervention, areas=dict.fromkeys(_areas(cast), 3)
        )
    if phase >= Phase.PLAN:
        services.add_project(
            actor=cast["consultant"],
            intervention=intervention,
            aim=ImprovementProject.Aim.QUALITY,
            title="Control estadístico de procesos",
            owner="Jefe de calidad",
            deadline=dt.date(2026, 12, 31),
        )
    return intervention


def _areas(cast):
    return [code for code, _label in services.diagnostic_areas(cast["programme"])]


MOVES = [(frm, to, role) for (frm, to) in PHASE_MOVES for role in ROLES if (frm, to) not in TOGETHER]


@pytest.mark.parametrize(("from_phase", "to_phase", "role"), MOVES)
def test_every_move_by_every_role_follows_the_table(cast, from_phase, to_phase, role):
    intervention = _ready_for(cast, from_phase)
    allowed = ROLE_PARTY.get(role) in PHASE_MOVES[(from_phase, to_phase)]
    if allowed:
        moved = services.move_phase(actor=cast[role], intervention=intervention, to_phase=to_phase, note="ok")
        assert moved.phase == to_phase
        change = moved.phase_changes.last()
        assert (change.from_phase, change.to_phase, change.actor, change.note) == (
            from_phase,
            to_phase,
            cast[role],
            "ok",
        )
    else:
        with pytest.raises(PermissionDenied):
            services.move_phase(actor=cast[role], intervention=intervention, to_phase=to_phase)
        assert Intervention.objects.get(pk=intervention.pk).phase == from_phase


@pytest.mark.parametrize("role", ROLES)
def test_skipping_a_phase_is_refused_for_everyone(cast, role):
    intervention = _ready_for(cast, Phase.REGISTRATION)
    with pytest.raises((ValidationError, PermissionDenied)):
        services.move_phase(actor=cast[role], intervention=intervention, to_phase=Phase.DIAGNOSIS)


def test_buyer_and_supplier_validate_the_diagnosis_together(cast):
    intervention = _ready_for(cast, Phase.VALIDATION)
    with pytest.raises(ValidationError):
        services.move_phase(actor=cast["buyer"], intervention=intervention, to_phase=Phase.PLAN)
    for role in ("agency", "consultant", "outsider", "other_buyer"):
        with pytest.raises(PermissionDenied):
            services.confirm_diagnosis(actor=cast[role], intervention=intervention)

    after_buyer = services.confirm_diagnosis(actor=cast["buyer"], intervention=intervention, note="De acuerdo")
    assert after_buyer.phase == Phase.VALIDATION
    assert after_buyer.buyer_confirmed_at is not None
    after_both = services.confirm_diagnosis(actor=cast["supplier"], intervention=intervention)
    assert after_both.phase == Phase.PLAN


@pytest.mark.parametrize(
    ("phase", "to_phase", "message"),
    [
        (Phase.FORMALISATION, Phase.DIAGNOSIS, "Assign a consultant"),
        (Phase.DIAGNOSIS, Phase.VALIDATION, "consultant's diagnosis"),
        (Phase.PLAN, Phase.IMPLEMENTATION, "at least one project"),
    ],
)
def test_a_phase_opens_only_with_what_it_needs(cast, phase, to_phase, message):
    intervention = cast["intervention"]
    intervention.phase = phase
    if phase != Phase.FORMALISATION:
        intervention.consultant = cast["consultant_record"]
    intervention.save()
    actor = cast["agency"] if phase == Phase.FORMALISATION else cast["consultant"]
    with pytest.raises(ValidationError, match=message):
        services.move_phase(actor=actor, intervention=intervention, to_phase=to_phase)


def test_a_self_assessment_is_recorded_as_one_and_does_not_open_validation(cast):
    intervention = cast["intervention"]
    intervention.consultant = cast["consultant_record"]
    intervention.phase = Phase.DIAGNOSIS
    intervention.save()
    diagnostic = services.record_diagnostic(
        actor=cast["supplier"], intervention=intervention, areas=dict.fromkeys(_areas(cast), 4)
    )
    assert diagnostic.assessor == "self"
    with pytest.raises(ValidationError):
        services.move_phase(actor=cast["consultant"], intervention=intervention, to_phase=Phase.VALIDATION)


@pytest.mark.parametrize(
    ("areas", "field"),
    [({"administrative": 6}, "administrative"), ({"administrative": "4"}, "administrative"), ({"x": 3}, "x")],
)
def test_a_diagnostic_names_the_bad_area(cast, areas, field):
    intervention = _ready_for(cast, Phase.DIAGNOSIS)
    complete = {**dict.fromkeys(_areas(cast), 3), **areas}
    with pytest.raises(ValidationError) as error:
        services.record_diagnostic(actor=cast["consultant"], intervention=intervention, areas=complete)
    assert field in error.value.message_dict


def test_reaching_documentation_schedules_follow_ups_sent_once(cast):
    intervention = _ready_for(cast, Phase.IMPLEMENTATION)
    services.move_phase(actor=cast["consultant"], intervention=intervention, to_phase=Phase.DOCUMENTATION)
    requests = FollowUpRequest.objects.filter(intervention=intervention).order_by("months_after")
    ended = timezone.localdate()
    assert [(r.months_after, r.due_on) for r in requests] == [
        (6, ended + relativedelta(months=6)),
        (12, ended + relativedelta(months=12)),
    ]
    heard = []
    follow_up_due.connect(
        lambda sender, request, **kw: heard.append(request.months_after), weak=False, dispatch_uid="t"
    )
    try:
        assert services.send_due_follow_ups(today=ended + dt.timedelta(days=200)) == 1
        assert services.send_due_follow_ups(today=ended + dt.timedelta(days=200)) == 0
        assert services.send_due_follow_ups(today=ended + dt.timedelta(days=400)) == 1
    finally:
        follow_up_due.disconnect(dispatch_uid="t")


def test_closing_is_for_agency_staff_after_documentation(cast):
    intervention = _ready_for(cast, Phase.IMPLEMENTATION)
    with pytest.raises(ValidationError):
        services.close_intervention(actor=cast["agency"], intervention=intervention)
    with pytest.raises(PermissionDenied):
        services.close_intervention(actor=cast["consultant"], intervention=intervention, withdrawn=True)
    services.move_phase(actor=cast["consultant"], intervention=intervention, to_phase=Phase.DOCUMENTATION)
    closed = services.close_intervention(actor=cast["agency"], intervention=intervention, note="Cerrado")
    assert closed.status == Intervention.Status.COMPLETED
    assert closed.phase_changes.last().event == "completed"
    with pytest.raises(ValidationError):
        services.move_phase(actor=cast["consultant"], intervention=closed, to_phase=Phase.DOCUMENTATION)


# -- bad input ----------------------------------------------------------------------------------------------------


def _session(cast):
    return services.record_session(
        actor=cast["agency"],
        programme=cast["programme"],
        topic="Costeo",
        held_on=dt.date(2026, 3, 1),
        hours=Decimal("4"),
    )


@pytest.mark.parametrize(
    ("participants", "women", "field"),
    [(-1, 0, "participants"), (3, 4, "women"), (2, -1, "women"), (1.5, 0, "participants")],
)
def test_attendance_rejects_impossible_counts(cast, participants, women, field):
    with pytest.raises(ValidationError) as error:
        services.record_attendance(
            actor=cast["agency"],
            session=_session(cast),
            intervention=cast["intervention"],
            participants=participants,
            women=women,
        )
    assert field in error.value.message_dict


def test_attendance_is_recorded_by_staff_or_the_programmes_consultants_only(cast):
    session = _session(cast)
    for role in ("buyer", "supplier", "outsider"):
        with pytest.raises(PermissionDenied):
            services.record_attendance(
                actor=cast[role], session=session, intervention=cast["intervention"], participants=3, women=1
            )
    with pytest.raises(PermissionDenied):
        services.record_session(
            actor=cast["supplier"], programme=cast["programme"], topic="x", held_on=dt.date(2026, 3, 1), hours=2
        )
    cast["intervention"].consultant = cast["consultant_record"]
    cast["intervention"].save()
    attendance = services.record_attendance(
        actor=cast["consultant"], session=session, intervention=cast["intervention"], participants=3, women=1
    )
    assert (attendance.participants, attendance.women) == (3, 1)
    assert TrainingSession.objects.get().attendance.count() == 1


def _outcome(cast, actor="supplier", **overrides):
    values = {
        "programme": cast["programme"],
        "supplier": cast["profile"],
        "kpi": "productivity",
        "unit": "units_per_hour",
        "kind": "baseline",
        "measured_on": dt.date(2026, 2, 1),
        "value": Decimal("10"),
    }
    return services.record_outcome(actor=cast[actor], **{**values, **overrides})


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"unit": "percent"}, "unit"),
        ({"kpi": "happiness"}, "kpi"),
        ({"value": "ten"}, "value"),
        ({"value": "NaN"}, "value"),
        ({"value": Decimal("-3")}, "value"),
        ({"measured_on": dt.date(2099, 1, 1)}, "measured_on"),
        ({"source": "buyer"}, "source"),
    ],
)
def test_a_bad_measure_is_a_field_error(cast, overrides, field):
    with pytest.raises(ValidationError) as error:
        _outcome(cast, **overrides)
    assert field in error.value.message_dict


def test_a_follow_up_dated_before_its_baseline_is_refused(cast):
    with pytest.raises(ValidationError, match="baseline"):
        _outcome(cast, kind="follow_up")  # no baseline yet
    _outcome(cast)
    with pytest.raises(ValidationError) as error:
        _outcome(cast, kind="follow_up", measured_on=dt.date(2026, 1, 15), value=Decimal("12"))
    assert "measured_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        _outcome(cast)  # a second baseline


def test_an_outsider_may_not_record_a_participants_measure(cast):
    for role in ("outsider", "other_buyer"):
        with pytest.raises(PermissionDenied):
            _outcome(cast, actor=role)


def test_programme_shares_must_add_up_to_100(cast):
    with pytest.raises(ValidationError) as error:
        services.update_programme(actor=cast["agency"], programme=cast["programme"], sme_share=Decimal("10"))
    assert "sme_share" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.update_programme(actor=cast["buyer"], programme=cast["programme"], name="Mine now")


# -- the programme certificate ------------------------------------------------------------------------------------


def _measure_improvement(cast, productivity_after, defects_after):
    _outcome(cast, actor="agency", kpi="productivity", value=Decimal("10"))
    _outcome(cast, actor="agency", kpi="defect_rate", unit="percent", value=Decimal("8"))
    _outcome(
        cast,
        actor="agency",
        kpi="productivity",
        kind="follow_up",
        measured_on=dt.date(2026, 9, 1),
        value=productivity_after,
    )
    _outcome(
        cast,
        actor="agency",
        kpi="defect_rate",
        unit="percent",
        kind="follow_up",
        measured_on=dt.date(2026, 9, 1),
        value=defects_after,
    )


def test_a_supplier_meeting_every_threshold_earns_the_programme_certificate(cast):
    _measure_improvement(cast, productivity_after=Decimal("12.5"), defects_after=Decimal("5"))  # +25 %, −37.5 %
    with pytest.raises(PermissionDenied):
        services.certify_supplier(actor=cast["consultant"], intervention=cast["intervention"])

    certification = services.certify_supplier(actor=cast["agency"], intervention=cast["intervention"])

    assert certification.standard.code == f"programme-{cast['programme'].pk}"
    assert certification.verification_status == "verified"
    assert Certification.objects.valid_on(timezone.localdate()).filter(profile=cast["profile"]).exists()
    with pytest.raises(ValidationError):
        services.certify_supplier(actor=cast["agency"], intervention=cast["intervention"])


def test_a_threshold_not_met_is_named(cast):
    _measure_improvement(cast, productivity_after=Decimal("11"), defects_after=Decimal("5"))  # +10 % only
    with pytest.raises(ValidationError, match="Productivity"):
        services.certify_supplier(actor=cast["agency"], intervention=cast["intervention"])
    assert not Certification.objects.filter(profile=cast["profile"]).exists()


def test_enrolment_checks_eligibility_anchor_and_duplicates(cast):
    programme = cast["programme"]
    with pytest.raises(ValidationError) as error:
        services.enrol_supplier(actor=cast["agency"], programme=programme, supplier=cast["profile"])
    assert "supplier" in error.value.message_dict
    from tests import factories

    other = factories.SupplierProfileFactory()
    stranger = factories.BuyerFactory()
    with pytest.raises(ValidationError) as error:
        services.enrol_supplier(actor=cast["agency"], programme=programme, supplier=other, anchor_buyer=stranger)
    assert "anchor_buyer" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.enrol_supplier(actor=cast["buyer"], programme=programme, supplier=other)
    services.update_programme(actor=cast["agency"], programme=programme, eligible_size_classes=["micro"])
    other.organisation.size_class = "medium"
    other.organisation.save()
    with pytest.raises(ValidationError, match="size"):
        services.enrol_supplier(actor=cast["agency"], programme=programme, supplier=other)
