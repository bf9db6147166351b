"""Words, not codes: each role's main pages in Spanish and Portuguese show labels, names and formatted numbers,
never a model's raw choice value, a 0-1 score, or (to buyers and SMEs) the ranker's version."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone, translation

from core.templatetags import words
from linkages import services as linkage_services
from linkages.models import Stage
from matching import services as matching_services
from notifications.models import Notification
from reporting import services as reporting_services
from tests import factories

pytestmark = pytest.mark.django_db

# Every choice value that reads as a code ("repeat_business", "lt100k", "readiness_8") is checked wherever it comes
# from; a value that is also an ordinary English word ("open", "small", "pending") only for the choices the main
# pages show, since any English word may stand in a page's own data (a requirement's title, a description).
SHOWN_CHOICES = {
    ("buyers", "requirement", "status"),
    ("buyers", "requirement", "visibility"),
    ("accounts", "organisation", "kind"),
    ("accounts", "organisation", "size_class"),
    ("accounts", "organisation", "verification_status"),
    ("accounts", "membership", "role"),
    ("suppliers", "supplierprofile", "verification_status"),
    ("suppliers", "certification", "status"),
    ("linkages", "linkage", "stage"),
    ("linkages", "linkage", "source"),
    ("linkages", "transaction", "kind"),
    ("events", "meetingrequest", "status"),
    ("notifications", "notification", "kind"),
}
ORDINARY = {"first", "match", "import", "event", "manual"}  # linkage sources/kinds that are words of any page


def raw_choice_values() -> set[str]:
    """The string choice values of the project's models that must never be shown as they are."""
    values = set()
    for model in apps.get_models():
        if model.__module__.split(".")[0] in {"django", "axes", "auditlog", "rest_framework"}:
            continue
        for field in model._meta.get_fields():
            shown = (model._meta.app_label, model._meta.model_name, field.name) in SHOWN_CHOICES
            for value, _label in getattr(field, "choices", None) or []:
                if not isinstance(value, str) or len(value) < 3 or value in ORDINARY:
                    continue
                if shown or re.search(r"[_\d-]", value):
                    values.add(value)
    return values


def test_the_checked_choices_exist_and_include_the_usual_codes():
    for app_label, model_name, field_name in SHOWN_CHOICES:
        assert apps.get_model(app_label, model_name)._meta.get_field(field_name).choices, (model_name, field_name)
    assert {"repeat_business", "small", "open", "pending", "sme", "lt100k"} <= raw_choice_values()


def visible_text(content: bytes) -> str:
    page = content.decode()
    page = re.sub(r"(?s)<(script|style|select)\b[^>]*>.*?</\1>", " ", page)  # a <select>'s options are the form's
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


@pytest.fixture
def world(titanium, django_capture_on_commit_callbacks):
    """A verified buyer's open requirement, ranked; a supplier excluded for lack of a mandatory certificate; a
    linkage with repeat business in another currency; notifications of each side."""
    requirement = titanium["requirement"]
    buyer = requirement.buyer
    buyer_owner = factories.UserFactory(preferred_language="en")
    factories.MembershipFactory(user=buyer_owner, organisation=buyer, role="owner")
    fit = titanium["fit"]
    sme_owner = factories.UserFactory(preferred_language="en")
    factories.MembershipFactory(user=sme_owner, organisation=fit.organisation, role="owner")
    factories.ReadinessDiagnosticFactory(profile=fit)
    iso = factories.CertificationStandardFactory(code="iso-13485", name="ISO 13485")
    factories.RequiredCertificationFactory(requirement=requirement, standard=iso, mandatory=True)
    factories.CertificationFactory(profile=titanium["near"], standard=iso)
    staff = factories.AgencyStaffFactory()
    reporting_services.set_rate(
        actor=staff, currency="CRC", units_per_usd=Decimal("505.5"), valid_from=dt.date(2020, 1, 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        matching_services.run_now(requirement=requirement)
        linkage, _ = linkage_services.create_linkage(
            actor=buyer_owner, buyer=buyer, supplier=fit, requirement=requirement, stage=Stage.CONTACTED
        )
        for value in (Decimal("3130000.00"), Decimal("1250000.50")):
            linkage_services.record_transaction(
                actor=buyer_owner, linkage=linkage, date=timezone.localdate(), value=value, currency="CRC"
            )
    linkage.refresh_from_db()
    assert linkage.stage == Stage.REPEAT_BUSINESS
    return {
        "requirement": requirement,
        "fit": fit,
        "near": titanium["near"],
        "linkage": linkage,
        "buyer_owner": buyer_owner,
        "sme_owner": sme_owner,
        "staff": staff,
    }


def _pages(world, role) -> list[str]:
    requirement, linkage = world["requirement"].pk, world["linkage"].pk
    fit, near = world["fit"].pk, world["near"].pk
    common = ["/", "/requirements/", "/linkages/", f"/linkages/{linkage}/", "/notifications/", "/events/"]
    return {
        "staff": [
            *common,
            f"/requirements/{requirement}/matches/",
            f"/requirements/{requirement}/",
            "/suppliers/search/",
            f"/suppliers/{near}/",
            "/linkages/board/",
            "/dashboard/",
            "/dashboard/rates/",
            "/matching/policy/",
        ],
        "buyer_owner": [
            *common,
            f"/requirements/{requirement}/",
            f"/requirements/{requirement}/matches/",
            "/suppliers/search/",
            f"/suppliers/{fit}/",
            "/accounts/organisation/",
        ],
        "sme_owner": [
            *common,
            "/opportunities/",
            "/suppliers/onboarding/",
            f"/suppliers/{fit}/",
            "/accounts/organisation/",
        ],
    }[role]


@pytest.mark.parametrize("role", ["buyer_owner", "sme_owner", "staff"])
def test_main_pages_show_words_not_codes(world, client, role):
    raw = raw_choice_values()
    client.force_login(world[role])
    for language in ("es", "pt"):
        for path in _pages(world, role):
            response = client.get(f"/{language}{path}")
            assert response.status_code == 200, (language, path)
            text = visible_text(response.content)
            shown = sorted(value for value in raw if re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text))
            assert not shown, f"/{language}{path} shows raw codes {shown}"
            assert not re.search(r"(?<![\d.,])0[.,]\d{3}(?!\d)", text), f"/{language}{path} shows a 0-1 score"
            assert "default-" not in text or role == "staff", f"/{language}{path} shows the ranker's version"


def test_the_pages_say_it_in_the_readers_words(world, client):
    client.force_login(world["buyer_owner"])
    linkage = client.get(f"/pt/linkages/{world['linkage'].pk}/").content.decode()
    assert "CRC\xa03.130.000,00" in linkage  # money with its currency, grouped the Portuguese way
    assert "Negócios recorrentes" in linkage or "repeat_business" not in visible_text(linkage.encode())

    client.force_login(world["staff"])
    rates = visible_text(client.get("/es/dashboard/rates/").content)
    assert "505,5" in rates
    assert "505,500000" not in rates
    dashboard = visible_text(client.get("/es/dashboard/").content)
    assert "Pequeña (11–50)" in dashboard  # sizes by label
    assert "Costa Rica" in dashboard  # countries by name


def test_only_agency_staff_see_the_rankers_version(world, client, client_for):
    run = world["requirement"].match_runs.get()
    path = f"/requirements/{world['requirement'].pk}/matches/"
    client.force_login(world["buyer_owner"])
    assert run.model_version not in client.get(path).content.decode()
    client.force_login(world["staff"])
    assert run.model_version in client.get(path).content.decode()

    buyer_api = client_for(world["buyer_owner"]).get(f"/api/v1/match-runs/{run.pk}/").json()
    assert buyer_api["model_version"] is None
    assert buyer_api["engine_version"] is None
    staff_api = client_for(world["staff"]).get(f"/api/v1/match-runs/{run.pk}/").json()
    assert staff_api["model_version"] == run.model_version
    matches = client_for(world["buyer_owner"]).get(f"/api/v1/requirements/{world['requirement'].pk}/matches/").json()
    assert matches["run"]["model_version"] is None
    assert isinstance(matches["results"][0]["score"], float)  # the API keeps its 0-1 numbers


def test_the_missing_certificate_is_named_with_its_date(world, client):
    requirement = world["requirement"]
    client.force_login(world["sme_owner"])
    for language in ("en", "es", "pt"):
        with translation.override(language):
            day = words.formats.date_format(requirement.needed_by, "DATE_FORMAT")
        prefix = "" if language == "en" else f"/{language}"
        page = visible_text(client.get(f"{prefix}/opportunities/").content)
        assert "ISO 13485" in page, language
        assert day in page, language
    english = visible_text(client.get("/opportunities/").content)
    assert f"no valid ISO 13485 certificate on {requirement.needed_by:%B} {requirement.needed_by.day}" in english

    client.force_login(world["buyer_owner"])
    shortlist = visible_text(client.get(f"/requirements/{requirement.pk}/matches/").content)
    assert re.search(r"no valid ISO 13485 certificate on [^:]+: \d+", shortlist)


def test_gaps_name_categories_and_standards_not_codes(world, client, client_for):
    client.force_login(world["buyer_owner"])
    page = visible_text(client.get(f"/requirements/{world['requirement'].pk}/matches/").content)
    assert "No capability listed in the requirement's categories (Machine tools)" in page  # the sibling's gap
    assert "42600000)" not in page
    api = client_for(world["buyer_owner"]).get(f"/api/v1/requirements/{world['requirement'].pk}/matches/").json()
    messages = [gap["message"] for match in api["results"] for gap in match["gaps"]]
    assert any("(Machine tools)" in message for message in messages)
    assert not any("iso-13485" in message or "42600000" in message for message in messages)
    codes = [gap["params"].get("categories") for match in api["results"] for gap in match["gaps"]]
    assert "42600000" in codes  # the parameters keep the codes


@pytest.mark.parametrize(
    ("language", "money", "whole", "rate_five", "rate_fraction", "score", "readiness", "share"),
    [
        ("en", "USD\xa03,130,000.00", "USD\xa03,130,000", "5", "5.4", "68", "41/100", "49%"),
        ("es", "USD\xa03\xa0130\xa0000,00", "USD\xa03\xa0130\xa0000", "5", "5,4", "68", "41/100", "49\xa0%"),
        ("pt", "USD\xa03.130.000,00", "USD\xa03.130.000", "5", "5,4", "68", "41/100", "49%"),
    ],
)
def test_filters_format_for_the_reader(language, money, whole, rate_five, rate_fraction, score, readiness, share):
    with translation.override(language):
        assert words.money(Decimal("3130000.00"), "usd") == money
        assert words.money_whole(Decimal("3130000.40"), "USD") == whole
        assert words.rate(Decimal("5.000000")) == rate_five
        assert words.rate(Decimal("5.400000")) == rate_fraction
        assert words.rate(Decimal("0.92345678")).endswith("923457")  # six significant digits
        assert words.score(0.676) == score
        assert words.out_of_100(Decimal("40.62")) == readiness
        assert words.percent(0.487) == share
        assert words.money(None, "USD") == ""
        assert words.score("not a number") == ""


def test_relative_times_say_ago_in_the_readers_language():
    seven = timezone.now() - dt.timedelta(minutes=7)
    expected = {"en": "7 minutes ago", "es": "hace 7 minutos", "pt": "há 7 minutos"}
    for language, text in expected.items():
        with translation.override(language):
            assert words.ago(seven).replace("\xa0", " ") == text


def test_notifications_follow_the_readers_language(world, client):
    client.force_login(world["sme_owner"])
    assert Notification.objects.filter(recipient=world["sme_owner"], kind="stage_change").exists()
    english = visible_text(client.get("/notifications/").content)
    spanish = visible_text(client.get("/es/notifications/").content)
    portuguese = visible_text(client.get("/pt/notifications/").content)
    assert "Contacted" in english
    assert "Contactado" in spanish
    assert "Contatado" in portuguese
    assert "Contacted" not in spanish
    assert "Contacted" not in portuguese
