"""Supplier-development programmes on the demo data, deterministic and idempotent (a programme that exists is left
alone), written through ``development.services`` except the backdated phase history and the outcome measures,
which are bulk-written with their business dates.

* The UNDP El Salvador model: two anchor buyers, 16 suppliers, the six-area diagnostic, co-financing 70/25/5.
* A CORFO-style two-stage programme (diagnosis, then the plan and its implementation) on the eight readiness areas,
  with vouchers, co-financing 50/40/10.

Participants' outcomes improve in the published ranges (productivity up to +41 %, sales up to +106 %, unit costs
down up to 46 %); suppliers outside the programme are measured too, improving less, as the impact estimate's
comparison group.
"""

import datetime as dt
import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from suppliers.models import SupplierProfile

from . import services
from .models import (
    KPI_UNITS,
    Attendance,
    Consultant,
    FollowUpRequest,
    ImprovementProject,
    Intervention,
    InterventionPhaseChange,
    OutcomeMeasure,
    Phase,
    Programme,
)

CONSULTANTS = {
    "Agencia de Encadenamientos Productivos": [
        ("Rebeca Solano Quirós", "consultor1@encadenamientos.demo", ["quality", "operations"]),
        ("Mauricio Arias Brenes", "consultor2@encadenamientos.demo", ["cost", "delivery"]),
        ("Daniela Chaves Rojas", "consultor3@encadenamientos.demo", ["management", "service"]),
    ],
    "Programa de Desarrollo de Proveedores": [
        ("Karla Orellana Mejía", "consultor1@desarrolloproveedores.demo", ["cost", "quality"]),
        ("José Roberto Guevara Rivas", "consultor2@desarrolloproveedores.demo", ["operations", "technical"]),
        ("Silvia Pineda Ayala", "consultor3@desarrolloproveedores.demo", ["management", "delivery"]),
    ],
}

PROGRAMMES = [
    {
        "name": "Desarrollo de Proveedores El Salvador (modelo PNUD)",
        "agency": "Programa de Desarrollo de Proveedores",
        "description": (
            "Metodología del PNUD: registro, formalización, diagnóstico en seis áreas validado por la empresa ancla y "
            "el proveedor, plan de mejora y acompañamiento, documentación y réplica."
        ),
        "anchors": (("SV",), ("MX",)),  # one anchor buyer from each
        "countries": ("SV", "MX"),
        "suppliers": 16,
        "comparison": 16,
        "years": 2,
        "template": "el_salvador_6",
        "shares": (70, 25, 5),
        "thresholds": {"productivity": 15, "sales": 20},
        "phases": [6] * 9 + [5] * 3 + [4] * 2 + [3, 2],
        "budget": 480000,
        "objectives": ["productivity", "quality", "sales"],
        "vouchers": False,
    },
    {
        "name": "Programa de Desarrollo de Proveedores en dos etapas (modelo CORFO)",
        "agency": "Agencia de Encadenamientos Productivos",
        "description": (
            "Primera etapa: diagnóstico de preparación en ocho áreas con un consultor; segunda etapa: plan de mejora "
            "cofinanciado con la empresa ancla y vales de asistencia técnica."
        ),
        "anchors": (("CR",), ("CR",)),
        "countries": ("CR",),
        "suppliers": 12,
        "comparison": 12,
        "years": 1,
        "template": "readiness_8",
        "shares": (50, 40, 10),
        "thresholds": {"productivity": 10, "unit_cost": 10},
        "phases": [6] * 4 + [5] * 3 + [4] * 2 + [2, 1, 0],
        "budget": 300000,
        "objectives": ["productivity", "delivery", "exports"],
        "vouchers": True,
    },
]

# KPI → (baseline low, high, participants' best improvement %, the comparison's typical change %)
KPIS = {
    "productivity": (8, 40, 41, 4),
    "sales": (40000, 900000, 106, 6),
    "unit_cost": (5, 80, 46, 2),  # lower is better: the improvement is a fall
}
PROJECTS = [
    ("price", "Reducción de mermas y costos unitarios", "unit_cost"),
    ("quality", "Control estadístico de procesos en la línea principal", ""),
    ("delivery", "Planificación de la producción y entregas a tiempo", ""),
    ("management", "Plan comercial con la empresa ancla", "sales"),
    ("operations", "Orden y limpieza (5S) y mantenimiento preventivo", "productivity"),
]
TOPICS = [
    "Costeo y productividad",
    "Calidad: 5S y control de procesos",
    "Entregas a tiempo y logística",
    "Gestión comercial y ventas a empresas ancla",
    "Finanzas para el crecimiento",
    "Gestión ambiental",
    "Liderazgo y organización",
    "Requisitos de compra de las multinacionales",
]


def _consultants(agency: Organisation, prefix: str, password_hash: str) -> list[Consultant]:
    roster = []
    for name, email, specialties in CONSULTANTS[prefix]:
        consultant = Consultant.objects.filter(email=email).first()
        if consultant is None:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create(email=email, full_name=name, password=password_hash)
            consultant = Consultant.objects.create(
                user=user,
                name=name,
                email=email,
                agency=agency,
                specialties=specialties,
                certified_on=dt.date(2023, 3, 1),
            )
        roster.append(consultant)
    return roster


def _pool(countries, exclude=()) -> list[SupplierProfile]:
    return list(
        SupplierProfile.objects.filter(organisation__country__in=countries)
        .filter(organisation__size_class__in=["micro", "small", "medium"])
        .exclude(pk__in=exclude)
        .select_related("organisation__industry")
        .order_by("organisation__legal_name", "pk")
    )


def _days(start: dt.date, today: dt.date, fraction: float) -> dt.date:
    return min(today, start + dt.timedelta(days=int((today - start).days * fraction)))


def _measure(rows, *, programme, supplier, intervention, kpi, kind, day, value, source, actor):
    rows.append(
        OutcomeMeasure(
            programme=programme,
            supplier=supplier,
            intervention=intervention,
            kpi=kpi,
            unit=KPI_UNITS[kpi],
            kind=kind,
            measured_on=day,
            value=Decimal(str(round(value, 2))),
            source=source,
            recorded_by=actor,
        )
    )


@transaction.atomic
def _seed_programme(spec: dict, *, today: dt.date) -> dict[str, int] | None:
    agency = Organisation.objects.filter(kind=Organisation.Kind.AGENCY, legal_name__startswith=spec["agency"]).first()
    staff = (
        User.objects.filter(memberships__organisation=agency, memberships__role__in=["owner", "member"])
        .order_by("pk")
        .first()
        if agency
        else None
    )
    anchors = []
    for countries in spec["anchors"]:
        buyer = (
            Organisation.objects.filter(kind=Organisation.Kind.MNC, country__in=countries)
            .exclude(pk__in=[a.pk for a in anchors])
            .order_by("legal_name")
            .first()
        )
        if buyer is not None:
            anchors.append(buyer)
    pool = _pool(spec["countries"])
    if staff is None or not anchors or len(pool) < 12:
        return None
    # A small demo gets a smaller cohort: half the pool at most, the rest measured for comparison.
    size = min(spec["suppliers"], len(pool) // 2)
    phases = [spec["phases"][n * len(spec["phases"]) // size] for n in range(size)]
    rng = random.Random(f"enlace-development-{spec['name']}")
    # The demo's people share one password (DEMO_PASSWORD): the consultants get the agency staff's hash, which
    # also spares hashing it again (seconds on a busy machine).
    consultants = _consultants(agency, spec["agency"], staff.password)
    starts_on = dt.date(today.year - spec["years"], 1, 15)
    programme = services.create_programme(
        actor=staff,
        agency=agency,
        anchor_buyers=anchors,
        name=spec["name"],
        description=spec["description"],
        starts_on=starts_on,
        ends_on=dt.date(today.year + 1, 6, 30),
        objectives=spec["objectives"],
        eligible_size_classes=["micro", "small", "medium"],
        diagnostic_template=spec["template"],
        budget=Decimal(spec["budget"]),
        programme_share=Decimal(spec["shares"][0]),
        buyer_share=Decimal(spec["shares"][1]),
        sme_share=Decimal(spec["shares"][2]),
        certificate_thresholds=spec["thresholds"],
    )
    participants = rng.sample(pool, size)
    chosen = {p.pk for p in participants}
    comparison = [p for p in pool if p.pk not in chosen][: spec["comparison"]]
    sessions = [
        services.record_session(
            actor=staff,
            programme=programme,
            topic=topic,
            held_on=_days(starts_on, today, 0.1 + 0.8 * n / len(TOPICS)),
            hours=Decimal(rng.choice([4, 6, 8, 12, 16])),
            consultant=consultants[n % len(consultants)],
            method=rng.choice(["workshop", "workshop", "coaching", "online"]),
        )
        for n, topic in enumerate(TOPICS[: 8 if spec["suppliers"] > 12 else 6])
    ]
    history, measures, attendance, projects = [], [], [], []
    baselines: dict[tuple[str, str], list[float]] = {}  # (KPI, country) → the participants' baselines
    counts = {"programmes": 1, "interventions": 0, "outcome measures": 0, "training sessions": len(sessions)}
    for number, (profile, phase) in enumerate(zip(participants, phases, strict=True)):
        consultant = consultants[number % len(consultants)]
        intervention = services.enrol_supplier(
            actor=staff,
            programme=programme,
            supplier=profile,
            anchor_buyer=anchors[number % len(anchors)],
            consultant=consultant if phase >= Phase.FORMALISATION else None,
            cost=Decimal(rng.randrange(6000, 18000, 500)),
        )
        counts["interventions"] += 1
        enrolled = starts_on + dt.timedelta(days=rng.randint(0, 40))
        # The phases reached, spread between enrolment and today; the last ones were recent.
        span = (today - enrolled).days
        reached = [enrolled + dt.timedelta(days=int(span * step / 7.5)) for step in range(phase + 1)]
        actor_for = {1: staff, 2: staff, 3: consultant.user, 4: staff, 5: consultant.user, 6: consultant.user}
        InterventionPhaseChange.objects.filter(intervention=intervention).update(
            at=timezone.make_aware(dt.datetime.combine(enrolled, dt.time(9)))
        )
        for to_phase in range(1, phase + 1):
            history.append(
                InterventionPhaseChange(
                    intervention=intervention,
                    from_phase=to_phase - 1,
                    to_phase=to_phase,
                    actor=actor_for[to_phase],
                    note="" if rng.random() < 0.6 else rng.choice(["Documentación completa.", "Acordado en visita."]),
                    at=timezone.make_aware(dt.datetime.combine(reached[to_phase], dt.time(10))),
                )
            )
        fields = {"phase": phase}
        if phase >= Phase.PLAN:
            confirmed = timezone.make_aware(dt.datetime.combine(reached[Phase.PLAN], dt.time(9)))
            fields.update(buyer_confirmed_at=confirmed, supplier_confirmed_at=confirmed)
        if phase >= Phase.DOCUMENTATION:
            fields["plan_ended_on"] = reached[Phase.DOCUMENTATION]
            if number % 3 == 0:
                fields["status"] = Intervention.Status.COMPLETED
        Intervention.objects.filter(pk=intervention.pk).update(**fields)
        if phase >= Phase.VALIDATION:
            areas = services.diagnostic_areas(programme)
            services.record_diagnostic(
                actor=consultant.user,
                intervention=intervention,
                areas={code: {"score": rng.randint(1, 5), "findings": ""} for code, _label in areas},
                assessed_on=reached[Phase.VALIDATION] - dt.timedelta(days=3),
            )
        if phase >= Phase.PLAN:
            status = {4: "planned", 5: "in_progress", 6: "done"}[phase]
            for aim, title, kpi in rng.sample(PROJECTS, 3):
                projects.append(
                    ImprovementProject(
                        intervention=intervention,
                        aim=aim,
                        title=title,
                        owner=profile.organisation.legal_name[:200],
                        deadline=reached[Phase.PLAN] + dt.timedelta(days=rng.randint(60, 200)),
                        status=status,
                        kpi=kpi,
                    )
                )
        if phase >= Phase.DOCUMENTATION:
            for months in (6, 12):
                due = fields["plan_ended_on"] + dt.timedelta(days=30 * months)
                past = due <= today
                when = timezone.make_aware(dt.datetime.combine(due, dt.time(8))) if past else None
                FollowUpRequest.objects.get_or_create(
                    intervention=intervention,
                    months_after=months,
                    defaults={"due_on": due, "sent_at": when, "answered_at": when},
                )
        if phase >= Phase.DIAGNOSIS:
            for session in sessions:
                if session.held_on >= reached[Phase.DIAGNOSIS] - dt.timedelta(days=60) or rng.random() < 0.3:
                    participants_count = rng.randint(1, 6)
                    attendance.append(
                        Attendance(
                            session=session,
                            intervention=intervention,
                            participants=participants_count,
                            women=rng.randint(0, participants_count),
                        )
                    )
        if spec["vouchers"] and phase >= Phase.DIAGNOSIS:
            voucher = services.issue_voucher(
                actor=staff, intervention=intervention, kind="diagnostic", value=Decimal("1500"), issued_on=reached[2]
            )
            if phase >= Phase.VALIDATION:
                services.redeem_voucher(actor=staff, voucher=voucher, redeemed_on=reached[3])
            if phase >= Phase.PLAN:
                services.issue_voucher(
                    actor=staff,
                    intervention=intervention,
                    kind="technical",
                    value=Decimal("4000"),
                    issued_on=reached[4],
                )
        # Outcomes: a baseline at enrolment; follow-ups after the plan (and one during the implementation).
        for kpi, (low, high, best, _drift) in KPIS.items():
            baseline = rng.uniform(low, high)
            baselines.setdefault((kpi, profile.organisation.country.code), []).append(baseline)
            _measure(measures, programme=programme, supplier=profile, intervention=intervention, kpi=kpi,
                     kind="baseline", day=enrolled + dt.timedelta(days=10), value=baseline, source="consultant",
                     actor=consultant.user)  # fmt: skip
            if phase < Phase.IMPLEMENTATION:
                continue
            gain = rng.uniform(0.25, 1.0) * best
            days = [reached[Phase.IMPLEMENTATION] + dt.timedelta(days=45)]
            if phase >= Phase.DOCUMENTATION:
                days.append(min(today, fields["plan_ended_on"] + dt.timedelta(days=30)))
            for n, day in enumerate(sorted({d for d in days if d <= today}), start=1):
                share = n / len(days)
                change = gain * share / 100
                value = baseline * (1 - change) if kpi == "unit_cost" else baseline * (1 + change)
                _measure(measures, programme=programme, supplier=profile, intervention=intervention, kpi=kpi,
                         kind="follow_up", day=day, value=value, source="consultant",
                         actor=consultant.user)  # fmt: skip
    # The comparison group: suppliers outside the programme, measured at the same times, improving less.
    met: dict[str, int] = {}  # comparison suppliers so far per country
    for profile in comparison:
        twins = met[profile.organisation.country.code] = met.get(profile.organisation.country.code, -1) + 1
        enrolled = starts_on + dt.timedelta(days=rng.randint(0, 40))
        for kpi, (_low, _high, _best, drift) in KPIS.items():
            # Alike at the start: each near the baseline of a participant of its country, so that participants have
            # comparable suppliers to be matched to.
            alike = baselines.get((kpi, profile.organisation.country.code)) or [
                value for (code, _country), values in baselines.items() if code == kpi for value in values
            ]
            baseline = alike[twins % len(alike)] * rng.uniform(0.9, 1.1)
            change = rng.uniform(-drift, 2 * drift) / 100
            value = baseline * (1 - change) if kpi == "unit_cost" else baseline * (1 + change)
            _measure(measures, programme=programme, supplier=profile, intervention=None, kpi=kpi, kind="baseline",
                     day=enrolled + dt.timedelta(days=10), value=baseline, source="self", actor=staff)  # fmt: skip
            _measure(measures, programme=programme, supplier=profile, intervention=None, kpi=kpi, kind="follow_up",
                     day=_days(enrolled, today, 0.9), value=value, source="self", actor=staff)  # fmt: skip
    InterventionPhaseChange.objects.bulk_create(history)
    Attendance.objects.bulk_create(attendance)
    ImprovementProject.objects.bulk_create(projects)
    OutcomeMeasure.objects.bulk_create(measures)
    counts["outcome measures"] = len(measures)
    # Agency staff certify the completed suppliers whose measured improvements meet every threshold.
    for intervention in programme.interventions.filter(status=Intervention.Status.COMPLETED).order_by("pk"):
        try:
            services.certify_supplier(actor=staff, intervention=intervention, note="Umbrales cumplidos.")
            counts["programme certificates"] = counts.get("programme certificates", 0) + 1
        except ValidationError:
            pass
    counts["phase changes"] = len(history)
    counts["improvement projects"] = ImprovementProject.objects.filter(intervention__programme=programme).count()
    return counts


def seed_development(*, today: dt.date) -> dict[str, int]:
    """Write the demo programmes that are missing; returns what it created."""
    created: dict[str, int] = {}
    for spec in PROGRAMMES:
        if Programme.objects.filter(name=spec["name"]).exists():
            continue
        counts = _seed_programme(spec, today=today)
        for name, count in (counts or {}).items():
            created[name] = created.get(name, 0) + count
    return created
