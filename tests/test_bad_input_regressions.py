"""Inputs an outside probe answered with a 500; each now gets a clear 400 or 404.

The integer-overflow checks run here on PostgreSQL (the suite's database) and once more on SQLite, the embedded
default, in a fresh process (``test_integer_checks_also_hold_on_sqlite``): SQLite's driver raises OverflowError
for a number past 64 bits, where PostgreSQL compares it as a numeric or refuses it as out of bigint range.
"""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from events.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
HUGE = "99999999999999999999999"  # past 64 bits
ON_SQLITE_RUN = os.environ.get("ENLACE_BAD_INPUT_SQLITE_RUN") == "1"


def _event(organiser) -> Event:
    today = dt.date.today()
    return Event.objects.create(
        name="Rueda de negocios",
        organiser=organiser,
        venue="Centro de convenciones",
        city="San José",
        starts_on=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=31),
    )


# --- integers past 64 bits ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/requirements/{HUGE}/",
        f"/api/v1/organisations/{HUGE}/",
        f"/api/v1/linkages/{HUGE}/",
        f"/api/v1/events/{HUGE}/",
        f"/api/v1/match-runs/{HUGE}/",
        f"/api/v1/requirements/?page={HUGE}",
    ],
)
def test_overflow_ids_in_paths_and_pages_are_not_found(agency_client, url):
    assert agency_client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/linkages/?supplier={HUGE}",
        f"/api/v1/linkages/?buyer={HUGE}",
        f"/api/v1/linkages/?requirement=-{HUGE}",
        f"/api/v1/requirements/?buyer={HUGE}",
        f"/api/v1/ocds/releases/?page={HUGE}",
    ],
)
def test_overflow_integers_in_filters_are_invalid(agency_client, url):
    response = agency_client.get(url)
    assert response.status_code == 400, response.content
    assert response.json()["errors"]


@pytest.mark.parametrize("supplier", [HUGE, "²", "٣"])
def test_overflow_and_non_ascii_digits_in_supplier_filters_match_nothing(sme_client, supplier):
    for url in ("/api/v1/capabilities/", "/api/v1/diagnostics/"):
        response = sme_client.get(url, {"supplier": supplier})
        assert response.status_code == 200, (url, response.content)
        assert response.json()["results"] == []


def test_overflow_integers_in_a_request_body_are_invalid(buyer_client):
    requirement = factories.RequirementFactory(buyer=buyer_client.handler._force_user.memberships.get().organisation)
    response = buyer_client.post(
        f"/api/v1/requirements/{requirement.pk}/invitations/", {"suppliers": [int(HUGE)]}, format="json"
    )
    assert response.status_code == 400, response.content
    response = buyer_client.patch(
        f"/api/v1/requirements/{requirement.pk}/", {"quantity": int(HUGE) * 10**10}, format="json"
    )
    assert response.status_code == 400, response.content


@pytest.mark.skipif(ON_SQLITE_RUN, reason="this is the test that starts the SQLite run")
def test_integer_checks_also_hold_on_sqlite():
    """The overflow checks above once more on the embedded default's SQLite, in a fresh process."""
    environment = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    environment.update(ENLACE_ALLOW_SQLITE_TESTS="1", ENLACE_BAD_INPUT_SQLITE_RUN="1")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", __file__, "-q", "-p", "no:cacheprovider", "-k", "overflow"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
    assert "failed" not in result.stdout


# --- requirements: a partial update of the required certifications ---------------------------------------------


def test_patching_required_certifications_keeps_the_default_of_mandatory(buyer_client, buyer_owner):
    requirement = factories.RequirementFactory(buyer=buyer_owner.memberships.get().organisation)
    standard = factories.CertificationStandardFactory()
    response = buyer_client.patch(
        f"/api/v1/requirements/{requirement.pk}/",
        {"required_certifications": [{"standard": standard.code}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["required_certifications"] == [{"standard": standard.code, "mandatory": True}]


def test_patching_a_required_certification_without_its_standard_is_invalid(buyer_client, buyer_owner):
    requirement = factories.RequirementFactory(buyer=buyer_owner.memberships.get().organisation)
    response = buyer_client.patch(
        f"/api/v1/requirements/{requirement.pk}/",
        {"required_certifications": [{"mandatory": False}]},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "required_certifications" in response.json()["errors"]


# --- events: registration with wrong types ------------------------------------------------------------------------


@pytest.mark.parametrize("payload", [{"organisation": "abc"}, {"organisation": [1]}, {"organisation": {"a": 1}}, [1]])
def test_registering_for_an_event_with_a_wrong_type_is_invalid(agency_client, agency_user, payload):
    event = _event(agency_user.memberships.get().organisation)
    response = agency_client.post(f"/api/v1/events/{event.pk}/register/", payload, format="json")
    assert response.status_code == 400, response.content


def test_registering_for_an_event_still_works(client_for, sme_owner, agency_user):
    event = _event(agency_user.memberships.get().organisation)
    organisation = sme_owner.memberships.get().organisation
    response = client_for(sme_owner).post(
        f"/api/v1/events/{event.pk}/register/", {"organisation": organisation.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["organisation"] == organisation.pk


@pytest.mark.parametrize("value", ["abc", HUGE, ""])
def test_the_registration_page_answers_404_for_a_malformed_organisation(client, sme_owner, agency_user, value):
    event = _event(agency_user.memberships.get().organisation)
    client.force_login(sme_owner)
    response = client.post(reverse("events:register", args=[event.pk]), {"organisation": value})
    assert response.status_code == 404


@pytest.mark.parametrize("payload", [["accept"], {"accept": "perhaps"}])
def test_deciding_a_meeting_request_with_a_wrong_type_is_invalid(agency_client, payload):
    response = agency_client.post("/api/v1/meeting-requests/1/decide/", payload, format="json")
    assert response.status_code in (400, 404), response.content


# --- onboarding: removing with a malformed id -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "action"),
    [("capabilities", "remove"), ("certifications", "remove"), ("profile", "remove-machine")],
)
@pytest.mark.parametrize("value", ["abc", HUGE, "1.5"])
def test_onboarding_remove_with_a_malformed_id_is_not_found(client, sme_owner, step, action, value):
    client.force_login(sme_owner)
    response = client.post(reverse("suppliers:onboarding_step", args=[step]), {"action": action, "id": value})
    assert response.status_code == 404


def test_onboarding_remove_still_removes(client, sme_owner):
    profile = factories.SupplierProfileFactory(organisation=sme_owner.memberships.get().organisation)
    capability = factories.CapabilityFactory(profile=profile)
    client.force_login(sme_owner)
    response = client.post(
        reverse("suppliers:onboarding_step", args=["capabilities"]), {"action": "remove", "id": str(capability.pk)}
    )
    assert response.status_code == 302
    assert not profile.capabilities.exists()


# --- OCDS: dates at the end of the calendar ----------------------------------------------------------------------


@pytest.mark.parametrize("since", ["9999-12-31", "9999-12-31T23:59:59", "9999-12-31T23:59:59-12:00"])
def test_ocds_since_at_year_9999_is_invalid(agency_client, since):
    response = agency_client.get("/api/v1/ocds/releases/", {"since": since})
    assert response.status_code == 400, response.content
    assert "since" in response.json()["errors"]


def test_ocds_since_a_real_date_still_filters(agency_client):
    response = agency_client.get("/api/v1/ocds/releases/", {"since": "2020-01-01T00:00:00Z"})
    assert response.status_code == 200, response.content


# --- viewers and the schema ---------------------------------------------------------------------------------------


def test_a_top_level_category_answers_a_null_parent_as_the_schema_says(sme_client):
    from drf_spectacular.generators import SchemaGenerator

    factories.CategoryFactory(code="42000000", name_en="Industrial machinery", lineage="/42000000/")
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert schema["components"]["schemas"]["Category"]["properties"]["parent"].get("nullable") is True
    response = sme_client.get("/api/v1/categories/42000000/")
    assert response.status_code == 200
    assert response.json()["parent"] is None
