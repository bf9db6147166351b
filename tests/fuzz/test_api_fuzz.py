"""Property-based fuzzing of the whole API with schemathesis: every operation of the OpenAPI schema, for every
kind of caller, must answer without a server error and as its schema says.

The schema is the one drf-spectacular generates (what /api/schema/ serves); requests go in-process through the
WSGI application to the suite's PostgreSQL database, holding a small world: an SME with a published profile, a
buyer with an open requirement, a viewer of the SME, agency staff, a linkage and an event. Each generated request
is sent once per caller (anonymous, SME, buyer, viewer, agency staff) with its token.

Bounded for CI: a few examples per operation, no shrinking, a fixed seed (derandomize) so a failure reproduces.
Select it with ``-m fuzz``; ``FUZZ_MAX_EXAMPLES`` raises the examples per operation for a longer local run.
"""

import datetime as dt
import os
from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from accounts.models import Membership
from config.wsgi import application
from tests import factories

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db, pytest.mark.timeout(600)]

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "6"))
ROLES = ("anonymous", "sme", "buyer", "viewer", "agency")
# Figures of the run, printed at the end of the module (pytest -s) and checked for coverage of every operation.
FIGURES = {"operations": set(), "requests": Counter(), "statuses": Counter()}


def _openapi_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(_openapi_schema())
schema.app = application
# Examples and fuzzing; the coverage phase enumerates every boundary of every parameter and is run on demand
# (FUZZ_COVERAGE=1) rather than in each CI run.
schema.config.phases.update(
    phases=["examples", "fuzzing", *(["coverage"] if os.environ.get("FUZZ_COVERAGE") == "1" else [])]
)

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


@pytest.fixture(scope="module", autouse=True)
def _report_figures():
    yield
    print(  # the run's figures, read by whoever runs the fuzz test with -s
        f"\nfuzz: {len(FIGURES['operations'])} operations, {sum(FIGURES['requests'].values())} requests"
        f" {dict(FIGURES['requests'])}, statuses {dict(sorted(FIGURES['statuses'].items()))}"
    )


@pytest.fixture
def _in_process_requests(monkeypatch):
    """Requests enter the WSGI handler inside the test's transaction: like Django's test client, don't let the
    request signals close the connection, and take the rate limits off (they are tested on their own)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, _in_process_requests):
    """A small platform with something behind every id the fuzzer may guess (1, 2, ... are real rows)."""
    from events.models import Event
    from linkages import services as linkage_services
    from linkages.models import Linkage

    sme = factories.SmeOwnerFactory()
    organisation = sme.memberships.get().organisation
    viewer = factories.UserFactory()
    factories.MembershipFactory(user=viewer, organisation=organisation, role=Membership.Role.VIEWER)
    profile = factories.SupplierProfileFactory(organisation=organisation, published=True)
    category = factories.CategoryFactory()
    factories.CapabilityFactory(profile=profile, category=category)
    standard = factories.CertificationStandardFactory()
    factories.CertificationFactory(profile=profile, standard=standard)
    buyer = factories.BuyerOwnerFactory()
    requirement = factories.RequirementFactory(buyer=buyer.memberships.get().organisation)
    requirement.categories.set([category])
    factories.RequiredCertificationFactory(requirement=requirement, standard=standard)
    agency = factories.AgencyStaffFactory()
    linkage_services.create_linkage(
        actor=agency, buyer=requirement.buyer, supplier=profile, requirement=requirement, source=Linkage.Source.MANUAL
    )
    today = timezone.localdate()
    Event.objects.create(
        name="Rueda de negocios",
        organiser=agency.memberships.get().organisation,
        venue="Centro de convenciones",
        city="San José",
        starts_on=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=31),
    )
    users = {"sme": sme, "buyer": buyer, "viewer": viewer, "agency": agency}
    headers = {role: {"Authorization": f"Token {Token.objects.create(user=user).key}"} for role, user in users.items()}
    return {"anonymous": {}, **headers}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented_for_every_caller(case, world):
    FIGURES["operations"].add(f"{case.method} {case.path}")
    for role in ROLES:
        response = case.call(headers=world[role])
        FIGURES["requests"][role] += 1
        FIGURES["statuses"][response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=world[role])
