from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .forms import EmailAuthenticationForm, InvitationForm, OrganisationForm, SignupForm, add_service_errors
from .models import Invitation, Organisation
from .permissions import can_edit_organisation, is_owner


class SignInView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class SignOutView(LogoutView):
    http_method_names = ["post", "options"]


def _landing_for(organisation: Organisation | None) -> str:
    if organisation is not None and organisation.kind == Organisation.Kind.SME:
        return reverse("suppliers:onboarding")
    if organisation is not None and organisation.kind == Organisation.Kind.MNC:
        return reverse("buyers:list")
    return reverse("home")


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = services.signup(
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password1"],
                    full_name=form.cleaned_data["full_name"],
                    organisation=form.organisation_data(),
                    language=(get_language() or "en")[:2],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Enlace. Your organisation awaits verification by agency staff."))
            return redirect(_landing_for(selectors.primary_organisation(user=user)))
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def organisation(request):
    current = selectors.primary_organisation(user=request.user)
    if current is None:
        return render(request, "accounts/no_organisation.html", status=404)
    may_edit = can_edit_organisation(request.user, current)
    owner = is_owner(request.user, current)
    form = OrganisationForm(instance=current)
    invite_form = InvitationForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        target = invite_form if action == "invite" else form
        try:
            if action == "invite":
                target = invite_form = InvitationForm(request.POST)
                if invite_form.is_valid():
                    services.invite_colleague(organisation=current, invited_by=request.user, **invite_form.cleaned_data)
                    messages.success(request, _("Invitation sent to %(email)s.") % invite_form.cleaned_data)
                    return redirect("accounts:organisation")
            else:
                if not may_edit:
                    raise PermissionDenied
                target = form = OrganisationForm(request.POST, instance=Organisation.objects.get(pk=current.pk))
                if form.is_valid():
                    changed = {name: form.cleaned_data[name] for name in form.changed_data}
                    services.update_organisation(organisation=current, actor=request.user, **changed)
                    messages.success(request, _("Organisation saved."))
                    return redirect("accounts:organisation")
            status = 400
        except ValidationError as error:
            add_service_errors(target, error)
            status = 400
        except PermissionDenied:
            messages.error(request, _("You may not do that."))
            status = 403
    return render(
        request,
        "accounts/organisation.html",
        {
            "organisation": current,
            "form": form,
            "invite_form": invite_form,
            "may_edit": may_edit,
            "is_owner": owner,
            "members": selectors.members_of(organisation=current),
            "invitations": current.invitations.filter(accepted_at__isnull=True) if owner else Invitation.objects.none(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    invitation = Invitation.objects.select_related("organisation").filter(token=token).first()
    if invitation is None:
        return render(request, "accounts/invitation.html", {"invitation": None}, status=404)
    if not request.user.is_authenticated:
        return render(request, "accounts/invitation.html", {"invitation": invitation, "needs_login": True})
    error = None
    if request.method == "POST":
        try:
            services.accept_invitation(token=token, user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("You joined %(organisation)s.") % {"organisation": invitation.organisation})
            return redirect(_landing_for(invitation.organisation))
    return render(
        request, "accounts/invitation.html", {"invitation": invitation, "error": error}, status=400 if error else 200
    )
