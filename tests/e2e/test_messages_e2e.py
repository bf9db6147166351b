"""Messages in headless Chromium: a buyer contacts a supplier from its profile; the SME sees the unread badge, reads
and replies with a PDF; the buyer downloads it; agency staff read the thread and everybody is told; on a phone too."""

import pytest
from auditlog.models import LogEntry
from playwright.sync_api import expect

from accounts.models import Membership
from conversations.models import Message, Thread
from linkages.models import Linkage, Stage
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _sign_in(browser, live_server, user, **options):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return context, page


def test_a_thread_with_an_attachment_goes_both_ways_and_agency_reads_are_shown(browser, live_server, tmp_path):
    buyer_user = factories.UserFactory(full_name="Ana Compras")
    buyer = factories.BuyerFactory(legal_name="Medtronic Costa Rica")
    factories.MembershipFactory(user=buyer_user, organisation=buyer, role=Membership.Role.MEMBER)
    sme_user = factories.UserFactory(full_name="Luis Taller")
    supplier = factories.SupplierProfileFactory(organisation=factories.SmeFactory(legal_name="Precision Tools S.A."))
    factories.MembershipFactory(user=sme_user, organisation=supplier.organisation)
    staff = factories.AgencyStaffFactory(full_name="Carla Agencia")

    # The buyer writes to the supplier from its profile ("contact").
    buyer_context, buyer_page = _sign_in(browser, live_server, buyer_user)
    buyer_page.goto(f"/suppliers/{supplier.pk}/")
    buyer_page.fill("#contact_body", "Buenos días: ¿pueden cotizar 5.000 carcasas?")
    buyer_page.click("#contact-send")
    expect(buyer_page.locator("#chat")).to_contain_text("pueden cotizar 5.000 carcasas")
    linkage = Linkage.objects.get(buyer=buyer, supplier=supplier)
    assert linkage.stage == Stage.CONTACTED
    thread = Thread.objects.get(linkage=linkage)

    # The SME sees the unread badge, reads, and replies with a PDF.
    sme_context, sme_page = _sign_in(browser, live_server, sme_user)
    expect(sme_page.locator("#unread-messages")).to_have_text("1")
    sme_page.goto("/messages/")
    expect(sme_page.locator(f"[data-thread='{thread.pk}'] .unread-count")).to_have_text("1")
    sme_page.click(f"[data-thread='{thread.pk}'] .thread-link")
    expect(sme_page.locator("#chat")).to_contain_text("pueden cotizar")
    expect(sme_page.locator("#unread-messages")).to_have_count(0)
    sme_page.fill("#id_body", "Con gusto: adjuntamos la cotización.")
    sme_page.set_input_files(
        "#id_attachment", files=[{"name": "cotizacion.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    sme_page.click("#reply-form button[type=submit]")
    expect(sme_page.locator("#chat")).to_contain_text("adjuntamos la cotización")
    expect(sme_page.locator("#chat .attachment-link")).to_have_text("cotizacion.pdf")

    # The buyer sees the answer and downloads the PDF.
    buyer_page.goto("/")
    expect(buyer_page.locator("#unread-messages")).to_have_text("1")
    buyer_page.goto(f"/messages/{thread.pk}/")
    with buyer_page.expect_download() as download:
        buyer_page.click("#chat .attachment-link")
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == PDF
    assert Message.objects.filter(thread=thread).count() == 2

    # Agency staff read the thread from the linkage page; the notice is shown, and the read is recorded.
    agency_context, agency_page = _sign_in(browser, live_server, staff)
    agency_page.goto(f"/linkages/{linkage.pk}/")
    agency_page.click("#linkage-messages")
    expect(agency_page.locator("#agency-notice")).to_contain_text("agency staff")
    expect(agency_page.locator("#chat")).to_contain_text("adjuntamos la cotización")
    expect(agency_page.locator("#reply-form")).to_have_count(0)
    assert LogEntry.objects.filter(object_id=thread.pk, action=LogEntry.Action.ACCESS, actor=staff).exists()
    buyer_page.goto(f"/messages/{thread.pk}/")
    expect(buyer_page.locator("#agency-notice")).to_contain_text("can read this thread")
    expect(buyer_page.locator("#agency-reads")).to_contain_text("Carla Agencia")

    for context in (buyer_context, sme_context, agency_context):
        context.close()

    # On a phone the thread, its notice and the reply form fit the screen.
    phone, mobile = _sign_in(browser, live_server, sme_user, viewport={"width": 390, "height": 844})
    mobile.goto(f"/messages/{thread.pk}/")
    expect(mobile.locator("#agency-reads")).to_be_visible()
    expect(mobile.locator("#reply-form")).to_be_visible()
    assert mobile.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    mobile.goto("/messages/")
    assert mobile.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    phone.close()
