"""The agency's impact dashboard in headless Chromium: charts drawn, filters, an XLSX download, figures that move."""

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from linkages import services
from linkages.models import Stage
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_agency_reads_filters_downloads_and_sees_a_new_order_count(page, login):
    buyer = factories.BuyerFactory(country="CR")
    supplier = factories.SupplierProfileFactory(organisation=factories.SmeFactory(country="CR"))
    factories.SmeFactory(country="MX")  # the country filter offers only countries that have suppliers
    linkage, _ = services.create_linkage(actor=None, buyer=buyer, supplier=supplier, stage=Stage.CONTACTED, system=True)
    services.record_transaction(
        actor=None, linkage=linkage, date=timezone.localdate(), value=1000, currency="USD", system=True
    )
    staff = factories.AgencyStaffFactory()
    login(staff)

    page.goto("/dashboard/")
    expect(page.locator("#kpi-first-value")).to_have_text("USD 1,000")
    assert page.evaluate("window.enlaceCharts.length") == 3
    assert page.evaluate("window.enlaceCharts[2].data.datasets[0].data[4]") == 1  # one linkage reached a first order

    page.select_option("#id_country", "MX")
    page.click("#dashboard-filters button[type=submit]")
    expect(page.locator("#kpi-new-linkages")).to_have_text("0")
    with page.expect_download() as download:
        page.locator("#table-funnel a", has_text="XLSX").click()
    with open(download.value.path(), "rb") as handle:
        rows = list(load_workbook(handle).active.values)
    assert rows[0][:3] == ("stage", "label", "reached")
    assert all(row[2] == 0 for row in rows[1:])

    services.record_transaction(actor=staff, linkage=linkage, date=timezone.localdate(), value=250, currency="USD")
    page.goto("/dashboard/")
    expect(page.locator("#kpi-follow-up-value")).to_have_text("USD 250")
