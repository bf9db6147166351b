"""A programme certificate is a certificate like any other: a requirement that prefers it ranks its holder higher."""

import datetime as dt
from decimal import Decimal

import pytest

from development import services
from matching import services as matching_services
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_programme_certificate_lifts_its_holder_for_a_requirement_that_prefers_it(cast):
    category = factories.CategoryFactory(code="42600000", name_en="Machine tools", lineage="/42000000/42600000/")
    twin = factories.SupplierProfileFactory(summary=cast["profile"].summary)
    for profile in (cast["profile"], twin):
        factories.CapabilityFactory(profile=profile, category=category, description="Mecanizado CNC de precisión")
    for kpi, unit, before, after in (
        ("productivity", "units_per_hour", "10", "13"),
        ("defect_rate", "percent", "8", "4"),
    ):
        for kind, day, value in (
            ("baseline", dt.date(2026, 1, 10), before),
            ("follow_up", dt.date(2026, 9, 10), after),
        ):
            services.record_outcome(
                actor=cast["agency"],
                programme=cast["programme"],
                supplier=cast["profile"],
                kpi=kpi,
                unit=unit,
                kind=kind,
                measured_on=day,
                value=Decimal(value),
            )
    certification = services.certify_supplier(actor=cast["agency"], intervention=cast["intervention"])
    requirement = factories.RequirementFactory(title="Piezas mecanizadas", specification="Mecanizado CNC de precisión")
    requirement.categories.set([category])

    def scores():
        run = matching_services.run_now(requirement=requirement)
        return dict(run.matches.filter(supplier__in=[cast["profile"], twin]).values_list("supplier_id", "score"))

    before = scores()
    factories.RequiredCertificationFactory(requirement=requirement, standard=certification.standard, mandatory=False)
    after = scores()

    # Alike until the requirement asks for the certificate; then its holder is ahead.
    assert before[cast["profile"].pk] == pytest.approx(before[twin.pk])
    assert after[cast["profile"].pk] > after[twin.pk]
