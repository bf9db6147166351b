"""The plain records the Django side fills from the database; the engine never sees a model instance.

Each record maps onto a few queries: suppliers with their capabilities and certifications (two prefetches),
requirements with categories and required certifications, and history events from linkage stage changes and
transactions. Records are frozen so a cached candidate store can never be changed behind the engine's back.
"""

import datetime as dt
from dataclasses import dataclass

CPV = "CPV"

# A category is (scheme, code); CPV codes are the 8-digit main-vocabulary codes without the check digit.
CategoryCode = tuple[str, str]

# Units are compared after this folding, so "piezas" and "pcs" mean the same thing to capacity fit.
_UNIT_SYNONYMS = {
    "pieces": (
        "piece",
        "pieces",
        "pcs",
        "pc",
        "pieza",
        "piezas",
        "peca",
        "pecas",
        "unit",
        "units",
        "unidad",
        "unidades",
        "unidade",
        "u",
        "ea",
        "each",
    ),
    "kg": ("kg", "kgs", "kilogram", "kilograms", "kilogramo", "kilogramos", "kilograma", "kilogramas", "kilo", "kilos"),
    "t": ("t", "ton", "tons", "tonne", "tonnes", "tonelada", "toneladas", "mt"),
    "l": ("l", "lt", "liter", "liters", "litre", "litres", "litro", "litros"),
    "m": ("m", "meter", "meters", "metre", "metres", "metro", "metros"),
    "m2": ("m2", "sqm", "metro cuadrado", "metros cuadrados", "metro quadrado", "metros quadrados"),
    "hours": ("h", "hr", "hrs", "hour", "hours", "hora", "horas"),
}
_UNIT_CANONICAL = {alias: unit for unit, aliases in _UNIT_SYNONYMS.items() for alias in aliases}


def canonical_unit(unit: str) -> str:
    """Fold a free-text unit to a canonical one so capacities and quantities can be compared; unknown units stay."""
    folded = (unit or "").strip().lower().replace("ç", "c").replace("²", "2").rstrip(".")
    return _UNIT_CANONICAL.get(folded, folded)


@dataclass(frozen=True, slots=True)
class CertificationRecord:
    standard: str  # the CertificationStandard code, e.g. "iso-13485"
    issued_on: dt.date
    expires_on: dt.date
    active: bool = True  # False when suspended or withdrawn, whatever the dates say

    def valid_on(self, day: dt.date) -> bool:
        return self.active and self.issued_on <= day <= self.expires_on


@dataclass(frozen=True, slots=True)
class CapabilityRecord:
    category: CategoryCode
    description: str = ""
    language: str = "es"
    keywords: tuple[str, ...] = ()
    monthly_capacity: float | None = None
    capacity_unit: str = ""
    lead_time_days: int | None = None
    minimum_order: float | None = None
    # Set when the capability was learned from an imported award (the award's day), not declared by the supplier:
    # it is evidence of history, so it counts only for requirements after that day and stays out of the text.
    since: dt.date | None = None


@dataclass(frozen=True, slots=True)
class SupplierRecord:
    supplier_id: int
    name: str = ""
    summary: str = ""
    country: str = ""
    region: str = ""
    capabilities: tuple[CapabilityRecord, ...] = ()
    # Categories declared on the profile besides those of its capabilities (e.g. imported from OCDS awards).
    categories: tuple[CategoryCode, ...] = ()
    # Localised names of the categories, so "moldes de inyección" matches a supplier that only chose the category.
    category_names: tuple[str, ...] = ()
    certifications: tuple[CertificationRecord, ...] = ()
    readiness_score: float | None = None  # 0–100, from the latest diagnostic
    latitude: float | None = None
    longitude: float | None = None
    verified: bool = False
    rejected: bool = False  # verification rejected by the agency: never ranked
    published: bool = True
    response_rate: float | None = None  # share of contacts answered, 0–1
    updated_at: dt.datetime | None = None

    def all_categories(self) -> tuple[CategoryCode, ...]:
        """Profile categories then capability categories, without repeats, in a stable order."""
        return tuple(dict.fromkeys((*self.categories, *(c.category for c in self.capabilities))))

    def category_dates(self) -> tuple[tuple[CategoryCode, dt.date | None], ...]:
        """Each category with the day it became known (None: declared, known always); the earliest day wins."""
        known: dict[CategoryCode, dt.date | None] = dict.fromkeys(self.categories)
        for capability in self.capabilities:
            code, since = capability.category, capability.since
            if code not in known or (known[code] is not None and (since is None or since < known[code])):
                known[code] = since
        return tuple(known.items())

    def document(self) -> str:
        """The text the index sees: what the supplier says it does, in whatever language it wrote it."""
        parts = [self.name, self.summary, *self.category_names]
        for capability in self.capabilities:
            if capability.since is not None:
                continue  # an award's title is history: the track record reads it with its date
            parts.append(capability.description)
            parts.extend(capability.keywords)
        # Certificates are searchable too ("ISO 13485" in a specification); the code's dashes become spaces.
        parts.extend(c.standard.replace("-", " ") for c in self.certifications if c.active)
        return " \n".join(part for part in parts if part)


@dataclass(frozen=True, slots=True)
class RequiredCertification:
    standard: str
    mandatory: bool = True  # mandatory ones filter candidates out; preferred ones only weigh in the score


@dataclass(frozen=True, slots=True)
class RequirementRecord:
    requirement_id: int
    buyer_id: int = 0
    title: str = ""
    specification: str = ""
    categories: tuple[CategoryCode, ...] = ()
    required_certifications: tuple[RequiredCertification, ...] = ()
    quantity: float | None = None
    unit: str = ""
    # The quantity is spread over this many months when compared with monthly capacity (12: an annual quantity).
    quantity_months: float = 12.0
    needed_by: dt.date | None = None
    delivery_latitude: float | None = None
    delivery_longitude: float | None = None
    delivery_country: str = ""
    delivery_region: str = ""
    restrict_to_delivery_country: bool = False
    restrict_to_delivery_region: bool = False
    categories_mandatory: bool = False  # only suppliers within the requirement's category subtree
    created_at: dt.datetime | None = None
    estimated_value: float | None = None  # in the requirement's currency; compared with past award values

    def text(self) -> str:
        return f"{self.title}\n{self.specification}".strip()

    def reference_day(self, today: dt.date) -> dt.date:
        """The day certificates must be valid on: the needed-by date, or today when there is none."""
        return self.needed_by or today

    def as_of(self, today: dt.date) -> dt.date:
        """The day history is read up to, so an evaluation never sees the future of the requirement."""
        return self.created_at.date() if self.created_at else today


# Linkage stages (the linkages app's pipeline) plus "transaction" for each signed transaction.
PROPOSED, CONTACTED, MEETING, NEGOTIATION = "proposed", "contacted", "meeting", "negotiation"
FIRST_TRANSACTION, REPEAT_BUSINESS, TRANSACTION = "first_transaction", "repeat_business", "transaction"
DECLINED, DORMANT, AWARD = "declined", "dormant", "award"  # "award": a past public award imported from OCDS
POSITIVE_STAGES = frozenset({MEETING, NEGOTIATION, FIRST_TRANSACTION, REPEAT_BUSINESS, TRANSACTION, AWARD})
NEGATIVE_STAGES = frozenset({DECLINED})
UNANSWERED_STAGES = frozenset({PROPOSED, CONTACTED})  # negative once old enough: "shown and ignored"


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One thing that happened between a supplier and a buyer: a linkage reaching a stage, or a transaction.

    Filled from linkage stage changes (one row per stage reached, with its date) and transactions (value in any
    currency; only its presence matters to the engine).
    """

    supplier_id: int
    buyer_id: int
    occurred_on: dt.date
    stage: str
    category: CategoryCode | None = None
    requirement_id: int | None = None
    value: float = 0.0
    linkage_id: int | None = None
    text: str = ""  # what was bought (the requirement's title or the transaction's description), for history text
