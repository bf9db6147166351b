"""The impact dashboard gains supplier development's figures, under its programme filter."""

import datetime as dt
from decimal import Decimal

import pytest

from development import services
from reporting.selectors import Filters, impact_figures

pytestmark = pytest.mark.django_db


def test_training_jobs_and_certificates_under_the_programme_filter(cast, client):
    programme = cast["programme"]
    session = services.record_session(
        actor=cast["agency"], programme=programme, topic="Lean", held_on=dt.date(2026, 4, 2), hours=Decimal("6.5")
    )
    services.record_attendance(
        actor=cast["agency"], session=session, intervention=cast["intervention"], participants=4, women=3
    )
    for kind, day, value in (
        ("baseline", dt.date(2026, 1, 5), 0),
        ("follow_up", dt.date(2026, 7, 5), 3),
        ("follow_up", dt.date(2026, 11, 5), 5),
    ):
        services.record_outcome(
            actor=cast["agency"],
            programme=programme,
            supplier=cast["profile"],
            kpi="jobs_created",
            unit="count",
            kind=kind,
            measured_on=day,
            value=Decimal(value),
        )
    other = services.create_programme(
        actor=cast["agency"], agency=programme.agency, name="Otro programme", starts_on=dt.date(2026, 1, 1)
    )
    services.record_session(
        actor=cast["agency"], programme=other, topic="Otro", held_on=dt.date(2026, 4, 2), hours=Decimal("10")
    )

    everything = impact_figures(Filters())["development"]
    mine = impact_figures(Filters(programme=programme))["development"]

    assert everything["training_hours"] == Decimal("16.5")
    assert mine == {
        "training_hours": Decimal("6.5"),
        "people_trained": 4,
        "women_trained": 3,
        "jobs_created": Decimal("5"),  # the latest follow-up, not 3 + 5
        "suppliers_certified": 0,
    }
    client.force_login(cast["agency"])
    page = client.get(f"/dashboard/?programme={programme.pk}").content.decode()
    assert 'id="kpi-training-hours"' in page
    assert "6.5" in page
