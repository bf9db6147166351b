from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import add_service_errors
from linkages.selectors import linkages_visible_to
from suppliers.selectors import profiles_visible_to

from . import selectors, services
from .api import attachment_response
from .forms import ContactForm, MessageForm, RequirementChoiceForm

INBOX_PAGE = 25
THREAD_PAGE = 30


def _to_message(thread, message):
    """The thread's page, scrolled to ``message``."""
    return redirect(f"{reverse('conversations:thread', args=[thread.pk])}#message-{message.pk}")


@login_required
def inbox(request):
    page = Paginator(selectors.inbox(user=request.user), INBOX_PAGE).get_page(request.GET.get("page"))
    threads = list(page)
    subjects = selectors.subjects_for(user=request.user, threads=threads)
    own = selectors.own_organisation_ids(user=request.user)
    rows = [
        {
            "thread": thread,
            "subject": subjects[thread.pk],
            "other": selectors.other_party_of(user=request.user, thread=thread, own=own),
        }
        for thread in threads
    ]
    return render(request, "conversations/inbox.html", {"page": page, "rows": rows, "query": ""})


def _thread_or_404(request, pk: int):
    thread = selectors.thread_detail(user=request.user, thread_id=pk)
    if thread is None:
        raise Http404
    return thread


@login_required
@require_http_methods(["GET", "POST"])
def thread_page(request, pk: int):
    thread = _thread_or_404(request, pk)
    may_post = selectors.may_post(user=request.user, thread=thread)
    form = MessageForm()
    status = 200
    if request.method == "POST":
        if not may_post:
            raise PermissionDenied(_("You may read this thread but not write in it."))
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid():
            attachment = form.cleaned_data.get("attachment")
            try:
                message = services.post_message(
                    actor=request.user,
                    thread=thread,
                    body=form.cleaned_data["body"],
                    attachments=[attachment] if attachment else [],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Message sent."))
                return _to_message(thread, message)
        status = 400
    all_messages = selectors.messages_of(thread=thread)
    paginator = Paginator(all_messages, THREAD_PAGE)
    page = paginator.get_page(request.GET.get("page") or paginator.num_pages)
    agency_reader = services.record_read(user=request.user, thread=thread)
    if selectors.is_party(user=request.user, thread=thread):
        services.mark_read(user=request.user, thread=thread)
    reads_count, reads = selectors.agency_reads(thread=thread, limit=5)
    return render(
        request,
        "conversations/thread.html",
        {
            "thread": thread,
            "subject": selectors.subject_of(user=request.user, thread=thread),
            "parties": _("%(buyer)s × %(supplier)s")
            % {"buyer": thread.buyer.legal_name, "supplier": thread.supplier.organisation.legal_name},
            "other": selectors.other_party_of(user=request.user, thread=thread),
            "page": page,
            "query": "",
            "form": form if may_post else None,
            "agency_reader": agency_reader,
            "agency_reads_count": reads_count,
            "agency_reads": reads,
            "linkage_visible": thread.linkage_id is not None
            and linkages_visible_to(user=request.user).filter(pk=thread.linkage_id).exists(),
        },
        status=status,
    )


@login_required
def linkage_thread(request, pk: int):
    linkage = linkages_visible_to(user=request.user).filter(pk=pk).first()
    if linkage is None:
        raise Http404
    thread = selectors.thread_for_linkage(linkage) or services.open_thread(actor=request.user, linkage=linkage)
    return redirect("conversations:thread", pk=thread.pk)


@login_required
def response_thread(request, pk: int):
    response = selectors.responses_visible_to(user=request.user).filter(pk=pk).first()
    if response is None:
        raise Http404
    thread = selectors.thread_for_response(response) or services.open_thread(actor=request.user, response=response)
    return redirect("conversations:thread", pk=thread.pk)


@login_required
def attachment(request, pk: int):
    found = selectors.attachment_visible_to(user=request.user, attachment_id=pk)
    if found is None:
        raise Http404
    services.record_read(user=request.user, thread=found.message.thread)
    return attachment_response(found)


# -- from a supplier's profile -------------------------------------------------------------------------------------


def _supplier_and_buyer(request, pk: int):
    """The supplier (one the user may see and that is open to buyers, else 404) and the verified buyer the user acts
    for (else 403: unverified buyers, SMEs, viewers and agency staff do not act from a profile)."""
    supplier = profiles_visible_to(user=request.user).filter(pk=pk).first()
    if supplier is None or selectors.reachable_supplier(supplier_id=pk) is None:
        raise Http404
    buyer = selectors.buyer_for_actions(user=request.user)
    if buyer is None:
        raise PermissionDenied(_("Only the team of a buyer verified by agency staff may do this."))
    return supplier, buyer


def _profile_url(supplier) -> str:
    return reverse("suppliers:detail", args=[supplier.pk])


@login_required
@require_http_methods(["GET", "POST"])
def contact(request, pk: int):
    supplier, buyer = _supplier_and_buyer(request, pk)
    form = ContactForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        attachment = form.cleaned_data.get("attachment")
        try:
            _linkage, thread, message = services.contact_supplier(
                actor=request.user,
                buyer=buyer,
                supplier=supplier,
                body=form.cleaned_data["body"],
                attachments=[attachment] if attachment else [],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Message sent; the supplier is now a contact of yours."))
            return _to_message(thread, message)
    return render(
        request,
        "conversations/contact.html",
        {"supplier": supplier, "buyer": buyer, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, pk: int):
    supplier, buyer = _supplier_and_buyer(request, pk)
    requirements = selectors.open_requirements_of(buyer=buyer)
    form = RequirementChoiceForm(request.POST or None, requirements=requirements)
    context = {"supplier": supplier, "buyer": buyer, "form": form, "action": "invite"}
    if request.method == "POST" and form.is_valid():
        requirement = form.cleaned_data["requirement"]
        try:
            invited, missing = services.invite_supplier(
                actor=request.user,
                requirement=requirement,
                supplier=supplier,
                confirmed=form.cleaned_data["confirmed"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if invited:
                messages.success(
                    request,
                    _("%(supplier)s is invited to “%(requirement)s”.")
                    % {"supplier": supplier.organisation.legal_name, "requirement": requirement.title},
                )
                return redirect(_profile_url(supplier))
            return render(
                request,
                "conversations/invite_confirm.html",
                {
                    "supplier": supplier,
                    "requirement": requirement,
                    "missing": missing,
                    "day": selectors.certificate_day(requirement, today=timezone.localdate()),
                },
            )
    return render(
        request,
        "conversations/requirement_action.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def shortlist(request, pk: int):
    supplier, buyer = _supplier_and_buyer(request, pk)
    requirements = selectors.open_requirements_of(buyer=buyer)
    form = RequirementChoiceForm(request.POST, requirements=requirements)
    if form.is_valid():
        requirement = form.cleaned_data["requirement"]
        try:
            services.shortlist_supplier(actor=request.user, requirement=requirement, supplier=supplier)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(supplier)s is on the shortlist of “%(requirement)s”.")
                % {"supplier": supplier.organisation.legal_name, "requirement": requirement.title},
            )
            return redirect(_profile_url(supplier))
    return render(
        request,
        "conversations/requirement_action.html",
        {"supplier": supplier, "buyer": buyer, "form": form, "action": "shortlist"},
        status=400,
    )
