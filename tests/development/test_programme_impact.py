"""The programme's impact read from its recorded outcomes: participants against comparison suppliers measured
outside it, through development.impact."""

import datetime as dt
from decimal import Decimal

import pytest

from development import selectors, services
from development.texts import impact_reason
from tests import factories

pytestmark = pytest.mark.django_db


def _measure(cast, supplier, baseline, follow_up):
    for kind, day, value in (
        ("baseline", dt.date(2026, 1, 5), baseline),
        ("follow_up", dt.date(2026, 10, 5), follow_up),
    ):
        services.record_outcome(
            actor=cast["agency"],
            programme=cast["programme"],
            supplier=supplier,
            kpi="sales",
            unit="money",
            kind=kind,
            measured_on=day,
            value=Decimal(value),
        )


def test_participants_against_comparison_suppliers(cast):
    participants = [cast["profile"]]
    for _ in range(7):
        profile = factories.SupplierProfileFactory()
        services.enrol_supplier(actor=cast["agency"], programme=cast["programme"], supplier=profile)
        participants.append(profile)
    comparison = [factories.SupplierProfileFactory() for _ in range(12)]
    for n, profile in enumerate(participants):
        _measure(cast, profile, 1000 + 10 * n, 1300 + 10 * n)  # +300 each
    for n, profile in enumerate(comparison):
        _measure(cast, profile, 1000 + 7 * n, 1100 + 7 * n)  # +100 each: the market moved too

    observations = selectors.impact_observations(programme=cast["programme"], kpi="sales")
    assert sum(o.treated for o in observations) == 8
    assert sum(not o.treated for o in observations) == 12

    estimate = selectors.programme_impact(programme=cast["programme"], kpi="sales")
    assert estimate.verdict == "increase"
    assert estimate.att == pytest.approx(200, abs=1)
    assert estimate.participants == 8
    assert estimate.participant_change == pytest.approx(300)


def test_too_few_comparison_suppliers_says_so(cast):
    _measure(cast, cast["profile"], 1000, 1200)
    estimate = selectors.programme_impact(programme=cast["programme"], kpi="sales")
    assert estimate.verdict == "too_few"
    assert estimate.att is None
    assert estimate.reason_codes == ("few_participants", "few_comparison")
    # The estimator says it in codes; the wording (gettext, in the reader's language) is done where it is shown.
    assert impact_reason(estimate) == (
        "Too few to say: 1 participant with a follow-up measurement; 0 comparison suppliers with a follow-up "
        "measurement; at least 5 of each are needed."
    )


def test_the_impact_through_the_api_and_the_export_words_why_too_few(cast, client_for, monkeypatch):
    from django.test import Client

    from core import jobs

    _measure(cast, cast["profile"], 1000, 1200)
    url = f"/api/v1/programmes/{cast['programme'].pk}/impact/"
    asked = []
    monkeypatch.setattr(jobs, "send_task", lambda task, **kwargs: asked.append(kwargs) or True)
    pending = client_for(cast["buyer"]).get(url)
    assert pending.status_code == 200
    assert [row["verdict"] for row in pending.json()] == ["pending"]
    assert asked == [{"args": (cast["programme"].pk, "sales")}]
    services.estimate_impact(programme_id=cast["programme"].pk, kpi="sales")  # what the worker does
    (row,) = client_for(cast["buyer"]).get(url).json()
    assert row["verdict"] == "too_few"
    assert row["reason_codes"] == ["few_participants", "few_comparison"]
    assert row["reason"].startswith("Too few to say: 1 participant with a follow-up measurement")
    assert row["att"] is None
    for role in ("outsider", "other_buyer"):
        assert client_for(cast[role]).get(url).status_code == 404
    staff = Client()
    staff.force_login(cast["agency"])
    export = staff.get(f"/programmes/{cast['programme'].pk}/export/impact.csv").content.decode("utf-8-sig")
    assert "Too few to say: 1 participant with a follow-up measurement" in export
