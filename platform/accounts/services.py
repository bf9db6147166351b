"""Every write about people and organisations happens here."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Invitation, Membership, Organisation, User
from .permissions import can_edit_organisation, is_agency_staff, is_owner
from .tax_ids import validate_tax_id

SELF_SERVICE_KINDS = (Organisation.Kind.SME, Organisation.Kind.MNC, Organisation.Kind.CONSULTANCY)
# The facts an organisation's members maintain, in the order the API and the forms show them.
ORGANISATION_FIELDS = (
    "legal_name",
    "trade_name",
    "country",
    "tax_id",
    "region",
    "city",
    "address",
    "latitude",
    "longitude",
    "website",
    "size_class",
    "employees",
    "women_employees",
    "annual_sales_band",
    "year_founded",
    "export_destinations",
    "languages",
    "industry",
)
EDITABLE_ORGANISATION_FIELDS = frozenset(ORGANISATION_FIELDS)
INVITATION_LIFETIME = dt.timedelta(days=14)


def _check_tax_id(*, organisation: Organisation) -> None:
    organisation.tax_id_normalised = validate_tax_id(country=str(organisation.country), tax_id=organisation.tax_id)
    if organisation.tax_id_normalised:
        clash = Organisation.objects.filter(
            country=organisation.country, tax_id_normalised=organisation.tax_id_normalised
        ).exclude(pk=organisation.pk)
        if clash.exists():
            raise ValidationError(
                {
                    "tax_id": [
                        _("An organisation with this tax identifier is already registered in %(country)s.")
                        % {"country": organisation.country.name}
                    ]
                }
            )


def _save_validated(organisation: Organisation) -> Organisation:
    _check_tax_id(organisation=organisation)
    organisation.full_clean(exclude=["tax_id_normalised"])
    organisation.save()
    return organisation


@transaction.atomic
def register_organisation(
    *, user: User, kind: str, legal_name: str, country: str, tax_id: str = "", **fields
) -> Organisation:
    """A new organisation, pending verification, with ``user`` as its owner."""
    if kind not in SELF_SERVICE_KINDS:
        raise ValidationError({"kind": [_("Choose SME supplier, MNC buyer or consultancy.")]})
    unknown = set(fields) - EDITABLE_ORGANISATION_FIELDS
    if unknown:
        raise ValidationError({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    organisation = Organisation(kind=kind, legal_name=legal_name, country=country, tax_id=tax_id, **fields)
    _save_validated(organisation)
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.OWNER)
    return organisation


@transaction.atomic
def signup(
    *, email: str, password: str, full_name: str = "", organisation: dict | None = None, language: str = "en"
) -> User:
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [_("An account with this e-mail address already exists.")]})
    user = User(email=email, full_name=full_name, preferred_language=language)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if organisation:
        register_organisation(user=user, **organisation)
    return user


@transaction.atomic
def update_organisation(*, organisation: Organisation, actor: User, **fields) -> Organisation:
    if not (can_edit_organisation(actor, organisation) or is_agency_staff(actor)):
        raise PermissionDenied(_("You may only change your own organisation."))
    unknown = set(fields) - EDITABLE_ORGANISATION_FIELDS
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(organisation, name, value)
    return _save_validated(organisation)


@transaction.atomic
def verify_organisation(
    *, organisation: Organisation, verified_by: User, approve: bool, note: str = ""
) -> Organisation:
    if not is_agency_staff(verified_by):
        raise PermissionDenied(_("Only agency staff verify organisations."))
    organisation.verification_status = (
        Organisation.VerificationStatus.VERIFIED if approve else Organisation.VerificationStatus.REJECTED
    )
    organisation.verified_by = verified_by
    organisation.verified_at = timezone.now()
    organisation.verification_note = note
    organisation.save(
        update_fields=["verification_status", "verified_by", "verified_at", "verification_note", "updated_at"]
    )
    return organisation


@transaction.atomic
def invite_colleague(*, organisation: Organisation, email: str, role: str, invited_by: User) -> Invitation:
    if not is_owner(invited_by, organisation):
        raise PermissionDenied(_("Only the organisation's owners invite colleagues."))
    if role not in Membership.Role.values:
        raise ValidationError({"role": [_("Choose owner, member or viewer.")]})
    email = User.objects.normalize_email(email).lower()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": [_("This person is already a member.")]})
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    invitation.full_clean()
    invitation.save()
    from .tasks import send_invitation_email

    transaction.on_commit(lambda: send_invitation_email.delay(invitation.pk))
    return invitation


def send_invitation(*, invitation_id: int) -> None:
    """Render and send the invitation e-mail in the inviter's language."""
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(pk=invitation_id)
    if not invitation.is_open:
        return
    path = reverse("accounts:accept_invitation", kwargs={"token": invitation.token})
    context = {"invitation": invitation, "accept_url": f"{settings.SITE_URL}{path}"}
    with translation.override(invitation.invited_by.preferred_language):
        subject = _("You are invited to join %(organisation)s on Enlace") % {"organisation": invitation.organisation}
        text = render_to_string("accounts/email/invitation.txt", context)
        html = render_to_string("accounts/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()


@transaction.atomic
def accept_invitation(*, token: str, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None:
        raise ValidationError({"token": [_("This invitation does not exist.")]})
    if invitation.accepted_at is not None:
        raise ValidationError({"token": [_("This invitation has already been used.")]})
    if invitation.expires_at <= timezone.now():
        raise ValidationError({"token": [_("This invitation has expired; ask for a new one.")]})
    if invitation.email.lower() != user.email.lower():
        raise ValidationError({"token": [_("This invitation was sent to another e-mail address.")]})
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def _owners_left_after(membership: Membership) -> int:
    return (
        Membership.objects.filter(organisation=membership.organisation, role=Membership.Role.OWNER)
        .exclude(pk=membership.pk)
        .count()
    )


@transaction.atomic
def change_member_role(*, membership: Membership, role: str, actor: User) -> Membership:
    if not (is_owner(actor, membership.organisation) or is_agency_staff(actor)):
        raise PermissionDenied(_("Only owners change roles."))
    if role not in Membership.Role.values:
        raise ValidationError({"role": [_("Choose owner, member or viewer.")]})
    if (
        membership.role == Membership.Role.OWNER
        and role != Membership.Role.OWNER
        and not _owners_left_after(membership)
    ):
        raise ValidationError({"role": [_("An organisation keeps at least one owner.")]})
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, actor: User) -> None:
    if not (is_owner(actor, membership.organisation) or is_agency_staff(actor) or membership.user_id == actor.pk):
        raise PermissionDenied(_("Only owners remove members."))
    if membership.role == Membership.Role.OWNER and not _owners_left_after(membership):
        raise ValidationError({"role": [_("An organisation keeps at least one owner.")]})
    membership.delete()


@transaction.atomic
def create_agency(
    *, legal_name: str, country: str, owner_email: str, password: str | None = None, full_name: str = ""
) -> Organisation:
    """An agency is created by an operator, never by self sign-up: its staff see everything."""
    user = User.objects.filter(email__iexact=owner_email).first()
    if user is None:
        user = User.objects.create_user(email=owner_email, password=password, full_name=full_name)
    agency = Organisation(
        kind=Organisation.Kind.AGENCY,
        legal_name=legal_name,
        country=country,
        verification_status=Organisation.VerificationStatus.VERIFIED,
        verified_at=timezone.now(),
    )
    _save_validated(agency)
    Membership.objects.create(user=user, organisation=agency, role=Membership.Role.OWNER)
    return agency
