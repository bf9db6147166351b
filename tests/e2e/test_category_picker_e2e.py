"""The category picker in Chromium: chips with names in the reader's language, suggestions by keyboard and mouse,
removal, a phone-sized screen, the Content-Security-Policy, and the plain input when JavaScript is off."""

import re

import pytest
from playwright.sync_api import expect

from buyers.models import Requirement
from suppliers.models import Capability
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def open_page(browser, live_server):
    """A signed-in page in its own context (size, language, JavaScript on or off), with what the console said."""
    contexts = []

    def _open(user, *, viewport=None, javascript=True, locale="en-GB"):
        options = {"base_url": live_server.url, "viewport": viewport or {"width": 1280, "height": 900}}
        context = browser.new_context(**options, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.email)
        page.fill("input[name=password]", "correct-horse-battery")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        if not javascript:
            # Signed in above; the same session in a context that runs no script.
            context = browser.new_context(
                **options, locale=locale, java_script_enabled=False, storage_state=context.storage_state()
            )
            contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(10_000)
        page.console = []
        page.on("console", lambda message: page.console.append(message.text))
        return page

    yield _open
    for context in contexts:
        context.close()


def _type(page, text):
    box = page.locator("#id_category_codes")
    box.fill("")
    box.press_sequentially(text, delay=20)
    expect(page.locator(".cpicker-option").first).to_be_visible()
    return box


def test_buyer_picks_categories_on_a_phone_in_spanish(open_page):
    page = open_page(factories.BuyerOwnerFactory(), viewport=PHONE, locale="es-ES")
    page.goto("/es/requirements/new/")
    page.fill("#id_title", "Centros de mecanizado y leche")
    page.fill("#id_specification", "Piezas y lácteos.")
    box = page.locator("#id_category_codes")
    expect(box).to_have_attribute("role", "combobox")
    expect(box).to_have_attribute("aria-expanded", "false")
    # The input that is sent is hidden and keeps the field's name.
    expect(page.locator("input[name=category_codes]")).to_have_attribute("type", "hidden")

    # The Brazilian word finds the machining codes, named in Spanish; the keyboard picks the first.
    _type(page, "usinagem")
    expect(box).to_have_attribute("aria-expanded", "true")
    options = page.locator(".cpicker-option")
    expect(options.first).to_contain_text("centros de mecanizado")
    expect(options.first).to_contain_text("42610000")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(r"-suggestions-0$"))
    box.press("Enter")
    chips = page.locator(".cpicker-chip")
    expect(chips).to_have_count(1)
    expect(chips.first).to_contain_text("Máquinas herramienta que funcionan con láser y centros de mecanizado")
    expect(box).to_have_value("")

    # The mouse picks another; an already chosen one is not offered again.
    _type(page, "leche")
    page.locator(".cpicker-option", has_text="15511000").click()
    expect(chips).to_have_count(2)
    expect(chips.nth(1)).to_contain_text("Leche")

    _type(page, "titanio")
    box.press("ArrowDown")
    box.press("Enter")
    expect(chips).to_have_count(3)

    # Removed by its button, and by Backspace in the empty box.
    page.get_by_role("button", name=re.compile("Leche")).click()
    expect(chips).to_have_count(2)
    box.focus()
    box.press("Backspace")
    expect(chips).to_have_count(1)
    expect(page.locator("input[name=category_codes]")).to_have_value("42610000")

    # Nothing wider than the phone, the suggestions included.
    _type(page, "leche")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide"
    box_right = page.evaluate("document.querySelector('.cpicker-options').getBoundingClientRect().right")
    assert box_right <= PHONE["width"]
    page.locator(".cpicker-option", has_text="15511000").click()

    page.select_option("#id_visibility", "public")
    page.click("main form.form button[type=submit]")
    expect(page.locator("#requirement-status")).to_be_visible()
    requirement = Requirement.objects.get(title="Centros de mecanizado y leche")
    assert sorted(requirement.categories.values_list("code", flat=True)) == ["15511000", "42610000"]
    assert not [line for line in page.console if "Content Security Policy" in line]

    # Editing shows the chosen categories as named chips.
    page.goto(f"/es/requirements/{requirement.pk}/edit/")
    expect(page.locator(".cpicker-chip")).to_have_count(2)
    expect(page.locator(".cpicker-chip", has_text="15511000")).to_contain_text("Leche")


def test_a_typed_code_is_kept_and_an_unknown_one_is_named(open_page):
    page = open_page(factories.BuyerOwnerFactory())
    page.goto("/requirements/new/")
    page.fill("#id_title", "Bandejas")
    page.fill("#id_specification", "PETG")
    page.fill("#id_category_codes", "99999999")
    page.click("main form.form button[type=submit]")
    expect(page.locator(".cpicker-chip.unknown")).to_contain_text("99999999")
    expect(page.locator(".field.has-errors")).to_contain_text("Unknown CPV codes: 99999999")
    # The unknown chip goes; a code typed without choosing a suggestion is sent as typed.
    page.get_by_role("button", name=re.compile("99999999")).click()
    page.fill("#id_category_codes", "19520000-3")
    page.click("main form.form button[type=submit]")
    expect(page.locator("#requirement-status")).to_be_visible()
    assert list(Requirement.objects.get(title="Bandejas").categories.values_list("code", flat=True)) == ["19520000"]


def test_the_capability_picker_holds_one_category_named_in_portuguese(open_page):
    profile = factories.SupplierProfileFactory()
    owner = factories.MembershipFactory(organisation=profile.organisation).user
    page = open_page(owner, locale="pt-BR")
    page.goto("/pt/suppliers/onboarding/capabilities/")
    box = page.locator("#id_category")
    box.press_sequentially("usinagem", delay=20)
    page.locator(".cpicker-option", has_text="42612000").click()
    box.press_sequentially("titanio", delay=20)
    page.locator(".cpicker-option", has_text="14724000").click()
    chips = page.locator(".cpicker-chip")
    expect(chips).to_have_count(1)  # the second choice replaced the first
    expect(chips.first).to_contain_text("Titânio")
    page.fill("#id_description", "Barras de titânio grau 5")
    page.click("form:has(input[value=add]) button[type=submit]")
    expect(page.locator(".capability h3")).to_contain_text("14724000")
    assert Capability.objects.get(profile=profile).category.code == "14724000"


def test_without_javascript_codes_are_typed_in_a_plain_input(open_page):
    page = open_page(factories.BuyerOwnerFactory(), javascript=False)
    page.goto("/requirements/new/")
    expect(page.locator(".cpicker")).to_have_count(0)
    expect(page.locator("#id_category_codes")).to_have_attribute("type", "text")
    page.fill("#id_title", "Sin JavaScript")
    page.fill("#id_specification", "Cajas")
    page.fill("#id_category_codes", "44600000, 12345678")
    page.click("main form.form button[type=submit]")
    expect(page.locator(".field.has-errors")).to_contain_text("Unknown CPV codes: 12345678")
    expect(page.locator("#id_category_codes")).to_have_value("44600000, 12345678")
    page.fill("#id_category_codes", "44600000; 19520000-3")
    page.click("main form.form button[type=submit]")
    expect(page.locator("#requirement-status")).to_be_visible()
    requirement = Requirement.objects.get(title="Sin JavaScript")
    assert sorted(requirement.categories.values_list("code", flat=True)) == ["19520000", "44600000"]
