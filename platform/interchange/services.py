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
from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as account_services
from accounts.models import Organisation
from accounts.permissions import is_agency_staff
from buyers import services as buyer_services
from buyers.models import Requirement
from core import jobs
from core.bulk import among, insert_rows
from core.currency import is_currency
from linkages import services as linkage_services
from linkages.models import Linkage
from matching import services as matching_services
from suppliers import selectors as supplier_selectors
from suppliers import services as supplier_services
from taxonomy.models import Category
from taxonomy.services import find_or_create_category

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
from .progress import live_progress, report_progress
from .reader import OcdsFileError, iter_releases

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
    return find_or_create_category(
        scheme=classification.scheme, code=classification.code, description=classification.description or ""
    )


class _Importer:
    """Imports the releases of one file; caches what it looked up so each release costs a few queries.

    What the file creates is written in bulk at the end of the file (``flush``): new organisations, their supplier
    profiles and the historic requirements of past award processes carry provisional negative ids until then
    (``self.real`` maps each to the id it got), so releases are applied without a query each. An open tender is
    written at once (the buyers app announces it), so its buyer is written first if it is new."""

    def __init__(self, counts: Counter, ocids: list[str]):
        self.counts = counts
        self.today = timezone.localdate()
        self.organisations: dict[str, Organisation] = {}
        self.profiles: dict[int, int] = {}  # organisation id → its supplier profile's id
        self.categories: dict[tuple[str, str], Category] = {}
        self.currencies: dict[str, bool] = {}
        self.moments: dict[dt.date, dt.datetime] = {}
        self.known: dict[str, Organisation] = {}
        self.capabilities: set[tuple[int, int]] = set()
        self.objects: dict[tuple[str, str, str], int] = {
            (ocid, kind, key): object_id
            for ocid, kind, key, object_id in ImportedObject.objects.filter(among("ocid", ocids)).values_list(
                "ocid", "kind", "key", "object_id"
            )
        }
        self.new_objects: dict[tuple[str, str, str], int] = {}
        # (buyer id, supplier id, requirement id, category id, day, value, currency, description) of every award
        # and payment, recorded as linkages and transactions at the end of the file.
        self.deals: list[tuple] = []
        self.pending_awards: dict[tuple[str, str], tuple] = {}
        self.pending_payments: dict[tuple[str, str], tuple] = {}
        self.new_capabilities: list[tuple[int, Category, str, dt.date]] = []
        # Written at the end of the file, with provisional negative ids until then.
        self.last_provisional = 0
        self.real: dict[int, int] = {}
        self.new_organisations: list[Organisation] = []
        self.historic: list[tuple] = []
        self.historic_ids: list[tuple[str, int]] = []  # (ocid, provisional id)
        self.linkage_keys: dict[int, tuple] | None = None
        # (key, organisation, scheme, identifier); self.known answers for them until the file is saved.
        self.new_identifiers: list[tuple[str, Organisation, str, str]] = []

    def provisional(self) -> int:
        self.last_provisional -= 1
        return self.last_provisional

    def resolved(self, object_id: int | None) -> int | None:
        return self.real[object_id] if object_id is not None and object_id < 0 else object_id

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
                name = normalised_name(party.name)
                keys.add(f"name:{Organisation.Kind.MNC}:{name}"[:255])
                keys.add(f"name:{Organisation.Kind.SME}:{name}"[:255])
        found = list(ExternalIdentifier.objects.filter(among("key", keys)).values_list("key", "organisation_id"))
        organisations = {
            organisation.pk: organisation
            for organisation in Organisation.objects.filter(among("pk", {pk for _key, pk in found}))
        }
        self.known = {key: organisations[organisation_id] for key, organisation_id in found}

    _profiles_preloaded = False

    def profile(self, organisation: Organisation) -> int:
        """The id of ``organisation``'s supplier profile (provisional for a supplier new in this file)."""
        if not self._profiles_preloaded:  # one query for the profiles of every supplier the file may name
            self._profiles_preloaded = True
            known = {o.pk for o in self.known.values() if o.kind == Organisation.Kind.SME} - set(self.profiles)
            self.profiles.update(
                (organisation_id, profile.pk)
                for organisation_id, profile in supplier_selectors.profiles_by_organisation(
                    organisation_ids=known
                ).items()
            )
        if organisation.pk not in self.profiles:
            self.profiles[organisation.pk] = supplier_services.get_or_create_profile(organisation=organisation).pk
        return self.profiles[organisation.pk]

    def save_objects(self) -> None:
        # Another import running at the same time may have just named the same organisation: its key stays.
        ExternalIdentifier.objects.bulk_create(
            [
                ExternalIdentifier(key=key, organisation_id=organisation.pk, scheme=scheme, identifier=identifier)
                for key, organisation, scheme, identifier in self.new_identifiers
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        insert_rows(
            ImportedObject,
            ("ocid", "kind", "key", "object_id"),
            [(o, k, key, i) for (o, k, key), i in self.new_objects.items()],
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
            # Checked now (a problem names the release), written with the file's other new ones in ``flush``.
            organisation = account_services.imported_organisation(
                kind=kind,
                legal_name=party.name,
                country=party.country,
                region=party.region or "",
                city=party.city or "",
                address=party.address or "",
            )
            organisation.pk = self.provisional()
            self.new_organisations.append(organisation)
            self.counts["organisations created"] += 1
            if kind == Organisation.Kind.SME:
                # A new organisation has no profile yet; imported suppliers are ranked at once (published) and
                # verified by agency staff later.
                self.profiles[organisation.pk] = self.provisional()
        for candidate in keys:
            if candidate[:255] not in self.known:
                given = candidate == key
                self.new_identifiers.append(
                    (
                        candidate[:255],
                        organisation,
                        party.scheme[:255] if given else "",
                        party.identifier[:255] if given else "",
                    )
                )
                self.known[candidate[:255]] = organisation
            self.organisations[candidate] = organisation
        return organisation

    def write_organisations(self) -> None:
        """Write the organisations (and supplier profiles) new so far; their provisional ids map to the real ones."""
        fresh, self.new_organisations = self.new_organisations, []
        if not fresh:
            return
        provisional = [organisation.pk for organisation in fresh]
        ids = account_services.bulk_create_imported_organisations(organisations=fresh)  # sets each one's pk
        self.real.update(zip(provisional, ids, strict=True))
        suppliers = [o for o in fresh if o.kind == Organisation.Kind.SME]
        profile_provisional = [
            self.profiles.pop(old) for old, o in zip(provisional, fresh, strict=True) if o.kind == Organisation.Kind.SME
        ]
        profile_ids = supplier_services.bulk_create_imported_profiles(organisations=suppliers)
        self.real.update(zip(profile_provisional, profile_ids, strict=True))
        self.profiles.update((o.pk, pk) for o, pk in zip(suppliers, profile_ids, strict=True))

    # -- mapping ---------------------------------------------------------------------------------------------------

    def mapped(self, ocid: str, kind: str, key: str) -> int | None:
        return self.objects.get((ocid, kind, key[:255]))

    def remember(self, ocid: str, kind: str, key: str, object_id: int) -> None:
        self.objects[(ocid, kind, key[:255])] = object_id
        self.new_objects[(ocid, kind, key[:255])] = object_id

    def moment(self, day: dt.date) -> dt.datetime:
        """Noon of ``day`` (today at the latest), where the platform keeps time."""
        at = self.moments.get(day)
        if at is None:
            at = self.moments[day] = _moment(day)
        return at

    def valid_currency(self, code: str) -> bool:
        valid = self.currencies.get(code)
        if valid is None:
            valid = self.currencies[code] = is_currency(code)
        return valid

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
            and isinstance(requirement, Requirement)
            and not tender_still_open
            and buyer_services.close_imported_requirement(requirement=requirement, awarded=True)
        ):
            self.counts["requirements awarded"] += 1
        if facts.payments:
            self.payments(facts)

    def requirement(self, facts: ReleaseFacts, buyer: Organisation | None) -> "Requirement | _Historic | None":
        tender = facts.tender
        existing_id = self.mapped(facts.ocid, "requirement", "tender")
        if existing_id is not None and existing_id < 0:
            return _Historic(existing_id)  # this file's own past process, not written yet
        existing = Requirement.objects.filter(pk=existing_id).first() if existing_id else None
        if buyer is None:
            return existing
        if tender is None or tender.status not in OPEN_TENDER:
            if existing and existing.status == Requirement.Status.OPEN:
                buyer_services.close_imported_requirement(requirement=existing, awarded=bool(facts.awards))
                self.counts["requirements closed"] += 1
            if existing is None and any(award.supplier_keys for award in facts.awards):
                return self.historic_requirement(facts, buyer)
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
        if buyer.pk < 0:
            self.write_organisations()  # an open requirement is written now, and its buyer first
        # The buyers app writes it: a new one is announced as published (matching queues its run from that signal),
        # a changed one as changed, an unchanged one not at all.
        requirement, created = buyer_services.import_requirement(
            buyer=buyer,
            fields=fields,
            categories=[self.category(c) for c in tender.classifications],
            existing=existing,
            # When the publisher released it, so evaluations on real history split by the tenders' own dates.
            published_at=_moment(facts.date) if facts.date else None,
        )
        if created:
            self.remember(facts.ocid, "requirement", "tender", requirement.pk)
            self.counts["requirements created"] += 1
        else:
            self.counts["requirements updated"] += 1
        return requirement

    def historic_requirement(self, facts: ReleaseFacts, buyer: Organisation) -> "_Historic":
        """A past award process is also a query: a historic requirement dated by its release, whose linkages carry
        the outcome, so the ranker can learn from and be evaluated on what buyers did."""
        tender = facts.tender
        first = facts.awards[0]
        classifications = (tender.classifications if tender else []) or [
            c for award in facts.awards for c in award.classifications
        ]
        title = (tender.title if tender else "") or first.title or facts.ocid
        day = facts.date or first.date or self.today
        value = tender.value if tender and tender.value is not None and tender.value >= 0 else None
        currency = tender.currency if tender and self.valid_currency(tender.currency) else "USD"
        self.historic.append(
            (
                buyer,  # provisional id until the file's new organisations are written
                title,
                (tender.description if tender else "") or title,
                tuple(self.category(c).pk for c in classifications),
                self.moment(day),
                value,
                currency,
            )
        )
        provisional_id = self.provisional()
        self.historic_ids.append((facts.ocid, provisional_id))
        self.remember(facts.ocid, "requirement", "tender", provisional_id)
        self.counts["historic requirements created"] += 1
        return _Historic(provisional_id)

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
        value = share.quantize(_CENTS) if share is not None else None
        day = min(award.date or facts.date or self.today, self.today)
        requirement_id = requirement.pk if requirement else None
        category_id = categories[0].pk if categories else None
        for supplier_key in award.supplier_keys:
            key = f"{award.id}:{supplier_key}"
            if self.mapped(facts.ocid, "linkage", key) or (facts.ocid, key) in self.pending_awards:
                self.counts["awards already imported"] += 1
                continue
            supplier_org = self.organisation(facts, supplier_key)
            if supplier_org is None or supplier_org.kind != Organisation.Kind.SME:
                continue
            profile_id = self.profile(supplier_org)
            self.deals.append(
                (buyer.pk, profile_id, requirement_id, category_id, day, value, award.currency, award.title)
            )
            self.pending_awards[(facts.ocid, key)] = (buyer.pk, profile_id, requirement_id)
            for category in categories:
                if (profile_id, category.pk) not in self.capabilities:
                    self.capabilities.add((profile_id, category.pk))
                    self.new_capabilities.append((profile_id, category, award.title or category.name_en, day))

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
                (
                    buyer_id,
                    supplier_id,
                    requirement_id,
                    None,
                    min(payment.date, self.today),
                    payment.value.quantize(_CENTS),
                    payment.currency,
                    f"OCDS {facts.ocid} payment",
                )
            )
            self.pending_payments[(facts.ocid, payment.id)] = targets[0]

    def linkage_key(self, linkage_id: int) -> tuple | None:
        if self.linkage_keys is None:  # one query for every linkage the file's processes already became
            known = {i for (_o, kind, _k), i in self.objects.items() if kind == "linkage"}
            self.linkage_keys = {
                pk: (buyer_id, supplier_id, requirement_id)
                for pk, buyer_id, supplier_id, requirement_id in Linkage.objects.filter(among("pk", known)).values_list(
                    "pk", "buyer_id", "supplier_id", "requirement_id"
                )
            }
        return self.linkage_keys.get(linkage_id)

    def save_historic_requirements(self) -> None:
        """Write the file's historic requirements; their provisional ids map to the real ones."""
        if not self.historic:
            return
        tenders = [
            buyer_services.HistoricTender(
                buyer_id=buyer.pk,
                title=title,
                specification=specification,
                category_ids=category_ids,
                published_at=published_at,
                awarded=True,
                estimated_annual_value=value,
                currency=currency,
                delivery_country=str(buyer.country or ""),
                delivery_region=buyer.region or "",
                delivery_city=buyer.city or "",
            )
            for buyer, title, specification, category_ids, published_at, value, currency in self.historic
        ]
        ids = buyer_services.bulk_import_historic_requirements(tenders=tenders)
        for (ocid, provisional_id), pk in zip(self.historic_ids, ids, strict=True):
            self.real[provisional_id] = pk
            self.remember(ocid, "requirement", "tender", pk)

    def flush(self) -> None:
        """Write what the file created, in bulk: organisations and profiles, historic requirements, then the awards
        and payments as linkages and transactions; remember what each became."""
        self.write_organisations()
        self.save_historic_requirements()
        resolved = self.resolved

        def real_key(key: tuple) -> tuple:
            return (resolved(key[0]), resolved(key[1]), resolved(key[2]))

        deals = [
            linkage_services.ImportedDeal(
                buyer_id=resolved(buyer_id),
                supplier_id=resolved(supplier_id),
                requirement_id=resolved(requirement_id),
                category_id=category_id,
                date=day,
                value=value,
                currency=currency,
                description=description,
            )
            for buyer_id, supplier_id, requirement_id, category_id, day, value, currency, description in self.deals
        ]
        linkages, counts = linkage_services.record_imported_history(deals=deals)
        self.counts.update(counts)
        for (ocid, key), linkage_key in self.pending_awards.items():
            self.remember(ocid, "linkage", key, linkages[real_key(linkage_key)])
        for (ocid, payment_id), linkage_key in self.pending_payments.items():
            self.remember(ocid, "payment", payment_id, linkages[real_key(linkage_key)])
        # The suppliers app writes them, and touches the profiles so the engine picks the capabilities up.
        supplier_services.bulk_add_imported_capabilities(
            capabilities=[
                (resolved(profile_id), category, description, day)
                for profile_id, category, description, day in self.new_capabilities
            ]
        )


_CENTS = Decimal("0.01")


@dataclass(frozen=True)
class _Historic:
    """A historic requirement of the file being imported, not written yet (``pk``: its provisional negative id)."""

    pk: int


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(min(day, timezone.localdate()), dt.time(12)))


def _digest(releases: list[dict]) -> str:
    return hashlib.sha256(json.dumps(releases, sort_keys=True, default=str).encode()).hexdigest()


class _Digests:
    """Each process's digest as ``_digest`` gives it, computed while the file streams past: a release is folded in
    as it is read and not kept. A process whose releases come out of date order is digested from a second read."""

    def __init__(self):
        self.hashers: dict[str, object] = {}
        self.last: dict[str, dt.date] = {}
        self.out_of_order: set[str] = set()

    def add(self, ocid: str, day: dt.date | None, release: dict) -> None:
        key = day or dt.date.min
        hasher = self.hashers.get(ocid)
        if hasher is None:
            hasher = self.hashers[ocid] = hashlib.sha256(b"[")
        else:
            hasher.update(b", ")
            if key < self.last[ocid]:
                self.out_of_order.add(ocid)
        self.last[ocid] = key
        if ocid not in self.out_of_order:
            hasher.update(json.dumps(release, sort_keys=True, default=str).encode())

    def finish(self, grouped: dict[str, list], again) -> dict[str, str]:
        digests = {}
        for ocid, hasher in self.hashers.items():
            if ocid not in self.out_of_order:
                hasher.update(b"]")
                digests[ocid] = hasher.hexdigest()
        if self.out_of_order:
            releases: dict[str, list[dict]] = defaultdict(list)
            for source in again():
                ocid = source.release["ocid"].strip()
                if ocid in self.out_of_order:
                    releases[ocid].append(source.release)
            for ocid in self.out_of_order:
                dated = zip(releases[ocid], [facts.date for _where, facts in grouped[ocid]], strict=True)
                digests[ocid] = _digest([r for r, _day in sorted(dated, key=lambda pair: pair[1] or dt.date.min)])
        return digests


def import_file(
    *,
    path: Path | str,
    default_country: str = "",
    progress: Callable[[int, int], None] | None = None,
    max_expanded_bytes: int | None = None,
) -> ImportReport:
    """Import one OCDS file in one transaction; a broken file is rejected whole with one clear message.

    The file is read as a stream: what is kept of each release is what ``extract`` found in it, never the release
    itself. ``max_expanded_bytes`` refuses a file that expands beyond it (``settings.OCDS_MAX_EXPANDED_BYTES`` when
    None, no limit when 0)."""
    path = Path(path)
    report = ImportReport(file=path.name)
    limit = settings.OCDS_MAX_EXPANDED_BYTES if max_expanded_bytes is None else max_expanded_bytes

    def stream():
        return iter_releases(path, max_bytes=limit or None, max_depth=settings.OCDS_MAX_JSON_DEPTH)

    grouped: dict[str, list] = defaultdict(list)
    digests = _Digests()
    try:
        for source in stream():
            try:
                facts = extract(source.release, default_country=default_country.upper())
            except (TypeError, AttributeError, ValueError, KeyError, RecursionError) as exc:
                report.rejected = f"{path.name}: {source.path}: unexpected structure ({exc})"
                return report
            grouped[facts.ocid].append((source.path, facts))
            digests.add(facts.ocid, facts.date, source.release)
            report.releases += 1
        digest_of = digests.finish(grouped, stream)
    except OcdsFileError as error:
        report.rejected = str(error)
        report.releases = 0
        return report
    try:
        # The file's import run is its audit record (who, which file, when, what it created): one trail entry per
        # imported organisation, tender and award would cost more than the import itself and say nothing more.
        with disable_auditlog(), transaction.atomic():
            importer = _Importer(report.counts, list(grouped))
            importer.preload_identifiers([facts for items in grouped.values() for _source, facts in items])
            seen_digests: dict[str, set[str]] = defaultdict(set)
            newest_by_ocid: dict[str, dt.date] = {}
            for ocid, digest, day in ImportedRecord.objects.filter(among("ocid", grouped)).values_list(
                "ocid", "digest", "latest_release_date"
            ):
                seen_digests[ocid].add(digest)
                if day and (ocid not in newest_by_ocid or day > newest_by_ocid[ocid]):
                    newest_by_ocid[ocid] = day
            records = []
            done = 0
            for ocid, items in grouped.items():
                items.sort(key=lambda item: item[1].date or dt.date.min)
                digest = digest_of[ocid]
                latest = max((facts.date for _source, facts in items if facts.date), default=None)
                newest = newest_by_ocid.get(ocid)
                if digest in seen_digests[ocid]:
                    report.counts["processes unchanged"] += 1
                elif latest and newest and latest < newest:
                    report.counts["processes older than imported"] += 1
                else:
                    for where, facts in items:
                        try:
                            importer.apply(facts)
                        except _Rejected as rejection:
                            raise _Rejected(f"{path.name}: {where}: {rejection}") from rejection
                        except ValidationError as error:
                            raise _Rejected(f"{path.name}: {where}: {'; '.join(error.messages)}") from error
                    records.append((ocid, digest, latest))
                    report.counts["processes imported"] += 1
                done += len(items)
                if progress:
                    progress(done, report.releases)
            importer.flush()
            importer.save_objects()
            insert_rows(ImportedRecord, ("ocid", "digest", "latest_release_date"), records)
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
        jobs.enqueue_after_commit(run, _enqueue_import)
    return run


def _enqueue_import(run_id: int) -> None:
    """Send import ``run_id`` to the workers now; a broker that is down leaves it queued for beat (core.jobs)."""
    from .tasks import import_ocds_run  # tasks import services

    jobs.enqueue(ImportRun, run_id, import_ocds_run)


MAX_IMPORT_ATTEMPTS = ImportRun.max_attempts


def execute_import_run(*, run_id: int) -> ImportRun | None:
    """Import an uploaded file once, whatever the number of messages about it (a re-sent one, a redelivered one)."""
    if live_progress(run_id=run_id):
        return ImportRun.objects.filter(pk=run_id).first()  # a worker is still reporting on it
    run = jobs.claim(ImportRun, run_id)
    if run is None:
        return ImportRun.objects.filter(pk=run_id).first()  # finished, or another worker is on it
    with jobs.heartbeating(run):
        return _import_claimed(run)


def _import_claimed(run: ImportRun) -> ImportRun:
    run_id = run.pk

    def on_progress(done: int, total: int) -> None:
        if done == total or done % 200 == 0:
            report_progress(run_id=run_id, done=done, total=total)

    report = import_file(
        path=default_storage.path(run.stored_path), default_country=run.default_country, progress=on_progress
    )
    run.refresh_from_db()
    total = run.total or report.releases
    if report.counts.get("historic requirements created"):
        # New award history: the ranker learns from it (debounced, so a batch of uploads trains once).
        transaction.on_commit(matching_services.request_training)
    return jobs.finish(
        run,
        status=ImportRun.Status.REJECTED if report.rejected else ImportRun.Status.SUCCEEDED,
        error=report.rejected.replace(Path(run.stored_path).name, run.file_name),  # the name the user uploaded
        counts=dict(report.counts),
        total=total,
        processed=total if report.ok else run.processed,
    )


def requeue_stalled_imports() -> int:
    """Send again the imports nobody started (broker down when queued) or whose worker went silent (lost mid-file);
    core.jobs says when. A file is imported in one transaction, so starting it again is safe: what a lost worker wrote
    was rolled back."""
    return jobs.requeue_stalled(ImportRun, send=_enqueue_import)
