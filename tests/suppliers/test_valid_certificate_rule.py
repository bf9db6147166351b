"""One valid-certificate rule: the shortlist filter, the engine's candidate feed, the supplier search, the expiry
reminders and the profile pages agree on its edges."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from matching import selectors as matching_selectors
from matching.models import Match, MatchRun
from suppliers import selectors as supplier_selectors
from suppliers.models import Certification, VerificationStatus
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)
# name → (certificate fields, valid today?)
CASES = {
    "valid": ({"issued_on": TODAY - 300 * DAY, "expires_on": TODAY + 300 * DAY}, True),
    "issued_today": ({"issued_on": TODAY, "expires_on": TODAY + 300 * DAY}, True),
    "expires_today": ({"issued_on": TODAY - 300 * DAY, "expires_on": TODAY}, True),
    "pending_verification": (
        {"issued_on": TODAY - DAY, "expires_on": TODAY + DAY, "verification_status": VerificationStatus.PENDING},
        True,
    ),
    "issued_tomorrow": ({"issued_on": TODAY + DAY, "expires_on": TODAY + 300 * DAY}, False),
    "expired_yesterday": ({"issued_on": TODAY - 300 * DAY, "expires_on": TODAY - DAY}, False),
    "rejected": (
        {"issued_on": TODAY - DAY, "expires_on": TODAY + 300 * DAY, "verification_status": VerificationStatus.REJECTED},
        False,
    ),
    "suspended": (
        {"issued_on": TODAY - DAY, "expires_on": TODAY + 300 * DAY, "status": Certification.Status.SUSPENDED},
        False,
    ),
}
EXPECTED_VALID = {name for name, (_fields, valid) in CASES.items() if valid}


@pytest.fixture
def world():
    """One supplier per edge case, each holding one ISO 9001 certificate; a finished run that matched them all."""
    standard = factories.CertificationStandardFactory(code="iso-9001", name="ISO 9001")
    requirement = factories.RequirementFactory()
    run = MatchRun.objects.create(requirement=requirement, status=MatchRun.Status.SUCCEEDED)
    profiles = {}
    for rank, (name, (fields, _valid)) in enumerate(CASES.items(), start=1):
        profile = factories.SupplierProfileFactory(organisation__legal_name=f"Supplier {name}")
        factories.CertificationFactory(
            profile=profile, standard=standard, **{"verification_status": "verified", **fields}
        )
        Match.objects.create(run=run, supplier=profile, rank=rank, score=1.0 / rank)
        profiles[name] = profile
    return {"run": run, "profiles": profiles, "name_of": {p.pk: n for n, p in profiles.items()}}


def test_the_queryset_and_the_instance_method_are_one_rule(world):
    in_queryset = {c.profile_id for c in Certification.objects.valid_on(TODAY)}
    by_instance = {c.profile_id for c in Certification.objects.all() if c.is_valid_on(TODAY)}
    assert {world["name_of"][pk] for pk in in_queryset} == EXPECTED_VALID
    assert in_queryset == by_instance
    # One day later the certificate that expires today is no longer valid, and the one issued tomorrow is.
    later = {world["name_of"][c.profile_id] for c in Certification.objects.valid_on(TODAY + DAY)}
    assert "expires_today" not in later
    assert "issued_tomorrow" in later
    assert later == {world["name_of"][c.profile_id] for c in Certification.objects.all() if c.is_valid_on(TODAY + DAY)}


def test_the_shortlist_filter_agrees(world):
    matches = matching_selectors.matches_of(run=world["run"], certification="iso-9001")
    assert {world["name_of"][m.supplier_id] for m in matches} == EXPECTED_VALID


def test_the_engines_candidate_feed_agrees(world):
    records = {r.supplier_id: r for r in matching_selectors.supplier_records()}
    assert set(records) == set(world["name_of"])  # every supplier is fed; the rule decides on the certificate
    fed_valid = {
        world["name_of"][pk] for pk, record in records.items() if any(c.valid_on(TODAY) for c in record.certifications)
    }
    assert fed_valid == EXPECTED_VALID


def test_the_supplier_search_and_the_expiry_reminders_agree(world, agency_user):
    found = supplier_selectors.search_suppliers(user=agency_user, certification="iso-9001")
    assert {world["name_of"][p.pk] for p in found} == EXPECTED_VALID
    expiring = supplier_selectors.expiring_certifications(within_days=0)
    assert {world["name_of"][c.profile_id] for c in expiring} == {"expires_today"}


def test_the_profile_pages_agree(world, agency_user, client):
    client.force_login(agency_user)
    shown_valid = set()
    for name, profile in world["profiles"].items():
        page = client.get(reverse("suppliers:detail", args=[profile.pk]))
        assert page.status_code == 200
        badges = re.findall(r'data-valid="(yes|no)"', page.content.decode())
        assert len(badges) == 1, name
        if badges == ["yes"]:
            shown_valid.add(name)
    assert shown_valid == EXPECTED_VALID


def test_the_page_says_why_a_certificate_is_not_valid(world):
    statuses = {world["name_of"][c.profile_id]: c.effective_status for c in Certification.objects.all()}
    assert statuses["issued_tomorrow"] == "not_yet_valid"
    assert statuses["expired_yesterday"] == "expired"
    assert statuses["rejected"] == "rejected"
    assert statuses["suspended"] == "suspended"
    assert {name for name, status in statuses.items() if status == "active"} == EXPECTED_VALID
