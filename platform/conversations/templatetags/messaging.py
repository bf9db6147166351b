from django import template

from .. import selectors
from ..forms import ContactForm, RequirementChoiceForm

register = template.Library()


@register.inclusion_tag("conversations/_supplier_actions.html", takes_context=True)
def supplier_actions(context, profile):
    """On a supplier's profile, what a verified buyer's team member may do: contact it, invite it to one of the
    buyer's open requirements, shortlist it for one. Nothing for anyone else, nor for a supplier hidden from buyers."""
    request = context.get("request")
    user = getattr(request, "user", None)
    buyer = selectors.buyer_for_actions(user=user) if user is not None else None
    if buyer is None or selectors.reachable_supplier(supplier_id=profile.pk) is None:
        return {"show": False}
    requirements = selectors.open_requirements_of(buyer=buyer)
    return {
        "show": True,
        "profile": profile,
        "buyer": buyer,
        "csrf_token": context.get("csrf_token"),
        "contact_form": ContactForm(auto_id="contact_%s"),
        "requirement_form": RequirementChoiceForm(requirements=requirements, auto_id="invite_%s"),
        "shortlist_form": RequirementChoiceForm(requirements=requirements, auto_id="shortlist_%s"),
        "has_requirements": requirements.exists(),
    }
