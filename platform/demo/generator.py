"""Deterministic, idempotent demo data for Enlace.

Everything is planned in memory from one seeded random generator first, then written where missing, so a
second run finds every natural key (e-mail, tax id, requirement title) and writes nothing.
"""

import datetime as dt
import random
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from accounts.tax_ids import validators_for
from buyers.models import RequiredCertification, Requirement, RequirementInvitation
from development.demo import seed_development
from development.models import Consultant
from events.demo import seed_events
from linkages.services import mark_dormant_linkages
from matching import services as matching_services
from matching.models import RankerModel
from notifications.services import scan_expiring_certifications
from reporting.demo import seed_reporting
from suppliers.models import (
    DIAGNOSTIC_AREAS,
    Capability,
    Certification,
    Machine,
    ReadinessDiagnostic,
    SupplierProfile,
)
from taxonomy.models import Category, CertificationStandard, Industry
from taxonomy.services import load_reference_data

from . import data
from .alerts import seed_alerts
from .conversations import seed_conversations
from .forecasts import seed_forecasts
from .history import seed_history
from .marketplace import seed_marketplace
from .progress import Progress, Stage

DEMO_PASSWORD = "enlace-demo-2026"  # noqa: S105 - the documented password of the demo accounts
SEED = 2026
AREAS = [name for name, _label in DIAGNOSTIC_AREAS]
BUYER_ISIC = {
    "medical": "3250",
    "electronics": "2610",
    "automotive": "2930",
    "aerospace": "3030",
    "food": "1050",
    "mining": "0729",
}
LANGUAGE_OF = {"BR": "pt"}


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40]


def valid_tax_id(rng: random.Random, country: str) -> str:
    """A tax id that python-stdnum accepts for the country, found by drawing candidates in its format."""
    digits = "0123456789"
    formats = {
        "CR": lambda: "3101" + "".join(rng.choice(digits) for _ in range(6)),
        "MX": lambda: (
            "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXZ") for _ in range(3))
            + f"{rng.randint(90, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            + "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXZ0123456789") for _ in range(3))
        ),
        "CL": lambda: str(rng.randint(76_000_000, 77_999_999)) + rng.choice("0123456789K"),
        "CO": lambda: "9" + "".join(rng.choice(digits) for _ in range(9)),
        "PE": lambda: "20" + "".join(rng.choice(digits) for _ in range(9)),
        "BR": lambda: (
            "".join(rng.choice(digits) for _ in range(8)) + "0001" + "".join(rng.choice(digits) for _ in range(2))
        ),
        "SV": lambda: (
            "0614"
            + f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(0, 99):02d}"
            + "".join(rng.choice(digits) for _ in range(4))
        ),
    }
    modules = validators_for(country)
    for _attempt in range(5000):
        candidate = formats[country]()
        for module in modules:
            try:
                return module.compact(module.validate(candidate))
            except Exception:  # noqa: S112 - an invalid candidate is simply drawn again
                continue
    raise RuntimeError(f"could not draw a valid tax id for {country}")


@dataclass
class Plan:
    """What the demo consists of, before anything is written."""

    agencies: list = field(default_factory=list)
    buyers: list = field(default_factory=list)
    smes: list = field(default_factory=list)
    requirements: list = field(default_factory=list)


def person_name(email: str, country: str) -> str:
    """A name as people in the country have them (given name, then two surnames), the same for an e-mail address
    on every run. Drawn from a generator of its own, so naming people changes no other draw of the plan."""
    rng = random.Random(f"{SEED}-person-{email}")
    first, second = rng.sample(data.SURNAMES[country], k=2)
    return f"{rng.choice(data.GIVEN_NAMES[country])} {first} {second}"


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def plan_demo(*, smes: int = 300, requirements: int = 50, today: dt.date) -> Plan:
    rng = random.Random(SEED)
    plan = Plan()
    plan.agencies = [
        {
            "legal_name": "Agencia de Encadenamientos Productivos",
            "country": "CR",
            "city": "San José",
            "staff": [
                ("staff@encadenamientos.demo", "Laura Jiménez Mora"),
                ("analyst@encadenamientos.demo", "Andrés Vargas Solís"),
            ],
        },
        {
            "legal_name": "Programa de Desarrollo de Proveedores — Cámara de Industria",
            "country": "SV",
            "city": "San Salvador",
            "staff": [("staff@desarrolloproveedores.demo", "Marta Hernández Portillo")],
        },
    ]
    for sector, country, city_index, trade, legal in data.BUYERS:
        city = data.CITIES[country][city_index]
        slug = slugify(trade)
        plan.buyers.append(
            {
                "sector": sector,
                "country": country,
                "city": city,
                "trade_name": trade,
                "legal_name": legal,
                "tax_id": valid_tax_id(rng, country),
                "employees": rng.randint(400, 4000),
                "users": [
                    (email, role, person_name(email, country))
                    for email, role in [
                        (f"buyer@{slug}.demo", "owner"),
                        (f"analyst@{slug}.demo", rng.choice(["member", "viewer"])),
                    ]
                ],
            }
        )
    used_names = set()
    sector_weights = {name: sector["weight"] for name, sector in data.SECTORS.items()}
    for index in range(smes):
        country = _weighted(rng, data.COUNTRY_WEIGHTS)
        sector_key = _weighted(rng, sector_weights)
        sector = data.SECTORS[sector_key]
        language = LANGUAGE_OF.get(country, "es")
        stem = rng.choice(sector["stems"][language])
        name = f"{stem} {rng.choice(data.NAME_WORDS)}"
        while name in used_names:
            name = f"{stem} {rng.choice(data.NAME_WORDS)} {rng.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ')}"
        used_names.add(name)
        city = rng.choice(data.CITIES[country])
        size = rng.choices(["micro", "small", "medium"], weights=[0.3, 0.45, 0.25])[0]
        employees = {"micro": rng.randint(3, 10), "small": rng.randint(11, 50), "medium": rng.randint(51, 250)}[size]
        capabilities = []
        for _ in range(rng.randint(1, 4)):
            text_language = language if rng.random() < 0.8 else "en"
            code, template = rng.choice(sector["texts"][text_language])
            capabilities.append(
                {
                    "category": code,
                    "language": text_language,
                    "description": template.format(material=rng.choice(sector["materials"][text_language])),
                    "keywords": rng.sample(sector["keywords"][text_language], k=3),
                    "monthly_capacity": Decimal(rng.randrange(*sector["capacity"], step=100)),
                    "unit": sector["unit"],
                    "lead_time_days": rng.choice([5, 7, 10, 15, 21, 30, 45]),
                    "minimum_order": Decimal(rng.choice([0, 50, 100, 500, 1000, 5000])),
                }
            )
        certifications = []
        for standard in rng.sample(sector["certs"], k=rng.randint(0, min(3, len(sector["certs"])))):
            roll = rng.random()
            issued = today - dt.timedelta(days=rng.randint(200, 1000))
            if roll < 0.15:
                issued = today - dt.timedelta(days=rng.randint(500, 1400))  # lapsed: still after its issue
                expires = today - dt.timedelta(days=rng.randint(1, 300))
            elif roll < 0.25:
                expires = today + dt.timedelta(days=rng.randint(1, 30))  # about to lapse
            else:
                expires = today + dt.timedelta(days=rng.randint(60, 900))
            certifications.append(
                {
                    "standard": standard,
                    "issued_on": issued,
                    "expires_on": expires,
                    "body": rng.choice(data.CERTIFYING_BODIES[country]),
                    "number": f"{country}-{standard.upper().replace('-', '')}-{rng.randint(1000, 99999)}",
                    "verified": rng.random() < 0.7,
                }
            )
        diagnostics = []
        if rng.random() < 0.7:
            base = {"micro": 2, "small": 3, "medium": 3.6}[size]
            for months_ago in sorted(rng.sample([3, 14, 26], k=rng.randint(1, 2)), reverse=True):
                diagnostics.append(
                    {
                        "assessed_on": today - dt.timedelta(days=30 * months_ago),
                        "areas": {
                            area: max(1, min(5, round(rng.gauss(base + (0.4 if months_ago < 12 else 0), 0.8))))
                            for area in AREAS
                        },
                    }
                )
        machines = [
            {"name": m[0], "manufacturer": m[1], "quantity": rng.randint(1, 6), "year": rng.randint(2005, 2024)}
            for m in rng.sample(sector["machines"], k=rng.randint(1, len(sector["machines"])))
        ]
        slug = slugify(name)
        plan.smes.append(
            {
                "index": index,
                "legal_name": f"{name} {data.LEGAL_SUFFIX[country]}",
                "trade_name": name,
                "country": country,
                "city": city,
                "sector": sector_key,
                "size": size,
                "employees": employees,
                "women": round(employees * rng.uniform(0.15, 0.6)),
                "year_founded": rng.randint(1975, 2021),
                "sales_band": {
                    "micro": "lt100k",
                    "small": rng.choice(["100k-1m", "1m-10m"]),
                    "medium": rng.choice(["1m-10m", "10m-50m"]),
                }[size],
                "exports": rng.sample(data.EXPORT_MARKETS, k=rng.randint(0, 3)),
                "language": language,
                "tax_id": valid_tax_id(rng, country),
                "email": f"owner@{slug}-{index}.demo",
                "owner_name": person_name(f"owner@{slug}-{index}.demo", country),
                "published": rng.random() < 0.85,
                "verification": rng.choices(["verified", "pending", "rejected"], weights=[0.65, 0.3, 0.05])[0],
                "summary": _summary(sector_key, language, city[0], employees),
                "capabilities": capabilities,
                "certifications": certifications,
                "diagnostics": diagnostics,
                "machines": machines,
            }
        )
    templates = [(sector, template) for sector, items in data.REQUIREMENTS.items() for template in items]
    buyers_by_sector = {}
    for buyer in plan.buyers:
        buyers_by_sector.setdefault(buyer["sector"], []).append(buyer)
    for index in range(requirements):
        sector, template = templates[index % len(templates)]
        language, title, spec, codes, certs, quantity, unit, value = template
        buyer = buyers_by_sector[sector][index // len(templates) % len(buyers_by_sector[sector])]
        lot = index // len(templates)
        # Fixed patterns rather than draws, so even a small demo shows every status and visibility.
        status = {4: "draft", 7: "closed", 9: "awarded"}.get(index % 10, "open")
        visibility = "invited" if index % 6 == 2 else "agency" if index % 13 == 5 else "public"
        currency = {"CR": "USD", "MX": "MXN", "BR": "BRL", "CL": "CLP", "PE": "PEN", "SV": "USD"}[buyer["country"]]
        rate = {"USD": 1, "MXN": 18, "BRL": 5, "CLP": 930, "PEN": 3.7}[currency]
        plan.requirements.append(
            {
                "buyer_tax_id": buyer["tax_id"],
                "buyer_country": buyer["country"],
                "title": title if lot == 0 else f"{title} — {'lote' if language != 'en' else 'lot'} {lot + 1}",
                "specification": spec,
                "codes": codes,
                "certs": certs,
                "quantity": Decimal(quantity),
                "unit": unit,
                "value": Decimal(round(value * rate * rng.uniform(0.8, 1.2))),
                "currency": currency,
                "city": buyer["city"],
                "needed_by": today + dt.timedelta(days=rng.randint(30, 240)),
                "status": status,
                "visibility": visibility,
                "restrict": rng.random() < 0.2,
                "invite_count": rng.randint(3, 6) if visibility == "invited" else 0,
                "sector": sector,
            }
        )
    return plan


def _summary(sector: str, language: str, city: str, employees: int) -> str:
    texts = {
        "es": {
            "metal": "Taller metalmecánico",
            "plastics": "Transformador de plásticos",
            "packaging": "Fabricante de empaques",
            "printing": "Empresa de artes gráficas",
            "logistics": "Operador logístico",
            "dairy": "Planta de productos lácteos",
            "chemicals": "Formulador de productos químicos",
            "services": "Empresa de servicios industriales",
        },
        "pt": {
            "metal": "Empresa metalúrgica",
            "plastics": "Transformadora de plásticos",
            "packaging": "Fabricante de embalagens",
            "printing": "Gráfica",
            "logistics": "Operador logístico",
            "dairy": "Laticínio",
            "chemicals": "Indústria química",
            "services": "Empresa de serviços industriais",
        },
    }
    if language == "pt":
        return f"{texts['pt'][sector]} em {city} com {employees} colaboradores, fornecedor de empresas multinacionais."
    return f"{texts['es'][sector]} en {city} con {employees} colaboradores; proveedor de empresas multinacionales."


class DemoWriter:
    def __init__(self, *, today: dt.date, stage: Stage | None = None):
        self.today = today
        self.stage = stage
        self.password_hash = make_password(DEMO_PASSWORD)  # hashed once: hashing per user would take minutes
        self.created: dict[str, int] = {}
        self.categories = {c.code: c for c in Category.objects.filter(scheme="CPV")}
        self.standards = {s.code: s for s in CertificationStandard.objects.all()}
        self.industries = {i.code: i for i in Industry.objects.filter(level=Industry.Level.CLASS)}

    def count(self, name: str) -> None:
        self.created[name] = self.created.get(name, 0) + 1

    def user(self, email: str, full_name: str = "", **extra) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create(email=email, full_name=full_name, password=self.password_hash, **extra)
            self.count("users")
        elif full_name and not user.full_name:
            # A demo seeded before its people had names gets them; a name someone has set is left alone.
            user.full_name = full_name
            user.save(update_fields=["full_name"])
            self.count("names given")
        return user

    def organisation(self, *, country, tax_id="", legal_name, **fields) -> Organisation:
        lookup = {"country": country, "tax_id_normalised": tax_id} if tax_id else {"legal_name": legal_name}
        organisation = Organisation.objects.filter(**lookup).first()
        if organisation is None:
            organisation = Organisation.objects.create(
                country=country, tax_id=tax_id, tax_id_normalised=tax_id, legal_name=legal_name, **fields
            )
            self.count("organisations")
        return organisation

    def member(self, user, organisation, role) -> None:
        _membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": role}
        )
        if created:
            self.count("memberships")

    @transaction.atomic
    def write(self, plan: Plan) -> dict[str, int]:
        now = timezone.now()
        agency_staff = []
        for agency in plan.agencies:
            organisation = self.organisation(
                kind=Organisation.Kind.AGENCY,
                legal_name=agency["legal_name"],
                country=agency["country"],
                city=agency["city"],
                verification_status="verified",
                verified_at=now,
            )
            for email, name in agency["staff"]:
                user = self.user(email, name)
                self.member(user, organisation, Membership.Role.MEMBER)
                agency_staff.append(user)
        admin = self.user("admin@enlace.demo", "Enlace Administrator", is_staff=True, is_superuser=True)
        self.member(admin, Organisation.objects.get(legal_name=plan.agencies[0]["legal_name"]), Membership.Role.OWNER)
        buyers = {}
        for buyer in plan.buyers:
            city, region, lat, lon = buyer["city"]
            organisation = self.organisation(
                kind=Organisation.Kind.MNC,
                legal_name=buyer["legal_name"],
                trade_name=buyer["trade_name"],
                country=buyer["country"],
                tax_id=buyer["tax_id"],
                city=city,
                region=region,
                latitude=Decimal(str(lat)),
                longitude=Decimal(str(lon)),
                size_class="large",
                employees=buyer["employees"],
                women_employees=buyer["employees"] * 2 // 5,
                industry=self.industries.get(BUYER_ISIC[buyer["sector"]]),
                verification_status="verified",
                verified_at=now,
                languages=["es", "en"] if buyer["country"] != "BR" else ["pt", "en"],
            )
            for email, role, name in buyer["users"]:
                self.member(self.user(email, name), organisation, role)
            buyers[(buyer["country"], buyer["tax_id"])] = organisation
        profiles = []
        for number, sme in enumerate(plan.smes, start=1):
            profiles.append(self._write_sme(sme, agency_staff, now))
            if self.stage is not None:
                self.stage.step(number, len(plan.smes), "SMEs")
        self._write_requirements(plan, buyers, profiles, agency_staff)
        return self.created

    def _write_sme(self, sme: dict, agency_staff: list, now) -> SupplierProfile:
        city, region, lat, lon = sme["city"]
        verified = sme["verification"] != "pending"
        organisation = self.organisation(
            kind=Organisation.Kind.SME,
            legal_name=sme["legal_name"],
            trade_name=sme["trade_name"],
            country=sme["country"],
            tax_id=sme["tax_id"],
            city=city,
            region=region,
            latitude=Decimal(str(round(lat + (sme["index"] % 7 - 3) * 0.01, 6))),
            longitude=Decimal(str(round(lon + (sme["index"] % 5 - 2) * 0.01, 6))),
            size_class=sme["size"],
            employees=sme["employees"],
            women_employees=sme["women"],
            annual_sales_band=sme["sales_band"],
            year_founded=sme["year_founded"],
            export_destinations=sme["exports"],
            languages=[sme["language"]],
            industry=self.industries.get(data.SECTORS[sme["sector"]]["isic"]),
            verification_status=sme["verification"],
            verified_at=now if verified else None,
            verified_by=agency_staff[0] if verified else None,
        )
        self.member(self.user(sme["email"], sme["owner_name"]), organisation, Membership.Role.OWNER)
        profile = SupplierProfile.objects.filter(organisation=organisation).first()
        if profile is not None:
            return profile
        profile = SupplierProfile.objects.create(
            organisation=organisation,
            summary=sme["summary"],
            published=sme["published"],
            verification_status=sme["verification"],
            verified_at=now if verified else None,
            verified_by=agency_staff[0] if verified else None,
            production_capacity=f"{sme['employees']} colaboradores, {len(sme['machines'])} líneas de equipo.",
        )
        self.count("supplier profiles")
        for capability in sme["capabilities"]:
            Capability.objects.create(
                profile=profile,
                category=self.categories[capability["category"]],
                description=capability["description"],
                language=capability["language"],
                keywords=capability["keywords"],
                monthly_capacity=capability["monthly_capacity"],
                capacity_unit=capability["unit"],
                lead_time_days=capability["lead_time_days"],
                minimum_order=capability["minimum_order"],
            )
            self.count("capabilities")
        for machine in sme["machines"]:
            Machine.objects.create(profile=profile, **machine)
            self.count("machines")
        for certification in sme["certifications"]:
            Certification.objects.create(
                profile=profile,
                standard=self.standards[certification["standard"]],
                number=certification["number"],
                certifying_body=certification["body"],
                scope=profile.summary[:120],
                issued_on=certification["issued_on"],
                expires_on=certification["expires_on"],
                verification_status="verified" if certification["verified"] else "pending",
                verified_by=agency_staff[0] if certification["verified"] else None,
                verified_at=now if certification["verified"] else None,
            )
            self.count("certifications")
        for diagnostic in sme["diagnostics"]:
            ReadinessDiagnostic.objects.create(
                profile=profile,
                assessed_on=diagnostic["assessed_on"],
                assessed_by=agency_staff[-1],
                **diagnostic["areas"],
            )
            self.count("diagnostics")
        latest = profile.diagnostics.order_by("-assessed_on", "-id").first()
        if latest is not None:
            profile.readiness_score = latest.score
            profile.save(update_fields=["readiness_score"])
        return profile

    def _write_requirements(self, plan: Plan, buyers: dict, profiles: list, agency_staff: list) -> None:
        rng = random.Random(SEED + 1)
        invitable = [p for p in profiles if p.published and p.verification_status != "rejected"]
        for item in plan.requirements:
            buyer = buyers[(item["buyer_country"], item["buyer_tax_id"])]
            if Requirement.objects.filter(buyer=buyer, title=item["title"]).exists():
                continue
            city, region, lat, lon = item["city"]
            published = item["status"] != "draft"
            requirement = Requirement.objects.create(
                buyer=buyer,
                created_by=buyer.memberships.order_by("created_at").first().user,
                title=item["title"],
                specification=item["specification"],
                quantity=item["quantity"],
                unit=item["unit"],
                estimated_annual_value=item["value"],
                currency=item["currency"],
                delivery_country=item["buyer_country"],
                delivery_region=region,
                delivery_city=city,
                delivery_latitude=Decimal(str(lat)),
                delivery_longitude=Decimal(str(lon)),
                needed_by=item["needed_by"],
                status=item["status"],
                visibility=item["visibility"],
                restrict_to_delivery_country=item["restrict"],
                published_at=timezone.now() if published else None,
                closed_at=timezone.now() if item["status"] in ("closed", "awarded") else None,
            )
            self.count("requirements")
            requirement.categories.set([self.categories[code] for code in item["codes"]])
            for code, mandatory in item["certs"]:
                RequiredCertification.objects.create(
                    requirement=requirement, standard=self.standards[code], mandatory=mandatory
                )
            if item["invite_count"] and invitable:
                for profile in rng.sample(invitable, k=min(item["invite_count"], len(invitable))):
                    RequirementInvitation.objects.create(
                        requirement=requirement, supplier=profile, invited_by=agency_staff[0]
                    )
                    self.count("invitations")


def seed_demo(
    *, smes: int = 300, requirements: int = 50, today: dt.date | None = None, progress: Progress | None = None
) -> dict[str, int]:
    """Write what is missing of the demo; returns what it created. `progress` hears of every stage as it goes."""
    progress = progress or Progress()
    created: dict[str, int] = {}

    def record(stage: Stage, counts: dict[str, int]) -> None:
        stage.add(counts)
        created.update({name: count for name, count in counts.items() if count})

    with progress.stage(
        "reference data (CPV 2008 categories, ISIC Rev.4 industries, certification standards)"
    ) as stage:
        loaded = load_reference_data()
        stage.add({f"{name.replace('_', ' ')} new": counts["created"] for name, counts in loaded.items()})
        stage.add({f"{name.replace('_', ' ')} updated": counts["updated"] for name, counts in loaded.items()})
    today = today or timezone.localdate()
    with progress.stage(f"planning {smes} SMEs and {requirements} requirements") as stage:
        plan = plan_demo(smes=smes, requirements=requirements, today=today)
        stage.add({"buyers": len(plan.buyers), "SMEs": len(plan.smes), "requirements": len(plan.requirements)})
    with progress.stage("writing agencies, buyers, SMEs with their profiles, and requirements") as stage:
        record(stage, DemoWriter(today=today, stage=stage).write(plan))
    with progress.stage("history: past requirements ranked, contacted and bought from") as stage:
        record(stage, seed_history(today=today, stage=stage))
    with progress.stage("impact reporting: exchange rates") as stage:
        record(stage, seed_reporting(today=today))
    with progress.stage("supplier-development programmes") as stage:
        record(stage, seed_development(today=today))
    with progress.stage("dormant linkages") as stage:
        record(stage, {"dormant linkages": mark_dormant_linkages()})
    with progress.stage("matching: ranking open requirements, training the first learned ranker") as stage:
        record(stage, seed_matching(stage=stage))
        record(stage, seed_marketplace(today=today))  # the best-ranked suppliers answer a few requirements
        record(stage, seed_forecasts(today=today))  # ranked too; the best fits offer to supply some
    with progress.stage("business events and meetings") as stage:
        record(stage, seed_events(today=today))
    with progress.stage("message threads on demo linkages") as stage:
        record(stage, seed_conversations(today=today))
    with progress.stage("notifications of expiring certificates") as stage:
        record(stage, {"notifications": scan_expiring_certifications(today=today)})
        record(stage, seed_alerts())  # saved searches and followed categories
    return created


def seed_matching(*, stage: Stage | None = None) -> dict[str, int]:
    """Rank every open requirement not ranked yet, and train a first ranker from the history if there is none."""
    created = {}
    unranked = [
        requirement
        for requirement in Requirement.objects.filter(status=Requirement.Status.OPEN).order_by("pk")
        if not requirement.match_runs.filter(status="succeeded").exists()
    ]
    for number, requirement in enumerate(unranked, start=1):
        matching_services.run_now(requirement=requirement)
        created["match runs"] = created.get("match runs", 0) + 1
        if stage is not None:
            stage.step(number, len(unranked), "open requirements ranked")
    if not RankerModel.objects.exists() and matching_services.train_ranker() is not None:
        created["ranker models"] = 1
    return created


def demo_accounts() -> list[tuple[str, str, str]]:
    """(role, e-mail, organisation) of a few accounts per role, for the README and `seed_demo --accounts`."""
    rows = []
    for membership in (
        Membership.objects.filter(organisation__kind=Organisation.Kind.AGENCY)
        .select_related("user", "organisation")
        .order_by("organisation__legal_name", "user__email")
    ):
        role = "admin + agency staff" if membership.user.is_superuser else "agency staff"
        rows.append((role, membership.user.email, membership.organisation.legal_name))
    consultants = Consultant.objects.filter(user__isnull=False).select_related("user", "agency")
    for consultant in consultants.order_by("agency__legal_name", "user__email"):
        rows.append(("programme consultant", consultant.user.email, consultant.agency.legal_name))
    for kind, label, limit in ((Organisation.Kind.MNC, "buyer", 6), (Organisation.Kind.SME, "SME supplier", 6)):
        memberships = (
            Membership.objects.filter(organisation__kind=kind, role=Membership.Role.OWNER)
            .select_related("user", "organisation")
            .order_by("organisation__id")[:limit]
        )
        rows.extend((label, m.user.email, str(m.organisation)) for m in memberships)
    return rows
