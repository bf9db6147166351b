"""The impact figures on a hand-built data set, the exchange-rate table, exports and who may see them."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from development.models import Programme
from linkages import services as linkage_services
from linkages.models import Linkage, Stage
from reporting import services
from reporting.models import ExchangeRate
from reporting.selectors import Filters, impact_figures
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LAST_YEAR = TODAY - dt.timedelta(days=400)


def _at(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


@pytest.fixture
def world():
    """Two buyers (CR, MX), four suppliers; linkages at several stages; transactions in USD, MXN and BRL (no rate)."""
    cr_buyer = factories.BuyerFactory(country="CR", legal_name="Cardio CR")
    mx_buyer = factories.BuyerFactory(country="MX", legal_name="Aero MX")
    cr = [
        factories.SupplierProfileFactory(
            organisation=factories.SmeFactory(country="CR", women_employees=10 + i, employees=30)
        )
        for i in range(2)
    ]
    mx = factories.SupplierProfileFactory(
        organisation=factories.SmeFactory(country="MX", women_employees=5, employees=20)
    )
    br = factories.SupplierProfileFactory(
        organisation=factories.SmeFactory(country="BR", women_employees=7, employees=9)
    )
    services.set_rate(
        actor=None,
        currency="MXN",
        units_per_usd=Decimal("20"),
        valid_from=LAST_YEAR - dt.timedelta(days=30),
        system=True,
    )

    def link(buyer, supplier, created, source=Linkage.Source.MATCH):
        linkage, _ = linkage_services.create_linkage(
            actor=None,
            buyer=buyer,
            supplier=supplier,
            source=source,
            stage=Stage.CONTACTED,
            at=_at(created),
            system=True,
        )
        return linkage

    won = link(cr_buyer, cr[0], LAST_YEAR)
    linkage_services.move_linkage(
        actor=None, linkage=won, to_stage=Stage.MEETING, at=_at(LAST_YEAR + dt.timedelta(days=5)), system=True
    )
    linkage_services.record_transaction(
        actor=None,
        linkage=won,
        date=LAST_YEAR + dt.timedelta(days=40),
        value=Decimal("1000"),
        currency="USD",
        system=True,
    )
    linkage_services.record_transaction(
        actor=None, linkage=won, date=TODAY, value=Decimal("500"), currency="USD", system=True
    )
    mexican = link(mx_buyer, mx, TODAY - dt.timedelta(days=30))
    linkage_services.record_transaction(
        actor=None,
        linkage=mexican,
        date=TODAY - dt.timedelta(days=10),
        value=Decimal("40000"),
        currency="MXN",
        system=True,
    )
    abroad = link(mx_buyer, br, TODAY - dt.timedelta(days=20), source=Linkage.Source.MANUAL)
    linkage_services.record_transaction(
        actor=None, linkage=abroad, date=TODAY - dt.timedelta(days=5), value=Decimal("900"), currency="BRL", system=True
    )
    declined = link(cr_buyer, cr[1], TODAY - dt.timedelta(days=15))
    linkage_services.move_linkage(actor=None, linkage=declined, to_stage=Stage.DECLINED, system=True)
    return {"cr_buyer": cr_buyer, "mx_buyer": mx_buyer, "cr": cr, "mx": mx, "br": br}


def test_figures_on_a_known_world(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):  # 14, and six for supplier development's figures
        figures = impact_figures(Filters())

    assert figures["totals"]["new_linkages"] == 4
    assert figures["totals"]["first_usd"] == Decimal("3000.00")  # 1,000 USD + 40,000 MXN at 20
    assert figures["totals"]["follow_up_usd"] == Decimal("500.00")
    assert figures["unconverted"] == [{"currency": "BRL", "transactions": 1, "value": Decimal("900.00")}]
    funnel = {row["stage"]: row["reached"] for row in figures["funnel"]}
    assert funnel["contacted"] == 4
    assert funnel["meeting"] == 3  # a transaction implies the stages before it
    assert funnel["first_transaction"] == 3
    assert funnel["repeat_business"] == 1
    assert funnel["declined"] == 1
    assert figures["time_to_first_transaction"] == {"median_days": 30, "linkages": 2}  # (40 + 20) / 2; manual excluded
    assert figures["women_employed"] == {"suppliers": 3, "employees": 30 + 20 + 9, "women": 10 + 5 + 7}
    assert figures["local_share_by_buyer"] == []  # no buyer declared what it buys altogether
    assert {row["region"] for row in figures["suppliers_by_region"]} == {"—"}
    assert sum(row["suppliers"] for row in figures["suppliers_by_region"]) == 4


def test_filters_by_country_period_and_programme(world):
    assert impact_figures(Filters(country="MX"))["totals"]["new_linkages"] == 1
    recent = impact_figures(Filters(date_from=TODAY - dt.timedelta(days=60)))
    assert recent["totals"]["new_linkages"] == 3
    assert recent["totals"]["first_usd"] == Decimal("2000.00")
    programme = Programme.objects.create(name="Cohort", agency=factories.AgencyFactory(), starts_on=LAST_YEAR)
    programme.suppliers.set([world["cr"][0]])
    assert impact_figures(Filters(programme=programme))["totals"]["new_linkages"] == 1


def test_a_new_rate_converts_what_was_unconverted(world, agency_user):
    services.set_rate(actor=agency_user, currency="brl", units_per_usd=Decimal("4.5"), valid_from=LAST_YEAR)
    figures = impact_figures(Filters())
    assert figures["unconverted"] == []
    assert figures["totals"]["first_usd"] == Decimal("3200.00")
    assert figures["local_share_by_buyer"] == []


def test_rates_are_validated_and_only_agency_staff_set_them(agency_user, sme_owner):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.set_rate(actor=sme_owner, currency="MXN", units_per_usd=Decimal("18"), valid_from=TODAY)
    with pytest.raises(ValidationError) as error:
        services.set_rate(actor=agency_user, currency="MXN", units_per_usd=Decimal("0"), valid_from=TODAY)
    assert "units_per_usd" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.set_rate(actor=agency_user, currency="XYZ", units_per_usd=Decimal("2"), valid_from=TODAY)
    services.set_rate(actor=agency_user, currency="MXN", units_per_usd=Decimal("18"), valid_from=TODAY)
    services.set_rate(actor=agency_user, currency="MXN", units_per_usd=Decimal("18.5"), valid_from=TODAY)
    assert ExchangeRate.objects.get(currency="MXN").units_per_usd == Decimal("18.5")


def test_only_agency_staff_see_the_dashboard_exports_and_rates(world, client, agency_user, sme_owner, buyer_owner):
    for user in (sme_owner, buyer_owner):
        client.force_login(user)
        assert client.get("/dashboard/").status_code == 403
        assert client.get("/dashboard/export/funnel.csv").status_code == 403
        assert client.get("/dashboard/rates/").status_code == 403
    client.logout()
    assert client.get("/dashboard/").status_code == 302
    client.force_login(agency_user)
    page = client.get("/dashboard/").content.decode()
    assert 'id="chart-funnel"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page
    assert 'id="unconverted"' in page


def _declare(world):
    from buyers import services as buyer_services

    staff = factories.AgencyStaffFactory()
    this_year = TODAY.year
    buyer_services.declare_purchases(
        actor=staff, buyer=world["cr_buyer"], year=this_year, total_purchases=Decimal("10000"), currency="USD"
    )
    buyer_services.declare_purchases(
        actor=staff,
        buyer=world["mx_buyer"],
        year=this_year,
        total_purchases=Decimal("1000000"),
        currency="MXN",
        local_purchases=Decimal("200000"),
        local_share_target=Decimal("30"),
    )


def test_the_local_share_uses_the_buyers_declared_purchases(world, agency_user):
    _declare(world)
    rows = {row["buyer"]: row for row in impact_figures(Filters())["local_share_by_buyer"]}

    # Cardio CR: 500 USD bought locally this year against 10,000 declared (last year's 1,000 has no declaration).
    assert rows["Cardio CR"]["local_share"] == Decimal("0.050")
    assert rows["Cardio CR"]["declared_purchases_usd"] == Decimal("10000.00")
    # Aero MX: 40,000 MXN = 2,000 USD against 1,000,000 MXN = 50,000 USD; its own figure 20 %, target 30 %.
    assert rows["Aero MX"]["local_share"] == Decimal("0.040")
    assert rows["Aero MX"]["declared_local_share"] == Decimal("0.200")
    assert rows["Aero MX"]["target_local_share"] == Decimal("0.300")
    # A purchase from abroad, once converted, is still not local and the denominator stays the declared one.
    services.set_rate(actor=agency_user, currency="brl", units_per_usd=Decimal("4.5"), valid_from=LAST_YEAR)
    rows = {row["buyer"]: row for row in impact_figures(Filters())["local_share_by_buyer"]}
    assert rows["Aero MX"]["local_share"] == Decimal("0.040")
    assert impact_figures(Filters(date_to=LAST_YEAR))["local_share_by_buyer"] == []


def test_declaring_purchases_is_for_the_buyer_and_agency_and_checked(world, sme_owner):
    from django.core.exceptions import PermissionDenied, ValidationError

    from buyers import services as buyer_services

    buyer = world["mx_buyer"]
    with pytest.raises(PermissionDenied):
        buyer_services.declare_purchases(actor=sme_owner, buyer=buyer, year=2026, total_purchases=100)
    other_buyer = factories.BuyerOwnerFactory()
    with pytest.raises(PermissionDenied):
        buyer_services.declare_purchases(actor=other_buyer, buyer=buyer, year=2026, total_purchases=100)
    owner = factories.BuyerOwnerFactory(membership=buyer)
    for fields, field in (
        ({"total_purchases": -1}, "total_purchases"),
        ({"total_purchases": 0}, "total_purchases"),
        ({"total_purchases": 100, "local_purchases": 200}, "local_purchases"),
        ({"total_purchases": 100, "currency": "XYZ"}, "currency"),
        ({"total_purchases": 100, "year": 1990}, "year"),
        ({"total_purchases": 100, "local_share_target": 120}, "local_share_target"),
        ({"total_purchases": "lots"}, "total_purchases"),
    ):
        with pytest.raises(ValidationError) as error:
            buyer_services.declare_purchases(actor=owner, buyer=buyer, **{"year": 2026, **fields})
        assert field in error.value.message_dict
    buyer_services.declare_purchases(actor=owner, buyer=buyer, year=2026, total_purchases=100)
    again = buyer_services.declare_purchases(actor=owner, buyer=buyer, year=2026, total_purchases=250)
    assert (buyer.purchasing_declarations.count(), again.total_purchases) == (1, Decimal("250"))


def test_exports_are_real_csv_and_xlsx(world, client, agency_user):
    _declare(world)
    client.force_login(agency_user)
    rows = list(csv.DictReader(io.StringIO(client.get("/dashboard/export/funnel.csv").content.decode("utf-8-sig"))))
    assert {row["stage"]: row["reached"] for row in rows}["first_transaction"] == "3"
    response = client.get("/dashboard/export/local_share_by_buyer.xlsx?country=MX")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0] == (
        "buyer",
        "country",
        "years",
        "declared_purchases_usd",
        "local_sme_usd",
        "local_share",
        "declared_local_share",
        "target_local_share",
    )
    assert [row[0] for row in values[1:]] == ["Aero MX"]
    assert client.get("/dashboard/export/nothing.csv").status_code == 404
    assert client.get("/dashboard/export/funnel.pdf").status_code == 404


def test_the_api_gives_the_figures_to_agency_staff_only(world, agency_client, buyer_client, sme_client):
    body = agency_client.get("/api/v1/dashboard/", {"country": "CR"}).json()
    assert body["totals"]["new_linkages"] == 2
    assert agency_client.get("/api/v1/dashboard/", {"date_from": "2026-13-01"}).status_code == 400
    assert buyer_client.get("/api/v1/dashboard/").status_code == 403
    assert sme_client.get("/api/v1/dashboard/").status_code == 403
    assert sme_client.get("/api/v1/exchange-rates/").status_code == 403
    created = agency_client.post(
        "/api/v1/exchange-rates/", {"currency": "BRL", "units_per_usd": "5.1", "valid_from": str(TODAY)}
    )
    assert created.status_code == 201


def test_programmes_are_visible_to_staff_and_to_participants(world, agency_client, client_for, buyer_client):
    programme = Programme.objects.create(name="Cohort", agency=factories.AgencyFactory(), starts_on=LAST_YEAR)
    programme.suppliers.set([world["cr"][0]])
    owner = factories.UserFactory()
    factories.MembershipFactory(user=owner, organisation=world["cr"][0].organisation, role="owner")
    assert agency_client.get("/api/v1/programmes/").json()["count"] == 1
    assert client_for(owner).get("/api/v1/programmes/").json()["count"] == 1
    assert buyer_client.get("/api/v1/programmes/").json()["count"] == 0


@pytest.mark.django_db
def test_the_country_filter_offers_the_countries_that_have_suppliers():
    from reporting.forms import DashboardFilterForm

    factories.SmeFactory(country="MX")
    factories.SmeFactory(country="CR")
    factories.BuyerFactory(country="US")

    offered = [code for code, _name in DashboardFilterForm().fields["country"].choices]

    assert offered == ["", "CR", "MX"] or offered == ["", "MX", "CR"]
    assert not DashboardFilterForm({"country": "US"}).is_valid()


def test_purchasing_declarations_through_the_api(world, client_for, sme_owner):
    owner = factories.BuyerOwnerFactory(membership=world["mx_buyer"])
    payload = {"buyer": world["mx_buyer"].pk, "year": TODAY.year, "currency": "MXN", "total_purchases": "1000000"}
    assert client_for(sme_owner).post("/api/v1/purchasing-declarations/", payload, format="json").status_code == 400
    stranger = client_for(factories.BuyerOwnerFactory()).post(
        "/api/v1/purchasing-declarations/", payload, format="json"
    )
    assert stranger.status_code == 400
    assert "buyer" in stranger.json()["errors"]  # another buyer's id answers as if it did not exist
    too_local = client_for(owner).post(
        "/api/v1/purchasing-declarations/", {**payload, "local_purchases": "2000000"}, format="json"
    )
    assert too_local.status_code == 400
    assert "local_purchases" in too_local.json()["errors"]
    created = client_for(owner).post("/api/v1/purchasing-declarations/", payload, format="json")
    assert created.status_code == 201
    assert [row["year"] for row in client_for(owner).get("/api/v1/purchasing-declarations/").json()["results"]] == [
        TODAY.year
    ]
    assert client_for(sme_owner).get("/api/v1/purchasing-declarations/").json()["results"] == []
