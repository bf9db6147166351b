"""Programme pages: the list, a programme's form and overview (board, training, outcomes, impact, costs, exports), an
intervention's page (timeline, moves, diagnosis, plan, attendance, outcomes) and each user's own view.

Who sees what is ``selectors.programmes_visible_to`` / ``interventions_visible_to``; who does what, the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import add_service_errors
from accounts.models import Organisation
from accounts.permissions import is_agency_staff, organisations_of
from core.spreadsheets import as_csv, as_xlsx

from . import selectors, services
from .forms import (
    AssignConsultantForm,
    AttendanceForm,
    ConsultantForm,
    DiagnosticForm,
    EnrolForm,
    MoveForm,
    NoteForm,
    OutcomeForm,
    ProgrammeForm,
    ProjectForm,
    ProjectStatusForm,
    RedeemForm,
    SessionForm,
    VoucherForm,
)
from .models import EDIT_RIGHTS, Consultant, Edit, Intervention, Kpi, OutcomeMeasure, Party, Phase, Programme, Voucher


def _require_agency(request) -> None:
    if not is_agency_staff(request.user):
        raise PermissionDenied


def _programme_or_404(request, pk) -> Programme:
    programme = selectors.programmes_visible_to(user=request.user).filter(pk=pk).first()
    if programme is None:
        raise Http404
    return programme


def _intervention_or_404(request, pk) -> Intervention:
    intervention = selectors.interventions_visible_to(user=request.user).filter(pk=pk).first()
    if intervention is None:
        raise Http404
    return intervention


@login_required
def programme_list(request):
    programmes = selectors.programmes_visible_to(user=request.user).select_related("agency")
    return render(
        request,
        "development/list.html",
        {"programmes": programmes, "may_create": is_agency_staff(request.user)},
    )


def _agency_of(user) -> Organisation | None:
    own = organisations_of(user, kind=Organisation.Kind.AGENCY)
    return own[0] if own else Organisation.objects.filter(kind=Organisation.Kind.AGENCY).order_by("pk").first()


@login_required
@require_http_methods(["GET", "POST"])
def programme_form(request, pk=None):
    _require_agency(request)
    programme = _programme_or_404(request, pk) if pk else None
    initial = ProgrammeForm.initial_from(programme) if programme else None
    form = ProgrammeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if programme is None:
                programme = services.create_programme(
                    actor=request.user,
                    agency=_agency_of(request.user),
                    anchor_buyers=form.cleaned_data["anchor_buyers"],
                    **form.service_fields(),
                )
                messages.success(request, _("Programme created."))
            else:
                services.update_programme(
                    actor=request.user,
                    programme=programme,
                    anchor_buyers=form.cleaned_data["anchor_buyers"],
                    **form.service_fields(),
                )
                messages.success(request, _("Programme saved."))
            return redirect("development:detail", pk=programme.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    status = 400 if request.method == "POST" else 200
    return render(request, "development/form.html", {"form": form, "programme": programme}, status=status)


# -- the overview -----------------------------------------------------------------------------------------------------


def _mean(values):
    values = [float(v) for v in values]
    return sum(values) / len(values) if values else None


def _outcome_rows(programme) -> list[dict]:
    """Per KPI: participants measured, the baseline mean, the latest follow-up mean and the change in per cent."""
    measures = OutcomeMeasure.objects.filter(programme=programme, intervention__isnull=False).order_by(
        "supplier_id", "kpi", "measured_on", "pk"
    )
    by_kpi: dict[str, dict] = {}
    for measure in measures:
        suppliers = by_kpi.setdefault(measure.kpi, {})
        row = suppliers.setdefault(measure.supplier_id, {"baseline": None, "latest": None})
        row["baseline" if measure.kind == OutcomeMeasure.Kind.BASELINE else "latest"] = measure.value
    rows = []
    for kpi, suppliers in sorted(by_kpi.items()):
        paired = [s for s in suppliers.values() if s["baseline"] is not None and s["latest"] is not None]
        baseline = _mean(s["baseline"] for s in paired)
        latest = _mean(s["latest"] for s in paired)
        change = (latest - baseline) / abs(baseline) * 100 if baseline else None
        rows.append(
            {
                "kpi": kpi,
                "label": str(Kpi(kpi).label),
                "measured": len(suppliers),
                "paired": len(paired),
                "baseline_mean": round(baseline, 2) if baseline is not None else None,
                "latest_mean": round(latest, 2) if latest is not None else None,
                "change_pct": round(change, 1) if change is not None else None,
            }
        )
    return rows


def _impact_rows(programme, *, wait: bool = False) -> list[dict]:
    return selectors.impact_rows(programme=programme, wait=wait, ask=services.request_impact_estimate)


def _cohort(programme, user) -> list[dict]:
    counts = selectors.cohort_by_phase(programme=programme)
    visible = (
        selectors.interventions_visible_to(user=user)
        .filter(programme=programme, status=Intervention.Status.ACTIVE)
        .order_by("supplier__organisation__legal_name")
    )
    shown: dict[int, list] = {}
    for intervention in visible:
        shown.setdefault(intervention.phase, []).append(intervention)
    return [
        {"phase": phase, "label": label, "count": counts.get(phase, 0), "interventions": shown.get(phase, [])}
        for phase, label in Phase.choices
    ]


def _cost_rows(programme) -> list[dict]:
    split = selectors.cost_split(programme=programme)
    return [
        {"item": _("Total cost of the interventions"), "amount": split["total"], "share": 100},
        {"item": _("Programme"), "amount": split["programme"], "share": programme.programme_share},
        {"item": _("Anchor buyer"), "amount": split["buyer"], "share": programme.buyer_share},
        {"item": _("SME"), "amount": split["sme"], "share": programme.sme_share},
        {"item": _("Vouchers issued"), "amount": split["vouchers_issued"], "share": None},
        {"item": _("Vouchers redeemed"), "amount": split["vouchers_redeemed"], "share": None},
    ]


def _chart_data(outcomes, impact) -> dict:
    estimable = [row for row in impact if not row["too_few"]]
    return {
        "labels": {
            "baseline": _("Baseline mean"),
            "latest": _("Latest mean"),
            "change": _("Change %"),
            "att": _("Effect (% of baseline)"),
            "low": _("Interval low"),
            "high": _("Interval high"),
        },
        "kpis": [row["label"] for row in outcomes],
        "change": [row["change_pct"] for row in outcomes],
        "impact_kpis": [row["label"] for row in estimable],
        "att_pct": [row["att_pct"] for row in estimable],
        "interval_pct": [
            [_pct(row["low"], row), _pct(row["high"], row)] if row["low"] is not None else None for row in estimable
        ],
    }


def _pct(value, row):
    base = row["participant_baseline"]
    return round(value / abs(base) * 100, 1) if base else None


def _overview(request, programme, *, enrol_form=None, session_form=None, status=200):
    user = request.user
    agency = is_agency_staff(user)
    consultant = selectors.consults_in(user=user, programme=programme)
    outcomes = _outcome_rows(programme)
    impact = _impact_rows(programme)
    context = {
        "programme": programme,
        "is_agency": agency,
        "cohort": _cohort(programme, user),
        "training": selectors.training_figures(programme=programme),
        "sessions": programme.sessions.select_related("consultant")[:20],
        "outcomes": outcomes,
        "impact": impact,
        "costs": _cost_rows(programme),
        "charts": _chart_data(outcomes, impact),
        "enrol_form": enrol_form or (EnrolForm(programme=programme) if agency else None),
        "session_form": session_form or (SessionForm() if agency or consultant else None),
        "tables": EXPORT_TABLES,
    }
    return render(request, "development/detail.html", context, status=status)


@login_required
def programme_detail(request, pk):
    return _overview(request, _programme_or_404(request, pk))


@login_required
@require_POST
def programme_enrol(request, pk):
    programme = _programme_or_404(request, pk)
    _require_agency(request)
    form = EnrolForm(request.POST, programme=programme)
    if form.is_valid():
        try:
            intervention = services.enrol_supplier(actor=request.user, programme=programme, **form.cleaned_data)
            messages.success(request, _("Supplier enrolled."))
            return redirect("development:intervention", pk=intervention.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    return _overview(request, programme, enrol_form=form, status=400)


@login_required
@require_POST
def programme_session(request, pk):
    programme = _programme_or_404(request, pk)
    if not (is_agency_staff(request.user) or selectors.consults_in(user=request.user, programme=programme)):
        raise PermissionDenied
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            services.record_session(actor=request.user, programme=programme, **form.cleaned_data)
            messages.success(request, _("Training session recorded."))
            return redirect("development:detail", pk=programme.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    return _overview(request, programme, session_form=form, status=400)


# -- exports ----------------------------------------------------------------------------------------------------------


def _cohort_table(programme, user):
    return [
        {
            "supplier": i.supplier.organisation.legal_name,
            "anchor_buyer": i.anchor_buyer.legal_name if i.anchor_buyer else "",
            "consultant": i.consultant.name if i.consultant else "",
            "phase": str(i.get_phase_display()),
            "status": str(i.get_status_display()),
            "cost": i.cost,
        }
        for i in selectors.interventions_visible_to(user=user).filter(programme=programme)
    ]


def _training_table(programme, user):
    return [
        {
            "topic": s.topic,
            "held_on": s.held_on.isoformat(),
            "hours": s.hours,
            "method": str(s.get_method_display()),
            "trainer": s.trainer or (s.consultant.name if s.consultant else ""),
        }
        for s in programme.sessions.select_related("consultant")
    ]


def _voucher_table(programme, user):
    visible = selectors.interventions_visible_to(user=user)
    return [
        {
            "supplier": v.intervention.supplier.organisation.legal_name,
            "kind": str(v.get_kind_display()),
            "value": v.value,
            "issued_on": v.issued_on.isoformat(),
            "redeemed_on": v.redeemed_on.isoformat() if v.redeemed_on else "",
        }
        for v in Voucher.objects.filter(programme=programme, intervention__in=visible).select_related(
            "intervention__supplier__organisation"
        )
    ]


def _results_table(programme, user):
    results = selectors.cost_per_result(
        programme=programme, interventions=selectors.interventions_visible_to(user=user)
    )
    return [
        {
            **{key: row[key] for key in ("supplier", "cost", "vouchers_issued", "vouchers_redeemed", "spent")},
            "improved": _("yes") if row["improved"] else _("no"),
            "certified": _("yes") if row["certified"] else _("no"),
        }
        for row in results["rows"]
    ]


EXPORT_TABLES = {
    "cohort": (
        _("Cohort"),
        ["supplier", "anchor_buyer", "consultant", "phase", "status", "cost"],
        _cohort_table,
    ),
    "training": (_("Training"), ["topic", "held_on", "hours", "method", "trainer"], _training_table),
    "outcomes": (
        _("Outcomes"),
        ["kpi", "label", "measured", "paired", "baseline_mean", "latest_mean", "change_pct"],
        lambda programme, user: _outcome_rows(programme),
    ),
    "impact": (
        _("Impact"),
        ["kpi", "label", "verdict", "att", "att_pct", "low", "high", "participants", "comparison", "reason"],
        lambda programme, user: _impact_rows(programme, wait=True),
    ),
    "costs": (_("Costs"), ["item", "amount", "share"], lambda programme, user: _cost_rows(programme)),
    "vouchers": (
        _("Vouchers"),
        ["supplier", "kind", "value", "issued_on", "redeemed_on"],
        lambda programme, user: _voucher_table(programme, user),
    ),
    "results": (
        _("Cost per result"),
        ["supplier", "cost", "vouchers_issued", "vouchers_redeemed", "spent", "improved", "certified"],
        lambda programme, user: _results_table(programme, user),
    ),
}


@login_required
def programme_export(request, pk, table, fmt):
    programme = _programme_or_404(request, pk)
    if table not in EXPORT_TABLES or fmt not in ("csv", "xlsx"):
        raise Http404
    title, columns, rows_of = EXPORT_TABLES[table]
    rows = rows_of(programme, request.user)
    if fmt == "csv":
        response = HttpResponse(as_csv(columns, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            as_xlsx(str(title), columns, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="programme-{programme.pk}-{table}.{fmt}"'
    return response


# -- an intervention --------------------------------------------------------------------------------------------------


def _intervention_context(request, intervention, forms: dict | None = None) -> dict:
    user = request.user
    parties = selectors.parties_of(user=user, intervention=intervention)
    programme = intervention.programme
    active = intervention.status == Intervention.Status.ACTIVE
    may_diagnose = active and bool(parties & EDIT_RIGHTS[Edit.DIAGNOSTIC])
    may_plan = active and bool(parties & EDIT_RIGHTS[Edit.PROJECT_ADD])
    may_measure = bool(parties & EDIT_RIGHTS[Edit.OUTCOME])
    may_attend = selectors.may_edit(user=user, edit=Edit.ATTENDANCE, intervention=intervention)
    forms = forms or {}
    areas = services.diagnostic_areas(programme)
    diagnostics = list(intervention.diagnostics.select_related("assessed_by")[:5])
    labels = dict(areas)
    for diagnostic in diagnostics:
        order = [code for code, _label in areas] + sorted(set(diagnostic.areas) - set(labels))
        diagnostic.rows = [
            (labels.get(code, code), diagnostic.areas[code].get("score"), diagnostic.areas[code].get("findings", ""))
            for code in order
            if code in diagnostic.areas
        ]
    confirmed = (Party.BUYER in parties and intervention.buyer_confirmed_at is None) or (
        Party.SUPPLIER in parties and intervention.supplier_confirmed_at is None
    )
    return {
        "intervention": intervention,
        "programme": programme,
        "parties": parties,
        "timeline": intervention.phase_changes.select_related("actor"),
        "moves": [
            (phase, Phase(phase).label) for phase in services.moves_for(parties=parties, phase=intervention.phase)
        ]
        if active
        else [],
        "may_confirm": active and intervention.phase == Phase.VALIDATION and confirmed,
        "is_agency": Party.AGENCY in parties,
        "active": active,
        "diagnostics": diagnostics,
        "diagnostic_form": forms.get("diagnostic")
        or (
            DiagnosticForm(areas=areas, prefill=selectors.diagnostic_prefill(intervention=intervention))
            if may_diagnose
            else None
        ),
        "projects": intervention.projects.all(),
        "project_form": forms.get("project") or (ProjectForm() if may_plan else None),
        "may_update_projects": bool(parties & EDIT_RIGHTS[Edit.PROJECT_UPDATE]),
        "project_statuses": ProjectStatusForm.base_fields["status"].choices,
        "attendance": intervention.attendance.select_related("session").order_by("-session__held_on"),
        "attendance_form": forms.get("attendance") or (AttendanceForm(programme=programme) if may_attend else None),
        "progress": selectors.kpi_progress(intervention=intervention),
        "thresholds": selectors.threshold_progress(intervention=intervention),
        "outcome_form": forms.get("outcome") or (OutcomeForm() if may_measure else None),
        "note_form": NoteForm(),
        "consultant_form": forms.get("consultant")
        or (
            AssignConsultantForm(programme=programme, initial={"consultant": intervention.consultant_id})
            if active and parties & EDIT_RIGHTS[Edit.ASSIGN_CONSULTANT]
            else None
        ),
    }


@login_required
def intervention_detail(request, pk):
    intervention = _intervention_or_404(request, pk)
    return render(request, "development/intervention.html", _intervention_context(request, intervention))


def _done(request, intervention, message):
    messages.success(request, message)
    return redirect("development:intervention", pk=intervention.pk)


def _refused(request, intervention, error: ValidationError):
    messages.error(request, " ".join(error.messages))
    return redirect("development:intervention", pk=intervention.pk)


@login_required
@require_POST
def intervention_move(request, pk):
    intervention = _intervention_or_404(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a phase to move to."))
        return redirect("development:intervention", pk=intervention.pk)
    try:
        services.move_phase(actor=request.user, intervention=intervention, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, intervention, error)
    return _done(
        request, intervention, _("Moved to %(phase)s.") % {"phase": Phase(form.cleaned_data["to_phase"]).label}
    )


@login_required
@require_POST
def intervention_status(request, pk, action):
    """Confirm the diagnosis (buyer, supplier); complete, withdraw or certify (agency staff)."""
    intervention = _intervention_or_404(request, pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if action == "confirm":
            services.confirm_diagnosis(actor=request.user, intervention=intervention, note=note)
            message = _("Diagnosis confirmed.")
        elif action in ("complete", "withdraw"):
            services.close_intervention(
                actor=request.user, intervention=intervention, withdrawn=action == "withdraw", note=note
            )
            message = _("Intervention closed.")
        elif action == "certify":
            services.certify_supplier(actor=request.user, intervention=intervention, note=note)
            message = _("Supplier certified.")
        else:
            raise Http404
    except ValidationError as error:
        return _refused(request, intervention, error)
    return _done(request, intervention, message)


def _form_post(request, intervention, key, form, write, message):
    if form.is_valid():
        try:
            write(form)
            return _done(request, intervention, message)
        except ValidationError as error:
            add_service_errors(form, error)
    context = _intervention_context(request, intervention, {key: form})
    return render(request, "development/intervention.html", context, status=400)


@login_required
@require_POST
def intervention_diagnostic(request, pk):
    intervention = _intervention_or_404(request, pk)
    form = DiagnosticForm(request.POST, areas=services.diagnostic_areas(intervention.programme))

    def write(form):
        try:
            services.record_diagnostic(
                actor=request.user,
                intervention=intervention,
                areas=form.areas_data(),
                assessed_on=form.cleaned_data["assessed_on"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                raise ValidationError(
                    {form.service_field(field): messages for field, messages in error.message_dict.items()}
                ) from error
            raise

    return _form_post(request, intervention, "diagnostic", form, write, _("Diagnosis recorded."))


@login_required
@require_POST
def intervention_project(request, pk):
    intervention = _intervention_or_404(request, pk)
    return _form_post(
        request,
        intervention,
        "project",
        ProjectForm(request.POST),
        lambda form: services.add_project(actor=request.user, intervention=intervention, **form.cleaned_data),
        _("Project added to the plan."),
    )


@login_required
@require_POST
def project_status(request, pk, project_pk):
    intervention = _intervention_or_404(request, pk)
    project = intervention.projects.filter(pk=project_pk).first()
    form = ProjectStatusForm(request.POST)
    if project is None:
        raise Http404
    if not form.is_valid():
        messages.error(request, _("Choose one of the statuses."))
        return redirect("development:intervention", pk=intervention.pk)
    services.update_project(actor=request.user, project=project, status=form.cleaned_data["status"])
    return _done(request, intervention, _("Project updated."))


@login_required
@require_POST
def intervention_attendance(request, pk):
    intervention = _intervention_or_404(request, pk)
    return _form_post(
        request,
        intervention,
        "attendance",
        AttendanceForm(request.POST, programme=intervention.programme),
        lambda form: services.record_attendance(actor=request.user, intervention=intervention, **form.cleaned_data),
        _("Attendance recorded."),
    )


@login_required
@require_POST
def intervention_outcome(request, pk):
    intervention = _intervention_or_404(request, pk)
    return _form_post(
        request,
        intervention,
        "outcome",
        OutcomeForm(request.POST),
        lambda form: services.record_outcome(
            actor=request.user,
            programme=intervention.programme,
            supplier=intervention.supplier,
            **form.service_fields(),
        ),
        _("Measure recorded."),
    )


@login_required
@require_POST
def intervention_consultant(request, pk):
    intervention = _intervention_or_404(request, pk)
    return _form_post(
        request,
        intervention,
        "consultant",
        AssignConsultantForm(request.POST, programme=intervention.programme),
        lambda form: services.assign_consultant(actor=request.user, intervention=intervention, **form.cleaned_data),
        _("Consultant assigned."),
    )


# -- the consultants' roster ------------------------------------------------------------------------------------------


@login_required
def consultant_list(request):
    """The roster, for agency staff: each consultant's specialties, sectors, certification and workload."""
    _require_agency(request)
    consultants = Consultant.objects.select_related("agency", "user").order_by("-active", "name")
    load = dict(
        Intervention.objects.filter(status=Intervention.Status.ACTIVE, consultant__isnull=False)
        .values_list("consultant")
        .annotate(n=Count("pk"))
        .values_list("consultant", "n")
    )
    for consultant in consultants:
        consultant.load = load.get(consultant.pk, 0)
        consultant.specialty_labels = [str(Consultant.Specialty(code).label) for code in consultant.specialties]
    return render(request, "development/consultants.html", {"consultants": consultants})


@login_required
@require_http_methods(["GET", "POST"])
def consultant_form(request, pk=None):
    _require_agency(request)
    consultant = get_object_or_404(Consultant, pk=pk) if pk else None
    initial = ConsultantForm.initial_from(consultant) if consultant else None
    form = ConsultantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if consultant is None:
                consultant = services.add_consultant(
                    actor=request.user, agency=_agency_of(request.user), **form.cleaned_data
                )
                messages.success(request, _("Consultant added to the roster."))
            else:
                services.update_consultant(actor=request.user, consultant=consultant, **form.cleaned_data)
                messages.success(request, _("Consultant saved."))
            return redirect("development:consultant", pk=consultant.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    status = 400 if request.method == "POST" else 200
    return render(request, "development/consultant_form.html", {"form": form, "consultant": consultant}, status=status)


@login_required
def consultant_detail(request, pk):
    """A consultant's workload and results: agency staff, and the consultant itself."""
    consultant = Consultant.objects.filter(pk=pk).select_related("agency", "user").first()
    if consultant is None or not (is_agency_staff(request.user) or consultant.user_id == request.user.pk):
        raise Http404
    context = {
        "consultant": consultant,
        "workload": selectors.consultant_workload(consultant=consultant),
        "specialty_labels": [str(Consultant.Specialty(code).label) for code in consultant.specialties],
        "is_agency": is_agency_staff(request.user),
    }
    return render(request, "development/consultant.html", context)


# -- vouchers and what each result cost -------------------------------------------------------------------------------


def _vouchers_page(request, programme, *, voucher_form=None, status=200):
    user = request.user
    visible = selectors.interventions_visible_to(user=user)
    agency = is_agency_staff(user)
    context = {
        "programme": programme,
        "vouchers": Voucher.objects.filter(programme=programme, intervention__in=visible)
        .select_related("intervention__supplier__organisation")
        .order_by("-issued_on", "pk"),
        "results": selectors.cost_per_result(programme=programme, interventions=visible),
        "may_issue": agency,
        "voucher_form": voucher_form or (VoucherForm(programme=programme) if agency else None),
        "redeem_form": RedeemForm(),
    }
    return render(request, "development/vouchers.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def programme_vouchers(request, pk):
    """The programme's vouchers (diagnostic, training, technical assistance), issued and redeemed, and what each
    result cost; agency staff issue vouchers here."""
    programme = _programme_or_404(request, pk)
    if request.method == "GET":
        return _vouchers_page(request, programme)
    _require_agency(request)
    form = VoucherForm(request.POST, programme=programme)
    if form.is_valid():
        try:
            services.issue_voucher(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Voucher issued."))
            return redirect("development:vouchers", pk=programme.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    return _vouchers_page(request, programme, voucher_form=form, status=400)


@login_required
@require_POST
def voucher_redeem(request, pk):
    visible = selectors.interventions_visible_to(user=request.user)
    voucher = Voucher.objects.filter(pk=pk, intervention__in=visible).select_related("programme").first()
    if voucher is None:
        raise Http404
    form = RedeemForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the voucher was redeemed."))
    else:
        try:
            services.redeem_voucher(actor=request.user, voucher=voucher, **form.cleaned_data)
            messages.success(request, _("Voucher redeemed."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("development:vouchers", pk=voucher.programme_id)


# -- the user's own ---------------------------------------------------------------------------------------------------


@login_required
def mine(request):
    """What the user's parties give it: an SME its interventions, a consultant its workload, an anchor buyer its
    suppliers' progress."""
    user = request.user
    visible = selectors.interventions_visible_to(user=user).order_by("programme__name", "phase")
    own = [m.organisation_id for m in user.memberships.all()]
    sections = []
    for key, title, rows in (
        ("supplier", _("Your development"), visible.filter(supplier__organisation_id__in=own)),
        ("consultant", _("Your workload as a consultant"), visible.filter(consultant__user=user)),
        ("buyer", _("Your suppliers' progress"), visible.filter(anchor_buyer_id__in=own)),
    ):
        rows = list(rows)
        for intervention in rows:
            intervention.progress = selectors.kpi_progress(intervention=intervention)
        if rows:
            by_phase = {}
            for intervention in rows:
                by_phase.setdefault(intervention.get_phase_display(), []).append(intervention)
            sections.append({"key": key, "title": title, "interventions": rows, "by_phase": by_phase})
    if not sections and not is_agency_staff(user):
        raise Http404
    consultant = Consultant.objects.filter(user=user).first()
    return render(
        request,
        "development/mine.html",
        {"sections": sections, "is_agency": is_agency_staff(user), "consultant": consultant},
    )
