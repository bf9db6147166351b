"""The platform as OCDS 1.1: one compiled release per contracting process, wrapped in a release package.

A process is an open (or awarded) requirement with the linkages that came from it, or a linkage that came from no
requirement. Its ``ocid`` is the one it was imported with, or the platform's own prefix (``OCDS_OCID_PREFIX``)
with the requirement's or linkage's number. A linkage appears once it has a first transaction: that transaction
is its award (value and date) and the contract's signature; the follow-up orders are the contract's
``implementation.transactions``. This is the shape the importer reads, so an export imported elsewhere rebuilds
the same linkages and transactions.

Reads only. What a reader may see is decided by the buyers' and linkages' selectors (``scope_for``), so a
confidential requirement is exported only to its buyer, its invited suppliers and agency staff, and a linkage only
to its two parties and agency staff.
"""

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import pycountry
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import Organisation
from buyers import selectors as buyer_selectors
from buyers.models import Requirement
from linkages import selectors as linkage_selectors
from linkages.models import Linkage, Stage, Transaction

from .models import ExternalIdentifier, ImportedObject

OCDS_VERSION = "1.1"
# org-id.guide codes of registers whose number is the tax identifier the platform validates.
TAX_ID_SCHEMES = {"MX": "MX-RFC", "CL": "CL-RUT"}
TENDER_STATUS = {
    Requirement.Status.OPEN: "active",
    Requirement.Status.AWARDED: "complete",
}


@dataclass(frozen=True)
class Scope:
    """The requirements and linkages an export may show."""

    requirements: QuerySet[Requirement]
    linkages: QuerySet[Linkage]


def scope_for(*, user) -> Scope:
    """What ``user`` may see: agency staff everything, a buyer its own, a supplier the public and its own."""
    return Scope(
        requirements=buyer_selectors.requirements_visible_to(user=user),
        linkages=linkage_selectors.linkages_visible_to(user=user),
    )


def whole_platform(*, public_only: bool = False) -> Scope:
    """Everything (the operator's export); ``public_only`` keeps public requirements and their linkages only."""
    requirements = Requirement.objects.all()
    linkages = Linkage.objects.all()
    if public_only:
        requirements = requirements.filter(visibility=Requirement.Visibility.PUBLIC)
        linkages = linkages.exclude(requirement__isnull=False, requirement__visibility__in=_CONFIDENTIAL)
    return Scope(requirements=requirements, linkages=linkages)


_CONFIDENTIAL = [Requirement.Visibility.INVITED, Requirement.Visibility.AGENCY]


@dataclass
class Process:
    ocid: str
    requirement_id: int | None = None  # set only when the requirement itself may be shown
    linkage_ids: list[int] = field(default_factory=list)
    changed_at: dt.datetime | None = None

    def touch(self, moment: dt.datetime | None) -> None:
        if moment and (self.changed_at is None or moment > self.changed_at):
            self.changed_at = moment

    def as_row(self) -> tuple:
        return (self.ocid, self.requirement_id, tuple(self.linkage_ids), self.changed_at)

    @classmethod
    def from_row(cls, row: tuple) -> "Process":
        ocid, requirement_id, linkage_ids, changed_at = row
        return cls(ocid=ocid, requirement_id=requirement_id, linkage_ids=list(linkage_ids), changed_at=changed_at)


class ProcessIndex(Sequence):
    """An index kept as plain rows (quick to store and load); a page of it becomes ``Process`` objects."""

    def __init__(self, rows: list[tuple]):
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [Process.from_row(row) for row in self.rows[index]]
        return Process.from_row(self.rows[index])


def _imported_ocid(kind: str, outer: str) -> Subquery:
    """The ocid an object was imported from; the first import wins when several processes fed one linkage."""
    return Subquery(
        ImportedObject.objects.filter(kind=kind, object_id=OuterRef(outer)).order_by("pk").values("ocid")[:1]
    )


def processes(scope: Scope, *, ocids: list[str] | None = None, since: dt.datetime | None = None) -> list[Process]:
    """Every process in ``scope`` (only ``ocids`` when given; only those changed at or after ``since``), by ocid.

    Two queries whatever the size: the ocids come from the database with the rows (an index on ImportedObject's
    kind and object)."""
    prefix = settings.OCDS_OCID_PREFIX
    by_ocid: dict[str, Process] = {}

    def process(ocid: str) -> Process:
        if ocid not in by_ocid:
            by_ocid[ocid] = Process(ocid=ocid)
        return by_ocid[ocid]

    shown = scope.requirements.exclude(status=Requirement.Status.DRAFT)
    for pk, imported, updated_at in (
        shown.filter(status=Requirement.Status.OPEN)
        .annotate(imported=_imported_ocid("requirement", "pk"))
        .values_list("pk", "imported", "updated_at")
    ):
        found = process(imported or f"{prefix}-R{pk}")
        found.requirement_id = pk
        found.touch(updated_at)
    awarded = (
        scope.linkages.filter(transactions__isnull=False)
        .annotate(
            # One moment a row: the later of its last activity and its last recorded order (parsing is the cost).
            changed_at=Greatest("last_activity_at", Max("transactions__created_at")),
            imported=_imported_ocid("linkage", "pk"),
            requirement_imported=_imported_ocid("requirement", "requirement_id"),
            requirement_shown=Exists(shown.filter(pk=OuterRef("requirement_id"))),
        )
        .values_list(
            "pk",
            "requirement_id",
            "requirement_imported",
            "requirement_shown",
            "requirement__updated_at",
            "imported",
            "changed_at",
        )
        .order_by("pk")
    )
    for (
        pk,
        requirement_id,
        requirement_imported,
        requirement_shown,
        requirement_updated,
        imported,
        changed_at,
    ) in awarded:
        if requirement_id is not None:
            found = process(requirement_imported or f"{prefix}-R{requirement_id}")
            if requirement_shown:
                found.requirement_id = requirement_id
                found.touch(requirement_updated)
        else:
            found = process(imported or f"{prefix}-L{pk}")
        found.linkage_ids.append(pk)
        found.touch(changed_at)
    result = sorted(by_ocid.values(), key=lambda p: p.ocid)
    if ocids:
        wanted = set(ocids)
        result = [p for p in result if p.ocid in wanted]
    if since:
        result = [p for p in result if p.changed_at and p.changed_at >= since]
    return result


# -- building releases ---------------------------------------------------------------------------------------------


def _timestamp(moment: dt.datetime | dt.date | None) -> str | None:
    if moment is None:
        return None
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time.min, tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _money(amount: Decimal | None, currency: str) -> dict | None:
    if amount is None:
        return None
    return {"amount": float(amount), "currency": currency}


def _classification(category) -> dict:
    return {"scheme": category.scheme, "id": category.code, "description": category.name_en}


@functools.cache
def _country_name(code: str) -> str:
    """The ISO 3166 English name, the same whatever language the request speaks (importers read it back)."""
    country = pycountry.countries.get(alpha_2=code) if code else None
    return country.name if country else ""


class _Parties:
    """The organisations of one release, each listed once with every role it plays."""

    def __init__(self, identifiers: dict[int, ExternalIdentifier]):
        self.identifiers = identifiers
        self.entries: dict[int, dict] = {}  # in the order organisations are first referenced

    def reference(self, organisation: Organisation, role: str) -> dict:
        entry = self.entries.get(organisation.pk)
        if entry is None:
            entry = self.entries[organisation.pk] = self._party(organisation)
        if role not in entry["roles"]:
            entry["roles"].append(role)
        return {"id": entry["id"], "name": entry["name"]}

    def _party(self, organisation: Organisation) -> dict:
        party = {
            "id": f"enlace-{organisation.pk}",
            "name": organisation.legal_name,
            "identifier": self._identifier(organisation),
            "roles": [],
        }
        address = {
            "streetAddress": organisation.address,
            "locality": organisation.city,
            "region": organisation.region,
            "countryName": _country_name(str(organisation.country or "")),
        }
        address = {key: value for key, value in address.items() if value}
        if address:
            party["address"] = address
        return party

    def _identifier(self, organisation: Organisation) -> dict:
        imported = self.identifiers.get(organisation.pk)
        if imported is not None:
            return {"scheme": imported.scheme, "id": imported.identifier, "legalName": organisation.legal_name}
        identifier = {"legalName": organisation.legal_name}
        if organisation.tax_id:
            identifier["id"] = organisation.tax_id
            scheme = TAX_ID_SCHEMES.get(str(organisation.country))
            if scheme:
                identifier["scheme"] = scheme
        return identifier


def _identifiers_of(organisation_ids: set[int]) -> dict[int, ExternalIdentifier]:
    """The identifier each organisation was imported with (one per organisation, the same one every time)."""
    found: dict[int, ExternalIdentifier] = {}
    for identifier in (
        ExternalIdentifier.objects.filter(organisation_id__in=organisation_ids)
        .exclude(identifier="")
        .order_by("organisation_id", "key")
    ):
        found.setdefault(identifier.organisation_id, identifier)
    return found


def _tender(requirement: Requirement, has_awards: bool) -> dict:
    status = TENDER_STATUS.get(requirement.status) or ("complete" if has_awards else "cancelled")
    categories = list(requirement.categories.all())
    items = [
        {"id": str(index), "description": category.name_en, "classification": _classification(category)}
        for index, category in enumerate(categories, start=1)
    ]
    if requirement.quantity is not None:
        if not items:
            items = [{"id": "1", "description": requirement.title}]
        if len(items) == 1:
            items[0]["quantity"] = float(requirement.quantity)
            if requirement.unit:
                items[0]["unit"] = {"name": requirement.unit}
    tender = {
        "id": str(requirement.pk),
        "title": requirement.title,
        "description": requirement.specification,
        "status": status,
    }
    if items:
        tender["items"] = items
    value = _money(requirement.estimated_annual_value, requirement.currency)
    if value:
        tender["value"] = value
    if requirement.published_at:
        tender["tenderPeriod"] = {"startDate": _timestamp(requirement.published_at)}
    if requirement.needed_by:
        tender["milestones"] = [
            {"id": "needed-by", "title": "Needed by", "type": "delivery", "dueDate": _timestamp(requirement.needed_by)}
        ]
    return tender


def _award_and_contract(linkage: Linkage, parties: _Parties) -> tuple[dict, dict]:
    orders = list(linkage.transactions.all())  # date order
    first, follow_ups = orders[0], orders[1:]
    supplier = parties.reference(linkage.supplier.organisation, "supplier")
    buyer = parties.reference(linkage.buyer, "buyer")
    award = {
        "id": str(linkage.pk),
        "status": "active",
        "date": _timestamp(first.date),
        "value": _money(first.value, first.currency),
        "suppliers": [supplier],
    }
    title = first.description or (linkage.category.name_en if linkage.category else "")
    if title:
        award["title"] = title
    if linkage.category:
        award["items"] = [
            {"id": "1", "description": linkage.category.name_en, "classification": _classification(linkage.category)}
        ]
    contract = {
        "id": str(linkage.pk),
        "awardID": str(linkage.pk),
        "status": "terminated" if linkage.stage == Stage.DECLINED else "active",
        "dateSigned": _timestamp(first.date),
    }
    if follow_ups:
        contract["implementation"] = {
            "transactions": [
                {
                    "id": str(order.pk),
                    "date": _timestamp(order.date),
                    "value": _money(order.value, order.currency),
                    "payer": buyer,
                    "payee": supplier,
                }
                for order in follow_ups
            ]
        }
    return award, contract


def releases(batch: list[Process], *, scope: Scope) -> Iterator[dict]:
    """The compiled release of each process in ``batch``, loaded with a fixed number of queries.

    Loaded through ``scope`` again, so a process listed a moment ago shows nothing its reader may no longer see."""
    requirements = {
        r.pk: r
        for r in scope.requirements.filter(pk__in=[p.requirement_id for p in batch if p.requirement_id])
        .select_related("buyer")
        .prefetch_related("categories")
    }
    linkages = {
        linkage.pk: linkage
        for linkage in scope.linkages.filter(pk__in=[pk for p in batch for pk in p.linkage_ids])
        .select_related("buyer", "supplier__organisation", "category")
        .prefetch_related(Prefetch("transactions", queryset=Transaction.objects.order_by("date", "pk")))
    }
    organisation_ids = {r.buyer_id for r in requirements.values()}
    for linkage in linkages.values():
        organisation_ids.update((linkage.buyer_id, linkage.supplier.organisation_id))
    identifiers = _identifiers_of(organisation_ids)
    for process in batch:
        requirement = requirements.get(process.requirement_id)
        shown = [linkages[pk] for pk in process.linkage_ids if pk in linkages and linkages[pk].transactions.all()]
        if requirement is not None or shown:
            yield _release(process, requirement, shown, identifiers)


def _fingerprint() -> tuple:
    """Changes whenever anything an export shows changes: requirements, linkage history, imports."""
    requirements = Requirement.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    imported = ImportedObject.objects.aggregate(last=Max("pk"))
    return (requirements["n"], requirements["last"], imported["last"], *linkage_selectors.history_fingerprint())


INDEX_SECONDS = 600


def processes_for(*, user, ocids: list[str] | None = None, since: dt.datetime | None = None) -> ProcessIndex:
    """``processes`` of what ``user`` may see, kept while the data stays the same, so that paging through an
    export of any size computes its index once; ``releases`` checks the reader's scope again on every page."""
    params = (user.pk, tuple(sorted(ocids or [])), since.isoformat() if since else "", settings.OCDS_OCID_PREFIX)
    key = "interchange:ocds-index:v2:" + hashlib.sha256(repr((params, _fingerprint())).encode()).hexdigest()
    rows = cache.get(key)
    if rows is None:
        rows = [process.as_row() for process in processes(scope_for(user=user), ocids=ocids, since=since)]
        cache.set(key, rows, INDEX_SECONDS)
    return ProcessIndex(rows)


def _release(process: Process, requirement: Requirement | None, linkages: list[Linkage], identifiers) -> dict:
    parties = _Parties(identifiers)
    buyer = requirement.buyer if requirement else linkages[0].buyer
    changed_at = (process.changed_at or timezone.now()).astimezone(dt.UTC)
    release = {
        "ocid": process.ocid,
        # A compiled release is named by its ocid and its date, so a changed process gets a new release id.
        "id": f"{process.ocid}-{changed_at:%Y%m%dT%H%M%SZ}",
        "date": _timestamp(changed_at),
        "tag": ["compiled"],
        "initiationType": "tender",
        "parties": [],  # filled last, once every organisation was referenced; the key stays in this place
        "buyer": parties.reference(buyer, "buyer"),
    }
    awards, contracts = [], []
    for linkage in linkages:
        award, contract = _award_and_contract(linkage, parties)
        awards.append(award)
        contracts.append(contract)
    if requirement:
        release["tender"] = _tender(requirement, has_awards=bool(awards))
    if awards:
        release["awards"] = awards
        release["contracts"] = contracts
    release["parties"] = list(parties.entries.values())
    return release


def package_envelope(*, uri: str) -> dict:
    """The OCDS 1.1 release package's metadata, published by this platform now; its ``releases`` go last."""
    publisher = {"name": settings.OCDS_PUBLISHER_NAME, "uri": settings.OCDS_PUBLISHER_URI}
    package = {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": _timestamp(timezone.now()),
        "publisher": publisher,
    }
    if settings.OCDS_LICENSE:
        package["license"] = settings.OCDS_LICENSE
    return package


def release_package(*, releases: list[dict], uri: str) -> dict:
    return {**package_envelope(uri=uri), "releases": releases}


BATCH = 500


def package_chunks(
    *, found: list[Process], scope: Scope, uri: str, check: Callable[[dict], None] | None = None
) -> Iterator[str]:
    """The release package of ``found`` as JSON text, a release at a time, so an export of any size streams.

    ``check`` sees every release before it is written (the command validates and counts there)."""
    head = json.dumps(package_envelope(uri=uri), ensure_ascii=False)
    yield head[:-1] + ', "releases": ['
    separator = "\n"
    for start in range(0, len(found), BATCH):
        for release in releases(found[start : start + BATCH], scope=scope):
            if check:
                check(release)
            yield separator + json.dumps(release, ensure_ascii=False)
            separator = ",\n"
    yield "\n]}\n"
