"""OCDS export: the command, the API and the download; valid against the OCDS 1.1.5 schema; scoped per reader."""

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Organisation
from buyers.models import Requirement
from interchange.services import import_file
from interchange.validation import release_errors, release_package_errors
from linkages import services as linkage_services
from linkages.models import Linkage, Transaction
from tests import factories

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ocds"
URL = "/api/v1/ocds/releases/"


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    from matching import services

    monkeypatch.setattr(services, "_enqueue", lambda run_id: None)


def _linkage(*, buyer, supplier, requirement=None, orders=()):
    linkage, _created = linkage_services.create_linkage(
        actor=None, buyer=buyer, supplier=supplier, requirement=requirement, source=Linkage.Source.MATCH, system=True
    )
    for day, value, currency in orders:
        linkage_services.record_transaction(
            actor=None, linkage=linkage, date=day, value=Decimal(value), currency=currency, system=True
        )
    return linkage


@pytest.fixture
def platform_data(buyer_owner):
    """A buyer with an open public requirement and a linkage with three orders; another buyer's agency-only
    requirement with a linkage of its own; a third linkage with no requirement."""
    buyer = buyer_owner.memberships.get().organisation
    category = factories.CategoryFactory(code="42600000", name_en="Machine tools")
    public = factories.RequirementFactory(buyer=buyer, title="Titanium parts")
    public.categories.set([category])
    supplier = factories.SupplierProfileFactory(organisation__tax_id="")
    ours = _linkage(
        buyer=buyer,
        supplier=supplier,
        requirement=public,
        orders=[
            (dt.date(2025, 3, 1), "12000.50", "USD"),
            (dt.date(2025, 6, 1), "8000", "USD"),
            (dt.date(2025, 9, 1), "9000", "CRC"),
        ],
    )
    other_buyer = factories.BuyerFactory(legal_name="Confidential Pharma S.A.")
    secret = factories.RequirementFactory(
        buyer=other_buyer, title="Secret sterile packaging", visibility=Requirement.Visibility.AGENCY
    )
    other_supplier = factories.SupplierProfileFactory()
    theirs = _linkage(
        buyer=other_buyer, supplier=other_supplier, requirement=secret, orders=[(dt.date(2025, 4, 2), "500", "USD")]
    )
    standalone = _linkage(buyer=buyer, supplier=other_supplier, orders=[(dt.date(2024, 11, 5), "700", "USD")])
    draft = factories.RequirementFactory(buyer=buyer, title="A draft nobody sees", status=Requirement.Status.DRAFT)
    contacted = _linkage(buyer=buyer, supplier=factories.SupplierProfileFactory())  # no transaction: no award
    return {
        "buyer": buyer,
        "public": public,
        "secret": secret,
        "draft": draft,
        "ours": ours,
        "theirs": theirs,
        "standalone": standalone,
        "contacted": contacted,
        "supplier": supplier,
        "other_supplier": other_supplier,
    }


def _export(*args) -> dict:
    out = io.StringIO()
    call_command("export_ocds", *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def _by_ocid(package: dict) -> dict[str, dict]:
    return {release["ocid"]: release for release in package["releases"]}


def test_the_export_validates_and_carries_requirements_linkages_and_orders(platform_data, settings):
    settings.OCDS_OCID_PREFIX = "ocds-t3st00"
    package = _export()
    assert release_package_errors(package) == []
    releases = _by_ocid(package)
    public = platform_data["public"]
    assert set(releases) == {
        f"ocds-t3st00-R{public.pk}",
        f"ocds-t3st00-R{platform_data['secret'].pk}",
        f"ocds-t3st00-L{platform_data['standalone'].pk}",
    }
    release = releases[f"ocds-t3st00-R{public.pk}"]
    assert release["tender"]["status"] == "active"
    assert release["tender"]["items"][0]["classification"] == {
        "scheme": "CPV",
        "id": "42600000",
        "description": "Machine tools",
    }
    assert release["tender"]["items"][0]["quantity"] == 10000
    assert release["tender"]["value"] == {"amount": 250000, "currency": "USD"}
    (award,) = release["awards"]
    assert award["id"] == str(platform_data["ours"].pk)
    assert award["value"] == {"amount": 12000.5, "currency": "USD"}
    assert award["date"] == "2025-03-01T00:00:00Z"
    assert award["suppliers"][0]["name"] == platform_data["supplier"].organisation.legal_name
    (contract,) = release["contracts"]
    assert contract["awardID"] == award["id"]
    assert [(t["date"][:10], t["value"]) for t in contract["implementation"]["transactions"]] == [
        ("2025-06-01", {"amount": 8000, "currency": "USD"}),
        ("2025-09-01", {"amount": 9000, "currency": "CRC"}),
    ]
    roles = {party["name"]: party["roles"] for party in release["parties"]}
    assert roles[platform_data["buyer"].legal_name] == ["buyer"]
    assert roles[platform_data["supplier"].organisation.legal_name] == ["supplier"]
    assert release["parties"][0]["address"]["countryName"] == "Costa Rica"
    assert release["id"].startswith(release["ocid"] + "-")
    assert not any(r.get("tender", {}).get("title") == "A draft nobody sees" for r in releases.values())


def test_every_shared_sample_exports_as_valid_ocds_and_keeps_its_ocid():
    for path in sorted(FIXTURES.glob("*/*.json")):
        assert import_file(path=path).ok, path
    package = _export()
    assert release_package_errors(package) == []
    releases = _by_ocid(package)
    assert "ocds-213czf-000-00001" in releases
    paraguay = next(r for ocid, r in releases.items() if ocid.startswith("ocds-03ad3f-"))
    supplier = next(p for p in paraguay["parties"] if "supplier" in p["roles"])
    assert supplier["identifier"]["id"] == "80047025-7"
    assert supplier["identifier"]["scheme"].startswith("Registro Único de Contribuyente")
    assert paraguay["awards"][0]["value"] == {"amount": 1842099516, "currency": "PYG"}


def test_exported_history_imports_back_as_the_same_linkages_and_orders(platform_data, tmp_path):
    def history():
        return sorted(
            (
                t.linkage.buyer.legal_name,
                t.linkage.supplier.organisation.legal_name,
                t.kind,
                t.date,
                t.value,
                t.currency,
            )
            for t in Transaction.objects.select_related("linkage__buyer", "linkage__supplier__organisation")
        )

    before = history()
    open_titles = set(Requirement.objects.filter(status="open").values_list("title", flat=True))
    path = tmp_path / "export.json"
    call_command("export_ocds", "--output", str(path), stderr=io.StringIO())
    Organisation.objects.all().delete()  # a fresh platform, as another agency would be
    report = import_file(path=path)
    assert report.ok, report.rejected
    assert history() == before
    assert set(Requirement.objects.filter(status="open").values_list("title", flat=True)) == open_titles
    assert import_file(path=path).counts["processes unchanged"] == len(json.loads(path.read_text())["releases"])


def test_public_only_leaves_out_confidential_requirements_and_their_linkages(platform_data):
    ocids = {release["ocid"] for release in _export("--public-only")["releases"]}
    assert not any(ocid.endswith(f"-R{platform_data['secret'].pk}") for ocid in ocids)
    assert any(ocid.endswith(f"-R{platform_data['public'].pk}") for ocid in ocids)


def test_filters_by_ocid_and_since(platform_data, settings):
    settings.OCDS_OCID_PREFIX = "ocds-t3st00"
    wanted = f"ocds-t3st00-L{platform_data['standalone'].pk}"
    assert [r["ocid"] for r in _export("--ocid", wanted)["releases"]] == [wanted]
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    Linkage.objects.filter(pk=platform_data["standalone"].pk).update(last_activity_at=long_ago)
    Transaction.objects.filter(linkage=platform_data["standalone"]).update(created_at=long_ago)
    assert wanted in _by_ocid(_export("--since", "2020-01-01"))
    recent = _by_ocid(_export("--since", (dt.date.today() - dt.timedelta(days=1)).isoformat()))
    assert wanted not in recent
    assert f"ocds-t3st00-R{platform_data['public'].pk}" in recent


def test_command_errors_are_clear_and_leave_no_file(platform_data, tmp_path):
    with pytest.raises(CommandError, match="not a date"):
        call_command("export_ocds", "--since", "last tuesday")
    with pytest.raises(CommandError, match="nothing to export"):
        call_command("export_ocds", "--ocid", "ocds-unknown-1")
    Transaction.objects.filter(linkage=platform_data["ours"]).update(currency="usd")  # not an ISO 4217 code
    target = tmp_path / "out.json"
    with pytest.raises(CommandError, match=r"is not valid OCDS: .*currency"):
        call_command("export_ocds", "--output", str(target), stderr=io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_the_validator_names_the_path_and_the_reason():
    release = json.loads((FIXTURES / "fictional-1.1" / "ocds-213czf-000-00001-02-tender.json").read_text())["releases"][
        0
    ]
    assert release_errors(release) == []
    release["date"] = "2025-13-45"
    release["tender"]["value"]["amount"] = "a lot"
    del release["ocid"]
    problems = [str(p) for p in release_errors(release)]
    assert "$: 'ocid' is a required property" in problems
    assert "$.date: '2025-13-45' is not a 'date-time'" in problems
    assert "$.tender.value.amount: 'a lot' is not of type 'number', 'null'" in problems


# -- the API: each reader sees only what they may ----------------------------------------------------------------


def _api_ocids(client, **params) -> set[str]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    assert response.json()["releases"] == [] or release_package_errors(response.json()) == []
    return {release["ocid"] for release in response.json()["releases"]}


def test_anonymous_readers_are_refused(api_client, platform_data):
    assert api_client.get(URL).status_code in (401, 403)


def test_agency_staff_see_every_process(agency_client, platform_data):
    ocids = _api_ocids(agency_client)
    assert {f"ocds-enlace-R{platform_data['public'].pk}", f"ocds-enlace-R{platform_data['secret'].pk}"} <= ocids
    assert len(ocids) == 3


def test_a_buyer_sees_its_own_and_nothing_of_another_buyers_confidential_sourcing(
    client_for, buyer_owner, platform_data
):
    ocids = _api_ocids(client_for(buyer_owner))
    assert ocids == {
        f"ocds-enlace-R{platform_data['public'].pk}",
        f"ocds-enlace-L{platform_data['standalone'].pk}",
    }
    stranger = factories.BuyerOwnerFactory()
    stranger_view = _api_ocids(client_for(stranger))
    assert stranger_view == set()


def test_a_supplier_sees_public_tenders_and_only_its_own_awards(client_for, platform_data):
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=platform_data["other_supplier"].organisation)
    response = client_for(user).get(URL)
    releases = _by_ocid(response.json())
    public = releases[f"ocds-enlace-R{platform_data['public'].pk}"]
    assert public["tender"]["title"] == "Titanium parts"
    assert "awards" not in public  # another supplier's award with this buyer is not this supplier's business
    assert not any(
        name == platform_data["supplier"].organisation.legal_name
        for r in releases.values()
        for name in [p["name"] for p in r["parties"]]
    )
    secret = releases[f"ocds-enlace-R{platform_data['secret'].pk}"]
    assert "tender" not in secret  # its own award, but the agency-only requirement itself stays hidden
    assert secret["awards"][0]["suppliers"][0]["name"] == platform_data["other_supplier"].organisation.legal_name


def test_pages_follow_the_ocds_links_convention(agency_client, platform_data):
    first = agency_client.get(URL, {"page_size": 2}).json()
    assert len(first["releases"]) == 2
    assert "prev" not in first["links"]
    second = agency_client.get(first["links"]["next"]).json()
    assert len(second["releases"]) == 1
    assert "next" not in second.get("links", {})
    assert second["links"]["prev"].endswith("page=1") or "page=1" in second["links"]["prev"]
    assert {r["ocid"] for r in first["releases"]}.isdisjoint({r["ocid"] for r in second["releases"]})


@pytest.mark.parametrize(
    ("params", "field"), [({"page_size": 0}, "page_size"), ({"page": "x"}, "page"), ({"since": "soon"}, "since")]
)
def test_bad_query_parameters_get_a_clear_error(agency_client, params, field):
    response = agency_client.get(URL, params)
    assert response.status_code == 400
    assert field in json.dumps(response.json())


def test_the_download_streams_the_readers_own_package(client, buyer_owner, platform_data):
    url = reverse("interchange:ocds-download")
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(buyer_owner)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="enlace-ocds-')
    package = json.loads(b"".join(response.streaming_content))
    assert release_package_errors(package) == []
    assert {r["ocid"] for r in package["releases"]} == {
        f"ocds-enlace-R{platform_data['public'].pk}",
        f"ocds-enlace-L{platform_data['standalone'].pk}",
    }


def test_paging_reuses_the_index_until_the_data_or_the_readers_rights_change(client_for, buyer_owner, platform_data):
    client = client_for(buyer_owner)
    assert len(_api_ocids(client)) == 2
    newcomer = factories.SupplierProfileFactory()
    fresh = _linkage(buyer=platform_data["buyer"], supplier=newcomer, orders=[(dt.date(2025, 1, 1), "10", "USD")])
    assert f"ocds-enlace-L{fresh.pk}" in _api_ocids(client)  # a new order shows at once
    buyer_owner.memberships.all().delete()
    assert _api_ocids(client) == set()  # nothing of the buyer's once the reader left it, index kept or not
