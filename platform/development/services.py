"""Every write about supplier development: programmes, the consultants' roster, interventions and their phases,
diagnostics, improvement plans, training, outcomes, vouchers and the programme certificate.

Phase moves follow ``models.PHASE_MOVES`` and are kept with date, actor and note. Field rules (a follow-up dated
before its baseline, more women than participants, a KPI in the wrong unit) are ``ValidationError``s keyed by field,
which the API and the pages show beside the field.
"""

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.permissions import is_agency_staff
from suppliers import services as supplier_services
from suppliers.models import SupplierProfile
from taxonomy.models import CertificationStandard

from . import selectors
from .models import (
    EDIT_RIGHTS,
    KPI_UNITS,
    PHASE_MOVES,
    TEMPLATE_AREAS,
    TOGETHER,
    Assessor,
    Attendance,
    Consultant,
    DiagnosticTemplate,
    Edit,
    FollowUpRequest,
    ImprovementProject,
    Intervention,
    InterventionPhaseChange,
    Kpi,
    OutcomeMeasure,
    Party,
    Phase,
    Programme,
    TrainingSession,
    Unit,
    Voucher,
)
from .signals import follow_up_due, intervention_moved

FOLLOW_UP_MONTHS = (6, 12)  # as MEP centres survey clients a year after each project
CERTIFICATE_VALIDITY_YEARS = 3


def _require_agency(actor) -> None:
    if not is_agency_staff(actor):
        raise PermissionDenied(_("Only agency staff do this."))


def _require_edit(actor, edit: str, *, intervention: Intervention | None = None, programme=None) -> set[str]:
    """The actor's parties for ``edit`` if ``EDIT_RIGHTS`` lets it make the edit, else ``PermissionDenied``."""
    parties = selectors.edit_parties(user=actor, edit=edit, intervention=intervention, programme=programme)
    if not parties & EDIT_RIGHTS[edit]:
        raise PermissionDenied(_("You may not do this in this programme."))
    return parties


def _require_party(actor, intervention: Intervention, *allowed: str) -> set[str]:
    parties = selectors.parties_of(user=actor, intervention=intervention)
    if not parties & set(allowed):
        raise PermissionDenied(_("You may not do this in this intervention."))
    return parties


def _record(intervention: Intervention, *, actor, note: str = "", from_phase=None, to_phase=None, event: str = ""):
    InterventionPhaseChange.objects.create(
        intervention=intervention,
        from_phase=from_phase,
        to_phase=to_phase,
        event=event,
        actor=actor,
        note=note,
        at=timezone.now(),
    )


# -- programmes and the roster ----------------------------------------------------------------------------------


def _check_programme(fields: dict) -> None:
    errors = {}
    shares = [
        fields.get(name, Decimal("0")) or Decimal("0") for name in ("programme_share", "buyer_share", "sme_share")
    ]
    if sum(Decimal(str(share)) for share in shares) != Decimal("100"):
        errors["sme_share"] = [_("The programme's, the buyer's and the SME's shares must add up to 100.")]
    if fields.get("ends_on") and fields.get("starts_on") and fields["ends_on"] < fields["starts_on"]:
        errors["ends_on"] = [_("The programme ends before it starts.")]
    if Decimal(str(fields.get("budget") or 0)) < 0:
        errors["budget"] = [_("The budget cannot be negative.")]
    unknown = set(fields.get("certificate_thresholds") or {}) - set(Kpi.values)
    if unknown:
        errors["certificate_thresholds"] = [_("Unknown KPI: %(kpis)s.") % {"kpis": ", ".join(sorted(unknown))}]
    if fields.get("diagnostic_template") == DiagnosticTemplate.CUSTOM and not fields.get("custom_areas"):
        errors["custom_areas"] = [_("A programme with its own diagnostic lists its areas.")]
    if errors:
        raise ValidationError(errors)


PROGRAMME_FIELDS = {
    "name",
    "description",
    "starts_on",
    "ends_on",
    "status",
    "objectives",
    "target_group",
    "eligible_size_classes",
    "eligible_sectors",
    "minimum_suppliers",
    "diagnostic_template",
    "custom_areas",
    "budget",
    "currency",
    "programme_share",
    "buyer_share",
    "sme_share",
    "certificate_thresholds",
}


@transaction.atomic
def create_programme(*, actor, agency: Organisation, anchor_buyers=(), **fields) -> Programme:
    _require_agency(actor)
    unknown = set(fields) - PROGRAMME_FIELDS
    if unknown:
        raise TypeError(f"unknown programme fields: {sorted(unknown)}")
    defaults = {"programme_share": Decimal("70"), "buyer_share": Decimal("25"), "sme_share": Decimal("5")}
    _check_programme({**defaults, **fields})
    programme = Programme(agency=agency, **fields)
    programme.full_clean()
    programme.save()
    programme.anchor_buyers.set(anchor_buyers)
    return programme


@transaction.atomic
def update_programme(*, actor, programme: Programme, anchor_buyers=None, **fields) -> Programme:
    _require_agency(actor)
    unknown = set(fields) - PROGRAMME_FIELDS
    if unknown:
        raise TypeError(f"unknown programme fields: {sorted(unknown)}")
    current = {name: getattr(programme, name) for name in PROGRAMME_FIELDS}
    _check_programme({**current, **fields})
    for name, value in fields.items():
        setattr(programme, name, value)
    programme.full_clean()
    programme.save()
    if anchor_buyers is not None:
        programme.anchor_buyers.set(anchor_buyers)
    return programme


CONSULTANT_FIELDS = {"name", "email", "user", "specialties", "sectors", "certified_on", "active"}


def _check_consultant(fields: dict) -> None:
    errors = {}
    unknown = set(fields.get("specialties") or ()) - set(Consultant.Specialty.values)
    if unknown:
        errors["specialties"] = [_("Unknown specialty: %(s)s.") % {"s": ", ".join(sorted(unknown))}]
    sectors = fields.get("sectors") or ()
    if any(not (isinstance(code, str) and len(code) == 2 and code.isdigit()) for code in sectors):
        errors["sectors"] = [_("Give each sector as its two-digit ISIC division, e.g. 10, 25.")]
    certified_on = fields.get("certified_on")
    if certified_on and certified_on > timezone.localdate():
        errors["certified_on"] = [_("A certification cannot be dated in the future.")]
    if errors:
        raise ValidationError(errors)


def _link_account(consultant: Consultant) -> None:
    """A consultant signs in with the account of its e-mail address, when there is one not already another
    consultant's: the roster links it (and links it later, when the consultant signs up, on the next save)."""
    from django.contrib.auth import get_user_model

    if consultant.user_id is not None or not consultant.email:
        return
    account = get_user_model().objects.filter(email__iexact=consultant.email, consultant__isnull=True).first()
    if account is not None:
        consultant.user = account


@transaction.atomic
def add_consultant(*, actor, agency: Organisation, name: str, **fields) -> Consultant:
    _require_agency(actor)
    unknown = set(fields) - CONSULTANT_FIELDS
    if unknown:
        raise TypeError(f"unknown consultant fields: {sorted(unknown)}")
    _check_consultant(fields)
    consultant = Consultant(agency=agency, name=name, **fields)
    _link_account(consultant)
    consultant.full_clean()
    consultant.save()
    return consultant


@transaction.atomic
def update_consultant(*, actor, consultant: Consultant, **fields) -> Consultant:
    """Agency staff edit a consultant on the roster (specialties, sectors, certification, whether active)."""
    _require_agency(actor)
    unknown = set(fields) - (CONSULTANT_FIELDS - {"user"})
    if unknown:
        raise TypeError(f"unknown consultant fields: {sorted(unknown)}")
    _check_consultant(fields)
    if "email" in fields and (fields["email"] or "").lower() != (consultant.email or "").lower():
        consultant.user = None  # another address: the account of the new one, if any
    for name, value in fields.items():
        setattr(consultant, name, value)
    _link_account(consultant)
    consultant.full_clean()
    consultant.save()
    return consultant


# -- interventions ----------------------------------------------------------------------------------------------


def eligibility_problems(*, programme: Programme, supplier: SupplierProfile) -> list[str]:
    """Why this supplier may not join the programme (empty when it may)."""
    problems = []
    organisation = supplier.organisation
    if programme.eligible_size_classes and organisation.size_class not in programme.eligible_size_classes:
        problems.append(_("Its size is outside the programme's."))
    division = organisation.industry.code[:2] if organisation.industry_id else ""
    if programme.eligible_sectors and division not in programme.eligible_sectors:
        problems.append(_("Its sector is outside the programme's."))
    if programme.status == Programme.Status.CLOSED:
        problems.append(_("The programme is closed."))
    return problems


@transaction.atomic
def enrol_supplier(
    *,
    actor,
    programme: Programme,
    supplier: SupplierProfile,
    anchor_buyer: Organisation | None = None,
    consultant: Consultant | None = None,
    cost: Decimal = Decimal("0"),
) -> Intervention:
    _require_edit(actor, Edit.ENROL, programme=programme)
    errors = {}
    if problems := eligibility_problems(programme=programme, supplier=supplier):
        errors["supplier"] = problems
    if Intervention.objects.filter(programme=programme, supplier=supplier).exists():
        errors["supplier"] = [_("This supplier is already in the programme.")]
    if anchor_buyer is not None and not programme.anchor_buyers.filter(pk=anchor_buyer.pk).exists():
        errors["anchor_buyer"] = [_("Choose one of the programme's anchor buyers.")]
    if consultant is not None and (not consultant.active or consultant.agency_id != programme.agency_id):
        errors["consultant"] = [_("Choose an active consultant of the programme's agency.")]
    if Decimal(str(cost)) < 0:
        errors["cost"] = [_("The cost cannot be negative.")]
    if errors:
        raise ValidationError(errors)
    intervention = Intervention.objects.create(
        programme=programme, supplier=supplier, anchor_buyer=anchor_buyer, consultant=consultant, cost=cost
    )
    programme.suppliers.add(supplier)
    _record(intervention, actor=actor, to_phase=Phase.REGISTRATION, event="enrolled")
    return intervention


def assign_consultant(*, actor, intervention: Intervention, consultant: Consultant, note: str = "") -> Intervention:
    _require_edit(actor, Edit.ASSIGN_CONSULTANT, intervention=intervention)
    if not consultant.active or consultant.agency_id != intervention.programme.agency_id:
        raise ValidationError({"consultant": [_("Choose an active consultant of the programme's agency.")]})
    intervention.consultant = consultant
    intervention.save(update_fields=["consultant", "updated_at"])
    _record(intervention, actor=actor, event="consultant", note=note or consultant.name)
    return intervention


def _preconditions(intervention: Intervention, to_phase: int) -> list[str]:
    if to_phase == Phase.DIAGNOSIS and intervention.consultant_id is None:
        return [_("Assign a consultant before the diagnosis starts.")]
    if to_phase == Phase.VALIDATION and not intervention.diagnostics.exclude(assessor=Assessor.SELF).exists():
        return [_("The consultant's diagnosis must be recorded first.")]
    if to_phase == Phase.IMPLEMENTATION and not intervention.projects.exists():
        return [_("The improvement plan needs at least one project.")]
    return []


def moves_for(*, parties: set[str], phase: int) -> list[int]:
    """The phases these parties may move an intervention at ``phase`` to (alone)."""
    return [
        to for (frm, to), who in PHASE_MOVES.items() if frm == phase and parties & who and (frm, to) not in TOGETHER
    ]


@transaction.atomic
def move_phase(*, actor, intervention: Intervention, to_phase: int, note: str = "") -> Intervention:
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    move = (intervention.phase, int(to_phase))
    allowed = PHASE_MOVES.get(move)
    if allowed is None or intervention.status != Intervention.Status.ACTIVE:
        raise ValidationError({"phase": [_("An intervention cannot move from this phase to that one.")]})
    if move in TOGETHER:
        raise ValidationError({"phase": [_("The buyer and the supplier validate the diagnosis together.")]})
    _require_party(actor, intervention, *allowed)
    if problems := _preconditions(intervention, move[1]):
        raise ValidationError({"phase": problems})
    return _advance(intervention, actor=actor, to_phase=move[1], note=note)


def _advance(intervention: Intervention, *, actor, to_phase: int, note: str) -> Intervention:
    from_phase = intervention.phase
    intervention.phase = to_phase
    fields = ["phase", "updated_at"]
    if to_phase == Phase.DOCUMENTATION:
        intervention.plan_ended_on = timezone.localdate()
        fields.append("plan_ended_on")
        _schedule_follow_ups(intervention)
    intervention.save(update_fields=fields)
    _record(intervention, actor=actor, from_phase=from_phase, to_phase=to_phase, note=note)
    transaction.on_commit(lambda: intervention_moved.send(sender=Intervention, intervention=intervention))
    return intervention


@transaction.atomic
def confirm_diagnosis(*, actor, intervention: Intervention, note: str = "") -> Intervention:
    """The anchor buyer's or the supplier's agreement with the diagnosis; the second one opens the plan."""
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.phase != Phase.VALIDATION or intervention.status != Intervention.Status.ACTIVE:
        raise ValidationError({"phase": [_("The diagnosis is validated in the validation phase.")]})
    parties = _require_party(actor, intervention, *PHASE_MOVES[(Phase.VALIDATION, Phase.PLAN)])
    now = timezone.now()
    if Party.BUYER in parties and intervention.buyer_confirmed_at is None:
        intervention.buyer_confirmed_at = now
    if Party.SUPPLIER in parties and intervention.supplier_confirmed_at is None:
        intervention.supplier_confirmed_at = now
    intervention.save(update_fields=["buyer_confirmed_at", "supplier_confirmed_at", "updated_at"])
    _record(intervention, actor=actor, event="confirmed", note=note)
    if intervention.buyer_confirmed_at and (intervention.supplier_confirmed_at or intervention.anchor_buyer_id is None):
        return _advance(intervention, actor=actor, to_phase=Phase.PLAN, note=note)
    return intervention


@transaction.atomic
def close_intervention(*, actor, intervention: Intervention, withdrawn: bool = False, note: str = "") -> Intervention:
    """Agency staff close an intervention: completed after documentation, or withdrawn at any phase."""
    _require_edit(actor, Edit.CLOSE, intervention=intervention)
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.status != Intervention.Status.ACTIVE:
        raise ValidationError({"status": [_("This intervention is already closed.")]})
    if not withdrawn and intervention.phase != Phase.DOCUMENTATION:
        raise ValidationError({"status": [_("An intervention is completed after its documentation phase.")]})
    intervention.status = Intervention.Status.WITHDRAWN if withdrawn else Intervention.Status.COMPLETED
    intervention.save(update_fields=["status", "updated_at"])
    _record(intervention, actor=actor, event=intervention.status, note=note)
    return intervention


# -- diagnosis and plan ---------------------------------------------------------------------------------------------


def diagnostic_areas(programme: Programme) -> list[tuple[str, str]]:
    if programme.diagnostic_template == DiagnosticTemplate.CUSTOM:
        return [(slugify(area)[:40] or f"area-{n}", area) for n, area in enumerate(programme.custom_areas)]
    if programme.diagnostic_template == DiagnosticTemplate.READINESS:
        from suppliers.models import DIAGNOSTIC_AREAS

        return list(DIAGNOSTIC_AREAS)
    return [(code, str(label)) for code, label in TEMPLATE_AREAS[DiagnosticTemplate.EL_SALVADOR]]


@transaction.atomic
def record_diagnostic(
    *, actor, intervention: Intervention, areas: dict, assessed_on: dt.date | None = None
) -> "ProgrammeDiagnostic":  # noqa: F821 - imported below to keep the module's import list short
    from .models import ProgrammeDiagnostic

    parties = _require_edit(actor, Edit.DIAGNOSTIC, intervention=intervention)
    assessor = (
        Assessor.AGENCY
        if Party.AGENCY in parties
        else Assessor.CONSULTANT
        if Party.CONSULTANT in parties
        else Assessor.SELF
    )
    expected = dict(diagnostic_areas(intervention.programme))
    errors = {}
    cleaned = {}
    for code in expected:
        entry = areas.get(code)
        score = entry.get("score") if isinstance(entry, dict) else entry
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            errors[code] = [_("Score this area from 1 to 5.")]
            continue
        findings = entry.get("findings", "") if isinstance(entry, dict) else ""
        cleaned[code] = {"score": score, "findings": str(findings)[:2000]}
    for code in sorted(set(areas) - set(expected)):
        errors[code] = [_("Unknown diagnostic area.")]
    day = assessed_on or timezone.localdate()
    if day > timezone.localdate():
        errors["assessed_on"] = [_("A diagnostic cannot be dated in the future.")]
    if errors:
        raise ValidationError(errors)
    diagnostic = ProgrammeDiagnostic.objects.create(
        intervention=intervention,
        template=intervention.programme.diagnostic_template,
        areas=cleaned,
        assessed_by=actor,
        assessor=assessor,
        assessed_on=day,
    )
    if diagnostic.template == DiagnosticTemplate.READINESS:
        # The same eight areas as the platform's readiness diagnostic: a consultant's scores become the supplier's
        # trusted readiness, which the matching engine reads.
        supplier_services.record_diagnostic(
            profile=intervention.supplier,
            assessed_by=actor,
            assessor=assessor,
            areas={code: entry["score"] for code, entry in cleaned.items()},
            assessed_on=day,
            notes=_("Programme diagnostic, %(programme)s") % {"programme": intervention.programme.name},
        )
    return diagnostic


PROJECT_FIELDS = {"aim", "title", "owner", "deadline", "status", "kpi", "kpi_target"}


def _check_project(fields: dict) -> None:
    if fields.get("kpi") and fields["kpi"] not in Kpi.values:
        raise ValidationError({"kpi": [_("Choose one of the programme's KPIs.")]})


def add_project(*, actor, intervention: Intervention, **fields) -> ImprovementProject:
    _require_edit(actor, Edit.PROJECT_ADD, intervention=intervention)
    _check_project(fields)
    project = ImprovementProject(intervention=intervention, **{k: v for k, v in fields.items() if k in PROJECT_FIELDS})
    project.full_clean()
    project.save()
    return project


def update_project(*, actor, project: ImprovementProject, **fields) -> ImprovementProject:
    _require_edit(actor, Edit.PROJECT_UPDATE, intervention=project.intervention)
    _check_project(fields)
    for name, value in fields.items():
        if name in PROJECT_FIELDS:
            setattr(project, name, value)
    project.full_clean()
    project.save()
    return project


# -- training -------------------------------------------------------------------------------------------------------


def record_session(*, actor, programme: Programme, **fields) -> TrainingSession:
    _require_edit(actor, Edit.SESSION, programme=programme)
    session = TrainingSession(programme=programme, **fields)
    session.full_clean()
    session.save()
    return session


def record_attendance(*, actor, session: TrainingSession, intervention: Intervention, participants, women=0):
    _require_edit(actor, Edit.ATTENDANCE, programme=session.programme)
    errors = {}
    if intervention.programme_id != session.programme_id:
        errors["intervention"] = [_("This supplier is not in the session's programme.")]
    for name, value in (("participants", participants), ("women", women)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors[name] = [_("Enter a whole number, zero or more.")]
    if not errors and women > participants:
        errors["women"] = [_("There cannot be more women than participants.")]
    if errors:
        raise ValidationError(errors)
    attendance, _created = Attendance.objects.update_or_create(
        session=session, intervention=intervention, defaults={"participants": participants, "women": women}
    )
    return attendance


# -- outcomes ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def record_outcome(
    *,
    actor,
    programme: Programme,
    supplier: SupplierProfile,
    kpi: str,
    unit: str,
    kind: str,
    measured_on: dt.date,
    value,
    source: str = OutcomeMeasure.Source.SELF,
) -> OutcomeMeasure:
    """A KPI measurement. Participants' come with their intervention; agency staff also measure comparison
    suppliers outside the programme (no intervention)."""
    intervention = Intervention.objects.filter(programme=programme, supplier=supplier).first()
    if intervention is None:
        _require_agency(actor)
        parties = {Party.AGENCY}
    else:
        parties = _require_edit(actor, Edit.OUTCOME, intervention=intervention)
    errors = {}
    if kpi not in Kpi.values:
        errors["kpi"] = [_("Choose one of the programme's KPIs.")]
    elif unit != KPI_UNITS[kpi]:
        errors["unit"] = [
            _("%(kpi)s is measured in: %(unit)s.") % {"kpi": Kpi(kpi).label, "unit": Unit(KPI_UNITS[kpi]).label}
        ]
    if kind not in OutcomeMeasure.Kind.values:
        errors["kind"] = [_("A measure is a baseline or a follow-up.")]
    try:
        value = Decimal(str(value))
        if not value.is_finite():
            raise ValueError
    except (ArithmeticError, ValueError):
        errors["value"] = [_("Enter a number.")]
    else:
        if value < 0 and kpi not in (Kpi.JOBS_CREATED,):
            errors["value"] = [_("This KPI cannot be negative.")]
    required_party = {OutcomeMeasure.Source.CONSULTANT: Party.CONSULTANT, OutcomeMeasure.Source.BUYER: Party.BUYER}
    if source in required_party and required_party[source] not in parties and Party.AGENCY not in parties:
        errors["source"] = [_("Only the consultant verifies, and only the buyer confirms, a measure.")]
    if not errors and measured_on > timezone.localdate():
        errors["measured_on"] = [_("A measure cannot be dated in the future.")]
    baseline = OutcomeMeasure.objects.filter(
        programme=programme, supplier=supplier, kpi=kpi, kind=OutcomeMeasure.Kind.BASELINE
    ).first()
    if not errors and kind == OutcomeMeasure.Kind.BASELINE and baseline is not None:
        errors["kind"] = [_("This KPI already has a baseline.")]
    if not errors and kind == OutcomeMeasure.Kind.FOLLOW_UP:
        if baseline is None:
            errors["kind"] = [_("Record the baseline of this KPI first.")]
        elif measured_on <= baseline.measured_on:
            errors["measured_on"] = [
                _("A follow-up must be dated after its baseline (%(day)s).") % {"day": baseline.measured_on}
            ]
    if errors:
        raise ValidationError(errors)
    measure = OutcomeMeasure.objects.create(
        programme=programme,
        supplier=supplier,
        intervention=intervention,
        kpi=kpi,
        unit=unit,
        kind=kind,
        measured_on=measured_on,
        value=value,
        source=source,
        recorded_by=actor,
    )
    if kind == OutcomeMeasure.Kind.FOLLOW_UP and intervention is not None:
        FollowUpRequest.objects.filter(
            intervention=intervention, answered_at__isnull=True, sent_at__isnull=False
        ).update(answered_at=timezone.now())
    return measure


def _schedule_follow_ups(intervention: Intervention) -> None:
    for months in FOLLOW_UP_MONTHS:
        FollowUpRequest.objects.get_or_create(
            intervention=intervention,
            months_after=months,
            defaults={"due_on": intervention.plan_ended_on + relativedelta(months=months)},
        )


def send_due_follow_ups(*, today: dt.date | None = None) -> int:
    """Ask each SME whose follow-up is due for its outcomes (once per milestone); returns how many were asked."""
    today = today or timezone.localdate()
    sent = 0
    for request in FollowUpRequest.objects.filter(sent_at__isnull=True, due_on__lte=today).select_related(
        "intervention__supplier__organisation", "intervention__programme"
    ):
        with transaction.atomic():
            claimed = FollowUpRequest.objects.filter(pk=request.pk, sent_at__isnull=True).update(sent_at=timezone.now())
            if claimed:
                transaction.on_commit(lambda r=request: follow_up_due.send(sender=FollowUpRequest, request=r))
                sent += 1
    return sent


# -- money -------------------------------------------------------------------------------------------------------------


def issue_voucher(*, actor, intervention: Intervention, kind: str, value, issued_on: dt.date) -> Voucher:
    _require_edit(actor, Edit.VOUCHER_ISSUE, intervention=intervention)
    voucher = Voucher(
        programme=intervention.programme, intervention=intervention, kind=kind, value=value, issued_on=issued_on
    )
    voucher.full_clean()
    voucher.save()
    return voucher


def redeem_voucher(*, actor, voucher: Voucher, redeemed_on: dt.date) -> Voucher:
    _require_edit(actor, Edit.VOUCHER_REDEEM, intervention=voucher.intervention)
    if voucher.redeemed_on is not None:
        raise ValidationError({"redeemed_on": [_("This voucher was already redeemed.")]})
    if redeemed_on < voucher.issued_on:
        raise ValidationError({"redeemed_on": [_("A voucher cannot be redeemed before it was issued.")]})
    voucher.redeemed_on = redeemed_on
    voucher.save(update_fields=["redeemed_on"])
    return voucher


# -- the programme certificate ----------------------------------------------------------------------------------------


def programme_standard(programme: Programme) -> CertificationStandard:
    """The programme's own certification standard, created the first time a supplier earns it."""
    if programme.certificate_standard_id:
        return programme.certificate_standard
    from taxonomy.services import find_or_create_standard

    standard = find_or_create_standard(
        code=f"programme-{programme.pk}",
        name=_("%(programme)s supplier certificate") % {"programme": programme.name},
        issuing_body=programme.agency.legal_name,
        validity_years=CERTIFICATE_VALIDITY_YEARS,
    )
    Programme.objects.filter(pk=programme.pk).update(certificate_standard=standard)
    programme.certificate_standard = standard
    return standard


@transaction.atomic
def certify_supplier(*, actor, intervention: Intervention, note: str = ""):
    """Agency staff certify a supplier whose measured improvements meet every threshold of its programme."""
    _require_edit(actor, Edit.CERTIFY, intervention=intervention)
    programme = intervention.programme
    if not programme.certificate_thresholds:
        raise ValidationError({"certificate": [_("This programme sets no thresholds to certify against.")]})
    unmet = [row["label"] for row in selectors.threshold_progress(intervention=intervention) if not row["met"]]
    if unmet:
        raise ValidationError(
            {"certificate": [_("Thresholds not met yet: %(kpis)s.") % {"kpis": ", ".join(str(k) for k in unmet)}]}
        )
    if intervention.certified_at is not None:
        raise ValidationError({"certificate": [_("This supplier is already certified by the programme.")]})
    today = timezone.localdate()
    certification = supplier_services.add_certification(
        profile=intervention.supplier,
        actor=actor,
        standard=programme_standard(programme),
        certifying_body=programme.agency.legal_name,
        issued_on=today,
        expires_on=today + relativedelta(years=CERTIFICATE_VALIDITY_YEARS),
        number=f"P{programme.pk}-{intervention.pk}",
        scope=programme.name,
    )
    supplier_services.verify_certification(certification=certification, verified_by=actor, approve=True, note=note)
    intervention.certified_at = timezone.now()
    intervention.save(update_fields=["certified_at", "updated_at"])
    _record(intervention, actor=actor, event="certified", note=note)
    return certification


# -- impact ------------------------------------------------------------------------------------------------------------

IMPACT_PENDING_SECONDS = 300


def _impact_pending_key(programme_id: int, kpi: str) -> str:
    from django.conf import settings

    # Per database, as the estimates are: another database's programme of the same id is another programme.
    return f"development:impact-pending:{settings.DATABASES['default']['NAME']}:{programme_id}:{kpi}"


def request_impact_estimate(*, programme: Programme, kpi: str) -> bool:
    """Ask a worker (the background thread on the embedded default) to work out an estimate; once per few minutes."""
    from django.core.cache import cache

    from core import jobs

    from .tasks import estimate_impact

    key = _impact_pending_key(programme.pk, kpi)
    if not cache.add(key, "pending", timeout=IMPACT_PENDING_SECONDS):
        return False
    if not jobs.send_task(estimate_impact, args=(programme.pk, kpi)):
        cache.delete(key)
        return False
    return True


def estimate_impact(*, programme_id: int, kpi: str) -> str | None:
    """Work out and cache one programme's estimate for one KPI (the worker's side); returns its verdict."""
    from django.core.cache import cache

    programme = Programme.objects.filter(pk=programme_id).first()
    if programme is None or kpi not in Kpi.values:
        return None
    estimate = selectors.programme_impact(programme=programme, kpi=kpi)
    cache.delete(_impact_pending_key(programme_id, kpi))
    return estimate.verdict
