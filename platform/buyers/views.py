from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import add_service_errors
from accounts.models import Organisation
from accounts.permissions import has_buyer_powers, is_agency_staff
from core.limits import parse_id
from suppliers.models import SupplierProfile
from suppliers.selectors import listed_profiles, search_suppliers
from taxonomy.selectors import normalise_cpv_code

from . import selectors, services
from .forms import PurchasingDeclarationForm, RequirementFilterForm, RequirementForm
from .models import PurchasingDeclaration, Requirement


def _visible_or_404(request, pk: int) -> Requirement:
    requirement = selectors.requirement_detail(user=request.user, requirement_id=pk)
    if requirement is None:
        raise Http404
    return requirement


@login_required
def requirement_list(request):
    form = RequirementFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    queryset = (
        selectors.filter_requirements(
            selectors.requirements_visible_to(user=request.user),
            status=data.get("status", ""),
            category=normalise_cpv_code(data.get("category", "")),
            text=data.get("q", ""),
            include_history=bool(data.get("history")),
        )
        .prefetch_related("categories")
        .order_by("-created_at")
    )
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "buyers/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "may_create": selectors.buyer_organisations_for(user=request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def requirement_create(request):
    buyers = selectors.buyer_organisations_for(user=request.user)
    buyer = buyers.first()
    if buyer is None:
        raise PermissionDenied(_("Only members of a buyer organisation post requirements."))
    form = RequirementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            requirement = services.create_requirement(buyer=buyer, created_by=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Draft saved. Publish it when it is ready."))
            return redirect("buyers:detail", pk=requirement.pk)
    return render(request, "buyers/form.html", {"form": form, "buyer": buyer}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def requirement_edit(request, pk: int):
    requirement = _visible_or_404(request, pk)
    if not selectors.may_manage(user=request.user, requirement=requirement):
        raise PermissionDenied(_("Only the buyer's team and agency staff edit a requirement."))
    form = RequirementForm(request.POST or None, instance=requirement)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        try:
            services.update_requirement(requirement=Requirement.objects.get(pk=pk), actor=request.user, **arguments)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Requirement saved."))
            return redirect("buyers:detail", pk=pk)
    return render(
        request,
        "buyers/form.html",
        {"form": form, "buyer": requirement.buyer, "requirement": requirement},
        status=400 if form.errors else 200,
    )


@login_required
def requirement_detail(request, pk: int):
    requirement = _visible_or_404(request, pk)
    manages = selectors.may_manage(user=request.user, requirement=requirement)
    # Publishing, inviting and ranked suppliers wait until agency staff verify the buyer organisation.
    buyer_powers = manages and has_buyer_powers(request.user, requirement.buyer, editing=True)
    candidates = SupplierProfile.objects.none()
    supplier_query = request.GET.get("supplier_q", "").strip()
    if buyer_powers and supplier_query:
        candidates = search_suppliers(user=request.user, query=supplier_query).filter(pk__in=listed_profiles())[:10]
    transitions = requirement.TRANSITIONS[requirement.status] if manages else ()
    if not buyer_powers:
        transitions = [target for target in transitions if target != Requirement.Status.OPEN]
    return render(
        request,
        "buyers/detail.html",
        {
            "requirement": requirement,
            "manages": manages,
            "buyer_powers": buyer_powers,
            "transitions": transitions,
            "invitations": selectors.invitations_visible_to(user=request.user, requirement=requirement),
            "candidates": candidates,
            "supplier_query": supplier_query,
            "is_agency": is_agency_staff(request.user),
        },
    )


@login_required
@require_POST
def requirement_transition(request, pk: int):
    requirement = _visible_or_404(request, pk)
    to_status = request.POST.get("status", "")
    if (
        to_status == Requirement.Status.OPEN
        and selectors.may_manage(user=request.user, requirement=requirement)
        and not has_buyer_powers(request.user, requirement.buyer, editing=True)
    ):
        messages.error(request, _("Your buyer organisation must be verified by agency staff before it publishes."))
        return redirect("buyers:detail", pk=pk)
    try:
        services.change_status(requirement=requirement, actor=request.user, to_status=to_status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Status changed."))
    return redirect("buyers:detail", pk=pk)


@login_required
@require_POST
def requirement_invite(request, pk: int):
    requirement = _visible_or_404(request, pk)
    if selectors.may_manage(user=request.user, requirement=requirement) and not has_buyer_powers(
        request.user, requirement.buyer, editing=True
    ):
        messages.error(request, _("Your buyer organisation must be verified by agency staff before it invites."))
        return redirect("buyers:detail", pk=pk)
    supplier_id = request.POST.get("supplier", "")
    # Only suppliers open to buyers: a hidden one is answered exactly like an id that exists nowhere.
    supplier = listed_profiles().filter(pk=supplier_id).first() if parse_id(supplier_id) else None
    if supplier is None:
        messages.error(request, _("Choose a supplier to invite."))
        return redirect("buyers:detail", pk=pk)
    try:
        services.invite_suppliers(requirement=requirement, actor=request.user, suppliers=[supplier])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(supplier)s invited.") % {"supplier": supplier})
    return redirect("buyers:detail", pk=pk)


# -- what the buyer buys altogether ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def purchasing(request):
    """A buyer's yearly purchases, all suppliers together, and how much of it locally (the denominator of the
    dashboard's local share). Its owners and members record and edit them once it is verified; its viewers read;
    agency staff pick the buyer (``?buyer=``). Another buyer's answer 404."""
    buyers = selectors.declaring_buyers_for(user=request.user)
    raw = request.GET.get("buyer") or request.POST.get("buyer")
    if raw:
        buyer = buyers.filter(pk=parse_id(raw)).first() if parse_id(raw) else None
        if buyer is None:
            raise Http404
    else:
        buyer = buyers.filter(memberships__user=request.user).order_by("pk").first()
        if buyer is None:
            if not is_agency_staff(request.user):
                raise PermissionDenied(_("Purchasing declarations are for buyers and agency staff."))
            return render(request, "buyers/purchasing_pick.html", {"buyers": buyers.order_by("legal_name")})
    may_declare = buyer.kind == Organisation.Kind.MNC and has_buyer_powers(request.user, buyer, editing=True)
    if request.method == "POST" and not may_declare:
        raise PermissionDenied(_("Only the buyer's team and agency staff declare its purchases."))
    initial = None
    year = parse_id(request.GET.get("year", ""))
    existing = PurchasingDeclaration.objects.filter(buyer=buyer, year=year).first() if year else None
    if existing is not None:
        initial = {
            "year": existing.year,
            "currency": existing.currency,
            "total_purchases": existing.total_purchases,
            "local_purchases": existing.local_purchases,
            "local_share_target": existing.local_share_target,
        }
    form = PurchasingDeclarationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            declaration = services.declare_purchases(actor=request.user, buyer=buyer, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Purchases of %(year)s recorded.") % {"year": declaration.year})
            suffix = f"?buyer={buyer.pk}" if raw else ""
            return redirect(f"{reverse('buyers:purchasing')}{suffix}")
    context = {
        "buyer": buyer,
        "rows": selectors.purchasing_years(buyer=buyer),
        "form": form if may_declare else None,
        "editing": existing,
        "verified": buyer.is_verified,
        "picked": bool(raw),
    }
    return render(request, "buyers/purchasing.html", context)
