"""The requirement page's response panel: a supplier's actions and history, questions and answers, and for the
buyer's team a link to the comparison. A handful of queries, no engine."""

from django import template

from accounts.models import Membership

from .. import selectors
from ..forms import AnswerForm, QuestionForm
from ..models import Response

register = template.Library()


@register.inclusion_tag("marketplace/_panel.html", takes_context=True)
def response_panel(context, requirement):
    request = context["request"]
    user = request.user
    profile = selectors.acting_profile(user=user, editing=False)
    buyer_side = selectors.is_buyer_side(user=user, requirement=requirement)
    own = selectors.own_response(profile=profile, requirement=requirement) if profile and not buyer_side else None
    writer = (
        profile is not None
        and not buyer_side
        and Membership.objects.filter(
            user=user,
            organisation_id=profile.organisation_id,
            role__in=[Membership.Role.OWNER, Membership.Role.MEMBER],
        ).exists()
    )
    reads_responses = selectors.may_read_responses_of(user=user, requirement=requirement)
    return {
        "request": request,
        "requirement": requirement,
        "supplier": profile if not buyer_side else None,
        "writer": writer,
        "answerable": requirement.status in selectors.ANSWERABLE,
        "own": own,
        "revisions": list(own.revisions.all()) if own else [],
        "attachments": list(own.attachments.all()) if own else [],
        "buyer_side": buyer_side,
        "answers_questions": buyer_side and selectors.may_answer_questions(user=user, requirement=requirement),
        "clarifications": list(selectors.clarifications_visible_to(user=user, requirement=requirement)),
        "reads_responses": reads_responses,
        "response_count": Response.objects.filter(requirement=requirement).count() if reads_responses else 0,
        "question_form": QuestionForm(),
        "answer_form": AnswerForm(),
        "csrf_token": context.get("csrf_token"),
    }
