"""What an import writes in bulk at the end of its file (core.bulk: COPY on PostgreSQL, bulk_create on SQLite) ends up
exactly where the per-row writes put it: the organisations, profiles, requirements and linkages each release names,
in the order they were named, checked before anything is written, and the engine's watermark touched."""

import datetime as dt
import json
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Organisation
from buyers.models import Requirement
from core.bulk import among, copies, insert_rows, update_rows
from interchange.models import ExternalIdentifier, ImportedObject, ImportedRecord
from interchange.services import import_file
from linkages.models import Linkage, LinkageStageChange, Stage
from suppliers.models import Capability, SupplierProfile
from tests import factories
from tests.bench.interchange.synthetic import release

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    from matching import services

    monkeypatch.setattr(services, "_enqueue", lambda run_id: None)


def _lines(path, releases):
    path.write_text("\n".join(json.dumps(r) for r in releases) + "\n")
    return path


def _releases(count: int, *, seed: int = 3, buyers: int = 4, suppliers: int = 12) -> list[dict]:
    rng = random.Random(seed)
    return [release(rng, index, buyers=buyers, suppliers=suppliers) for index in range(count)]


def test_every_linkage_joins_the_buyer_supplier_and_requirement_its_release_named(tmp_path):
    releases = _releases(120)  # every 50th an open tender, the rest past awards with a payment each
    report = import_file(path=_lines(tmp_path / "history.jsonl", releases))
    assert report.ok, report.rejected
    assert report.counts["requirements created"] == 3
    assert report.counts["historic requirements created"] == 117
    for data in releases:
        buyer_name = data["parties"][0]["name"]
        if data["tender"]["status"] == "active":
            requirement = Requirement.objects.get(
                pk=ImportedObject.objects.get(ocid=data["ocid"], kind="requirement").object_id
            )
            assert (requirement.status, requirement.historic, requirement.buyer.legal_name) == (
                Requirement.Status.OPEN,
                False,
                buyer_name,
            )
            continue
        award = data["awards"][0]
        supplier_key = f"{award['id']}:PY-RUC-{data['parties'][1]['identifier']['id']}"
        linkage = Linkage.objects.select_related("buyer", "supplier__organisation", "requirement").get(
            pk=ImportedObject.objects.get(ocid=data["ocid"], kind="linkage", key=supplier_key).object_id
        )
        assert linkage.buyer.legal_name == buyer_name
        assert linkage.supplier.organisation.legal_name == data["parties"][1]["name"]
        assert linkage.requirement.historic
        assert linkage.requirement.title == data["tender"]["title"]
        assert linkage.requirement.buyer_id == linkage.buyer_id
        assert linkage.source == Linkage.Source.IMPORT
        assert linkage.stage == Stage.REPEAT_BUSINESS  # the award, then its payment
        assert list(linkage.transactions.order_by("date").values_list("kind", "value")) == [
            ("first", Decimal(str(award["value"]["amount"])).quantize(Decimal("0.01"))),
            ("follow_up", Decimal(str(data["contracts"][0]["implementation"]["transactions"][0]["value"]["amount"]))),
        ]
        assert list(linkage.stage_changes.values_list("from_stage", "to_stage")) == [
            ("", "contacted"),
            ("contacted", "first_transaction"),
            ("first_transaction", "repeat_business"),
        ]
    # Every identifier names the organisation it was written for, and every supplier has its published profile.
    for identifier in ExternalIdentifier.objects.select_related("organisation").exclude(scheme=""):
        kind, number = identifier.identifier.split("-")
        expected = f"Ministerio de Compras {number}" if kind == "B" else f"Proveedor {number} S.A."
        assert identifier.organisation.legal_name == expected
    assert SupplierProfile.objects.filter(published=True).count() == Organisation.objects.filter(kind="sme").count()
    assert ImportedRecord.objects.count() == 120


def test_ids_follow_the_order_things_were_named_in(tmp_path):
    releases = _releases(60, seed=11)
    import_file(path=_lines(tmp_path / "ordered.jsonl", releases))
    named = []
    for data in releases:
        for party in data["parties"] if "awards" in data else data["parties"][:1]:
            if party["name"] not in named:
                named.append(party["name"])
    assert list(Organisation.objects.order_by("pk").values_list("legal_name", flat=True)) == named
    historic = [data["tender"]["title"] for data in releases if "awards" in data]
    assert list(Requirement.objects.filter(historic=True).order_by("pk").values_list("title", flat=True)) == historic
    suppliers = list(SupplierProfile.objects.order_by("pk").values_list("organisation__legal_name", flat=True))
    assert suppliers == [name for name in named if name.startswith("Proveedor")]


def test_a_new_buyer_of_an_open_tender_is_written_before_it_and_keeps_its_id(tmp_path):
    # The buyer is first named by a past award (provisional id), then its open tender needs it written.
    releases = _releases(51, seed=2, buyers=1)
    past, open_tender = releases[1], releases[50]
    assert open_tender["tender"]["status"] == "active"
    assert "awards" in past
    report = import_file(path=_lines(tmp_path / "mixed.jsonl", [past, open_tender]))
    assert report.ok, report.rejected
    buyer = Organisation.objects.get(kind="mnc")
    assert Requirement.objects.get(historic=False).buyer == buyer
    assert Requirement.objects.get(historic=True).buyer == buyer
    assert Linkage.objects.get().buyer == buyer
    assert ExternalIdentifier.objects.filter(organisation=buyer).count() == 2  # its scheme-id and its name


def test_a_country_that_is_not_one_rejects_the_file_at_the_release_and_writes_nothing(tmp_path):
    nameless = {
        "ocid": "ocds-x-1",
        "date": "2020-01-01",
        "buyer": {"name": "Sin dirección"},
        "tender": {"status": "active", "title": "t"},
    }
    path = _lines(tmp_path / "country.jsonl", [*_releases(3), nameless])
    report = import_file(path=path, default_country="XX")
    assert report.rejected.startswith("country.jsonl: line 4: ")
    assert "“XX”" in report.rejected or "'XX'" in report.rejected
    assert (Organisation.objects.count(), Linkage.objects.count(), ImportedObject.objects.count()) == (0, 0, 0)
    assert import_file(path=path, default_country="py").ok


def test_a_known_supplier_is_touched_and_its_evidence_moves_to_the_earliest_award(tmp_path):
    first = _releases(2, seed=4, suppliers=1)[1]
    report = import_file(path=_lines(tmp_path / "one.jsonl", [first]))
    assert report.ok, report.rejected
    profile = SupplierProfile.objects.get()
    capability = Capability.objects.get()
    award_day = dt.date.fromisoformat(first["awards"][0]["date"][:10])
    assert capability.evidence_date == award_day
    SupplierProfile.objects.filter(pk=profile.pk).update(updated_at=timezone.now() - dt.timedelta(days=30))
    earlier = json.loads(json.dumps(first))
    earlier["ocid"], earlier["date"] = "ocds-bench-earlier", "2010-05-05T10:00:00Z"
    earlier["awards"][0]["date"] = "2010-05-05T12:00:00Z"
    assert import_file(path=_lines(tmp_path / "two.jsonl", [earlier])).ok
    capability.refresh_from_db()
    assert capability.evidence_date == dt.date(2010, 5, 5)  # the earliest award shows it
    profile.refresh_from_db()
    assert profile.updated_at > timezone.now() - dt.timedelta(minutes=5)  # the matching engine's watermark
    assert Capability.objects.count() == 1


def test_importing_the_history_again_changes_nothing(tmp_path):
    path = _lines(tmp_path / "again.jsonl", _releases(80))
    assert import_file(path=path).ok
    tables = (Organisation, SupplierProfile, Requirement, Linkage, LinkageStageChange, ImportedObject, Capability)
    before = {model.__name__: model.objects.count() for model in tables}
    report = import_file(path=path)
    assert report.counts["processes unchanged"] == 80
    assert {model.__name__: model.objects.count() for model in tables} == before


# -- core.bulk ---------------------------------------------------------------------------------------------------------


def test_insert_rows_gives_ids_in_order_and_the_model_defaults():
    organisations = [factories.SmeFactory(), factories.SmeFactory(), factories.SmeFactory()]
    ids = insert_rows(
        SupplierProfile,
        ("organisation_id", "published"),
        [(organisation.pk, True) for organisation in organisations],
        returning_ids=True,
    )
    assert ids == sorted(ids)
    assert len(set(ids)) == 3
    profiles = SupplierProfile.objects.in_bulk(ids)
    for pk, organisation in zip(ids, organisations, strict=True):
        profile = profiles[pk]
        assert profile.organisation_id == organisation.pk
        assert (profile.published, profile.verification_status, profile.summary) == (True, "pending", "")
        assert profile.created_at is not None
        assert profile.updated_at is not None
    later = factories.SupplierProfileFactory()
    assert later.pk > max(ids)  # the sequence moved past the ids the rows were given
    assert insert_rows(SupplierProfile, ("organisation_id",), []) == []


def test_insert_rows_without_ids_and_with_a_json_default():
    profile = factories.SupplierProfileFactory()
    category = factories.CategoryFactory()
    other = factories.CategoryFactory()
    assert (
        insert_rows(
            Capability,
            ("profile_id", "category_id", "description", "evidence_date"),
            [(profile.pk, category.pk, "Tornos", dt.date(2020, 1, 1)), (profile.pk, other.pk, "Fresas", None)],
        )
        == []
    )
    assert list(profile.capabilities.order_by("pk").values_list("description", "keywords", "language")) == [
        ("Tornos", [], "es"),
        ("Fresas", [], "es"),
    ]


def test_update_rows_and_among():
    profiles = [factories.SupplierProfileFactory() for _ in range(3)]
    category = factories.CategoryFactory()
    capabilities = [
        Capability.objects.create(profile=p, category=category, description="x", evidence_date=dt.date(2024, 1, 1))
        for p in profiles
    ]
    assert update_rows(Capability, ("evidence_date",), [(capabilities[0].pk, dt.date(2020, 2, 2))]) == 1
    assert update_rows(Capability, ("evidence_date", "description"), [(capabilities[1].pk, None, "y")]) == 1
    assert list(Capability.objects.order_by("pk").values_list("evidence_date", "description")) == [
        (dt.date(2020, 2, 2), "x"),
        (None, "y"),
        (dt.date(2024, 1, 1), "x"),
    ]
    chosen = {profiles[0].pk, profiles[2].pk}
    assert set(SupplierProfile.objects.filter(among("pk", chosen)).values_list("pk", flat=True)) == chosen
    assert not SupplierProfile.objects.filter(among("pk", [])).exists()
    names = [p.organisation.legal_name for p in profiles[:2]]
    assert Organisation.objects.filter(among("legal_name", names)).count() == 2
    assert copies() == (connection.vendor == "postgresql")
