"""A few message threads on the demo's live linkages: a buyer asks, the supplier answers, back and forth.

Written through conversations.services as the organisations' owners (the buyer verified), dated over the last days.
Deterministic, and a second run writes nothing (it writes only while no thread exists).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from conversations import services
from conversations.models import Thread
from linkages.models import Linkage, Stage

THREADS = 4
# (side, words): the buyer opens, the supplier answers; Spanish, as the demo's organisations write.
SCRIPT = (
    ("buyer", "Buenos días. Vimos su perfil y nos interesa conocer su capacidad mensual y sus plazos de entrega."),
    ("supplier", "Con gusto. Producimos hasta 20.000 piezas al mes; el plazo habitual es de tres semanas."),
    ("buyer", "¿Podrían enviarnos su certificado de calidad vigente y una cotización indicativa?"),
    ("supplier", "Se los enviamos esta semana. ¿Les convendría una visita a la planta?"),
)


def _owner(organisation):
    membership = (
        Membership.objects.filter(organisation=organisation, role=Membership.Role.OWNER, user__is_active=True)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    return membership.user if membership else None


@transaction.atomic
def seed_conversations(*, today: dt.date | None = None) -> dict[str, int]:
    if Thread.objects.exists():
        return {}
    now = timezone.now() if today is None else timezone.make_aware(dt.datetime.combine(today, dt.time(9)))
    linkages = (
        Linkage.objects.filter(stage__in=[Stage.CONTACTED, Stage.MEETING, Stage.NEGOTIATION])
        .select_related("buyer", "supplier__organisation")
        .order_by("-last_activity_at", "pk")
    )
    threads = messages = 0
    for linkage in linkages[: THREADS * 5]:
        if threads >= THREADS:
            break
        if not linkage.buyer.is_verified:
            continue
        writers = {"buyer": _owner(linkage.buyer), "supplier": _owner(linkage.supplier.organisation)}
        if None in writers.values():
            continue
        thread = services.open_thread(linkage=linkage, system=True)
        # Each thread ends with the supplier's answer, unread by the buyer: the badge has something to show.
        for step, (side, body) in enumerate(SCRIPT):
            at = now - dt.timedelta(days=THREADS - threads, hours=len(SCRIPT) - step)
            services.post_message(actor=writers[side], thread=thread, body=body, at=at)
            messages += 1
        threads += 1
    return {"message threads": threads, "messages": messages}
