"""Reads about supplier development: who sees what, each party's role in an intervention, progress and figures."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from accounts.models import Membership
from accounts.permissions import is_agency_staff

from .models import (
    EDIT_RIGHTS,
    KPI_UNITS,
    LOWER_IS_BETTER,
    PROGRAMME_EDITS,
    Attendance,
    Consultant,
    Intervention,
    Kpi,
    OutcomeMeasure,
    Party,
    Programme,
    TrainingSession,
)


def programmes_visible_to(*, user) -> QuerySet[Programme]:
    """Agency staff see every programme; consultants the programmes they work in; buyers and suppliers those they
    take part in."""
    if not user.is_authenticated:
        return Programme.objects.none()
    if is_agency_staff(user):
        return Programme.objects.all()
    own = Membership.objects.filter(user=user).values("organisation_id")
    ids = (
        Programme.objects.filter(
            Q(anchor_buyers__in=own)
            | Q(interventions__supplier__organisation_id__in=own)
            | Q(suppliers__organisation_id__in=own)
            | Q(interventions__consultant__user=user)
        )
        .values("pk")
        .distinct()
    )
    return Programme.objects.filter(pk__in=ids)


def interventions_visible_to(*, user) -> QuerySet[Intervention]:
    """Agency staff see all; a consultant its own; the anchor buyer its suppliers'; an SME its own."""
    if not user.is_authenticated:
        return Intervention.objects.none()
    base = Intervention.objects.select_related("programme", "supplier__organisation", "anchor_buyer", "consultant")
    if is_agency_staff(user):
        return base
    own = Membership.objects.filter(user=user).values("organisation_id")
    return base.filter(
        Q(consultant__user=user) | Q(anchor_buyer_id__in=own) | Q(supplier__organisation_id__in=own)
    ).distinct()


def parties_of(*, user, intervention: Intervention) -> set[str]:
    """The roles ``user`` holds in ``intervention`` (viewers of an organisation hold none: they only read)."""
    if not user.is_authenticated:
        return set()
    parties = set()
    if is_agency_staff(user):
        parties.add(Party.AGENCY)
    if intervention.consultant_id and intervention.consultant.user_id == user.pk:
        parties.add(Party.CONSULTANT)
    acting = Membership.objects.filter(user=user, role__in=[Membership.Role.OWNER, Membership.Role.MEMBER])
    organisations = set(acting.values_list("organisation_id", flat=True))
    if intervention.anchor_buyer_id in organisations:
        parties.add(Party.BUYER)
    if intervention.supplier.organisation_id in organisations:
        parties.add(Party.SUPPLIER)
    return parties


def consults_in(*, user, programme: Programme) -> bool:
    return user.is_authenticated and Intervention.objects.filter(programme=programme, consultant__user=user).exists()


def edit_parties(*, user, edit: str, intervention: Intervention | None = None, programme=None) -> set[str]:
    """The parties ``user`` holds for ``edit``: in the intervention, or for a programme-wide edit (enrolment,
    training) in the programme (agency staff, and any consultant working in it)."""
    if edit in PROGRAMME_EDITS or intervention is None:
        programme = programme or intervention.programme
        parties = set()
        if is_agency_staff(user):
            parties.add(Party.AGENCY)
        if consults_in(user=user, programme=programme):
            parties.add(Party.CONSULTANT)
        return parties
    return parties_of(user=user, intervention=intervention)


def may_edit(*, user, edit: str, intervention: Intervention | None = None, programme=None) -> bool:
    """Whether ``EDIT_RIGHTS`` lets ``user`` make ``edit`` (the pages show a form only then)."""
    parties = edit_parties(user=user, edit=edit, intervention=intervention, programme=programme)
    return bool(parties & EDIT_RIGHTS[edit])


def consultants_of(*, agency_id: int) -> QuerySet[Consultant]:
    return Consultant.objects.filter(agency_id=agency_id, active=True)


def _good_change(kpi: str, baseline: Decimal, latest: Decimal) -> Decimal | None:
    """The change from baseline to latest in per cent of the baseline, positive when it is an improvement."""
    if baseline == 0:
        return None
    change = (latest - baseline) / abs(baseline) * 100
    return -change if kpi in LOWER_IS_BETTER else change


def kpi_progress(*, intervention: Intervention) -> list[dict]:
    """Per KPI measured: the baseline, the latest follow-up and the improvement in per cent (in the good direction)."""
    measures = OutcomeMeasure.objects.filter(
        programme_id=intervention.programme_id, supplier_id=intervention.supplier_id
    )
    rows = {}
    for measure in measures.order_by("kpi", "measured_on", "pk"):
        row = rows.setdefault(
            measure.kpi,
            {
                "kpi": measure.kpi,
                "label": Kpi(measure.kpi).label,
                "unit": KPI_UNITS[measure.kpi],
                "baseline": None,
                "latest": None,
            },
        )
        if measure.kind == OutcomeMeasure.Kind.BASELINE:
            row["baseline"] = measure
        else:
            row["latest"] = measure
    for row in rows.values():
        row["improvement"] = (
            _good_change(row["kpi"], row["baseline"].value, row["latest"].value)
            if row["baseline"] is not None and row["latest"] is not None
            else None
        )
    return list(rows.values())


def threshold_progress(*, intervention: Intervention) -> list[dict]:
    """Per KPI the programme certifies on: the threshold, the improvement measured and whether it is met."""
    measured = {row["kpi"]: row for row in kpi_progress(intervention=intervention)}
    rows = []
    for kpi, threshold in sorted(intervention.programme.certificate_thresholds.items()):
        improvement = measured.get(kpi, {}).get("improvement")
        rows.append(
            {
                "kpi": kpi,
                "label": Kpi(kpi).label,
                "threshold": Decimal(str(threshold)),
                "improvement": improvement,
                "met": improvement is not None and improvement >= Decimal(str(threshold)),
            }
        )
    return rows


def training_figures(*, programme: Programme) -> dict:
    """Sessions, hours of training, participants and women trained."""
    sessions = TrainingSession.objects.filter(programme=programme)
    attendance = Attendance.objects.filter(session__programme=programme).aggregate(
        participants=Sum("participants"), women=Sum("women"), suppliers=Count("intervention", distinct=True)
    )
    return {
        "sessions": sessions.count(),
        "hours": sessions.aggregate(total=Sum("hours"))["total"] or Decimal("0"),
        "participants": attendance["participants"] or 0,
        "women": attendance["women"] or 0,
        "suppliers": attendance["suppliers"] or 0,
    }


def cohort_by_phase(*, programme: Programme) -> dict[int, int]:
    """Active interventions per phase."""
    return dict(
        programme.interventions.filter(status=Intervention.Status.ACTIVE)
        .values_list("phase")
        .annotate(n=Count("pk"))
        .values_list("phase", "n")
    )


def cost_split(*, programme: Programme) -> dict:
    """What the interventions cost and who pays which share."""
    total = programme.interventions.aggregate(total=Sum("cost"))["total"] or Decimal("0")
    return {
        "total": total,
        "programme": total * programme.programme_share / 100,
        "buyer": total * programme.buyer_share / 100,
        "sme": total * programme.sme_share / 100,
        "vouchers_issued": programme.vouchers.aggregate(total=Sum("value"))["total"] or Decimal("0"),
        "vouchers_redeemed": programme.vouchers.filter(redeemed_on__isnull=False).aggregate(total=Sum("value"))["total"]
        or Decimal("0"),
    }


def diagnostic_prefill(*, intervention: Intervention) -> dict[str, int]:
    """Scores a programme diagnostic can start from: the supplier's trusted readiness diagnostic, when the programme
    diagnoses on the same eight areas (empty otherwise)."""
    from suppliers.selectors import trusted_readiness

    from .models import DiagnosticTemplate

    if intervention.programme.diagnostic_template != DiagnosticTemplate.READINESS:
        return {}
    trusted = trusted_readiness(profile=intervention.supplier)
    return trusted.area_scores() if trusted else {}


IMPACT_BOOTSTRAP = 1000


def impact_observations(*, programme: Programme, kpi: str) -> list:
    """One observation per supplier measured on ``kpi`` in this programme: participants (an intervention) and the
    comparison suppliers measured outside it, each with its baseline and latest follow-up and what it is matched on."""
    from .impact import SupplierObservation

    rows = {}
    measures = (
        OutcomeMeasure.objects.filter(programme=programme, kpi=kpi)
        .select_related("supplier__organisation__industry")
        .order_by("supplier_id", "measured_on", "pk")
    )
    for measure in measures:
        organisation = measure.supplier.organisation
        row = rows.setdefault(
            measure.supplier_id,
            {
                "supplier_id": measure.supplier_id,
                "treated": measure.intervention_id is not None,
                "sector": organisation.industry.code[:2] if organisation.industry_id else "",
                "size_class": organisation.size_class or "",
                "region": (organisation.region or organisation.country.code or "").lower(),
                "baseline": None,
                "follow_up": None,
            },
        )
        row["treated"] = row["treated"] or measure.intervention_id is not None
        if measure.kind == OutcomeMeasure.Kind.BASELINE:
            row["baseline"] = float(measure.value)
        else:
            row["follow_up"] = float(measure.value)  # the latest, as measures come in date order
    return [SupplierObservation(**row) for row in rows.values() if row["baseline"] is not None]


def _impact_key(*, programme: Programme, kpi: str, method: str) -> str:
    """A key that changes with every measure recorded (and differs between databases)."""
    from django.conf import settings
    from django.db.models import Max

    stats = OutcomeMeasure.objects.filter(programme=programme, kpi=kpi).aggregate(
        n=Count("pk"), top=Max("pk"), last=Max("recorded_at")
    )
    last = stats["last"].isoformat() if stats["last"] else ""
    database = settings.DATABASES["default"]["NAME"]
    return f"development:impact:v2:{database}:{programme.pk}:{kpi}:{method}:{stats['n']}:{stats['top']}:{last}"


def cached_impact(*, programme: Programme, kpi: str, method: str = "nearest"):
    """The estimate if it was worked out since the last measure, else None (pages then ask a worker for it)."""
    from django.core.cache import cache

    return cache.get(_impact_key(programme=programme, kpi=kpi, method=method))


def programme_impact(*, programme: Programme, kpi: str, method: str = "nearest"):
    """The programme's effect on ``kpi`` against matched comparison suppliers (``development.impact``), worked out
    (a bootstrap of a thousand replicates: seconds, so a worker's job) and cached until a measure changes."""
    from django.core.cache import cache

    from .impact import estimate_impact

    key = _impact_key(programme=programme, kpi=kpi, method=method)
    estimate = cache.get(key)
    if estimate is None:
        estimate = estimate_impact(
            impact_observations(programme=programme, kpi=kpi),
            method=method,
            bootstrap=IMPACT_BOOTSTRAP,
            better_when_lower=kpi in LOWER_IS_BETTER,
        )
        cache.set(key, estimate, timeout=7 * 24 * 3600)
    return estimate


def measured_kpis(*, programme: Programme) -> list[str]:
    return list(
        OutcomeMeasure.objects.filter(programme=programme).values_list("kpi", flat=True).distinct().order_by("kpi")
    )


def development_figures(*, programme: Programme | None = None, date_from=None, date_to=None) -> dict:
    """What supplier development did, for the impact dashboard: training hours and people trained (women too), jobs
    created as the outcomes measured them (not today's headcount), and suppliers certified by a programme."""
    sessions = TrainingSession.objects.all()
    attendance = Attendance.objects.all()
    jobs = OutcomeMeasure.objects.filter(kpi=Kpi.JOBS_CREATED, kind=OutcomeMeasure.Kind.FOLLOW_UP)
    certified = Intervention.objects.filter(certified_at__isnull=False)
    if programme is not None:
        sessions = sessions.filter(programme=programme)
        attendance = attendance.filter(session__programme=programme)
        jobs = jobs.filter(programme=programme)
        certified = certified.filter(programme=programme)
    if date_from:
        sessions, attendance = (
            sessions.filter(held_on__gte=date_from),
            attendance.filter(session__held_on__gte=date_from),
        )
        jobs, certified = jobs.filter(measured_on__gte=date_from), certified.filter(certified_at__date__gte=date_from)
    if date_to:
        sessions, attendance = sessions.filter(held_on__lte=date_to), attendance.filter(session__held_on__lte=date_to)
        jobs, certified = jobs.filter(measured_on__lte=date_to), certified.filter(certified_at__date__lte=date_to)
    people = attendance.aggregate(participants=Sum("participants"), women=Sum("women"))
    # Each supplier's latest follow-up counts once: a 12-month figure replaces its 6-month one.
    latest_jobs = {}
    for supplier_id, programme_id, value in jobs.order_by("measured_on", "pk").values_list(
        "supplier_id", "programme_id", "value"
    ):
        latest_jobs[(supplier_id, programme_id)] = value
    return {
        "training_hours": sessions.aggregate(total=Sum("hours"))["total"] or Decimal("0"),
        "people_trained": people["participants"] or 0,
        "women_trained": people["women"] or 0,
        "jobs_created": sum(latest_jobs.values(), Decimal("0")),
        "suppliers_certified": certified.values("supplier_id").distinct().count(),
    }


def impact_rows(*, programme: Programme, wait: bool = False, ask=None) -> list[dict]:
    """One row per measured KPI, worded for the reader (the page, the API and the export show the same). A page never
    waits on the bootstrap: an estimate not worked out since the last measure is asked of a worker (``ask``) and the
    row says so (``pending``); an export (``wait``) works it out."""
    from .texts import impact_reason

    rows = []
    for kpi in measured_kpis(programme=programme):
        estimate = (
            programme_impact(programme=programme, kpi=kpi) if wait else cached_impact(programme=programme, kpi=kpi)
        )
        if estimate is None:
            if ask is not None:
                ask(programme=programme, kpi=kpi)
            rows.append(
                {
                    "kpi": kpi,
                    "label": str(Kpi(kpi).label),
                    "verdict": "pending",
                    "pending": True,
                    "too_few": True,
                    "reason": "",
                    "reason_codes": "",
                }
            )
            continue
        too_few = estimate.verdict == "too_few"
        low, high = estimate.interval if estimate.interval else (None, None)
        rows.append(
            {
                "kpi": kpi,
                "label": str(Kpi(kpi).label),
                "verdict": estimate.verdict,
                "pending": False,
                "too_few": too_few,
                "reason": impact_reason(estimate),
                "reason_codes": ",".join(estimate.reason_codes),
                "att": None if too_few else round(estimate.att, 2),
                "att_pct": None if too_few or estimate.att_pct is None else round(estimate.att_pct, 1),
                "low": None if low is None else round(low, 2),
                "high": None if high is None else round(high, 2),
                # Too few: the matched groups when matching ran, else those measured with a follow-up.
                "participants": estimate.participants or estimate.participants_with_follow_up,
                "comparison": estimate.comparison or estimate.comparison_with_follow_up,
                "participant_baseline": estimate.participant_baseline,
                "participant_change": estimate.participant_change,
                "comparison_baseline": estimate.comparison_baseline,
                "comparison_change": estimate.comparison_change,
            }
        )
    return rows


def consultant_workload(*, consultant: Consultant) -> dict:
    """A consultant's interventions by phase with each one's results, and the totals: active, completed, certified,
    suppliers with a measured improvement, training sessions and hours given."""
    interventions = list(
        consultant.interventions.select_related("programme", "supplier__organisation", "anchor_buyer").order_by(
            "programme__name", "phase", "supplier__organisation__legal_name"
        )
    )
    improved = 0
    for intervention in interventions:
        intervention.progress = kpi_progress(intervention=intervention)
        if any(row["improvement"] is not None and row["improvement"] > 0 for row in intervention.progress):
            improved += 1
    sessions = TrainingSession.objects.filter(consultant=consultant)
    return {
        "interventions": interventions,
        "active": sum(i.status == Intervention.Status.ACTIVE for i in interventions),
        "completed": sum(i.status == Intervention.Status.COMPLETED for i in interventions),
        "certified": sum(i.certified_at is not None for i in interventions),
        "improved": improved,
        "sessions": sessions.count(),
        "hours": sessions.aggregate(total=Sum("hours"))["total"] or Decimal("0"),
    }


def cost_per_result(*, programme: Programme, interventions) -> dict:
    """What each result cost: per intervention (of ``interventions``, those the reader sees) its co-financed cost, the
    vouchers issued and redeemed for it and what it achieved; for the whole programme what was spent (the
    interventions' cost and the vouchers redeemed) per supplier improved, per supplier certified and per person
    trained (None where there is no such result yet)."""
    rows = []
    for intervention in interventions.filter(programme=programme).prefetch_related("vouchers"):
        vouchers = list(intervention.vouchers.all())
        redeemed = sum((v.value for v in vouchers if v.redeemed_on), Decimal("0"))
        progress = kpi_progress(intervention=intervention)
        rows.append(
            {
                "intervention": intervention,
                "supplier": intervention.supplier.organisation.legal_name,
                "cost": intervention.cost,
                "vouchers_issued": sum((v.value for v in vouchers), Decimal("0")),
                "vouchers_redeemed": redeemed,
                "spent": intervention.cost + redeemed,
                "improvements": [row for row in progress if row["improvement"] is not None],
                "improved": any(row["improvement"] is not None and row["improvement"] > 0 for row in progress),
                "certified": intervention.certified_at is not None,
            }
        )
    everyone = programme.interventions.all()
    spent = (everyone.aggregate(total=Sum("cost"))["total"] or Decimal("0")) + (
        programme.vouchers.filter(redeemed_on__isnull=False).aggregate(total=Sum("value"))["total"] or Decimal("0")
    )
    improved = sum(
        1
        for intervention in everyone
        if any(
            row["improvement"] is not None and row["improvement"] > 0 for row in kpi_progress(intervention=intervention)
        )
    )
    certified = everyone.filter(certified_at__isnull=False).count()
    trained = Attendance.objects.filter(session__programme=programme).aggregate(total=Sum("participants"))["total"] or 0

    def per(count):
        return (spent / count).quantize(Decimal("0.01")) if count else None

    return {
        "rows": rows,
        "spent": spent,
        "improved": improved,
        "certified": certified,
        "trained": trained,
        "per_improved": per(improved),
        "per_certified": per(certified),
        "per_trained": per(trained),
    }
