"""Two supplier-development programmes on the demo data: deterministic and idempotent."""

import datetime as dt

from accounts.models import Organisation
from suppliers.models import SupplierProfile

from .models import Programme

PROGRAMMES = (
    ("Encadenamientos Costa Rica 2024–2026", "Agencia de Encadenamientos Productivos", ("CR",), 3),
    ("Desarrollo de proveedores El Salvador–México", "Programa de Desarrollo de Proveedores", ("SV", "MX"), 2),
)


def seed_development(*, today: dt.date) -> dict[str, int]:
    created = 0
    for index, (name, agency_prefix, countries, years) in enumerate(PROGRAMMES):
        if Programme.objects.filter(name=name).exists():
            continue
        agency = Organisation.objects.filter(
            kind=Organisation.Kind.AGENCY, legal_name__startswith=agency_prefix
        ).first()
        if agency is None:
            continue
        programme = Programme.objects.create(
            name=name,
            agency=agency,
            description="Diagnóstico, plan de mejora y acompañamiento hacia el primer pedido con las empresas ancla.",
            starts_on=today.replace(month=1, day=1) - dt.timedelta(days=365 * years),
        )
        buyers = Organisation.objects.filter(kind=Organisation.Kind.MNC, country__in=countries).order_by("legal_name")
        programme.anchor_buyers.set(buyers[:3])
        suppliers = SupplierProfile.objects.filter(organisation__country__in=countries).order_by("pk")
        programme.suppliers.set(suppliers[index::2][:40])
        created += 1
    return {"programmes": created} if created else {}
