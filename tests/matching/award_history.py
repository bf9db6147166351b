"""A small, deterministic award history in OCDS: buyers who mostly go back to their incumbents in each code."""

import datetime as dt
import gzip
import json
import random
from pathlib import Path

CODES = {
    "33141125": "Nahtmaterial für chirurgische Eingriffe",
    "45233140": "Straßenbauarbeiten Ortsdurchfahrt",
    "79710000": "Sicherheitsdienstleistungen Rathaus",
    "30192000": "Büromaterial Lieferung",
}
BUYERS = ["Stadt Adorf", "Stadt Bedorf", "Kreis Cedorf"]
SUPPLIERS = [f"Lieferant {letter} GmbH" for letter in "ABCDEFGHIJKL"]


def _party(name: str, role: str) -> dict:
    key = "DE-NAME-" + name.upper().replace(" ", "")
    return {"id": key, "name": name, "roles": [role], "address": {"countryName": "Germany", "region": "Sachsen"}}


def award_release(number: int, *, buyer: str, supplier: str, code: str, day: dt.date, value: float | None) -> dict:
    buyer_party, supplier_party = _party(buyer, "buyer"), _party(supplier, "supplier")
    items = [{"id": "1", "classification": {"scheme": "CPV", "id": code, "description": CODES[code]}}]
    award = {
        "id": f"award-{number}",
        "status": "active",
        "date": f"{day.isoformat()}T00:00:00Z",
        "title": CODES[code],
        "suppliers": [{"id": supplier_party["id"], "name": supplier}],
        "items": items,
    }
    if value is not None:
        award["value"] = {"amount": value, "currency": "EUR"}
    return {
        "ocid": f"ocds-test-{number}",
        "id": f"release-{number}",
        "date": f"{day.isoformat()}T00:00:00Z",
        "tag": ["award"],
        "initiationType": "tender",
        "buyer": {"id": buyer_party["id"], "name": buyer},
        "parties": [buyer_party, supplier_party],
        "tender": {"id": f"tender-{number}", "status": "complete", "title": CODES[code], "items": items},
        "awards": [award],
    }


def award_history(count: int = 240, *, seed: int = 5, start: dt.date = dt.date(2021, 1, 4)) -> list[dict]:
    """``count`` awards, a few days apart; each buyer has two incumbents per code who win 85 % of the time."""
    rng = random.Random(seed)
    incumbents = {(b, c): rng.sample(SUPPLIERS, 2) for b in BUYERS for c in CODES}
    releases = []
    for number in range(count):
        buyer, code = rng.choice(BUYERS), rng.choice(list(CODES))
        supplier = rng.choice(incumbents[(buyer, code)]) if rng.random() < 0.85 else rng.choice(SUPPLIERS)
        day = start + dt.timedelta(days=3 * number)
        releases.append(
            award_release(
                number, buyer=buyer, supplier=supplier, code=code, day=day, value=rng.choice([None, 12_000.0])
            )
        )
    return releases


def write_package(path: Path, releases: list[dict]) -> Path:
    package = {"uri": "https://example.org/test", "version": "1.1", "publishedDate": "2026-01-01T00:00:00Z"}
    package["releases"] = releases
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(package, handle)
    return path
