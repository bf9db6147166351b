"""Every write about people and organisations happens here."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries

from core import outbox
from core.bulk import insert_rows
from core.updates import assign_fields, save_fields
from core.verification import record_verification

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


@transaction.atomic(savepoint=False)  # once per new party of an import, inside the import's one transaction
def create_imported_organisation(
    *, kind: str, legal_name: str, country: str, region: str = "", city: str = "", address: str = ""
) -> Organisation:
    """An organisation named by open procurement data: pending verification, with no member yet.

    No user is behind it, so it has no owner and no tax identifier; agency staff verify it like any other.
    Text longer than a column is cut, not refused: publishers' addresses run long."""
    if kind not in (Organisation.Kind.SME, Organisation.Kind.MNC):
        raise ValidationError({"kind": [_("Imported organisations are SME suppliers or MNC buyers.")]})
    organisation = Organisation(
        kind=kind,
        legal_name=legal_name[:255],
        country=country,
        region=region[:128],
        city=city[:128],
        address=address[:255],
    )
    # Blank tax identifier: nothing to check for uniqueness, so the constraint queries are skipped.
    organisation.full_clean(exclude=["tax_id_normalised"], validate_unique=False, validate_constraints=False)
    organisation.save()
    return organisation


IMPORTED_ORGANISATION_FIELDS = ("kind", "legal_name", "country", "region", "city", "address")


def imported_organisation(
    *, kind: str, legal_name: str, country: str, region: str = "", city: str = "", address: str = ""
) -> Organisation:
    """The organisation ``create_imported_organisation`` would create, checked the same way but not saved:
    ``bulk_create_imported_organisations`` writes many of them at once. The country is checked against the
    country list directly (the field's own check walks every choice, for each organisation)."""
    if kind not in (Organisation.Kind.SME, Organisation.Kind.MNC):
        raise ValidationError({"kind": [_("Imported organisations are SME suppliers or MNC buyers.")]})
    organisation = Organisation(
        kind=kind,
        legal_name=legal_name[:255],
        country=country,
        region=region[:128],
        city=city[:128],
        address=address[:255],
    )
    code = str(organisation.country)  # upper case, as the field keeps it
    if not code or code not in countries:
        message = Organisation._meta.get_field("country").error_messages["invalid_choice" if code else "blank"]
        raise ValidationError({"country": [message % {"value": country}]})
    organisation.full_clean(exclude=["tax_id_normalised", "country"], validate_unique=False, validate_constraints=False)
    return organisation


@transaction.atomic(savepoint=False)  # inside the import's one transaction
def bulk_create_imported_organisations(*, organisations: list[Organisation]) -> list[int]:
    """Write organisations made by ``imported_organisation`` (one COPY on PostgreSQL, core.bulk); each gets its
    id, and the ids come back in order."""
    ids = insert_rows(
        Organisation,
        IMPORTED_ORGANISATION_FIELDS,
        [(o.kind, o.legal_name, str(o.country), o.region, o.city, o.address) for o in organisations],
        returning_ids=True,
    )
    for organisation, pk in zip(organisations, ids, strict=True):
        organisation.pk = pk
        organisation._state.adding = False
        organisation._state.db = DEFAULT_DB_ALIAS
    return ids


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
    changed = assign_fields(instance=organisation, data=fields, allowed=EDITABLE_ORGANISATION_FIELDS)
    _check_tax_id(organisation=organisation)
    return save_fields(
        instance=organisation, fields=[*changed, "tax_id_normalised"], clean_exclude=["tax_id_normalised"]
    )


@transaction.atomic
def verify_organisation(
    *, organisation: Organisation, verified_by: User, approve: bool, note: str = ""
) -> Organisation:
    if not is_agency_staff(verified_by):
        raise PermissionDenied(_("Only agency staff verify organisations."))
    return record_verification(obj=organisation, approve=approve, by=verified_by, note=note)


@transaction.atomic
def invite_colleague(*, organisation: Organisation, email: str, role: str, invited_by: User) -> Invitation:
    if not is_owner(invited_by, organisation):
        raise PermissionDenied(_("Only the organisation's owners invite colleagues."))
    if role not in Membership.Role.values:
        raise ValidationError({"role": [_("Choose owner, member or viewer.")]})
    email = User.objects.normalize_email(email).lower()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": [_("This person is already a member.")]})
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()  # one invitation at a time
    # Inviting again someone whose invitation is still open (a retried request, a double click) is that invitation.
    pending = (
        Invitation.objects.filter(
            organisation=organisation, email__iexact=email, accepted_at=None, expires_at__gt=timezone.now()
        )
        .order_by("-created_at")
        .first()
    )
    if pending is not None:
        if pending.role != role:
            pending.role = role
            pending.save(update_fields=["role"])
        _queue_invitation_email(pending)
        return pending
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    invitation.full_clean()
    invitation.save()
    _queue_invitation_email(invitation)
    return invitation


def _queue_invitation_email(invitation: Invitation) -> None:
    """The invitation e-mail, in the inviter's language, into the outbox in the caller's transaction (sent once)."""
    path = reverse("accounts:accept_invitation", kwargs={"token": invitation.token})
    context = {"invitation": invitation, "accept_url": f"{settings.SITE_URL}{path}"}
    language = invitation.invited_by.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = _("You are invited to join %(organisation)s on Enlace") % {"organisation": invitation.organisation}
        text = render_to_string("accounts/email/invitation.txt", context)
        html = render_to_string("accounts/email/invitation.html", context)
    outbox.queue_email(
        to=invitation.email,
        subject=subject,
        body_text=text,
        body_html=html,
        language=language,
        dedupe_key=f"invitation:{invitation.pk}",
    )


def send_invitation(*, invitation_id: int) -> None:
    """Queue the invitation e-mail (what a message from before the outbox asks for); never a second copy."""
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(pk=invitation_id)
    if invitation.is_open:
        with transaction.atomic():
            _queue_invitation_email(invitation)


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
