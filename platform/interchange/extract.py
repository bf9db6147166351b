"""What Enlace takes from one OCDS release: parties, the buyer, an open tender, active awards and payments.

Plain Python (pycountry for countries), no Django. Tolerates what real publishers do: 1.0 awards that embed their
suppliers instead of referencing ``parties``, ``contract`` for ``contracts``, amounts as strings, countries as
codes or names, missing identifiers (then the normalised name identifies the organisation).
"""

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pycountry

# Currencies used by one country only, to place parties a publisher gave no address (USD and EUR tell nothing).
CURRENCY_COUNTRY = {
    "PYG": "PY",
    "MXN": "MX",
    "GBP": "GB",
    "CRC": "CR",
    "CLP": "CL",
    "PEN": "PE",
    "COP": "CO",
    "BRL": "BR",
    "ARS": "AR",
    "UYU": "UY",
    "BOB": "BO",
    "GTQ": "GT",
    "HNL": "HN",
    "NIO": "NI",
    "DOP": "DO",
    "KRW": "KR",
}
OPEN_TENDER = frozenset({"planned", "planning", "active"})
IGNORED_AWARD = frozenset({"pending", "unsuccessful", "cancelled"})
BUYER_ROLES = frozenset({"buyer", "procuringEntity"})
SUPPLIER_ROLES = frozenset({"supplier", "tenderer"})


# The same names, countries, schemes and dates come back in release after release: each is worked out once.
_cached = functools.lru_cache(maxsize=1 << 16)


@_cached
def normalised_name(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().casefold()
    return re.sub(r"[^a-z0-9]+", " ", folded).strip()


def country_code(value) -> str:
    """ISO 3166 alpha-2 of a code or a name in any common spelling; "" when unknown."""
    if not isinstance(value, str) or not value.strip():
        return ""
    return _country_code(value)


@_cached
def _country_code(value: str) -> str:
    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().strip()
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return ""


def amount(value) -> Decimal | None:
    if isinstance(value, dict):
        value = value.get("amount")
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def currency_of(value) -> str:
    return (value.get("currency") or "").upper() if isinstance(value, dict) else ""


def parse_date(value) -> dt.date | None:
    if not isinstance(value, str) or not value:
        return None
    return _parse_date(value)


@_cached
def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None


@dataclass
class Party:
    key: str
    name: str
    scheme: str = ""
    identifier: str = ""
    country: str = ""
    region: str = ""
    city: str = ""
    address: str = ""
    roles: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Classification:
    scheme: str
    code: str
    description: str = ""


@dataclass
class Tender:
    id: str
    title: str
    description: str
    status: str
    value: Decimal | None
    currency: str
    classifications: list[Classification]


@dataclass
class Award:
    id: str
    title: str
    date: dt.date | None
    value: Decimal | None
    currency: str
    supplier_keys: list[str]
    classifications: list[Classification]


@dataclass
class Payment:
    award_id: str
    id: str
    date: dt.date | None
    value: Decimal | None
    currency: str


@dataclass
class ReleaseFacts:
    ocid: str
    release_id: str
    date: dt.date | None
    parties: dict[str, Party]
    buyer_key: str | None
    tender: Tender | None
    awards: list[Award]
    payments: list[Payment]


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _party_from(data: dict, *, default_country: str) -> Party | None:
    if not isinstance(data, dict):
        return None
    identifier = data.get("identifier") if isinstance(data.get("identifier"), dict) else {}
    name = _text(data.get("name")) or _text(identifier.get("legalName"))
    scheme, number = _text(identifier.get("scheme")), _text(str(identifier.get("id") or ""))
    if not name and not number:
        return None
    key = f"{scheme}-{number}" if number else f"name:{normalised_name(name)}"
    address = data.get("address") if isinstance(data.get("address"), dict) else {}
    return Party(
        key=key,
        name=name or number,
        scheme=scheme,
        identifier=number,
        country=country_code(address.get("countryName")) or _scheme_country(scheme),
        region=_text(address.get("region"))[:128],
        city=_text(address.get("locality"))[:128],
        address=_text(address.get("streetAddress"))[:255],
        roles={role for role in data.get("roles") or [] if isinstance(role, str)},
    )


@_cached
def short_scheme(scheme: str) -> str:
    """Scheme names longer than 16 characters (a catalogue's full title) become their initials."""
    scheme = unicodedata.normalize("NFKD", scheme).encode("ascii", "ignore").decode().upper().strip()
    if len(scheme) <= 16:
        return scheme or "UNKNOWN"
    return "".join(word[0] for word in re.findall(r"[A-Z0-9]+", scheme))[:16]


def _scheme_country(scheme: str) -> str:
    """org-id.guide scheme codes start with the country ("MX-RFC", "GB-COH")."""
    prefix = scheme[:3]
    if len(scheme) > 3 and prefix[2] == "-" and pycountry.countries.get(alpha_2=prefix[:2].upper()):
        return prefix[:2].upper()
    return ""


def _classifications(items) -> list[Classification]:
    found = []
    for item in items or []:
        if not isinstance(item, dict):
            continue
        for classification in [item.get("classification"), *(item.get("additionalClassifications") or [])]:
            if isinstance(classification, dict) and classification.get("id") not in (None, ""):
                found.append(
                    Classification(
                        scheme=short_scheme(_text(classification.get("scheme"))),
                        code=str(classification["id"]).strip(),
                        description=_text(classification.get("description")),
                    )
                )
    return list(dict.fromkeys(found))


def _fallback_country(parties: dict[str, Party], buyer_key: str | None, currencies: list[str]) -> str:
    if buyer_key and parties[buyer_key].country:
        return parties[buyer_key].country
    known = [p.country for p in parties.values() if p.country]
    if known:
        return max(sorted(set(known)), key=known.count)
    return next((CURRENCY_COUNTRY[c] for c in currencies if c in CURRENCY_COUNTRY), "")


def extract(release: dict, *, default_country: str = "") -> ReleaseFacts:
    parties: dict[str, Party] = {}
    by_id: dict[str, str] = {}

    def remember(data, role: str | None = None) -> str | None:
        if (
            isinstance(data, dict)
            and data.get("id") is not None
            and str(data["id"]) in by_id
            and not data.get("identifier")
        ):
            key = by_id[str(data["id"])]
        else:
            party = _party_from(data, default_country=default_country)
            if party is None:
                return None
            key = party.key
            known = parties.setdefault(key, party)
            known.roles |= party.roles
            if isinstance(data, dict) and data.get("id") is not None:
                by_id.setdefault(str(data["id"]), key)
        if role:
            parties[key].roles.add(role)
        return key

    for data in release.get("parties") or []:
        remember(data)
    buyer_key = remember(release.get("buyer"), "buyer")
    tender_data = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    procuring = remember(tender_data.get("procuringEntity"), "procuringEntity")
    buyer_key = buyer_key or procuring or next((k for k, p in parties.items() if p.roles & BUYER_ROLES), None)
    for data in tender_data.get("tenderers") or []:
        remember(data, "tenderer")

    tender = None
    if tender_data:
        tender = Tender(
            id=str(tender_data.get("id") or ""),
            title=_text(tender_data.get("title")),
            description=_text(tender_data.get("description")),
            status=_text(tender_data.get("status")),
            value=amount(tender_data.get("value")),
            currency=currency_of(tender_data.get("value")),
            classifications=_classifications(tender_data.get("items")),
        )
    awards = []
    for index, data in enumerate(release.get("awards") or []):
        if not isinstance(data, dict) or _text(data.get("status")) in IGNORED_AWARD:
            continue
        supplier_keys = [key for key in (remember(s, "supplier") for s in data.get("suppliers") or []) if key]
        if not supplier_keys:
            continue
        awards.append(
            Award(
                id=str(data.get("id") or index),
                title=_text(data.get("title")) or (tender.title if tender else ""),
                date=parse_date(data.get("date")) or parse_date(release.get("date")),
                value=amount(data.get("value")),
                currency=currency_of(data.get("value")),
                supplier_keys=list(dict.fromkeys(supplier_keys)),
                classifications=_classifications(data.get("items")) or (tender.classifications if tender else []),
            )
        )
    payments = []
    for contract in release.get("contracts") or release.get("contract") or []:
        if not isinstance(contract, dict):
            continue
        implementation = contract.get("implementation") if isinstance(contract.get("implementation"), dict) else {}
        for index, transaction in enumerate(implementation.get("transactions") or []):
            if not isinstance(transaction, dict):
                continue
            value = (
                transaction.get("value") if isinstance(transaction.get("value"), dict) else transaction.get("amount")
            )
            payments.append(
                Payment(
                    award_id=str(contract.get("awardID") or ""),
                    id=f"{contract.get('id', '')}:{transaction.get('id', index)}",
                    date=parse_date(transaction.get("date")),
                    value=amount(value),
                    currency=currency_of(value) or currency_of(contract.get("value")),
                )
            )
    fallback = _fallback_country(parties, buyer_key, [tender.currency if tender else ""] + [a.currency for a in awards])
    for party in parties.values():
        party.country = party.country or fallback or default_country
    return ReleaseFacts(
        ocid=release["ocid"].strip(),
        release_id=str(release.get("id") or ""),
        date=parse_date(release.get("date")),
        parties=parties,
        buyer_key=buyer_key,
        tender=tender,
        awards=awards,
        payments=payments,
    )
