"""Synthetic OCDS 1.1 releases shaped like the shared samples: buyers, suppliers, tenders, awards, payments."""

import datetime as dt
import gzip
import json
import random
from pathlib import Path

CPV = [
    "42600000",
    "33141000",
    "15510000",
    "44617000",
    "60100000",
    "19520000",
    "31600000",
    "18130000",
    "45000000",
    "50000000",
]
WORDS = [
    "suministro",
    "mantenimiento",
    "servicio",
    "equipos",
    "insumos",
    "obras",
    "transporte",
    "repuestos",
    "médicos",
    "informáticos",
]


def release(rng: random.Random, index: int, *, buyers: int, suppliers: int) -> dict:
    buyer = rng.randrange(buyers)
    supplier = rng.randrange(suppliers)
    day = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(2500))
    cpv = rng.choice(CPV)
    title = " ".join(rng.sample(WORDS, 3)).capitalize()
    amount = round(rng.uniform(1_000, 500_000), 2)
    open_tender = index % 50 == 0
    data = {
        "ocid": f"ocds-bench-{index:07d}",
        "id": f"{index}-1",
        "date": f"{day}T10:00:00Z",
        "tag": ["tender"] if open_tender else ["award", "contract"],
        "initiationType": "tender",
        "parties": [
            {
                "id": f"B{buyer}",
                "name": f"Ministerio de Compras {buyer}",
                "identifier": {"scheme": "PY-RUC", "id": f"B-{buyer}"},
                "address": {"countryName": "Paraguay"},
                "roles": ["buyer", "procuringEntity"],
            },
            {
                "id": f"S{supplier}",
                "name": f"Proveedor {supplier} S.A.",
                "identifier": {"scheme": "PY-RUC", "id": f"S-{supplier}"},
                "address": {"countryName": "Paraguay", "locality": "Asunción"},
                "roles": ["supplier"],
            },
        ],
        "buyer": {"id": f"B{buyer}", "name": f"Ministerio de Compras {buyer}"},
        "tender": {
            "id": f"T{index}",
            "title": title,
            "description": f"{title} para la institución",
            "status": "active" if open_tender else "complete",
            "value": {"amount": amount, "currency": "PYG"},
            "items": [{"id": "1", "classification": {"scheme": "CPV", "id": cpv, "description": title}}],
        },
    }
    if not open_tender:
        data["awards"] = [
            {
                "id": f"A{index}",
                "status": "active",
                "date": f"{day}T12:00:00Z",
                "title": title,
                "value": {"amount": amount, "currency": "PYG"},
                "suppliers": [{"id": f"S{supplier}", "name": f"Proveedor {supplier} S.A."}],
            }
        ]
        data["contracts"] = [
            {
                "id": f"C{index}",
                "awardID": f"A{index}",
                "implementation": {
                    "transactions": [
                        {
                            "id": "1",
                            "date": f"{day + dt.timedelta(days=60)}T00:00:00Z",
                            "value": {"amount": round(amount / 3, 2), "currency": "PYG"},
                        }
                    ]
                },
            }
        ]
    return data


def write_files(directory: Path, *, releases: int, files: int, seed: int = 5) -> list[Path]:
    rng = random.Random(seed)
    buyers, suppliers = max(10, releases // 250), max(50, releases // 10)
    per_file = releases // files
    paths = []
    for number in range(files):
        path = directory / f"bench-{number}.jsonl.gz"
        lines = (
            json.dumps(release(rng, number * per_file + i, buyers=buyers, suppliers=suppliers)) for i in range(per_file)
        )
        path.write_bytes(gzip.compress("\n".join(lines).encode()))
        paths.append(path)
    return paths
