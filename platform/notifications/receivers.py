"""Notifications listen to the apps below: match runs, linkage stage changes (and business meetings)."""

import datetime as dt

from django.dispatch import receiver
from django.utils import timezone

from buyers.models import Requirement, RequirementInvitation
from development.signals import follow_up_due
from events.signals import meeting_decided, meeting_requested
from linkages.selectors import parties_of
from linkages.signals import linkage_stage_changed
from matching.signals import match_run_finished

from .models import Notification
from .services import notify, recipients_in

OPPORTUNITY_TOP = 10  # suppliers this high in a run hear about the requirement
HISTORY_OLDER_THAN = dt.timedelta(days=1)  # back-dated changes (imports, demo history) are not news


@receiver(match_run_finished, dispatch_uid="notifications.opportunities")
def tell_top_suppliers_about_the_opportunity(sender, run, **kwargs):
    requirement = run.requirement
    if requirement.status != Requirement.Status.OPEN or requirement.visibility == Requirement.Visibility.AGENCY:
        return
    matches = run.matches.filter(rank__lte=OPPORTUNITY_TOP).select_related("supplier__organisation")
    invited = set(RequirementInvitation.objects.filter(requirement=requirement).values_list("supplier_id", flat=True))
    for match in matches:
        if requirement.visibility == Requirement.Visibility.INVITED and match.supplier_id not in invited:
            continue  # an invitation-only requirement is news only to the invited
        notify(
            users=recipients_in(match.supplier.organisation),
            kind=Notification.Kind.OPPORTUNITY,
            params={"requirement": requirement.title, "buyer": requirement.buyer.legal_name},
            url=f"/requirements/{requirement.pk}/",
            dedupe_key=f"opportunity:{requirement.pk}",
        )


@receiver(linkage_stage_changed, dispatch_uid="notifications.stage_changes")
def tell_the_other_side_about_a_stage_change(sender, linkage, from_stage, to_stage, actor=None, **kwargs):
    if linkage.stage_changed_at < timezone.now() - HISTORY_OLDER_THAN:
        return
    acting = parties_of(user=actor, linkage=linkage) if actor is not None else set()
    organisations = []
    if "buyer" not in acting:
        organisations.append(linkage.buyer)
    if "supplier" not in acting:
        organisations.append(linkage.supplier.organisation)
    users = [user for organisation in organisations for user in recipients_in(organisation)]
    if actor is not None:
        users = [user for user in users if user.pk != actor.pk]
    notify(
        users=users,
        kind=Notification.Kind.STAGE_CHANGE,
        params={
            "buyer": linkage.buyer.legal_name,
            "supplier": linkage.supplier.organisation.legal_name,
            "from": str(from_stage or ""),
            "to": str(to_stage),
        },
        url=f"/linkages/{linkage.pk}/",
        dedupe_key=f"linkage:{linkage.pk}:{to_stage}:{linkage.stage_changed_at:%Y%m%d%H%M%S%f}",
    )


@receiver(meeting_requested, dispatch_uid="notifications.meeting_requested")
def tell_the_recipient_about_a_meeting_request(sender, meeting_request, **kwargs):
    notify(
        users=recipients_in(meeting_request.recipient.organisation),
        kind=Notification.Kind.MEETING_REQUEST,
        params={
            "organisation": meeting_request.requester.organisation.legal_name,
            "event": meeting_request.event.name,
            "message": meeting_request.message,
        },
        url=f"/events/{meeting_request.event_id}/",
        dedupe_key=f"meeting-request:{meeting_request.pk}:{meeting_request.created_at:%Y%m%d%H%M%S}",
    )


@receiver(meeting_decided, dispatch_uid="notifications.meeting_decided")
def tell_the_requester_about_the_answer(sender, meeting_request, **kwargs):
    notify(
        users=recipients_in(meeting_request.requester.organisation),
        kind=Notification.Kind.MEETING_DECISION,
        params={
            "organisation": meeting_request.recipient.organisation.legal_name,
            "event": meeting_request.event.name,
            "accepted": meeting_request.status == "accepted",
        },
        url=f"/events/{meeting_request.event_id}/",
        dedupe_key=f"meeting-decision:{meeting_request.pk}:{meeting_request.status}",
    )


@receiver(follow_up_due, dispatch_uid="notifications.outcome_follow_up")
def ask_the_supplier_for_its_outcomes(sender, request, **kwargs):
    """6 and 12 months after its improvement plan ends, the SME is asked to record its outcomes."""
    intervention = request.intervention
    notify(
        users=recipients_in(intervention.supplier.organisation, include_viewers=False),
        kind=Notification.Kind.OUTCOME_FOLLOW_UP,
        params={
            "programme": intervention.programme.name,
            "months": request.months_after,
            "plan_ended_on": intervention.plan_ended_on.isoformat(),
        },
        url=f"/programmes/interventions/{intervention.pk}/",
        dedupe_key=f"follow-up:{intervention.pk}:{request.months_after}",
    )
