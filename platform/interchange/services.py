"""Importing OCDS: every write of an import, one file in one transaction (all of it or nothing of it).

Parties become organisations (buyers → MNC buyer organisations; suppliers and tenderers → SMEs with a published,
not yet verified supplier profile), found again by identifier and then by normalised name. Active awards become
linkages at "first transaction" with the award as the first transaction; contract payments become follow-up
transactions; a planned or active tender becomes an open requirement and its match run is queued. Classifications
of any scheme become categories (scheme, code, description): CPV codes join the platform's CPV tree.
"""

import datetime as dt
import hashlib
import json
import logging
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pycountry
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.permissions import is_agency_staff
from buyers.models import Requirement
from linkages import services as linkage_services
from linkages.models import Linkage
from matching import services as matching_services
from matching.models import MatchRun
from suppliers.models import Capability, SupplierProfile
from suppliers.services import get_or_create_profile
from taxonomy.models import Category

from .extract import (
    BUYER_ROLES,
    OPEN_TENDER,
    SUPPLIER_ROLES,
    Award,
    Classification,
    ReleaseFacts,
    extract,
    normalised_name,
)
from .models import ExternalIdentifier, ImportedObject, ImportedRecord, ImportRun
from .progress import SILENT_WORKER, live_progress, report_progress
from .reader import OcdsFileError, read_releases

logger = logging.getLogger(__name__)


@dataclass
class ImportReport:
    file: str
    releases: int = 0
    counts: Counter = field(default_factory=Counter)
    rejected: str = ""

    @property
    def ok(self) -> bool:
        return not self.rejected


class _Rejected(Exception):
    pass


def _category(classification: Classification) -> Category:
    scheme, code = classification.scheme, classification.code[:16]
    if scheme == "CPV":
        code = code.split("-")[0][:8]
    found = Category.objects.filter(scheme=scheme, code=code).first()
    if found:
        return found
    parent = None
    if scheme == "CPV":
        # Join the CPV tree at the nearest known ancestor (codes lose significant digits from the right).
        for digits in range(len(code.rstrip("0")) - 1, 1, -1):
            parent = Category.objects.filter(scheme="CPV", code=code[:digits].ljust(8, "0")).first()
            if parent:
                break
    return Category.objects.create(
        scheme=scheme,
        code=code,
        name_en=(classification.description or f"{scheme} {code}")[:400],
        name_es=(classification.description or "")[:400],
        parent=parent,
        level=(parent.level + 1) if parent else 1,
        lineage=f"{parent.lineage}{code}/" if parent else f"/{code}/",
    )


class _Importer:
    """Imports the releases of one file; caches what it looked up so each release costs a few queries."""

    def __init__(self, counts: Counter, ocids: list[str]):
        self.counts = counts
        self.organisations: dict[str, Organisation] = {}
        self.profiles: dict[int, object] = {}
        self.categories: dict[tuple[str, str], Category] = {}
        self.known: dict[str, Organisation] = {}
        self.capabilities: set[tuple[int, int]] = set()
        self.objects: dict[tuple[str, str, str], int] = {
            (ocid, kind, key): object_id
            for ocid, kind, key, object_id in ImportedObject.objects.filter(ocid__in=ocids).values_list(
                "ocid", "kind", "key", "object_id"
            )
        }
        self.new_objects: dict[tuple[str, str, str], int] = {}
        self.deals: list[linkage_services.ImportedDeal] = []
        self.pending_awards: dict[tuple[str, str], tuple] = {}
        self.pending_payments: dict[tuple[str, str], tuple] = {}
        self.new_capabilities: list[tuple[int, Category, str]] = []
        self.linkage_keys: dict[int, tuple] | None = None
        self.new_identifiers: list[ExternalIdentifier] = []  # self.known answers for them until the file is saved

    def category(self, classification: Classification) -> Category:
        key = (classification.scheme, classification.code)  # descriptions vary from release to release
        if key not in self.categories:
            self.categories[key] = _category(classification)
        return self.categories[key]

    def preload_identifiers(self, facts_list: list[ReleaseFacts]) -> None:
        """One query for every organisation the file's parties may already be."""
        keys = set()
        for facts in facts_list:
            for key, party in facts.parties.items():
                if not key.startswith("name:"):
                    keys.add(key[:255])
                for kind in (Organisation.Kind.MNC, Organisation.Kind.SME):
                    keys.add(f"name:{kind}:{normalised_name(party.name)}"[:255])
        self.known = {
            e.key: e.organisation
            for e in ExternalIdentifier.objects.filter(key__in=keys).select_related("organisation")
        }

    def profile(self, organisation: Organisation):
        if organisation.pk not in self.profiles:
            self.profiles[organisation.pk] = get_or_create_profile(organisation=organisation)
        return self.profiles[organisation.pk]

    def save_objects(self) -> None:
        # Another import running at the same time may have just named the same organisation: its key stays.
        ExternalIdentifier.objects.bulk_create(self.new_identifiers, batch_size=2000, ignore_conflicts=True)
        ImportedObject.objects.bulk_create(
            [ImportedObject(ocid=o, kind=k, key=key, object_id=i) for (o, k, key), i in self.new_objects.items()],
            batch_size=2000,
        )

    # -- organisations -------------------------------------------------------------------------------------------

    def organisation(self, facts: ReleaseFacts, key: str) -> Organisation | None:
        party = facts.parties[key]
        is_buyer = key == facts.buyer_key or bool(party.roles & BUYER_ROLES)
        if not is_buyer and not party.roles & SUPPLIER_ROLES:
            return None
        kind = Organisation.Kind.MNC if is_buyer else Organisation.Kind.SME
        name_key = f"name:{kind}:{normalised_name(party.name)}"
        keys = [k for k in (key if not key.startswith("name:") else "", name_key) if k]
        for candidate in keys:
            if candidate in self.organisations:
                return self.organisations[candidate]
        known = next((self.known[k] for k in keys if k in self.known and self.known[k].kind == kind), None)
        if known:
            organisation = known
            self.counts["organisations matched"] += 1
        else:
            if not party.country:
                raise _Rejected(f"cannot tell the country of “{party.name}”; import with a default country")
            organisation = Organisation.objects.create(
                kind=kind,
                legal_name=party.name[:255],
                country=party.country,
                region=party.region,
                city=party.city,
                address=party.address,
            )
            self.counts["organisations created"] += 1
            if kind == Organisation.Kind.SME:
                # A new organisation has no profile yet; imported suppliers are ranked at once (published) and
                # verified by agency staff later.
                self.profiles[organisation.pk] = SupplierProfile.objects.create(
                    organisation=organisation, published=True
                )
        for candidate in keys:
            if candidate[:255] not in self.known:
                given = candidate == key
                self.new_identifiers.append(
                    ExternalIdentifier(
                        key=candidate[:255],
                        organisation=organisation,
                        scheme=party.scheme[:255] if given else "",
                        identifier=party.identifier[:255] if given else "",
                    )
                )
                self.known[candidate[:255]] = organisation
            self.organisations[candidate] = organisation
        return organisation

    # -- mapping ---------------------------------------------------------------------------------------------------

    def mapped(self, ocid: str, kind: str, key: str) -> int | None:
        return self.objects.get((ocid, kind, key[:255]))

    def remember(self, ocid: str, kind: str, key: str, object_id: int) -> None:
        self.objects[(ocid, kind, key[:255])] = object_id
        self.new_objects[(ocid, kind, key[:255])] = object_id

    # -- one release -------------------------------------------------------------------------------------------

    def apply(self, facts: ReleaseFacts) -> None:
        buyer = self.organisation(facts, facts.buyer_key) if facts.buyer_key else None
        requirement = self.requirement(facts, buyer)
        for award in facts.awards:
            self.award(facts, buyer, award, requirement)
        # Awards close the requirement, unless the release itself says its tender is still open (lots, frameworks).
        tender_still_open = facts.tender is not None and facts.tender.status in OPEN_TENDER
        if (
            facts.awards
            and requirement is not None
            and not tender_still_open
            and requirement.status != Requirement.Status.AWARDED
        ):
            requirement.status = Requirement.Status.AWARDED
            requirement.closed_at = requirement.closed_at or timezone.now()
            requirement.save(update_fields=["status", "closed_at", "updated_at"])
            self.counts["requirements awarded"] += 1
        self.payments(facts)

    def requirement(self, facts: ReleaseFacts, buyer: Organisation | None) -> Requirement | None:
        tender = facts.tender
        existing_id = self.mapped(facts.ocid, "requirement", "tender")
        existing = Requirement.objects.filter(pk=existing_id).first() if existing_id else None
        if tender is None or buyer is None:
            return existing
        if tender.status not in OPEN_TENDER:
            if existing and existing.status == Requirement.Status.OPEN:
                existing.status = Requirement.Status.AWARDED if facts.awards else Requirement.Status.CLOSED
                existing.closed_at = timezone.now()
                existing.save(update_fields=["status", "closed_at", "updated_at"])
                self.counts["requirements closed"] += 1
            return existing
        fields = {
            "title": (tender.title or facts.ocid)[:255],
            "specification": tender.description or tender.title or facts.ocid,
            "estimated_annual_value": tender.value if tender.value is not None and tender.value >= 0 else None,
            "currency": tender.currency if self.valid_currency(tender.currency) else "USD",
            "delivery_country": buyer.country,
            "delivery_region": buyer.region,
            "delivery_city": buyer.city,
        }
        if existing:
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
            requirement = existing
            self.counts["requirements updated"] += 1
        else:
            requirement = Requirement.objects.create(
                buyer=buyer,
                status=Requirement.Status.OPEN,
                visibility=Requirement.Visibility.PUBLIC,
                # When the publisher released it, so evaluations on real history split by the tenders' own dates.
                published_at=_moment(facts.date) if facts.date else timezone.now(),
                **fields,
            )
            self.remember(facts.ocid, "requirement", "tender", requirement.pk)
            self.counts["requirements created"] += 1
        requirement.categories.set([self.category(c) for c in tender.classifications])
        matching_services.request_match_run(requirement=requirement, trigger=MatchRun.Trigger.COMMAND)
        return requirement

    def award(self, facts: ReleaseFacts, buyer: Organisation | None, award: Award, requirement) -> None:
        """Queue the award's deals; ``flush`` records them all at the end of the file."""
        if buyer is None:
            self.counts["awards skipped (no buyer)"] += 1
            return
        categories = [self.category(c) for c in award.classifications]
        share = award.value / len(award.supplier_keys) if award.value is not None else None
        if share is not None and not self.valid_currency(award.currency):
            self.counts["award values without a currency"] += 1
            share = None
        day = min(award.date or facts.date or timezone.localdate(), timezone.localdate())
        for supplier_key in award.supplier_keys:
            key = f"{award.id}:{supplier_key}"
            if self.mapped(facts.ocid, "linkage", key) or (facts.ocid, key) in self.pending_awards:
                self.counts["awards already imported"] += 1
                continue
            supplier_org = self.organisation(facts, supplier_key)
            if supplier_org is None or supplier_org.kind != Organisation.Kind.SME:
                continue
            profile = self.profile(supplier_org)
            deal = linkage_services.ImportedDeal(
                buyer_id=buyer.pk,
                supplier_id=profile.pk,
                requirement_id=requirement.pk if requirement else None,
                category_id=categories[0].pk if categories else None,
                date=day,
                value=share.quantize(Decimal("0.01")) if share is not None else None,
                currency=award.currency,
                description=award.title,
            )
            self.deals.append(deal)
            self.pending_awards[(facts.ocid, key)] = deal.key
            for category in categories:
                if (profile.pk, category.pk) not in self.capabilities:
                    self.capabilities.add((profile.pk, category.pk))
                    self.new_capabilities.append((profile.pk, category, award.title or category.name_en))

    def payments(self, facts: ReleaseFacts) -> None:
        keys_by_award: dict[str, list[tuple]] = defaultdict(list)
        for award in facts.awards:
            for supplier_key in award.supplier_keys:
                linkage_key = self.pending_awards.get((facts.ocid, f"{award.id}:{supplier_key}"))
                if linkage_key is None:
                    linkage_id = self.mapped(facts.ocid, "linkage", f"{award.id}:{supplier_key}")
                    linkage_key = self.linkage_key(linkage_id) if linkage_id else None
                if linkage_key:
                    keys_by_award[award.id].append(linkage_key)
        for payment in facts.payments:
            if self.mapped(facts.ocid, "payment", payment.id) or (facts.ocid, payment.id) in self.pending_payments:
                continue
            targets = keys_by_award.get(payment.award_id) or (
                next(iter(keys_by_award.values())) if len(keys_by_award) == 1 else []
            )
            if (
                not targets
                or payment.value is None
                or payment.date is None
                or not self.valid_currency(payment.currency)
            ):
                self.counts["payments skipped (no award, value, date or currency)"] += 1
                continue
            buyer_id, supplier_id, requirement_id = targets[0]
            self.deals.append(
                linkage_services.ImportedDeal(
                    buyer_id=buyer_id,
                    supplier_id=supplier_id,
                    requirement_id=requirement_id,
                    category_id=None,
                    date=min(payment.date, timezone.localdate()),
                    value=payment.value.quantize(Decimal("0.01")),
                    currency=payment.currency,
                    description=f"OCDS {facts.ocid} payment",
                )
            )
            self.pending_payments[(facts.ocid, payment.id)] = targets[0]

    def linkage_key(self, linkage_id: int) -> tuple | None:
        if self.linkage_keys is None:  # one query for every linkage the file's processes already became
            known = {i for (_o, kind, _k), i in self.objects.items() if kind == "linkage"}
            self.linkage_keys = {
                pk: (buyer_id, supplier_id, requirement_id)
                for pk, buyer_id, supplier_id, requirement_id in Linkage.objects.filter(pk__in=known).values_list(
                    "pk", "buyer_id", "supplier_id", "requirement_id"
                )
            }
        return self.linkage_keys.get(linkage_id)

    def flush(self) -> None:
        """Record the file's awards and payments in bulk, then remember what each became."""
        linkages, counts = linkage_services.import_history(deals=self.deals)
        self.counts.update(counts)
        for (ocid, key), linkage_key in self.pending_awards.items():
            self.remember(ocid, "linkage", key, linkages[linkage_key].pk)
        for (ocid, payment_id), linkage_key in self.pending_payments.items():
            self.remember(ocid, "payment", payment_id, linkages[linkage_key].pk)
        existing = set(
            Capability.objects.filter(profile_id__in={p for p, _c, _d in self.new_capabilities}).values_list(
                "profile_id", "category_id"
            )
        )
        Capability.objects.bulk_create(
            [
                Capability(profile_id=p, category=c, description=d[:2000], language="es", keywords=[])
                for p, c, d in self.new_capabilities
                if (p, c.pk) not in existing
            ],
            batch_size=2000,
        )
        # The engine follows profiles' updated_at: touching them makes it pick up the new capabilities.
        SupplierProfile.objects.filter(pk__in={p for p, _c, _d in self.new_capabilities}).update(
            updated_at=timezone.now()
        )

    @staticmethod
    def valid_currency(code: str) -> bool:
        return bool(code) and pycountry.currencies.get(alpha_3=code) is not None


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(min(day, timezone.localdate()), dt.time(12)))


def _digest(releases: list[dict]) -> str:
    return hashlib.sha256(json.dumps(releases, sort_keys=True, default=str).encode()).hexdigest()


def import_file(
    *, path: Path | str, default_country: str = "", progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Import one OCDS file in one transaction; a broken file is rejected whole with one clear message."""
    path = Path(path)
    report = ImportReport(file=path.name)
    try:
        sources = read_releases(path)
    except OcdsFileError as error:
        report.rejected = str(error)
        return report
    report.releases = len(sources)
    grouped: dict[str, list] = defaultdict(list)
    for source in sources:
        try:
            facts = extract(source.release, default_country=default_country.upper())
        except (TypeError, AttributeError, ValueError, KeyError) as exc:
            report.rejected = f"{path.name}: {source.path}: unexpected structure ({exc})"
            return report
        grouped[facts.ocid].append((source, facts))
    try:
        with transaction.atomic():
            importer = _Importer(report.counts, list(grouped))
            importer.preload_identifiers([facts for items in grouped.values() for _source, facts in items])
            seen_digests: dict[str, set[str]] = defaultdict(set)
            newest_by_ocid: dict[str, dt.date] = {}
            for ocid, digest, day in ImportedRecord.objects.filter(ocid__in=list(grouped)).values_list(
                "ocid", "digest", "latest_release_date"
            ):
                seen_digests[ocid].add(digest)
                if day and (ocid not in newest_by_ocid or day > newest_by_ocid[ocid]):
                    newest_by_ocid[ocid] = day
            records = []
            done = 0
            for ocid, items in grouped.items():
                items.sort(key=lambda item: item[1].date or dt.date.min)
                digest = _digest([source.release for source, _facts in items])
                latest = max((facts.date for _source, facts in items if facts.date), default=None)
                newest = newest_by_ocid.get(ocid)
                if digest in seen_digests[ocid]:
                    report.counts["processes unchanged"] += 1
                elif latest and newest and latest < newest:
                    report.counts["processes older than imported"] += 1
                else:
                    for source, facts in items:
                        try:
                            importer.apply(facts)
                        except _Rejected as rejection:
                            raise _Rejected(f"{path.name}: {source.path}: {rejection}") from rejection
                        except ValidationError as error:
                            raise _Rejected(f"{path.name}: {source.path}: {'; '.join(error.messages)}") from error
                    records.append(ImportedRecord(ocid=ocid, digest=digest, latest_release_date=latest))
                    report.counts["processes imported"] += 1
                done += len(items)
                if progress:
                    progress(done, len(sources))
            importer.flush()
            importer.save_objects()
            ImportedRecord.objects.bulk_create(records, batch_size=2000)
    except _Rejected as rejection:
        report.rejected = str(rejection)
        report.counts.clear()
    return report


# -- uploads through the API and the page: stored, then imported by a worker ------------------------------------------

UPLOAD_DIR = "ocds-imports"


def queue_upload(*, actor, uploaded_file, default_country: str = "") -> ImportRun:
    """Store an uploaded file and queue its import; agency staff only."""
    if not is_agency_staff(actor):
        raise PermissionDenied(_("Only agency staff import open procurement data."))
    if uploaded_file.size > settings.OCDS_UPLOAD_MAX_BYTES:
        raise ValidationError(
            {"file": [_("The file is larger than %(mb)s MB.") % {"mb": settings.OCDS_UPLOAD_MAX_BYTES // 2**20}]}
        )
    country = (default_country or "").strip().upper()
    if country and not pycountry.countries.get(alpha_2=country):
        raise ValidationError({"default_country": [_("“%(code)s” is not a country code.") % {"code": country}]})
    name = Path(uploaded_file.name).name[:200]
    stored = default_storage.save(f"{UPLOAD_DIR}/{uuid.uuid4().hex}-{name}", uploaded_file)
    with transaction.atomic():
        run = ImportRun.objects.create(file_name=name, stored_path=stored, created_by=actor, default_country=country)
        transaction.on_commit(lambda: _enqueue_import(run.pk))
    return run


def _enqueue_import(run_id: int) -> None:
    from .tasks import import_ocds_run  # tasks import services

    try:
        import_ocds_run.apply_async(args=[run_id])
    except Exception:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise
        logger.exception("interchange: could not queue import %s", run_id)


MAX_IMPORT_ATTEMPTS = 3


def execute_import_run(*, run_id: int) -> ImportRun | None:
    """Import an uploaded file once, whatever the number of messages about it (a re-sent one, a redelivered one)."""
    if live_progress(run_id=run_id):
        return ImportRun.objects.filter(pk=run_id).first()  # a worker is still reporting on it
    now = timezone.now()
    claimable = Q(status=ImportRun.Status.QUEUED) | Q(
        status=ImportRun.Status.RUNNING, claimed_at__lt=now - SILENT_WORKER
    )
    claimed = ImportRun.objects.filter(claimable, pk=run_id).update(
        status=ImportRun.Status.RUNNING, attempts=F("attempts") + 1, claimed_at=now
    )
    run = ImportRun.objects.filter(pk=run_id).first()
    if not claimed:
        return run  # finished, or another worker is on it

    def on_progress(done: int, total: int) -> None:
        if done == total or done % 200 == 0:
            report_progress(run_id=run_id, done=done, total=total)

    report = import_file(
        path=default_storage.path(run.stored_path), default_country=run.default_country, progress=on_progress
    )
    run.refresh_from_db()
    run.status = ImportRun.Status.REJECTED if report.rejected else ImportRun.Status.SUCCEEDED
    run.error = report.rejected.replace(Path(run.stored_path).name, run.file_name)  # the name the user uploaded
    run.counts = dict(report.counts)
    run.total = run.total or report.releases
    run.processed = run.total if report.ok else run.processed
    run.finished_at = timezone.now()
    run.save()
    return run


def requeue_stalled_imports(*, queued_for: dt.timedelta = dt.timedelta(minutes=10)) -> int:
    """Send again the imports nobody started (broker down when queued) or whose worker went silent (lost mid-file).

    A file is imported in one transaction, so starting it again is safe: what a lost worker wrote was rolled back."""
    now = timezone.now()
    stalled = ImportRun.objects.filter(
        Q(status=ImportRun.Status.QUEUED, created_at__lt=now - queued_for)
        | Q(status=ImportRun.Status.RUNNING, claimed_at__lt=now - SILENT_WORKER)
    )
    count = 0
    for run in stalled:
        if run.status == ImportRun.Status.RUNNING and live_progress(run_id=run.pk):
            continue  # still reporting progress: a long file, not a lost worker
        if run.attempts >= MAX_IMPORT_ATTEMPTS:
            # Stored for operators in one language, like every operator error.
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportRun.Status.FAILED,
                error=f"Gave up after {run.attempts} attempts: the worker stopped before the import finished.",
                finished_at=now,
            )
            continue
        ImportRun.objects.filter(pk=run.pk, status=run.status).update(status=ImportRun.Status.QUEUED)
        _enqueue_import(run.pk)
        count += 1
    return count
