"""Pages that stay short, on a phone (390×844) in headless Chromium: the one-step verification of a new SME and the
pipeline board, neither scrolling the page sideways."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from accounts.models import Organisation
from linkages import services as linkage_services
from linkages.models import Stage
from linkages.views import BOARD_CARDS_PER_COLUMN
from suppliers.models import Certification, SupplierProfile
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def _no_sideways_scroll(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def test_agency_verifies_a_new_sme_in_one_step_on_a_phone(phone, login):
    organisation = factories.SmeFactory(
        legal_name="Troqueles y Moldes del Valle Central S.A.",
        tax_id="3-101-654321",
        tax_id_normalised="3101654321",
        verification_status="pending",
    )
    profile = factories.SupplierProfileFactory(organisation=organisation, verification_status="pending")
    scan = factories.CertificationFactory(
        profile=profile, verification_status="pending", document=SimpleUploadedFile("scan.png", _png())
    )
    expired = factories.CertificationFactory(
        profile=profile, verification_status="pending", document=SimpleUploadedFile("iso.pdf", PDF)
    )
    factories.BuyerFactory(legal_name="Otra Empresa", verification_status="pending")
    login(factories.AgencyStaffFactory())

    phone.goto("/suppliers/verification/")
    phone.fill("#id_q", "3101654321")
    phone.click("#queue-filters button[type=submit]")
    rows = phone.locator("#queue tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".pending-parts")).to_contain_text("2 certificates")
    _no_sideways_scroll(phone)
    rows.first.locator("a.case-link").click()

    expect(phone.locator("h1")).to_have_text(organisation.legal_name)
    image = phone.locator(f"li[data-certificate='{scan.pk}'] .document-preview img")
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()
    phone.wait_for_function("(img) => img.complete && img.naturalWidth === 40", arg=image.element_handle())
    expect(phone.locator(f"li[data-certificate='{expired.pk}'] iframe")).to_have_count(1)
    _no_sideways_scroll(phone)
    phone.select_option(f"#id_certificate-{expired.pk}", "reject")
    phone.fill("#id_note", "El certificado ISO venció; suba el vigente.")
    phone.click("#approve-all")

    expect(phone.locator(".messages")).to_contain_text("3 verified, 1 rejected")
    # the search is kept: nothing of it waits any more
    expect(phone.locator("#queue tbody tr[data-organisation]")).to_have_count(0)
    assert Organisation.objects.get(pk=organisation.pk).verification_status == "verified"
    assert SupplierProfile.objects.get(pk=profile.pk).verification_status == "verified"
    assert Certification.objects.get(pk=scan.pk).verification_status == "verified"
    rejected = Certification.objects.get(pk=expired.pk)
    assert (rejected.verification_status, rejected.verification_note) == (
        "rejected",
        "El certificado ISO venció; suba el vigente.",
    )


def test_bulk_approval_from_the_queue(phone, login):
    names = ["Alfa S.A.", "Beta S.A.", "Gamma S.A."]
    for name in names:
        factories.SupplierProfileFactory(
            organisation=factories.SmeFactory(legal_name=name, verification_status="pending"),
            verification_status="pending",
        )
    login(factories.AgencyStaffFactory())
    phone.goto("/suppliers/verification/")
    phone.check("#select-page")  # the script ticks every row of the page
    expect(phone.locator("#queue input[name=organisation]:checked")).to_have_count(3)
    phone.uncheck("#queue tr:has-text('Gamma S.A.') input[name=organisation]")
    phone.click("#approve-selected")
    expect(phone.locator(".messages")).to_contain_text("2 organisations approved")
    expect(phone.locator("#queue tbody tr[data-organisation]")).to_have_count(1)
    assert set(
        Organisation.objects.filter(verification_status="verified", kind="sme").values_list("legal_name", flat=True)
    ) >= {
        "Alfa S.A.",
        "Beta S.A.",
    }


def test_the_board_on_a_phone_pages_a_column_and_stays_inside_the_screen(phone, login):
    buyer = factories.BuyerFactory(legal_name="Orthovia Medical Devices de Costa Rica S.R.L.")
    for _ in range(BOARD_CARDS_PER_COLUMN + 2):
        linkage_services.create_linkage(
            actor=None, buyer=buyer, supplier=factories.SupplierProfileFactory(), stage=Stage.CONTACTED, system=True
        )
    login(factories.AgencyStaffFactory())
    phone.goto("/linkages/board/")
    contacted = phone.locator("section.column[data-stage=contacted]")
    expect(contacted.locator(".column-count")).to_have_text(str(BOARD_CARDS_PER_COLUMN + 2))
    expect(contacted.locator("article.linkage-card")).to_have_count(BOARD_CARDS_PER_COLUMN)
    assert phone.locator("#board form, #board button").count() == 0
    _no_sideways_scroll(phone)
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height < 5 * PHONE["height"], height

    contacted.locator("a.more").click()
    expect(phone.locator("section.column[data-stage=contacted] article.linkage-card")).to_have_count(2)
    _no_sideways_scroll(phone)
