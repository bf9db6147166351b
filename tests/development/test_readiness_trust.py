"""Readiness that can be trusted: a consultant's or agency staff's diagnostic outranks the supplier's own, in the
profile and in what the matching engine reads; a programme on the readiness areas feeds it and starts from it."""

import datetime as dt

import pytest

from development import selectors, services
from development.models import Phase
from matching import selectors as matching_selectors
from suppliers import services as supplier_services
from suppliers.models import Assessor

pytestmark = pytest.mark.django_db

AREAS = (
    "environmental_management",
    "information_systems",
    "infrastructure",
    "innovation",
    "managerial_capital",
    "investment",
    "marketing",
    "production_capacity",
)


def _scores(value):
    return dict.fromkeys(AREAS, value)


def test_an_assessed_diagnostic_outranks_a_newer_self_assessment(cast):
    profile = cast["profile"]
    supplier_services.record_diagnostic(
        profile=profile,
        assessed_by=cast["consultant"],
        assessor=Assessor.CONSULTANT,
        areas=_scores(3),
        assessed_on=dt.date(2026, 5, 1),
    )
    supplier_services.record_diagnostic(
        profile=profile, assessed_by=cast["supplier"], areas=_scores(5), assessed_on=dt.date(2026, 6, 1)
    )
    profile.refresh_from_db()
    assert (float(profile.readiness_score), profile.readiness_assessor) == (50.0, Assessor.CONSULTANT)
    [record] = matching_selectors.supplier_records(profile_ids=[profile.pk])
    assert record.readiness_score == 50.0

    supplier_services.record_diagnostic(
        profile=profile, assessed_by=cast["agency"], areas=_scores(4), assessed_on=dt.date(2026, 7, 1)
    )
    profile.refresh_from_db()
    assert (float(profile.readiness_score), profile.readiness_assessor) == (75.0, Assessor.AGENCY)


def test_without_an_assessment_the_self_assessment_counts_and_says_so(cast):
    profile = cast["profile"]
    supplier_services.record_diagnostic(profile=profile, assessed_by=cast["supplier"], areas=_scores(2))
    profile.refresh_from_db()
    assert (float(profile.readiness_score), profile.readiness_assessor) == (25.0, Assessor.SELF)


def test_a_readiness_programme_diagnostic_becomes_the_trusted_readiness(cast):
    programme = cast["programme"]
    services.update_programme(actor=cast["agency"], programme=programme, diagnostic_template="readiness_8")
    supplier_services.record_diagnostic(profile=cast["profile"], assessed_by=cast["supplier"], areas=_scores(5))
    intervention = cast["intervention"]
    intervention.consultant = cast["consultant_record"]
    intervention.phase = Phase.DIAGNOSIS
    intervention.save()
    assert selectors.diagnostic_prefill(intervention=intervention) == _scores(5)

    services.record_diagnostic(actor=cast["consultant"], intervention=intervention, areas=_scores(2))

    cast["profile"].refresh_from_db()
    assert (float(cast["profile"].readiness_score), cast["profile"].readiness_assessor) == (25.0, "consultant")
    assert selectors.diagnostic_prefill(intervention=intervention) == _scores(2)


def test_an_outsider_cannot_pass_as_a_consultant_through_the_programme(cast):
    services.update_programme(actor=cast["agency"], programme=cast["programme"], diagnostic_template="readiness_8")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.record_diagnostic(actor=cast["outsider"], intervention=cast["intervention"], areas=_scores(1))
    cast["profile"].refresh_from_db()
    assert cast["profile"].readiness_score is None
