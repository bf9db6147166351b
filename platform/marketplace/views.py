"""Pages: a supplier's response (send, revise, decline), questions and answers, the buyer's comparison and award."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import add_service_errors
from accounts.permissions import is_agency_staff
from core.limits import parse_id
from suppliers.models import SupplierProfile

from . import selectors, services
from .forms import AnswerForm, ComparisonForm, QuestionForm, ResponseForm


def _requirement_or_404(request, pk: int):
    requirement = selectors.answerable_requirement(user=request.user, requirement_id=pk)
    if requirement is None:
        raise Http404
    return requirement


@login_required
@require_http_methods(["GET", "POST"])
def respond(request, pk: int):
    """Send the supplier's response to a requirement, or revise it (the earlier version is kept)."""
    requirement = _requirement_or_404(request, pk)
    profile = selectors.acting_profile(user=request.user, editing=True)
    if profile is None:
        raise PermissionDenied(_("Only owners and members of a supplier answer requirements."))
    live = selectors.own_response(profile=profile, requirement=requirement)
    form = ResponseForm(request.POST or None, request.FILES or None, initial=ResponseForm.initial_from(live))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        files = data.pop("attachments")
        try:
            if live is None:
                services.submit_response(actor=request.user, requirement=requirement, attachments=files, **data)
            else:
                services.revise_response(actor=request.user, response=live, attachments=files, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your response was sent to the buyer."))
            return redirect("buyers:detail", pk=requirement.pk)
    return render(
        request,
        "marketplace/respond.html",
        {"requirement": requirement, "form": form, "live": live},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def ask(request, pk: int):
    requirement = _requirement_or_404(request, pk)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("question", [_("Write your question.")])))
        return redirect("buyers:detail", pk=pk)
    try:
        services.ask_question(actor=request.user, requirement=requirement, question=form.cleaned_data["question"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your question was sent. The answer will be published here."))
    return redirect("buyers:detail", pk=pk)


@login_required
@require_POST
def answer(request, pk: int):
    clarification = selectors.clarification_for_answer(user=request.user, clarification_id=pk)
    if clarification is None or not selectors.is_buyer_side(user=request.user, requirement=clarification.requirement):
        raise Http404
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("answer", [_("Write the answer.")])))
    else:
        try:
            services.answer_clarification(
                actor=request.user, clarification=clarification, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Answer published."))
    return redirect("buyers:detail", pk=clarification.requirement_id)


@login_required
def attachment(request, pk: int):
    """A response's attachment, for its supplier, the verified buyer's team and agency staff (reads recorded)."""
    found = selectors.attachment_visible_to(user=request.user, attachment_id=pk)
    if found is None or not found.file:
        raise Http404
    services.record_reads(reader=request.user, responses=[found.response])
    extension = Path(found.file.name).suffix
    filename = slugify(Path(found.name).stem) or f"attachment-{found.pk}"
    return FileResponse(found.file.open("rb"), as_attachment=False, filename=f"{filename}{extension}")


def _comparable_or_404(request, pk: int):
    requirement = _requirement_or_404(request, pk)
    if not selectors.may_read_responses_of(user=request.user, requirement=requirement):
        raise Http404
    return requirement


@login_required
def compare(request, pk: int):
    requirement = _comparable_or_404(request, pk)
    form = ComparisonForm(request.GET or None)
    options = form.cleaned_data if form.is_valid() else {}
    result = selectors.comparison(
        requirement=requirement,
        sort=options.get("sort") or "price",
        kind=options.get("kind") or "",
        shortlisted_only=bool(options.get("shortlisted")),
        certified_only=bool(options.get("certified")),
    )
    services.record_reads(reader=request.user, responses=[row.response for row in result["rows"]])
    return render(
        request,
        "marketplace/compare.html",
        {
            "requirement": requirement,
            "form": form,
            "may_decide": selectors.may_decide(user=request.user, requirement=requirement),
            "may_award": requirement.status == "open",
            "is_agency": is_agency_staff(request.user),
            **result,
        },
    )


def _responding_supplier(requirement, value) -> SupplierProfile | None:
    pk = parse_id(value)
    if pk is None:
        return None
    return (
        SupplierProfile.objects.filter(pk=pk, responses__requirement=requirement).select_related("organisation").first()
    )


@login_required
@require_POST
def shortlist(request, pk: int):
    requirement = _comparable_or_404(request, pk)
    supplier = _responding_supplier(requirement, request.POST.get("supplier"))
    if supplier is None:
        messages.error(request, _("Choose a supplier that responded."))
    else:
        services.set_shortlisted(
            actor=request.user,
            requirement=requirement,
            supplier=supplier,
            shortlisted=request.POST.get("shortlisted") == "1",
        )
    return redirect("marketplace:compare", pk=pk)


@login_required
@require_POST
def award(request, pk: int):
    requirement = _comparable_or_404(request, pk)
    suppliers = [_responding_supplier(requirement, value) for value in request.POST.getlist("suppliers")]
    if not suppliers or None in suppliers:
        messages.error(request, _("Choose at least one supplier that made an offer."))
        return redirect("marketplace:compare", pk=pk)
    try:
        awarded = services.award(actor=request.user, requirement=requirement, suppliers=suppliers)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        names = ", ".join(response.supplier.organisation.legal_name for response in awarded)
        messages.success(request, _("Awarded to %(names)s. The other suppliers were told.") % {"names": names})
    return redirect("marketplace:compare", pk=pk)
