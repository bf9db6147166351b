"""Two demo events: last year's fair (done) and an upcoming one with requests in every state and an agenda."""

import datetime as dt
import random

from django.core.exceptions import ValidationError

from accounts.models import Membership, Organisation, User

from . import services
from .models import Event

SEED = 2028


def seed_events(*, today: dt.date) -> dict[str, int]:
    if Event.objects.exists():
        return {}
    agency = Organisation.objects.filter(kind=Organisation.Kind.AGENCY).order_by("legal_name").first()
    staff = Membership.objects.filter(organisation=agency).select_related("user").first()
    if agency is None or staff is None:
        return {}
    rng = random.Random(SEED)
    actor = staff.user
    counts = {"events": 0, "meeting requests": 0, "scheduled meetings": 0}
    for name, start, scheduled in (
        ("Feria de Encadenamientos Productivos — Dispositivos Médicos", today - dt.timedelta(days=200), True),
        ("Rueda de Negocios Centroamérica–México", today + dt.timedelta(days=45), True),
    ):
        event = services.create_event(
            actor=actor,
            organiser=agency,
            name=name,
            venue="Centro de Convenciones",
            city="San José",
            starts_on=start,
            ends_on=start + dt.timedelta(days=1),
            tables=8,
            meetings_per_participant=6,
            description="Reuniones uno a uno de 30 minutos entre empresas ancla y proveedores locales.",
        )
        counts["events"] += 1
        mncs = list(Organisation.objects.filter(kind=Organisation.Kind.MNC).order_by("legal_name"))
        # The demo's main buyer account (Orthovia) takes part, so its agenda shows on the event page.
        buyers = sorted(
            set([o for o in mncs if o.legal_name.startswith("Orthovia")] + mncs[:5]), key=lambda o: o.legal_name
        )
        smes = list(
            Organisation.objects.filter(kind=Organisation.Kind.SME, supplier_profile__published=True).order_by("pk")[
                :24
            ]
        )
        participants = {o.pk: services.register(actor=actor, event=event, organisation=o) for o in buyers + smes}
        owners = dict(
            Membership.objects.filter(organisation__in=buyers + smes, role=Membership.Role.OWNER)
            .order_by("organisation_id", "pk")
            .values_list("organisation_id", "user")
        )
        users = {user.pk: user for user in User.objects.filter(pk__in=owners.values())}
        for buyer in buyers:
            for sme in rng.sample(smes, k=5):
                asker, asked = (buyer, sme) if rng.random() < 0.6 else (sme, buyer)
                if asker.pk not in owners or asked.pk not in owners:
                    continue
                try:
                    meeting = services.request_meeting(
                        actor=users[owners[asker.pk]],
                        event=event,
                        requester=participants[asker.pk],
                        recipient=participants[asked.pk],
                        message="Nos interesa conocer su capacidad.",
                    )
                    counts["meeting requests"] += 1
                    roll = rng.random()
                    if roll < 0.8:  # most are answered: three in four of those accepted
                        services.decide(actor=users[owners[asked.pk]], meeting=meeting, accept=roll < 0.6)
                except ValidationError:
                    continue  # a pair already asked, or a cap reached: the demo takes what the rules allow
        if scheduled:
            services.build_agenda(actor=actor, event=event)
            counts["scheduled meetings"] += event.scheduled_meetings.count()
    return counts
