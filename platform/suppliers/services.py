"""Every write about supplier profiles happens here."""

import datetime as dt
import logging
from collections import Counter
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.permissions import can_edit_organisation, is_agency_staff
from accounts.services import verify_organisation
from core import jobs
from core.bulk import among, insert_rows, update_rows
from core.updates import assign_fields, save_fields, update_fields
from core.verification import VerificationStatus, record_verification, reset_verification

from . import selectors
from .models import (
    DIAGNOSTIC_AREAS,
    Assessor,
    Capability,
    Certification,
    ExposureCount,
    Machine,
    ReadinessDiagnostic,
    SupplierProfile,
)
from .signals import supplier_changed
from .validators import validate_certificate_document

logger = logging.getLogger(__name__)

PROFILE_FIELDS = {"summary", "production_capacity", "quality_systems"}
CAPABILITY_FIELDS = {
    "category",
    "description",
    "language",
    "keywords",
    "monthly_capacity",
    "capacity_unit",
    "lead_time_days",
    "minimum_order",
}
MACHINE_FIELDS = {"name", "quantity", "manufacturer", "year", "notes"}
CERTIFICATION_FIELDS = {
    "standard",
    "number",
    "certifying_body",
    "scope",
    "issued_on",
    "expires_on",
    "status",
    "document",
}


def _require_editor(actor, profile: SupplierProfile) -> None:
    if not (can_edit_organisation(actor, profile.organisation) or is_agency_staff(actor)):
        raise PermissionDenied(_("You may only change your own organisation's profile."))


def _require_agency(actor) -> None:
    if not is_agency_staff(actor):
        raise PermissionDenied(_("Only agency staff verify suppliers."))


def _announce(profile: SupplierProfile, reason: str) -> None:
    # The profile's updated_at is the matching engine's watermark: whatever changed, the profile is touched.
    SupplierProfile.objects.filter(pk=profile.pk).update(updated_at=timezone.now())
    transaction.on_commit(lambda: supplier_changed.send(sender=SupplierProfile, profile=profile, reason=reason))


def _clean_keywords(keywords) -> list[str]:
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    cleaned = []
    for keyword in keywords or ():
        if not isinstance(keyword, str):
            raise ValidationError({"keywords": [_("Keywords are words or short phrases.")]})
        keyword = keyword.strip()
        if len(keyword) > 60:
            raise ValidationError({"keywords": [_("Keep each keyword under 60 characters.")]})
        if keyword and keyword.lower() not in (k.lower() for k in cleaned):
            cleaned.append(keyword)
    return cleaned[:30]


@transaction.atomic
def get_or_create_profile(*, organisation: Organisation) -> SupplierProfile:
    if organisation.kind != Organisation.Kind.SME:
        raise ValidationError(_("Only SME suppliers have a supplier profile."))
    profile, _created = SupplierProfile.objects.get_or_create(organisation=organisation)
    return profile


@transaction.atomic(savepoint=False)  # once per new supplier of an import, inside the import's one transaction
def create_imported_profile(*, organisation: Organisation) -> SupplierProfile:
    """The profile of a supplier named by open procurement data: published at once so the engine ranks it, and
    pending verification by agency staff."""
    if organisation.kind != Organisation.Kind.SME:
        raise ValidationError(_("Only SME suppliers have a supplier profile."))
    return SupplierProfile.objects.create(organisation=organisation, published=True)


@transaction.atomic(savepoint=False)  # inside the import's one transaction
def bulk_create_imported_profiles(*, organisations: list[Organisation]) -> list[int]:
    """``create_imported_profile`` for many new suppliers at once (one COPY on PostgreSQL, core.bulk): published,
    pending verification; returns the new profiles' ids in the order of ``organisations``."""
    if any(organisation.kind != Organisation.Kind.SME for organisation in organisations):
        raise ValidationError(_("Only SME suppliers have a supplier profile."))
    return insert_rows(
        SupplierProfile,
        ("organisation_id", "published"),
        [(organisation.pk, True) for organisation in organisations],
        returning_ids=True,
    )


@transaction.atomic
def bulk_add_imported_capabilities(*, capabilities: list[tuple[int, object, str, dt.date]]) -> int:
    """(profile id, category, description, award day) of what imported awards show suppliers deliver.

    A profile's existing capability in a category is kept; one learned from an award keeps the earliest award's
    day as its evidence date (matching counts it only after that day). Touches the profiles, as every capability
    change does (the engine follows ``updated_at``); no ``supplier_changed`` per profile: the import's
    requirements queue their own runs. New capabilities are written with COPY on PostgreSQL (core.bulk)."""
    profile_ids = {profile_id for profile_id, _category, _description, _day in capabilities}
    if not profile_ids:
        return 0
    existing = {
        (profile_id, category_id): (pk, evidence)
        for pk, profile_id, category_id, evidence in Capability.objects.filter(
            among("profile_id", profile_ids)
        ).values_list("pk", "profile_id", "category_id", "evidence_date")
    }
    new: dict[tuple[int, int], list] = {}
    earlier: dict[int, dt.date] = {}
    for profile_id, category, description, day in capabilities:
        key = (profile_id, category.pk)
        if key in existing:
            pk, evidence = existing[key]
            if evidence is not None and day < min(evidence, earlier.get(pk, evidence)):
                earlier[pk] = day
        elif key in new:
            new[key][4] = min(new[key][4], day)
        else:
            new[key] = [profile_id, category.pk, (description or "")[:2000], Capability.Language.ES.value, day]
    insert_rows(
        Capability,
        ("profile_id", "category_id", "description", "language", "evidence_date"),
        [tuple(row) for row in new.values()],
    )
    update_rows(Capability, ("evidence_date",), list(earlier.items()))
    SupplierProfile.objects.filter(among("pk", profile_ids)).update(updated_at=timezone.now())
    return len(new)


@transaction.atomic
def update_profile(*, profile: SupplierProfile, actor, **fields) -> SupplierProfile:
    _require_editor(actor, profile)
    update_fields(instance=profile, data=fields, allowed=PROFILE_FIELDS)
    _announce(profile, "profile")
    return profile


@transaction.atomic
def set_published(*, profile: SupplierProfile, actor, published: bool) -> SupplierProfile:
    _require_editor(actor, profile)
    if published and not profile.capabilities.exists():
        raise ValidationError({"published": [_("Add at least one capability before publishing your profile.")]})
    profile.published = published
    profile.save(update_fields=["published", "updated_at"])
    _announce(profile, "profile")
    return profile


@transaction.atomic
def add_capability(
    *,
    profile: SupplierProfile,
    actor,
    category,
    description: str,
    language: str = "es",
    keywords=(),
    monthly_capacity=None,
    capacity_unit: str = "",
    lead_time_days=None,
    minimum_order=None,
) -> Capability:
    _require_editor(actor, profile)
    capability = Capability(
        profile=profile,
        category=category,
        description=(description or "").strip(),
        language=language,
        keywords=_clean_keywords(keywords),
        monthly_capacity=monthly_capacity,
        capacity_unit=capacity_unit,
        lead_time_days=lead_time_days,
        minimum_order=minimum_order,
    )
    capability.full_clean()
    capability.save()
    _announce(profile, "capabilities")
    return capability


@transaction.atomic
def update_capability(*, capability: Capability, actor, **fields) -> Capability:
    _require_editor(actor, capability.profile)
    if "keywords" in fields:
        fields["keywords"] = _clean_keywords(fields["keywords"])
    update_fields(instance=capability, data=fields, allowed=CAPABILITY_FIELDS)
    _announce(capability.profile, "capabilities")
    return capability


@transaction.atomic
def remove_capability(*, capability: Capability, actor) -> None:
    _require_editor(actor, capability.profile)
    profile = capability.profile
    capability.delete()
    _announce(profile, "capabilities")


@transaction.atomic
def add_machine(
    *, profile: SupplierProfile, actor, name: str, quantity: int = 1, manufacturer: str = "", year=None, notes: str = ""
) -> Machine:
    _require_editor(actor, profile)
    machine = Machine(profile=profile, name=name, quantity=quantity, manufacturer=manufacturer, year=year, notes=notes)
    machine.full_clean()
    machine.save()
    return machine


@transaction.atomic
def update_machine(*, machine: Machine, actor, **fields) -> Machine:
    _require_editor(actor, machine.profile)
    update_fields(instance=machine, data=fields, allowed=MACHINE_FIELDS)
    return machine


@transaction.atomic
def remove_machine(*, machine: Machine, actor) -> None:
    _require_editor(actor, machine.profile)
    machine.delete()


def _check_certification_dates(issued_on: dt.date, expires_on: dt.date) -> None:
    errors = {}
    if issued_on and issued_on > timezone.localdate():
        errors["issued_on"] = [_("A certificate cannot be issued in the future.")]
    if issued_on and expires_on and expires_on <= issued_on:
        errors["expires_on"] = [_("The expiry date must come after the issue date.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_certification(
    *,
    profile: SupplierProfile,
    actor,
    standard,
    certifying_body: str,
    issued_on: dt.date,
    expires_on: dt.date,
    number: str = "",
    scope: str = "",
    document=None,
    status: str = Certification.Status.ACTIVE,
) -> Certification:
    """Record a certificate. An expired one may be recorded (it is history); dates must still make sense."""
    _require_editor(actor, profile)
    _check_certification_dates(issued_on, expires_on)
    if document:
        validate_certificate_document(document)
    certification = Certification(
        profile=profile,
        standard=standard,
        number=number,
        certifying_body=certifying_body,
        scope=scope,
        issued_on=issued_on,
        expires_on=expires_on,
        status=status,
        document=document or "",
    )
    certification.full_clean()
    certification.save()
    _announce(profile, "certifications")
    return certification


@transaction.atomic
def update_certification(*, certification: Certification, actor, **fields) -> Certification:
    _require_editor(actor, certification.profile)
    if fields.get("document"):
        validate_certificate_document(fields["document"])
    changed = assign_fields(instance=certification, data=fields, allowed=CERTIFICATION_FIELDS)
    _check_certification_dates(certification.issued_on, certification.expires_on)
    if not is_agency_staff(actor):
        # A verified certificate that its holder changes must be looked at again.
        changed += reset_verification(obj=certification)
    save_fields(instance=certification, fields=changed)
    _announce(certification.profile, "certifications")
    return certification


@transaction.atomic
def remove_certification(*, certification: Certification, actor) -> None:
    _require_editor(actor, certification.profile)
    profile = certification.profile
    certification.delete()
    _announce(profile, "certifications")


@transaction.atomic
def record_diagnostic(
    *,
    profile: SupplierProfile,
    assessed_by,
    areas: dict,
    notes: str = "",
    assessed_on: dt.date | None = None,
    assessor: str | None = None,
) -> ReadinessDiagnostic:
    """A readiness diagnostic on the eight areas. The profile's readiness follows the latest diagnostic by a
    consultant or agency staff, else the latest self-assessment (``trusted_readiness``).

    ``assessor`` is who scored it: by default agency staff when they record it, else the supplier itself. A caller
    naming a consultant vouches for it (supplier development's services check the consultant's role first)."""
    if assessor != Assessor.CONSULTANT:
        _require_editor(assessed_by, profile)
    if assessor is None:
        assessor = Assessor.AGENCY if is_agency_staff(assessed_by) else Assessor.SELF
    expected = {name for name, _label in DIAGNOSTIC_AREAS}
    errors = {}
    for name in sorted(expected):
        value = areas.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            errors[name] = [_("Score this area from 1 to 5.")]
    for name in sorted(set(areas) - expected):
        errors[name] = [_("Unknown diagnostic area.")]
    if errors:
        raise ValidationError(errors)
    assessed_on = assessed_on or timezone.localdate()
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": [_("A diagnostic cannot be dated in the future.")]})
    diagnostic = ReadinessDiagnostic(
        profile=profile,
        assessed_by=assessed_by,
        assessor=assessor,
        notes=notes,
        assessed_on=assessed_on,
        **{name: areas[name] for name in expected},
    )
    diagnostic.save()
    trusted = selectors.trusted_readiness(profile=profile)
    profile.readiness_score, profile.readiness_assessor = trusted.score, trusted.assessor
    profile.save(update_fields=["readiness_score", "readiness_assessor", "updated_at"])
    _announce(profile, "profile")
    return diagnostic


@transaction.atomic
def verify_profile(*, profile: SupplierProfile, verified_by, approve: bool, note: str = "") -> SupplierProfile:
    _require_agency(verified_by)
    record_verification(obj=profile, approve=approve, by=verified_by, note=note)
    _announce(profile, "profile")
    return profile


@transaction.atomic
def verify_certification(*, certification: Certification, verified_by, approve: bool, note: str = "") -> Certification:
    _require_agency(verified_by)
    record_verification(obj=certification, approve=approve, by=verified_by, note=note)
    _announce(certification.profile, "certifications")
    return certification


@transaction.atomic
def verify_supplier(
    *,
    organisation: Organisation,
    verified_by,
    approve: bool,
    note: str = "",
    certificate_decisions: dict[int, bool] | None = None,
) -> dict[str, int]:
    """One verdict on everything agency staff verify about an organisation: the organisation, its supplier profile
    and its certificates, in one transaction. Each item goes through its own service above (``verify_organisation``,
    ``verify_profile``, ``verify_certification``), so their rules, audit entries and signals stay as they are.

    ``approve`` decides what is still pending; ``certificate_decisions`` (certificate id → approve) decides single
    certificates, pending or not, and wins over ``approve``. Whatever was already decided and is not named stays as
    it is. A rejection needs a note: the supplier reads it. Returns how many items were verified and rejected."""
    _require_agency(verified_by)
    if not isinstance(approve, bool):
        raise TypeError("approve must be True or False")
    decisions = dict(certificate_decisions or {})
    if any(not isinstance(decision, bool) for decision in decisions.values()):
        raise TypeError("certificate decisions must be True or False")
    note = (note or "").strip()
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)  # one verdict at a time
    profile = SupplierProfile.objects.filter(organisation=organisation).first()
    certificates = list(Certification.objects.filter(profile=profile).order_by("pk")) if profile else []
    unknown = set(decisions) - {certificate.pk for certificate in certificates}
    if unknown:
        raise ValidationError({"certificates": [_("A certificate named here is not this organisation's.")]})
    pending = VerificationStatus.PENDING
    verdicts: list[tuple[object, bool]] = []
    if organisation.verification_status == pending:
        verdicts.append((organisation, approve))
    if profile is not None and profile.verification_status == pending:
        verdicts.append((profile, approve))
    for certificate in certificates:
        decision = decisions.get(certificate.pk, approve if certificate.verification_status == pending else None)
        if decision is not None:
            verdicts.append((certificate, decision))
    if not all(decision for _item, decision in verdicts) and not note:
        raise ValidationError({"note": [_("Say in the note why it is rejected: the supplier reads it.")]})
    for item, decision in verdicts:
        if isinstance(item, Organisation):
            verify_organisation(organisation=item, verified_by=verified_by, approve=decision, note=note)
        elif isinstance(item, SupplierProfile):
            verify_profile(profile=item, verified_by=verified_by, approve=decision, note=note)
        else:
            verify_certification(certification=item, verified_by=verified_by, approve=decision, note=note)
    approved = sum(1 for _item, decision in verdicts if decision)
    return {"verified": approved, "rejected": len(verdicts) - approved}


MAX_BULK_VERIFICATIONS = 100


@transaction.atomic
def approve_suppliers(*, organisations, verified_by, note: str = "") -> dict[str, int]:
    """``verify_supplier`` approving everything pending of each of ``organisations`` (the queue's bulk approval),
    all in one transaction: either every one is approved or none."""
    _require_agency(verified_by)
    organisations = list(organisations)
    if len(organisations) > MAX_BULK_VERIFICATIONS:
        raise ValidationError(
            _("Approve at most %(limit)s organisations at a time.") % {"limit": MAX_BULK_VERIFICATIONS}
        )
    total = {"organisations": 0, "verified": 0, "rejected": 0}
    for organisation in organisations:
        counts = verify_supplier(organisation=organisation, verified_by=verified_by, approve=True, note=note)
        total["organisations"] += 1
        total["verified"] += counts["verified"]
    return total


# -- how often buyers meet a supplier ----------------------------------------------------------------------------------


def request_exposure_count(*, viewer, kind: str, profiles) -> bool:
    """Have ``profiles`` counted as shown to ``viewer`` by a worker (on the embedded default, in process after the
    response): the web process sends one message and runs no query for it, so counting never slows a search.
    Anonymous readers and agency staff's searches are not counted. True when the message left."""
    from .tasks import record_exposures as task  # tasks import services

    if viewer is None or not viewer.is_authenticated:
        return False
    if kind == ExposureCount.Kind.SEARCH and is_agency_staff(viewer):
        return False
    shown = [[profile.pk, profile.organisation_id] for profile in profiles]
    return bool(shown) and jobs.send_task(task, args=(viewer.pk, kind, shown))


def record_exposures_of(*, viewer_id: int, kind: str, shown: list) -> int:
    """``record_exposures`` for the viewer with this id and ``shown`` as [profile id, organisation id] pairs (what
    ``request_exposure_count`` sends)."""
    viewer = User.objects.filter(pk=viewer_id, is_active=True).first()
    if viewer is None:
        return 0
    profiles = [
        SimpleNamespace(pk=profile_id, organisation_id=organisation_id) for profile_id, organisation_id in shown
    ]
    return record_exposures(viewer=viewer, kind=kind, profiles=profiles)


def record_exposures(*, viewer, kind: str, profiles, day: dt.date | None = None) -> int:
    """Count one ``kind`` (ExposureCount.Kind: shown in a search, profile viewed) for each of ``profiles`` today,
    seen by ``viewer``: one upsert for all of them. A supplier's own people are not counted (a self-view is no
    market signal), nor anonymous readers, nor agency staff's searches. Returns the rows counted.

    Called after the response is sent and must never fail the page: a database error is logged and dropped (the
    counts are a signal, not a record), inside a savepoint so an outer transaction carries on."""
    if kind not in ExposureCount.Kind.values:
        raise ValueError(f"unknown exposure kind: {kind}")
    if viewer is None or not viewer.is_authenticated:
        return 0
    if kind == ExposureCount.Kind.SEARCH and is_agency_staff(viewer):
        return 0  # the agency's own searches are not the market's: views by its staff count, searches do not
    own = {membership.organisation_id for membership in viewer.memberships.all()}
    counts = Counter(profile.pk for profile in profiles if profile.organisation_id not in own)
    if not counts:
        return 0
    day = day or timezone.localdate()
    table = connection.ops.quote_name(ExposureCount._meta.db_table)
    rows = sorted(counts.items())
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    params = [value for profile_id, number in rows for value in (profile_id, day, kind, number)]
    # Only the table's quoted name and placeholders are put into the text; every value is a parameter.
    sql = (
        f"INSERT INTO {table} (profile_id, day, kind, count) VALUES {values} "  # noqa: S608
        f"ON CONFLICT (profile_id, day, kind) DO UPDATE SET count = {table}.count + EXCLUDED.count"
    )
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:
        logger.exception("exposure counts not recorded (%s, %s profiles)", kind, len(rows))
        return 0
    return len(rows)
