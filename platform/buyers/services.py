"""Every write about sourcing requirements happens here."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.permissions import has_buyer_powers
from core.bulk import insert_rows
from core.currency import validate_currency
from core.updates import update_fields
from suppliers.models import VerificationStatus

from .models import PurchasingDeclaration, RequiredCertification, Requirement, RequirementInvitation
from .selectors import buyer_organisations_for, may_manage
from .signals import requirement_changed, requirement_published

# A requirement's own facts, in the order the API and the form show them (categories and certifications apart).
REQUIREMENT_FIELDS = (
    "title",
    "specification",
    "quantity",
    "unit",
    "estimated_annual_value",
    "currency",
    "delivery_country",
    "delivery_region",
    "delivery_city",
    "delivery_latitude",
    "delivery_longitude",
    "needed_by",
    "respond_by",
    "visibility",
    "restrict_to_delivery_country",
)
SCALAR_FIELDS = frozenset(REQUIREMENT_FIELDS)
# What an imported tender (OCDS) sets on its requirement.
IMPORTED_FIELDS = frozenset(
    {
        "title",
        "specification",
        "estimated_annual_value",
        "currency",
        "delivery_country",
        "delivery_region",
        "delivery_city",
    }
)


def _validate_needed_by(needed_by: dt.date | None) -> None:
    if needed_by is not None and needed_by < timezone.localdate():
        raise ValidationError({"needed_by": [_("The needed-by date is in the past.")]})


def _validate_respond_by(respond_by: dt.date | None) -> None:
    if respond_by is not None and respond_by < timezone.localdate():
        raise ValidationError({"respond_by": [_("The date for answers is in the past.")]})


def _set_certifications(requirement: Requirement, required_certifications) -> None:
    requirement.required_certifications.all().delete()
    seen = set()
    for standard, mandatory in required_certifications:
        if standard.pk in seen:
            raise ValidationError(
                {"required_certifications": [_("%(standard)s is listed twice.") % {"standard": standard}]}
            )
        seen.add(standard.pk)
        RequiredCertification.objects.create(requirement=requirement, standard=standard, mandatory=bool(mandatory))


def _announce_change(requirement: Requirement) -> None:
    if requirement.status == Requirement.Status.OPEN:
        transaction.on_commit(lambda: requirement_changed.send(sender=Requirement, requirement=requirement))


def _announce_published(requirement: Requirement) -> None:
    """The one way a requirement is announced as open: a buyer publishing it, or an import bringing it in open."""
    transaction.on_commit(lambda: requirement_published.send(sender=Requirement, requirement=requirement))


@transaction.atomic
def create_requirement(
    *,
    buyer: Organisation,
    created_by,
    title: str,
    specification: str,
    categories=(),
    required_certifications=(),
    currency: str = "USD",
    needed_by: dt.date | None = None,
    **fields,
) -> Requirement:
    if not buyer_organisations_for(user=created_by).filter(pk=buyer.pk).exists():
        raise PermissionDenied(_("You may post requirements only for your own buyer organisation."))
    unknown = set(fields) - SCALAR_FIELDS
    if unknown:
        raise ValidationError({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    _validate_needed_by(needed_by)
    _validate_respond_by(fields.get("respond_by"))
    requirement = Requirement(
        buyer=buyer,
        created_by=created_by,
        title=(title or "").strip(),
        specification=(specification or "").strip(),
        currency=validate_currency(currency),
        needed_by=needed_by,
        status=Requirement.Status.DRAFT,
        **fields,
    )
    requirement.full_clean()
    requirement.save()
    requirement.categories.set(categories)
    _set_certifications(requirement, required_certifications)
    return requirement


@transaction.atomic
def update_requirement(
    *, requirement: Requirement, actor, categories=None, required_certifications=None, **fields
) -> Requirement:
    if not may_manage(user=actor, requirement=requirement):
        raise PermissionDenied(_("Only the buyer's team and agency staff edit a requirement."))
    if requirement.status in (Requirement.Status.CLOSED, Requirement.Status.AWARDED):
        raise ValidationError({"status": [_("A closed or awarded requirement cannot be edited; reopen it first.")]})
    unknown = set(fields) - SCALAR_FIELDS
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    if "currency" in fields:
        fields["currency"] = validate_currency(fields["currency"])
    if "needed_by" in fields:
        _validate_needed_by(fields["needed_by"])
    if "respond_by" in fields and fields["respond_by"] != requirement.respond_by:
        _validate_respond_by(fields["respond_by"])
    update_fields(instance=requirement, data=fields, allowed=SCALAR_FIELDS)
    if categories is not None:
        requirement.categories.set(categories)
    if required_certifications is not None:
        _set_certifications(requirement, required_certifications)
    _announce_change(requirement)
    return requirement


@transaction.atomic
def change_status(*, requirement: Requirement, actor, to_status: str) -> Requirement:
    if not may_manage(user=actor, requirement=requirement):
        raise PermissionDenied(_("Only the buyer's team and agency staff change a requirement's status."))
    requirement = Requirement.objects.select_for_update().get(pk=requirement.pk)
    if to_status not in Requirement.Status.values:
        raise ValidationError({"status": [_("Unknown status “%(status)s”.") % {"status": to_status}]})
    if not requirement.can_move_to(to_status):
        allowed = ", ".join(str(s) for s in requirement.TRANSITIONS[requirement.status]) or _("none")
        raise ValidationError(
            {
                "status": [
                    _("A %(current)s requirement cannot become %(target)s (allowed: %(allowed)s).")
                    % {"current": requirement.status, "target": to_status, "allowed": allowed}
                ]
            }
        )
    if to_status == Requirement.Status.OPEN and not has_buyer_powers(actor, requirement.buyer, editing=True):
        # Publishing notifies suppliers and ranks them for the buyer: a buyer power, which waits for verification.
        raise PermissionDenied(_("Your buyer organisation must be verified by agency staff before it publishes."))
    if to_status == Requirement.Status.OPEN:
        missing = {}
        if not requirement.categories.exists():
            missing["categories"] = [_("Choose at least one category before publishing.")]
        _validate_needed_by(requirement.needed_by)
        if missing:
            raise ValidationError(missing)
        requirement.published_at = requirement.published_at or timezone.now()
        requirement.closed_at = None
    elif to_status in (Requirement.Status.CLOSED, Requirement.Status.AWARDED):
        requirement.closed_at = timezone.now()
    requirement.status = to_status
    requirement.save(update_fields=["status", "published_at", "closed_at", "updated_at"])
    if to_status == Requirement.Status.OPEN:
        _announce_published(requirement)
    return requirement


# -- imports (open procurement data): no actor; interchange checked who may import ---------------------------------


@transaction.atomic(savepoint=False)  # per tender, inside the import's one transaction
def import_requirement(
    *,
    buyer: Organisation,
    fields: dict,
    categories,
    existing: Requirement | None = None,
    published_at: dt.datetime | None = None,
) -> tuple[Requirement, bool]:
    """An open tender from imported data becomes a public, open requirement, or brings its requirement up to date.

    A new one is announced as published (so matching queues its run), a changed open one as changed, one that did
    not change not at all: importing the same tender twice sends nothing. Returns (requirement, created)."""
    unknown = set(fields) - IMPORTED_FIELDS
    if unknown:
        raise ValidationError({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    fields = {**fields, "currency": validate_currency(fields.get("currency") or "USD")}
    if fields.get("estimated_annual_value") is not None:  # publishers give any precision; the column keeps cents
        fields["estimated_annual_value"] = Decimal(fields["estimated_annual_value"]).quantize(Decimal("0.01"))
    category_ids = {category.pk for category in categories}
    if existing is None:
        requirement = Requirement(
            buyer=buyer,
            status=Requirement.Status.OPEN,
            visibility=Requirement.Visibility.PUBLIC,
            published_at=published_at or timezone.now(),
            **fields,
        )
        requirement.full_clean(exclude=["buyer", "created_by"])  # the buyer was just found or created
        requirement.save()
        requirement.categories.set(category_ids)
        _announce_published(requirement)
        return requirement, True
    changed = {name: value for name, value in fields.items() if getattr(existing, name) != value}
    if changed:
        update_fields(instance=existing, data=changed, allowed=IMPORTED_FIELDS)
    if category_ids != set(existing.categories.values_list("pk", flat=True)):
        existing.categories.set(category_ids)
        changed["categories"] = category_ids
    if changed:
        _announce_change(existing)
    return existing, False


@dataclass(frozen=True)
class HistoricTender:
    """A past tender with its award, from imported history: becomes a historic requirement."""

    buyer_id: int
    title: str
    specification: str
    category_ids: tuple[int, ...]
    published_at: dt.datetime
    awarded: bool = True
    estimated_annual_value: Decimal | None = None
    currency: str = "USD"
    delivery_country: str = ""
    delivery_region: str = ""
    delivery_city: str = ""


@transaction.atomic(savepoint=False)  # inside the import's one transaction
def bulk_import_historic_requirements(*, tenders: list[HistoricTender]) -> list[int]:
    """Record past tenders as historic requirements (awarded or closed, dated by their release) in a few queries;
    returns their ids in order. History is not news: nothing is announced and no match run is queued. Written with
    COPY on PostgreSQL (core.bulk): an import's file brings tens of thousands of them."""
    rows = []
    cents = Decimal("0.01")
    currencies: dict[str, str] = {}
    for tender in tenders:
        value = tender.estimated_annual_value
        code = tender.currency or "USD"
        currency = currencies.get(code)
        if currency is None:
            currency = currencies[code] = validate_currency(code)
        rows.append(
            (
                tender.buyer_id,
                (tender.title or "")[:255],
                tender.specification or tender.title or "",
                None if value is None or value < 0 else Decimal(value).quantize(cents),
                currency,
                tender.delivery_country,
                tender.delivery_region[:128],
                tender.delivery_city[:128],
                Requirement.Status.AWARDED.value if tender.awarded else Requirement.Status.CLOSED.value,
                Requirement.Visibility.PUBLIC.value,
                tender.published_at,
                tender.published_at,
                True,
            )
        )
    ids = insert_rows(
        Requirement,
        (
            "buyer_id",
            "title",
            "specification",
            "estimated_annual_value",
            "currency",
            "delivery_country",
            "delivery_region",
            "delivery_city",
            "status",
            "visibility",
            "published_at",
            "closed_at",
            "historic",
        ),
        rows,
        returning_ids=True,
    )
    insert_rows(
        Requirement.categories.through,
        ("requirement_id", "category_id"),
        [
            (requirement_id, category_id)
            for requirement_id, tender in zip(ids, tenders, strict=True)
            for category_id in dict.fromkeys(tender.category_ids)
        ],
    )
    return ids


@transaction.atomic(savepoint=False)  # per tender, inside the import's one transaction
def close_imported_requirement(*, requirement: Requirement, awarded: bool) -> bool:
    """The publisher closed (or awarded) an imported tender: its requirement follows. True when it changed."""
    to_status = Requirement.Status.AWARDED if awarded else Requirement.Status.CLOSED
    if requirement.status == to_status:
        return False
    requirement.status = to_status
    requirement.closed_at = requirement.closed_at or timezone.now()
    requirement.save(update_fields=["status", "closed_at", "updated_at"])
    return True


@transaction.atomic
def invite_suppliers(*, requirement: Requirement, actor, suppliers) -> list[RequirementInvitation]:
    """Invite published suppliers; inviting one twice changes nothing."""
    if not may_manage(user=actor, requirement=requirement):
        raise PermissionDenied(_("Only the buyer's team and agency staff invite suppliers."))
    if not has_buyer_powers(actor, requirement.buyer, editing=True):
        raise PermissionDenied(_("Your buyer organisation must be verified by agency staff before it invites."))
    invitations = []
    # A hidden supplier is answered as an unknown one: its name (or that it exists) is not the buyer's to learn.
    refused = sorted(s.pk for s in suppliers if not s.published or s.verification_status == VerificationStatus.REJECTED)
    if refused:
        raise ValidationError({"suppliers": [_("Unknown supplier ids: %(ids)s") % {"ids": refused}]})
    for supplier in suppliers:
        invitation, _created = RequirementInvitation.objects.get_or_create(
            requirement=requirement, supplier=supplier, defaults={"invited_by": actor}
        )
        invitations.append(invitation)
    return invitations


@transaction.atomic
def revoke_invitation(*, invitation: RequirementInvitation, actor) -> None:
    if not may_manage(user=actor, requirement=invitation.requirement):
        raise PermissionDenied(_("Only the buyer's team and agency staff revoke invitations."))
    invitation.delete()


@transaction.atomic
def delete_draft(*, requirement: Requirement, actor) -> None:
    if not may_manage(user=actor, requirement=requirement):
        raise PermissionDenied(_("Only the buyer's team and agency staff delete a requirement."))
    if requirement.status != Requirement.Status.DRAFT:
        raise ValidationError({"status": [_("Only drafts can be deleted; close the requirement instead.")]})
    requirement.delete()


# -- what the buyer buys altogether ------------------------------------------------------------------------------------


@transaction.atomic
def declare_purchases(
    *,
    actor,
    buyer: Organisation,
    year: int,
    total_purchases,
    currency: str = "USD",
    local_purchases=None,
    local_share_target=None,
) -> PurchasingDeclaration:
    """The buyer's own figure of a year's purchases (and of its local part and target); declared again, replaced."""
    # The buyer's owners and members once agency staff verified it (a declared, unverified MNC has no buyer power),
    # and agency staff; never viewers.
    if buyer.kind != Organisation.Kind.MNC or not has_buyer_powers(actor, buyer, editing=True):
        raise PermissionDenied(_("Only the buyer's team and agency staff declare its purchases."))
    errors = {}
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= timezone.localdate().year + 1:
        errors["year"] = [_("Enter a year from 2000 to next year.")]
    try:
        currency = validate_currency(currency)
    except ValidationError as error:
        errors.update(error.message_dict)
    amounts = {}
    for field, value in (("total_purchases", total_purchases), ("local_purchases", local_purchases)):
        if value is None and field == "local_purchases":
            amounts[field] = None
            continue
        try:
            amounts[field] = Decimal(str(value))
            if not amounts[field].is_finite() or amounts[field] < 0 or amounts[field] >= Decimal("1e14"):
                raise ValueError
        except (ArithmeticError, ValueError):
            errors[field] = [_("Enter an amount, zero or more.")]
    if "total_purchases" not in errors and amounts.get("total_purchases") == 0:
        errors["total_purchases"] = [_("A year's purchases are more than zero.")]
    if (
        not errors
        and amounts["local_purchases"] is not None
        and amounts["local_purchases"] > amounts["total_purchases"]
    ):
        errors["local_purchases"] = [_("Local purchases cannot exceed the total.")]
    if local_share_target is not None:
        try:
            local_share_target = Decimal(str(local_share_target))
            if not local_share_target.is_finite() or not 0 <= local_share_target <= 100:
                raise ValueError
        except (ArithmeticError, ValueError):
            errors["local_share_target"] = [_("Enter a percentage from 0 to 100.")]
    if errors:
        raise ValidationError(errors)
    declaration, _created = PurchasingDeclaration.objects.update_or_create(
        buyer=buyer,
        year=year,
        defaults={
            "currency": currency,
            "total_purchases": amounts["total_purchases"],
            "local_purchases": amounts["local_purchases"],
            "local_share_target": local_share_target,
            "declared_by": actor,
        },
    )
    return declaration
