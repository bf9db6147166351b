from pathlib import Path

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import add_service_errors
from accounts.models import Organisation
from accounts.permissions import can_edit_organisation, is_agency_staff
from accounts.redirects import redirect_within_site
from accounts.services import verify_organisation
from core.limits import parse_id
from core.pagination import OneQueryPaginator
from core.responses import after_response

from . import selectors, services
from .forms import (
    CapabilityForm,
    CertificationForm,
    DiagnosticForm,
    MachineForm,
    ProfileForm,
    SupplierSearchForm,
    VerificationForm,
)
from .models import Capability, Certification, ExposureCount, Machine, SupplierProfile
from .verification_forms import SupplierVerificationForm, VerificationQueueForm

ONBOARDING_STEPS = ("profile", "capabilities", "certifications", "diagnostic")


def _own_profile(request) -> SupplierProfile:
    organisation = Organisation.objects.filter(memberships__user=request.user, kind=Organisation.Kind.SME).first()
    if organisation is None:
        raise PermissionDenied(_("The supplier profile belongs to SME suppliers."))
    if not can_edit_organisation(request.user, organisation):
        raise PermissionDenied(_("Viewers cannot edit the profile."))
    return services.get_or_create_profile(organisation=organisation)


def _completed_steps(profile: SupplierProfile) -> set[str]:
    done = set()
    if profile.summary:
        done.add("profile")
    if profile.capabilities.exists():
        done.add("capabilities")
    if profile.certifications.exists():
        done.add("certifications")
    if profile.diagnostics.exists():
        done.add("diagnostic")
    return done


def _try(request, form, write) -> bool:
    """Run a service call; show its validation errors on the form instead of failing."""
    try:
        write()
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def onboarding(request, step: str = "profile"):
    if step not in ONBOARDING_STEPS:
        raise Http404
    profile = _own_profile(request)
    forms = {}
    user = request.user
    action = request.POST.get("action", "")
    if step == "profile":
        forms["profile"] = ProfileForm(request.POST if action == "save" else None, instance=profile)
        forms["machine"] = MachineForm(request.POST if action == "add-machine" else None)
        if action == "save" and forms["profile"].is_valid():
            data = {k: forms["profile"].cleaned_data[k] for k in ProfileForm.Meta.fields}
            if _try(request, forms["profile"], lambda: services.update_profile(profile=profile, actor=user, **data)):
                return redirect("suppliers:onboarding_step", step="capabilities")
        elif action == "add-machine" and forms["machine"].is_valid():
            if _try(
                request,
                forms["machine"],
                lambda: services.add_machine(profile=profile, actor=user, **forms["machine"].cleaned_data),
            ):
                return redirect("suppliers:onboarding_step", step="profile")
        elif action == "remove-machine":
            machine = get_object_or_404(Machine, pk=parse_id(request.POST.get("id")), profile=profile)
            services.remove_machine(machine=machine, actor=user)
            return redirect("suppliers:onboarding_step", step="profile")
    elif step == "capabilities":
        forms["capability"] = CapabilityForm(request.POST if action == "add" else None)
        if action == "add" and forms["capability"].is_valid():
            if _try(
                request,
                forms["capability"],
                lambda: services.add_capability(profile=profile, actor=user, **forms["capability"].cleaned_data),
            ):
                messages.success(request, _("Capability added."))
                return redirect("suppliers:onboarding_step", step="capabilities")
        elif action == "remove":
            capability = get_object_or_404(Capability, pk=parse_id(request.POST.get("id")), profile=profile)
            services.remove_capability(capability=capability, actor=user)
            return redirect("suppliers:onboarding_step", step="capabilities")
    elif step == "certifications":
        forms["certification"] = CertificationForm(
            request.POST if action == "add" else None, request.FILES if action == "add" else None
        )
        if action == "add" and forms["certification"].is_valid():
            data = forms["certification"].cleaned_data
            if _try(
                request, forms["certification"], lambda: services.add_certification(profile=profile, actor=user, **data)
            ):
                messages.success(request, _("Certificate recorded; agency staff will verify it."))
                return redirect("suppliers:onboarding_step", step="certifications")
        elif action == "remove":
            certification = get_object_or_404(Certification, pk=parse_id(request.POST.get("id")), profile=profile)
            services.remove_certification(certification=certification, actor=user)
            return redirect("suppliers:onboarding_step", step="certifications")
    elif step == "diagnostic":
        forms["diagnostic"] = DiagnosticForm(
            request.POST if action == "save" else None, latest=profile.diagnostics.first()
        )
        if action == "save" and forms["diagnostic"].is_valid():
            form = forms["diagnostic"]
            if _try(
                request,
                form,
                lambda: services.record_diagnostic(
                    profile=profile, assessed_by=user, areas=form.areas(), notes=form.cleaned_data["notes"]
                ),
            ):
                messages.success(
                    request,
                    _("Diagnostic saved: readiness score %(score)s.")
                    % {"score": SupplierProfile.objects.get(pk=profile.pk).readiness_score},
                )
                return redirect("suppliers:onboarding_step", step="diagnostic")
        elif action in ("publish", "unpublish"):
            try:
                services.set_published(profile=profile, actor=user, published=action == "publish")
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("Your profile is published.")
                    if action == "publish"
                    else _("Your profile is hidden from buyers."),
                )
            return redirect("suppliers:onboarding_step", step="diagnostic")
    profile = selectors.with_details(SupplierProfile.objects).get(pk=profile.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "suppliers/onboarding.html",
        {
            "profile": profile,
            "step": step,
            "steps": ONBOARDING_STEPS,
            "done": _completed_steps(profile),
            "forms": forms,
            "latest_diagnostic": profile.diagnostics.first(),
        },
        status=status,
    )


@login_required
def detail(request, pk: int):
    profile = selectors.profile_detail(user=request.user, profile_id=pk)
    if profile is None:
        raise Http404
    response = render(
        request,
        "suppliers/detail.html",
        {
            "profile": profile,
            "latest_diagnostic": profile.diagnostics.first(),
            "may_edit": can_edit_organisation(request.user, profile.organisation),
        },
    )
    return after_response(
        response, services.request_exposure_count, viewer=request.user, kind=ExposureCount.Kind.VIEW, profiles=[profile]
    )


@login_required
def search(request):
    if not selectors.may_search_suppliers(user=request.user):
        raise PermissionDenied(_("Supplier search is for buyers and agency staff."))
    form = SupplierSearchForm(request.GET or None)
    results = SupplierProfile.objects.none()
    if form.is_valid() or not request.GET:
        data = form.cleaned_data if form.is_bound else {}
        results = selectors.search_suppliers_by(
            user=request.user, filters=data, ordering=data.get("ordering") or "-readiness"
        )
    page = OneQueryPaginator(selectors.search_results(results), 20).get_page(request.GET.get("page"))
    page.object_list = selectors.summarise_results(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    # What "Save this search" keeps: the filters given, when they are valid (notifications checks them again).
    searched = {name: value for name, value in query.items() if name in selectors.SEARCH_PARAMETERS and value}
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "saved_search": searched if searched and form.is_valid() else None,
    }
    response = render(request, "suppliers/search.html", context)
    # Each supplier on the page of results appeared in a buyer's search (its market page counts them).
    return after_response(
        response,
        services.request_exposure_count,
        viewer=request.user,
        kind=ExposureCount.Kind.SEARCH,
        profiles=list(page.object_list),
    )


VERIFICATION_CASES_PER_PAGE = 25


def _require_verifier(request) -> None:
    if not is_agency_staff(request.user):
        raise PermissionDenied(_("The verification queue is for agency staff."))


@login_required
def verification_queue(request):
    """One row per organisation with anything waiting (organisation, profile, certificates): search, filters, pages
    and a bulk approval; each row opens the one-step verification page."""
    _require_verifier(request)
    form = VerificationQueueForm(request.GET or None)
    cases = selectors.verification_cases(**form.selection())
    page = Paginator(cases, VERIFICATION_CASES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "suppliers/verification_queue.html",
        {"form": form, "page": page, "query": query.urlencode(), "next": request.get_full_path()},
    )


@login_required
@require_POST
def verification_bulk_approve(request):
    """Approve everything pending of the organisations ticked in the queue (one transaction, the same services)."""
    _require_verifier(request)
    ids = sorted({pk for pk in (parse_id(raw) for raw in request.POST.getlist("organisation")) if pk})
    back = request.POST.get("next", "")
    if not ids:
        messages.error(request, _("Tick the organisations to approve."))
        return redirect_within_site(request, back, "suppliers:verification_queue")
    organisations = Organisation.objects.exclude(kind=Organisation.Kind.AGENCY).filter(pk__in=ids).order_by("pk")
    try:
        counts = services.approve_suppliers(organisations=organisations, verified_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(organisations)s organisation approved (%(items)s items verified).",
                "%(organisations)s organisations approved (%(items)s items verified).",
                counts["organisations"],
            )
            % {"organisations": counts["organisations"], "items": counts["verified"]},
        )
    return redirect_within_site(request, back, "suppliers:verification_queue")


@login_required
@require_http_methods(["GET", "POST"])
def verification_case(request, pk: int):
    """Agency staff verify an organisation, its supplier profile and its certificates in one step."""
    _require_verifier(request)
    case = selectors.verification_case(organisation_id=pk)
    if case is None:
        raise Http404
    form = SupplierVerificationForm(request.POST or None, certificates=case["certificates"])
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["approve"]
        try:
            counts = services.verify_supplier(
                organisation=case["organisation"],
                verified_by=request.user,
                approve=approve,
                note=form.cleaned_data["note"],
                certificate_decisions=form.certificate_decisions(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(organisation)s: %(verified)s verified, %(rejected)s rejected.")
                % {"organisation": case["organisation"], **counts},
            )
            return redirect_within_site(request, request.POST.get("next", ""), "suppliers:verification_queue")
    return render(
        request,
        "suppliers/verification_case.html",
        {**case, "form": form, "next": request.GET.get("next") or request.POST.get("next", "")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def verify(request, kind: str, pk: int):
    if not is_agency_staff(request.user):
        raise PermissionDenied(_("Only agency staff verify."))
    form = VerificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("suppliers:verification_queue")
    approve, note = form.cleaned_data["approve"], form.cleaned_data["note"]
    if kind == "organisation":
        target = get_object_or_404(Organisation, pk=pk)
        verify_organisation(organisation=target, verified_by=request.user, approve=approve, note=note)
    elif kind == "profile":
        target = get_object_or_404(SupplierProfile, pk=pk)
        services.verify_profile(profile=target, verified_by=request.user, approve=approve, note=note)
    elif kind == "certification":
        target = get_object_or_404(Certification, pk=pk)
        services.verify_certification(certification=target, verified_by=request.user, approve=approve, note=note)
    else:
        raise Http404
    messages.success(request, (_("%(item)s verified.") if approve else _("%(item)s rejected.")) % {"item": target})
    return redirect("suppliers:verification_queue")


# Who may read a document is decided below, as before; these only let this site's own pages (the one-step
# verification page) show it in a frame, which the site-wide DENY / frame-ancestors 'none' would refuse.
@login_required
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def certificate_document(request, pk: int):
    certification = selectors.certification_visible_to(user=request.user, certification_id=pk)
    if certification is None or not certification.document:
        raise Http404
    extension = Path(certification.document.name).suffix
    filename = slugify(f"{certification.standard.code} {certification.number}") or f"certificate-{certification.pk}"
    return FileResponse(certification.document.open("rb"), as_attachment=False, filename=f"{filename}{extension}")
