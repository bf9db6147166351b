"""A deterministic generator of realistic suppliers, requirements and history in Spanish, English and Portuguese.

For tests and benchmarks: the same seed gives the same data, and 100,000 suppliers take a few seconds because every
document is a cheap template filled from sector vocabularies. Sectors carry their own CPV codes, vocabulary in the
three languages and typical certificates; plants sit around real Latin American industrial cities.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .documents import (
    AWARD,
    CPV,
    DECLINED,
    FIRST_TRANSACTION,
    MEETING,
    PROPOSED,
    CapabilityRecord,
    CertificationRecord,
    HistoryEvent,
    RequiredCertification,
    RequirementRecord,
    SupplierRecord,
)


@dataclass(frozen=True)
class Sector:
    key: str
    codes: tuple[str, ...]
    words: dict[str, tuple[str, ...]]  # language → phrases describing what the sector makes
    materials: dict[str, tuple[str, ...]]
    certifications: tuple[str, ...]
    unit: str


SECTORS = (
    Sector(
        "machining",
        ("42600000", "42630000", "42636000"),
        {
            "es": ("mecanizado CNC", "torneado de precisión", "fresado CNC de 5 ejes", "rectificado de piezas"),
            "en": ("CNC machining", "precision turning", "5-axis CNC milling", "part grinding"),
            "pt": ("usinagem CNC", "torneamento de precisão", "fresamento CNC 5 eixos", "retificação de peças"),
        },
        {
            "es": ("acero inoxidable 316L", "aluminio 6061", "titanio grado 5", "latón"),
            "en": ("316L stainless steel", "6061 aluminium", "grade 5 titanium", "brass"),
            "pt": ("aço inoxidável 316L", "alumínio 6061", "titânio grau 5", "latão"),
        },
        ("iso-9001", "iso-13485", "as9100", "iatf-16949"),
        "pieces",
    ),
    Sector(
        "medical",
        ("33140000", "33141000", "33190000"),
        {
            "es": ("dispositivos médicos desechables", "jeringas y catéteres", "empaque estéril de implantes"),
            "en": ("disposable medical devices", "syringes and catheters", "sterile packaging of implants"),
            "pt": ("dispositivos médicos descartáveis", "seringas e cateteres", "embalagem estéril de implantes"),
        },
        {
            "es": ("sala limpia ISO 7", "silicona grado médico", "esterilización por óxido de etileno"),
            "en": ("ISO 7 cleanroom", "medical grade silicone", "ethylene oxide sterilisation"),
            "pt": ("sala limpa ISO 7", "silicone grau médico", "esterilização por óxido de etileno"),
        },
        ("iso-13485", "iso-9001", "gmp"),
        "pieces",
    ),
    Sector(
        "dairy",
        ("15500000", "15510000", "15540000"),
        {
            "es": ("quesos frescos y madurados", "leche pasteurizada", "yogur y bebidas lácteas"),
            "en": ("fresh and aged cheese", "pasteurised milk", "yoghurt and dairy drinks"),
            "pt": ("queijos frescos e maturados", "leite pasteurizado", "iogurte e bebidas lácteas"),
        },
        {
            "es": ("cadena de frío", "leche de vaca", "empaque aséptico"),
            "en": ("cold chain", "cow milk", "aseptic packaging"),
            "pt": ("cadeia de frio", "leite de vaca", "embalagem asséptica"),
        },
        ("fssc-22000", "haccp", "iso-22000"),
        "kg",
    ),
    Sector(
        "packaging",
        ("44617000", "44617100", "22900000"),
        {
            "es": ("cajas de cartón corrugado", "etiquetas autoadhesivas", "empaques impresos en flexografía"),
            "en": ("corrugated cardboard boxes", "self-adhesive labels", "flexographic printed packaging"),
            "pt": ("caixas de papelão ondulado", "etiquetas autoadesivas", "embalagens impressas em flexografia"),
        },
        {
            "es": ("cartón reciclado", "tintas a base de agua", "papel kraft"),
            "en": ("recycled cardboard", "water-based inks", "kraft paper"),
            "pt": ("papelão reciclado", "tintas à base de água", "papel kraft"),
        },
        ("fsc", "iso-9001", "iso-14001"),
        "pieces",
    ),
    Sector(
        "logistics",
        ("60000000", "60100000", "63120000"),
        {
            "es": ("transporte refrigerado de carga", "almacenaje y distribución", "logística de última milla"),
            "en": ("refrigerated freight transport", "warehousing and distribution", "last-mile logistics"),
            "pt": ("transporte refrigerado de carga", "armazenagem e distribuição", "logística de última milha"),
        },
        {
            "es": ("monitoreo GPS", "temperatura 2-8 °C", "flota propia"),
            "en": ("GPS tracking", "2-8 °C temperature", "own fleet"),
            "pt": ("monitoramento GPS", "temperatura 2-8 °C", "frota própria"),
        },
        ("iso-9001", "basc", "iso-28000"),
        "t",
    ),
    Sector(
        "plastics",
        ("19520000", "25200000", "44423000"),
        {
            "es": ("inyección de plásticos", "moldes de inyección", "extrusión de perfiles"),
            "en": ("plastic injection moulding", "injection moulds", "profile extrusion"),
            "pt": ("injeção de plásticos", "moldes de injeção", "extrusão de perfis"),
        },
        {
            "es": ("polipropileno", "policarbonato", "ABS"),
            "en": ("polypropylene", "polycarbonate", "ABS"),
            "pt": ("polipropileno", "policarbonato", "ABS"),
        },
        ("iso-9001", "iatf-16949", "iso-14001"),
        "pieces",
    ),
    Sector(
        "electrical",
        ("31600000", "31200000", "31700000"),
        {
            "es": ("arneses eléctricos", "tableros de control", "ensamble de tarjetas electrónicas"),
            "en": ("wire harnesses", "control panels", "printed circuit board assembly"),
            "pt": ("chicotes elétricos", "painéis de controle", "montagem de placas eletrônicas"),
        },
        {
            "es": ("cable de cobre", "soldadura SMT", "pruebas eléctricas"),
            "en": ("copper cable", "SMT soldering", "electrical testing"),
            "pt": ("cabo de cobre", "solda SMT", "testes elétricos"),
        },
        ("iso-9001", "iatf-16949", "ul"),
        "pieces",
    ),
    Sector(
        "workwear",
        ("18100000", "18130000", "18140000"),
        {
            "es": ("uniformes industriales", "ropa de trabajo ignífuga", "batas y gorros desechables"),
            "en": ("industrial uniforms", "flame-resistant workwear", "disposable gowns and caps"),
            "pt": ("uniformes industriais", "roupa de trabalho antichama", "aventais e toucas descartáveis"),
        },
        {
            "es": ("algodón", "tela antifluido", "bordado de logotipos"),
            "en": ("cotton", "fluid-resistant fabric", "logo embroidery"),
            "pt": ("algodão", "tecido antifluido", "bordado de logotipos"),
        },
        ("iso-9001", "oeko-tex", "wrap"),
        "pieces",
    ),
)

# (city, country, region, latitude, longitude, language)
CITIES = (
    ("San José", "CR", "San José", 9.9281, -84.0907, "es"),
    ("Cartago", "CR", "Cartago", 9.8644, -83.9194, "es"),
    ("Heredia", "CR", "Heredia", 9.9981, -84.1198, "es"),
    ("San Salvador", "SV", "San Salvador", 13.6929, -89.2182, "es"),
    ("Ciudad de Guatemala", "GT", "Guatemala", 14.6349, -90.5069, "es"),
    ("Monterrey", "MX", "Nuevo León", 25.6866, -100.3161, "es"),
    ("Querétaro", "MX", "Querétaro", 20.5888, -100.3899, "es"),
    ("Guadalajara", "MX", "Jalisco", 20.6597, -103.3496, "es"),
    ("Bogotá", "CO", "Cundinamarca", 4.7110, -74.0721, "es"),
    ("Medellín", "CO", "Antioquia", 6.2442, -75.5812, "es"),
    ("Lima", "PE", "Lima", -12.0464, -77.0428, "es"),
    ("Santiago", "CL", "Metropolitana", -33.4489, -70.6693, "es"),
    ("São Paulo", "BR", "SP", -23.5505, -46.6333, "pt"),
    ("Campinas", "BR", "SP", -22.9099, -47.0626, "pt"),
    ("Curitiba", "BR", "PR", -25.4284, -49.2733, "pt"),
    ("Panamá", "PA", "Panamá", 8.9824, -79.5199, "es"),
)
LANGUAGES = ("es", "en", "pt")
NAME_PARTS = ("Industrias", "Grupo", "Manufacturas", "Tecno", "Soluciones", "Metal", "Pro", "Andina", "Central")
TODAY = dt.date(2026, 11, 22)
_OPENING = {"es": "Fabricamos", "en": "We provide", "pt": "Fabricamos"}
_LINK = {"es": "en", "en": "in", "pt": "em"}


def _typo(rng: np.random.Generator, text: str) -> str:
    """Swap one letter for a neighbour now and then: real profiles are typed in a hurry."""
    if len(text) < 6:
        return text
    i = int(rng.integers(1, len(text) - 1))
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def _choice(rng: np.random.Generator, options: tuple):
    return options[int(rng.integers(len(options)))]


def generate_suppliers(*, count: int, seed: int = 0, today: dt.date = TODAY) -> list[SupplierRecord]:
    rng = np.random.default_rng(seed)
    sectors = rng.integers(len(SECTORS), size=count)
    cities = rng.integers(len(CITIES), size=count)
    jitter = rng.normal(0.0, 0.15, size=(count, 2))
    readiness = rng.uniform(20, 95, size=count)
    has_readiness = rng.random(count) < 0.7
    response = rng.beta(4, 2, size=count)
    has_response = rng.random(count) < 0.6
    has_coordinates = rng.random(count) < 0.85
    suppliers = []
    for i in range(count):
        sector = SECTORS[sectors[i]]
        city, country, region, lat, lon, city_language = CITIES[cities[i]]
        language = city_language if rng.random() < 0.7 else _choice(rng, LANGUAGES)
        capabilities = []
        for _ in range(int(rng.integers(1, 4))):
            phrase, material = _choice(rng, sector.words[language]), _choice(rng, sector.materials[language])
            if rng.random() < 0.05:
                phrase = _typo(rng, phrase)
            description = f"{_OPENING[language]} {phrase} {_LINK[language]} {material}"
            capacity = float(rng.choice([500, 2_000, 10_000, 50_000])) if rng.random() < 0.6 else None
            capabilities.append(
                CapabilityRecord(
                    category=(CPV, _choice(rng, sector.codes)),
                    description=description,
                    language=language,
                    keywords=(material,),
                    monthly_capacity=capacity,
                    capacity_unit=sector.unit if capacity else "",
                    lead_time_days=int(rng.integers(5, 60)),
                )
            )
        certifications = []
        for standard in sector.certifications:
            if rng.random() < 0.4:
                issued = today - dt.timedelta(days=int(rng.integers(30, 1_000)))
                expires = issued + dt.timedelta(days=3 * 365)
                certifications.append(CertificationRecord(standard, issued, expires, active=rng.random() < 0.95))
        suppliers.append(
            SupplierRecord(
                supplier_id=i + 1,
                name=f"{_choice(rng, NAME_PARTS)} {_choice(rng, NAME_PARTS)} {city} {i + 1}",
                summary=f"{sector.words[language][0]} — {city}",
                country=country,
                region=region,
                capabilities=tuple(capabilities),
                certifications=tuple(certifications),
                readiness_score=round(float(readiness[i]), 1) if has_readiness[i] else None,
                latitude=float(lat + jitter[i, 0]) if has_coordinates[i] else None,
                longitude=float(lon + jitter[i, 1]) if has_coordinates[i] else None,
                verified=bool(rng.random() < 0.6),
                rejected=bool(rng.random() < 0.01),
                published=bool(rng.random() < 0.97),
                response_rate=float(response[i]) if has_response[i] else None,
            )
        )
    return suppliers


def generate_requirements(
    *, count: int, seed: int = 1, buyers: int = 20, start: dt.date = TODAY - dt.timedelta(days=720), days: int = 720
) -> list[RequirementRecord]:
    rng = np.random.default_rng(seed)
    requirements = []
    for i in range(count):
        sector = _choice(rng, SECTORS)
        language = _choice(rng, LANGUAGES)
        _city, country, region, lat, lon, _ = _choice(rng, CITIES)
        phrase, material = _choice(rng, sector.words[language]), _choice(rng, sector.materials[language])
        created = start + dt.timedelta(days=int(rng.integers(days)))
        wanted = [RequiredCertification(_choice(rng, sector.certifications), mandatory=bool(rng.random() < 0.3))]
        requirements.append(
            RequirementRecord(
                requirement_id=i + 1,
                buyer_id=int(rng.integers(1, buyers + 1)),
                title=phrase,
                specification=f"{phrase} {material}",
                categories=((CPV, _choice(rng, sector.codes)),),
                required_certifications=tuple(wanted) if rng.random() < 0.6 else (),
                quantity=float(rng.choice([1_000, 12_000, 120_000])),
                unit=sector.unit,
                needed_by=created + dt.timedelta(days=int(rng.integers(30, 240))),
                delivery_latitude=lat,
                delivery_longitude=lon,
                delivery_country=country,
                delivery_region=region,
                restrict_to_delivery_country=bool(rng.random() < 0.1),
                created_at=dt.datetime.combine(created, dt.time(9, 0), tzinfo=dt.UTC),
            )
        )
    return requirements


def generate_history(
    *, suppliers: list[SupplierRecord], buyers: int = 20, events: int = 2_000, seed: int = 2, today: dt.date = TODAY
) -> list[HistoryEvent]:
    """Past linkages and awards: suppliers that did business before tend to do it again (a planted signal)."""
    rng = np.random.default_rng(seed)
    active = rng.choice(len(suppliers), size=max(1, len(suppliers) // 5), replace=False)
    history = []
    for _ in range(events):
        supplier = suppliers[int(active[rng.integers(len(active))])]
        category = supplier.all_categories()[0] if supplier.all_categories() else None
        stage = _choice(rng, (AWARD, FIRST_TRANSACTION, MEETING, PROPOSED, DECLINED))
        history.append(
            HistoryEvent(
                supplier_id=supplier.supplier_id,
                buyer_id=int(rng.integers(1, buyers + 1)),
                occurred_on=today - dt.timedelta(days=int(rng.integers(1, 1_500))),
                stage=stage,
                category=category,
            )
        )
    return history


def generate_outcomes(
    *,
    requirements: list[RequirementRecord],
    candidates,
    index,
    history,
    hidden_weights: np.ndarray,
    positives: int = 3,
    negatives: int = 12,
    noise: float = 0.02,
    seed: int = 3,
    today: dt.date = TODAY,
) -> list:
    """Outcomes driven by a hidden utility ``features @ hidden_weights`` (a planted signal a model can learn).

    For each requirement the ``positives`` eligible suppliers of highest utility reached a meeting; ``negatives``
    others, drawn at random among the eligible, declined.
    """
    from .constraints import apply_constraints
    from .features import compute_features
    from .learning import Outcome

    rng = np.random.default_rng(seed)
    outcomes = []
    for requirement in requirements:
        day = requirement.as_of(today)
        eligible_rows = np.flatnonzero(
            apply_constraints(requirement=requirement, candidates=candidates, today=day).eligible
        )
        if len(eligible_rows) <= positives:
            continue
        eligible = candidates.take(eligible_rows)
        features = compute_features(
            requirement=requirement, candidates=eligible, index=index, history=history, today=day
        )
        utility = features @ hidden_weights + rng.normal(0.0, noise, size=len(features))
        order = np.argsort(-utility, kind="stable")
        others = rng.choice(order[positives:], size=min(negatives, len(order) - positives), replace=False)
        when = day + dt.timedelta(days=10)
        for row in order[:positives]:
            outcomes.append(Outcome(requirement.requirement_id, int(eligible.supplier_ids[row]), MEETING, when))
        for row in others:
            outcomes.append(Outcome(requirement.requirement_id, int(eligible.supplier_ids[row]), DECLINED, when))
    return outcomes
