"""Demo responses: on a few open requirements, the best-ranked suppliers quote (in US dollars and in colones),
one declines for lack of capacity, and a question is asked and answered, all through the marketplace's services."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from accounts.models import Membership, Organisation
from buyers.models import Requirement
from marketplace import services
from marketplace.models import Response
from matching import selectors as matching_selectors

REQUIREMENTS = 3  # open requirements that get responses
QUESTION = "¿Se aceptan entregas parciales en dos lotes? / May the parts be delivered in two lots?"
ANSWER = "Yes: two lots, the first within 60 days of the order. / Sí: dos lotes, el primero a 60 días del pedido."


def _owner(organisation: Organisation):
    membership = (
        Membership.objects.filter(organisation=organisation, role=Membership.Role.OWNER, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def seed_marketplace(*, today: dt.date) -> dict[str, int]:
    """Idempotent: nothing is written once any response exists."""
    created = {"responses": 0, "clarifications": 0}
    if Response.objects.exists():
        return created
    requirements = (
        Requirement.objects.filter(
            status=Requirement.Status.OPEN,
            visibility=Requirement.Visibility.PUBLIC,
            historic=False,
            buyer__verification_status=Organisation.VerificationStatus.VERIFIED,
        )
        .select_related("buyer")
        .order_by("pk")
    )
    done = 0
    for requirement in requirements:
        if done >= REQUIREMENTS:
            break
        run = matching_selectors.latest_finished_run(requirement=requirement)
        buyer_user = _owner(requirement.buyer)
        if run is None or buyer_user is None:
            continue
        suppliers = [
            (match.supplier, user)
            for match in run.matches.select_related("supplier__organisation").order_by("rank")[:6]
            if (user := _owner(match.supplier.organisation)) is not None
        ][:3]
        if len(suppliers) < 3:
            continue
        with transaction.atomic():
            (_first, first_user), (_second, second_user), (_third, third_user) = suppliers
            base = Decimal(str(40 + 7 * done))
            services.submit_response(
                actor=first_user,
                requirement=requirement,
                kind="quote",
                price=base,
                currency="USD",
                unit=requirement.unit or "unit",
                lead_time_days=30,
                valid_until=today + dt.timedelta(days=45),
                notes="Precio FOB planta, incluye certificados de material. / FOB price, material certificates included.",
            )
            services.submit_response(
                actor=second_user,
                requirement=requirement,
                kind="quote",
                price=(base * Decimal("480")).quantize(Decimal("1")),  # colones: a little under the first in USD
                currency="CRC",
                unit=requirement.unit or "unit",
                lead_time_days=21,
                valid_until=today + dt.timedelta(days=30),
            )
            services.submit_response(
                actor=third_user,
                requirement=requirement,
                kind="decline",
                decline_reason="no_capacity",
                notes="Nuestra línea está ocupada hasta el próximo trimestre.",
            )
            created["responses"] += 3
            if done == 0:
                question = services.ask_question(actor=second_user, requirement=requirement, question=QUESTION)
                services.answer_clarification(actor=buyer_user, clarification=question, answer=ANSWER)
                created["clarifications"] += 1
        done += 1
    return created
