"""Notifications about this area: receivers of its signals."""

from django.dispatch import receiver

from marketplace.signals import (
    award_decided,
    clarification_published,
    question_asked,
    response_reminder_due,
    response_submitted,
)

from .models import Notification
from .services import notify, recipients_in


def _requirement_url(requirement) -> str:
    return f"/requirements/{requirement.pk}/"


@receiver(response_submitted, dispatch_uid="notifications.marketplace.response")
def tell_the_buyer_about_a_response(sender, response, revised=False, **kwargs):
    requirement = response.requirement
    notify(
        users=recipients_in(requirement.buyer),
        kind=Notification.Kind.RESPONSE,
        params={
            "supplier": response.supplier.organisation.legal_name,
            "requirement": requirement.title,
            "kind": str(response.kind),
            "revised": bool(revised),
            "version": response.version,
        },
        url=f"/responses/requirements/{requirement.pk}/compare/",
        dedupe_key=f"response:{response.pk}:{response.version}",
    )


@receiver(question_asked, dispatch_uid="notifications.marketplace.question")
def tell_the_buyer_about_a_question(sender, clarification, **kwargs):
    requirement = clarification.requirement
    notify(
        users=recipients_in(requirement.buyer, include_viewers=False),
        kind=Notification.Kind.CLARIFICATION,
        params={"requirement": requirement.title, "buyer": requirement.buyer.legal_name, "asked": True},
        url=_requirement_url(requirement),
        dedupe_key=f"question:{clarification.pk}",
    )


@receiver(clarification_published, dispatch_uid="notifications.marketplace.clarification")
def tell_the_suppliers_about_an_answer(sender, clarification, recipients, **kwargs):
    requirement = clarification.requirement
    users = [user for profile in recipients for user in recipients_in(profile.organisation)]
    notify(
        users=users,
        kind=Notification.Kind.CLARIFICATION,
        params={"requirement": requirement.title, "buyer": requirement.buyer.legal_name},
        url=_requirement_url(requirement),
        dedupe_key=f"clarification:{clarification.pk}",
    )


@receiver(response_reminder_due, dispatch_uid="notifications.marketplace.reminder")
def remind_the_supplier(sender, requirement, supplier, **kwargs):
    notify(
        users=recipients_in(supplier.organisation, include_viewers=False),
        kind=Notification.Kind.RESPONSE_REMINDER,
        params={
            "requirement": requirement.title,
            "buyer": requirement.buyer.legal_name,
            "respond_by": requirement.respond_by.isoformat(),
        },
        url=_requirement_url(requirement),
        dedupe_key=f"response-reminder:{requirement.pk}:{supplier.pk}",
    )


@receiver(award_decided, dispatch_uid="notifications.marketplace.award")
def tell_the_suppliers_the_decision(sender, requirement, awarded, not_awarded, **kwargs):
    for response, won in [(r, True) for r in awarded] + [(r, False) for r in not_awarded]:
        if not won and response.kind == "decline":
            continue  # it declined: nothing to tell
        notify(
            users=recipients_in(response.supplier.organisation),
            kind=Notification.Kind.AWARD,
            params={"requirement": requirement.title, "buyer": requirement.buyer.legal_name, "awarded": won},
            url=_requirement_url(requirement),
            dedupe_key=f"award:{requirement.pk}:{response.supplier_id}",
        )
